import Landscape

/// SAM with the inner maximisation solved exactly: the gradient of L + ZOF_ρ, which by
/// Danskin's theorem is ∇L at the maximiser of L over the ρ-ball (found by `Oracle.zof`; exact
/// in 1-D and 2-D). It shows how far SAM's one-step ascent is from what it approximates.
struct SAMExact: Direction {
    let rho: Double

    mutating func direction(at theta: [Double], loss: Double, gradient g: [Double],
                            oracle: inout CountingOracle) throws -> DirectionResult {
        let (zof, argmax) = try oracle.oracle.zof(at: theta, rho: rho)
        return DirectionResult(direction: oracle.gradient(argmax).gradient, zofEstimate: zof, probe: argmax)
    }
}
