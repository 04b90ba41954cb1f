/// Adaptive SAM (Kwon et al., ICML 2021) with the normalisation operator T = |θ| + η:
///
///     e = ρ T² g / ‖T g‖,   direction = ∇L(θ + e)
///
/// η = 0 is davda54/sam's `adaptive=True`.
struct ASAM: Direction {
    let rho: Double
    let eta: Double

    mutating func direction(at theta: [Double], loss: Double, gradient g: [Double],
                            oracle: inout CountingOracle) throws -> DirectionResult {
        let t = theta.map { abs($0) + eta }
        let tg = zip(t, g).map { $0 * $1 }
        let e = zip(t, g).map { $0 * $0 * $1 * rho / (norm(tg) + xi) }
        let probe = add(theta, e)
        let (advLoss, advGradient) = oracle.gradient(probe)
        return DirectionResult(direction: advGradient, zofEstimate: advLoss - loss, probe: probe)
    }
}
