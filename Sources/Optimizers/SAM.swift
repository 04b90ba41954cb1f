import Symbolic

/// Sharpness-Aware Minimization (Foret et al., ICLR 2021), as davda54/sam implements it:
///
///     e = ρ g / (‖g‖ + 1e-12),   direction = ∇L(θ + e)
///
/// the gradient of L + ZOF with the inner maximisation replaced by one normalised ascent step.
/// Its estimate of ZOF is L(θ + e) − L(θ).
struct SAM: LaneDirection {
    let rho: Double
    let dimension: Int
    private let ascent: LaneBuffer, norms: LaneBuffer, factors: LaneBuffer, ascentLoss: LaneBuffer

    init(rho: Double, dimension: Int) {
        (self.rho, self.dimension) = (rho, dimension)
        ascent = LaneBuffer(dimension: dimension)
        (norms, factors, ascentLoss) = (LaneBuffer(count: Lanes.width), LaneBuffer(count: Lanes.width), LaneBuffer(count: Lanes.width))
    }

    func direction(_ s: LaneState, oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>, report: LaneReport?) {
        let m = s.count
        LaneMath.stepAlong(s.theta, s.gradient, rho, dimension: dimension, count: m, norms: norms.pointer, factors: factors.pointer, into: ascent.pointer)
        oracle.gradient(ascent.pointer, count: m, loss: report == nil ? nil : ascentLoss.pointer, gradient: direction)
        guard let report else { return }
        LaneMath.copy(ascent.pointer, dimension: dimension, count: m, into: report.probe.pointer)
        for p in 0..<m { report.zofEstimate[p] = ascentLoss[p] - s.loss[p] }
        (report.hasProbe, report.hasZofEstimate) = (true, true)
    }
}
