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
