/// GAM+SAM (Zhang et al., CVPR 2023): GAM's first-order flatness term added to SAM's gradient
/// ∇L(θ + ρ_sam g/‖g‖) instead of to g. Its step is `GAM`'s with the SAM base gradient.
struct GAMSAM: Direction {
    var gam: GAM

    init(_ h: Hyperparameters) { gam = GAM(rho: h.rho, alpha: h.alpha, samRho: h.samRho) }

    mutating func direction(at theta: [Double], loss: Double, gradient g: [Double],
                            oracle: inout CountingOracle) throws -> DirectionResult {
        try gam.direction(at: theta, loss: loss, gradient: g, oracle: &oracle)
    }
}
