/// GAM+SAM (Zhang et al., CVPR 2023, Sec. 4.3): GAM's first-order flatness term added to SAM's
/// gradient ∇L(θ + ρ_sam g/‖g‖) instead of to g. The step is `GAM`'s with `samRho` set.
func gamSam(_ h: Hyperparameters) -> any Direction {
    GAM(rho: h.rho, alpha: h.alpha, samRho: h.samRho)
}
