import Symbolic

/// Adaptive SAM (Kwon et al., ICML 2021) with the normalisation operator T = |θ| + η:
///
///     e = ρ T² g / ‖T g‖,   direction = ∇L(θ + e)
///
/// η = 0 is davda54/sam's `adaptive=True`; the norm is guarded by + 1e-12 as SAM's.
struct ASAM: LaneDirection {
    let rho: Double
    let eta: Double
    let dimension: Int
    private let scaled: LaneBuffer, ascent: LaneBuffer, norms: LaneBuffer, ascentLoss: LaneBuffer

    init(rho: Double, eta: Double, dimension: Int) {
        (self.rho, self.eta, self.dimension) = (rho, eta, dimension)
        (scaled, ascent) = (LaneBuffer(dimension: dimension), LaneBuffer(dimension: dimension))
        (norms, ascentLoss) = (LaneBuffer(count: Lanes.width), LaneBuffer(count: Lanes.width))
    }

    func direction(_ s: LaneState, oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>, report: LaneReport?) {
        let m = s.count, w = Lanes.width
        // T g, then ‖T g‖.
        for i in 0..<dimension {
            let t = s.theta + i * w, g = s.gradient + i * w, out = scaled.pointer + i * w
            for p in 0..<m { out[p] = (abs(t[p]) + eta) * g[p] }
        }
        LaneMath.norm(scaled.pointer, dimension: dimension, count: m, into: norms.pointer)
        // θ + e, e_i = T_i² g_i ρ / (‖T g‖ + ξ).
        for i in 0..<dimension {
            let t = s.theta + i * w, g = s.gradient + i * w, out = ascent.pointer + i * w
            for p in 0..<m {
                let ti = abs(t[p]) + eta
                out[p] = t[p] + ti * ti * g[p] * rho / (norms[p] + xi)
            }
        }
        oracle.gradient(ascent.pointer, count: m, loss: report == nil ? nil : ascentLoss.pointer, gradient: direction)
        guard let report else { return }
        LaneMath.copy(ascent.pointer, dimension: dimension, count: m, into: report.probe.pointer)
        for p in 0..<m { report.zofEstimate[p] = ascentLoss[p] - s.loss[p] }
        (report.hasProbe, report.hasZofEstimate) = (true, true)
    }
}
