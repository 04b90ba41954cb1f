import Landscape

/// SAM with the inner maximisation solved exactly: the gradient of L + ZOF_ρ, which by
/// Danskin's theorem is ∇L at the maximiser of L over the ρ-ball (found by `Oracle.zof`; exact
/// in 1-D and 2-D). It shows how far SAM's one-step ascent is from what it approximates. The
/// search is scalar, so the rule runs lane by lane.
struct SAMExact: ScalarLaneRule {
    let rho: Double

    func direction(at theta: [Double], loss: Double, gradient g: [Double], lane p: Int, oracle: LaneOracle) throws -> DirectionResult {
        let (zof, argmax) = try oracle.oracle.zof(at: theta, rho: rho)
        return DirectionResult(direction: oracle.gradient(at: argmax, lane: p).gradient, zofEstimate: zof, probe: argmax)
    }
}
