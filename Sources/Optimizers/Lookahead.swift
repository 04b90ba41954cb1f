import Symbolic

/// Lookahead (Zhang, Lucas, Hinton and Ba, NeurIPS 2019), as torch-optimizer's `Lookahead`
/// wraps an inner optimizer: the base rule takes k fast steps along the gradient, then the slow
/// weights φ move a fraction α towards the fast ones and the fast weights restart from them:
///
///     θ ← θ − base step(∇L(θ))                     every step (the fast weights)
///     φ ← φ + α (θ − φ),  θ ← φ                    after every k-th step (φ₀ = θ₀)
///
/// The base rule's state (momentum, Adam's moments) carries on across the synchronisation, as
/// torch-optimizer's default (`pullback_momentum="none"`) keeps it.
final class Lookahead: LaneDirection {
    let k: Int
    let alpha: Double
    let dimension: Int
    private let slow: LaneBuffer
    private var taken = 0

    init(k: Int, alpha: Double, dimension: Int) {
        (self.k, self.alpha, self.dimension) = (k, alpha, dimension)
        slow = LaneBuffer(dimension: dimension)
    }

    func direction(_ s: LaneState, oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>, report: LaneReport?) {
        if taken == 0 { LaneMath.copy(s.theta, dimension: dimension, count: s.count, into: slow.pointer) }
        LaneMath.copy(s.gradient, dimension: dimension, count: s.count, into: direction)
    }

    func afterStep(theta: UnsafeMutablePointer<Double>, active: UnsafePointer<Bool>, count m: Int) -> Bool {
        taken += 1
        guard taken % k == 0 else { return false }
        for i in 0..<dimension {
            let t = theta + i * Lanes.width, f = slow.pointer + i * Lanes.width
            for p in 0..<m where active[p] {
                f[p] = f[p] + alpha * (t[p] - f[p])
                t[p] = f[p]
            }
        }
        return true
    }
}
