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
/// GAM+SAM (the paper's GAM applied on top of SAM) is this type with `samRho` set: `base` becomes
/// SAM's gradient ∇L(θ + ρ_sam g/‖g‖). The base rule turns the direction into a step.
struct GAM: Direction {
    let rho: Double
    let alpha: Double
    /// GAM+SAM: the SAM radius of the base gradient, or nil for plain GAM.
    var samRho: Double? = nil

    mutating func direction(at theta: [Double], loss: Double, gradient g: [Double],
                            oracle: inout CountingOracle) throws -> DirectionResult {
        let f = oracle.hvp(theta, scale(g, 1 / (norm(g) + xi))).hv
        let adv = add(theta, scale(f, rho / (norm(f) + xi)))
        let advGradient = oracle.gradient(adv).gradient
        let hg = oracle.hvp(adv, advGradient).hv
        let advNorm = norm(advGradient)
        let hNorm = scale(hg, rho / (advNorm + xi))
        var base = g
        if let samRho { base = oracle.gradient(add(theta, scale(g, samRho / (norm(g) + xi)))).gradient }
        return DirectionResult(direction: add(base, scale(hNorm, alpha)), fofEstimate: rho * advNorm)
    }
}

/// GAM (and GAM+SAM) over lanes, operation for operation as `GAM`.
struct GAMLanes: LaneDirection {
    let rho: Double, alpha: Double, samRho: Double?
    let dimension: Int
    private let unit: LaneBuffer, f: LaneBuffer, adv: LaneBuffer, advGradient: LaneBuffer, hg: LaneBuffer, base: LaneBuffer
    private let norms: LaneBuffer, factors: LaneBuffer

    init(rho: Double, alpha: Double, samRho: Double? = nil, dimension: Int) {
        (self.rho, self.alpha, self.samRho, self.dimension) = (rho, alpha, samRho, dimension)
        (unit, f, adv) = (LaneBuffer(dimension: dimension), LaneBuffer(dimension: dimension), LaneBuffer(dimension: dimension))
        (advGradient, hg, base) = (LaneBuffer(dimension: dimension), LaneBuffer(dimension: dimension), LaneBuffer(dimension: dimension))
        (norms, factors) = (LaneBuffer(count: Lanes.width), LaneBuffer(count: Lanes.width))
    }

    func direction(theta: UnsafePointer<Double>, gradient g: UnsafePointer<Double>, count m: Int,
                   oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>) {
        let n = dimension, w = Lanes.width
        // f = H(θ) g/(‖g‖ + ξ)
        LaneMath.norm(g, dimension: n, count: m, into: norms.pointer)
        LaneMath.guardedRatio(1, norms.pointer, count: m, into: factors.pointer)
        LaneMath.scaled(g, factors.pointer, dimension: n, count: m, into: unit.pointer)
        oracle.hvp(theta, unit.pointer, count: m, into: f.pointer)
        // θ_adv = θ + ρ f/(‖f‖ + ξ)
        LaneMath.norm(f.pointer, dimension: n, count: m, into: norms.pointer)
        LaneMath.guardedRatio(rho, norms.pointer, count: m, into: factors.pointer)
        LaneMath.addScaled(theta, f.pointer, factors.pointer, dimension: n, count: m, into: adv.pointer)
        // h_norm = ρ H(θ_adv)∇L(θ_adv)/(‖∇L(θ_adv)‖ + ξ)
        oracle.gradient(adv.pointer, count: m, loss: nil, gradient: advGradient.pointer)
        oracle.hvp(adv.pointer, advGradient.pointer, count: m, into: hg.pointer)
        LaneMath.norm(advGradient.pointer, dimension: n, count: m, into: norms.pointer)
        LaneMath.guardedRatio(rho, norms.pointer, count: m, into: factors.pointer)
        LaneMath.scaled(hg.pointer, factors.pointer, dimension: n, count: m, into: hg.pointer)
        var b = g
        if let samRho {
            LaneMath.norm(g, dimension: n, count: m, into: norms.pointer)
            LaneMath.guardedRatio(samRho, norms.pointer, count: m, into: factors.pointer)
            LaneMath.addScaled(theta, g, factors.pointer, dimension: n, count: m, into: adv.pointer)
            oracle.gradient(adv.pointer, count: m, loss: nil, gradient: base.pointer)
            b = UnsafePointer(base.pointer)
        }
        // direction = base + α h_norm
        let h = hg.pointer
        for i in 0..<n { for p in 0..<m { direction[i * w + p] = b[i * w + p] + h[i * w + p] * alpha } }
    }
}
