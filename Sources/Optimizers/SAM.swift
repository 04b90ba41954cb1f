/// Sharpness-Aware Minimization (Foret et al., ICLR 2021), as davda54/sam implements it:
///
///     e = ρ g / (‖g‖ + 1e-12),   direction = ∇L(θ + e)
///
/// the gradient of L + ZOF with the inner maximisation replaced by one normalised ascent step.
struct SAM: Direction {
    let rho: Double

    mutating func direction(at theta: [Double], loss: Double, gradient g: [Double],
                            oracle: inout CountingOracle) throws -> DirectionResult {
        let (advLoss, advGradient) = oracle.gradient(add(theta, scale(g, rho / (norm(g) + xi))))
        return DirectionResult(direction: advGradient, zofEstimate: advLoss - loss)
    }
}
