import Symbolic

/// Gradient norm Aware Minimization (Zhang et al., "Gradient Norm Aware Minimization Seeks
/// First-Order Flatness and Improves Generalization", CVPR 2023), Algorithm 1, with exact
/// Hessian-vector products. It minimises L + α·FOF_ρ, with the first-order flatness
/// FOF_ρ(θ) = ρ max_{θ' ∈ B(θ,ρ)} ‖∇L(θ')‖, whose gradient it approximates with one normalised
/// ascent step on ‖∇L‖ (the paper's Algorithm 1, step by step):
///
///     g      = ∇L(θ)
///     f      = H(θ) g / (‖g‖ + ξ)                 ∇‖∇L‖, a Hessian-vector product
///     θ_adv  = θ + ρ f / (‖f‖ + ξ)                 ascent on the gradient norm
///     h_norm = ρ H(θ_adv) ∇L(θ_adv) / (‖∇L(θ_adv)‖ + ξ)
///     direction = base + α h_norm                  base = g
///
/// Both products are along a gradient, so each is one pass of the oracle's H∇L tape (L, ∇L and
/// H∇L together); f is that product divided by ‖g‖ + ξ.
///
/// GAM+SAM (the paper's GAM applied on top of SAM) is this type with `samRho` set: `base` becomes
/// SAM's gradient ∇L(θ + ρ_sam g/‖g‖). The base rule turns the direction into a step.
/// (With gradient noise the first product is taken along the noisy gradient.) GAM's estimate of
/// FOF is ρ‖∇L(θ_adv)‖; its correction α h_norm.
struct GAM: LaneDirection {
    let rho: Double, alpha: Double, samRho: Double?
    let dimension: Int
    private let f: LaneBuffer, adv: LaneBuffer, advGradient: LaneBuffer, hg: LaneBuffer, base: LaneBuffer
    private let gNorms: LaneBuffer, norms: LaneBuffer, factors: LaneBuffer

    init(rho: Double, alpha: Double, samRho: Double? = nil, dimension: Int) {
        (self.rho, self.alpha, self.samRho, self.dimension) = (rho, alpha, samRho, dimension)
        (f, adv, advGradient) = (LaneBuffer(dimension: dimension), LaneBuffer(dimension: dimension), LaneBuffer(dimension: dimension))
        (hg, base) = (LaneBuffer(dimension: dimension), LaneBuffer(dimension: dimension))
        (gNorms, norms, factors) = (LaneBuffer(count: Lanes.width), LaneBuffer(count: Lanes.width), LaneBuffer(count: Lanes.width))
    }

    var needsHessianGradient: Bool { true }

    func direction(_ s: LaneState, oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>, report: LaneReport?) {
        let n = dimension, w = Lanes.width, m = s.count, theta = s.theta, g = s.gradient
        // f = H(θ)g/(‖g‖ + ξ); ‖g‖ is kept for SAM's ascent (gam-sam).
        LaneMath.norm(g, dimension: n, count: m, into: gNorms.pointer)
        LaneMath.guardedRatio(1, gNorms.pointer, count: m, into: factors.pointer)
        LaneMath.scaled(s.hessianGradient!, factors.pointer, dimension: n, count: m, into: f.pointer)
        // θ_adv = θ + ρ f/(‖f‖ + ξ)
        LaneMath.stepAlong(theta, f.pointer, rho, dimension: n, count: m, norms: norms.pointer, factors: factors.pointer, into: adv.pointer)
        // h_norm = ρ H(θ_adv)∇L(θ_adv)/(‖∇L(θ_adv)‖ + ξ)
        oracle.hessianGradient(adv.pointer, count: m, loss: nil, gradient: advGradient.pointer, hessianGradient: hg.pointer)
        LaneMath.norm(advGradient.pointer, dimension: n, count: m, into: norms.pointer)
        if let report {
            LaneMath.copy(adv.pointer, dimension: n, count: m, into: report.probe.pointer)
            for p in 0..<m { report.fofEstimate[p] = rho * norms[p] }
            (report.hasProbe, report.hasFofEstimate) = (true, true)
        }
        LaneMath.guardedRatio(rho, norms.pointer, count: m, into: factors.pointer)
        LaneMath.scaled(hg.pointer, factors.pointer, dimension: n, count: m, into: hg.pointer)
        var b = g
        if let samRho {
            // θ + ρ_sam g/(‖g‖ + ξ), as LaneMath.stepAlong with the norm already taken.
            LaneMath.guardedRatio(samRho, gNorms.pointer, count: m, into: factors.pointer)
            LaneMath.addScaled(theta, g, factors.pointer, dimension: n, count: m, into: adv.pointer)
            oracle.gradient(adv.pointer, count: m, loss: nil, gradient: base.pointer)
            b = UnsafePointer(base.pointer)
        }
        // direction = base + α h_norm
        LaneMath.addTimes(b, hg.pointer, alpha, dimension: n, count: m, into: direction)
        if let report {
            for i in 0..<n {
                let hi = hg.pointer + i * w, ci = report.correction.pointer + i * w
                for p in 0..<m { ci[p] = hi[p] * alpha }
            }
            report.hasCorrection = true
        }
    }
}
