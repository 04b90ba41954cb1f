/// The accelerated GAM of the authors' public code (xxgege/GAM, `gam.py`), without
/// Hessian-vector products. With r = grad_rho, s = grad_norm_rho and ĝ = g/(‖g‖ + 1e-12):
///
///     g1 = ∇L(θ + r ĝ0);  d = g1 − g0 (≈ r H ĝ0);  θ2 = θ + s d/‖d‖;  g2 = ∇L(θ2)
///     g3 = ∇L(θ2 + r ĝ2);  p = g0 + |β2| g2;  n = β1 g1 + β3 g3
///     direction = n − γ (p − cos(p, n) ‖p‖ n/‖n‖)
///
/// every normalisation guarded by + 1e-12 as there.
struct GAMFast: Direction {
    let rho: Double
    let gradRho: Double, gradNormRho: Double
    let beta1: Double, beta2: Double, beta3: Double
    let gamma: Double

    init(_ h: Hyperparameters) {
        (rho, gradRho, gradNormRho, gamma) = (h.rho, h.gradRho, h.gradNormRho, h.gamma)
        (beta1, beta2, beta3) = (h.beta1, h.effectiveBeta2, h.effectiveBeta3)
    }

    mutating func direction(at theta: [Double], loss: Double, gradient g0: [Double],
                            oracle: inout CountingOracle) throws -> DirectionResult {
        let (r, s) = (gradRho, gradNormRho)
        let g1 = oracle.gradient(add(theta, scale(g0, r / (norm(g0) + xi)))).gradient
        let d = zip(g1, g0).map { $0 - $1 }
        let theta2 = add(theta, scale(d, s / (norm(d) + xi)))
        let g2 = oracle.gradient(theta2).gradient
        let g3 = oracle.gradient(add(theta2, scale(g2, r / (norm(g2) + xi)))).gradient
        let p = add(g0, scale(g2, abs(beta2)))
        let n = add(scale(g1, beta1), scale(g3, beta3))
        let (pn, nn) = (norm(p), norm(n))
        let cosine = dot(p, n) / (nn * pn + xi)
        let vertical = zip(p, n).map { $0 - cosine * pn * $1 / (nn + xi) }
        // gam-fast's own view of the steepest slope near θ, scaled to the FOF radius ρ so that
        // it is read against the exact FOF_ρ (its ascent itself moves only grad_norm_rho).
        return DirectionResult(direction: zip(n, vertical).map { $0 - gamma * $1 }, fofEstimate: rho * norm(g2), probe: theta2)
    }
}
