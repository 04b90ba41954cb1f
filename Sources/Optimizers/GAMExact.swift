import Landscape

/// GAM with the inner maximisation solved exactly: the gradient of L + α·FOF_ρ. By Danskin's
/// theorem ∇FOF_ρ = ρ H∇L/‖∇L‖ at the maximiser of ‖∇L‖ over the ρ-ball (`Oracle.fof`; exact in
/// 1-D and 2-D), so direction = g + α ρ H(u*)∇L(u*)/‖∇L(u*)‖. The search is scalar, so the rule
/// runs lane by lane.
struct GAMExact: ScalarLaneRule {
    let rho: Double
    let alpha: Double

    func direction(at theta: [Double], loss: Double, gradient g: [Double], lane p: Int, oracle: LaneOracle) throws -> DirectionResult {
        let (fof, argmax) = try oracle.oracle.fof(at: theta, rho: rho)
        let advGradient = oracle.gradient(at: argmax, lane: p).gradient
        let hg = oracle.hvp(at: argmax, advGradient)
        let correction = scale(hg, alpha * rho / (norm(advGradient) + xi))
        return DirectionResult(direction: add(g, correction), fofEstimate: fof, probe: argmax, correction: correction)
    }
}
