/// Sharpness-Aware Minimization (Foret et al., ICLR 2021), as davda54/sam implements it:
///
///     e = ρ g / (‖g‖ + 1e-12),   direction = ∇L(θ + e)
///
/// the gradient of L + ZOF with the inner maximisation replaced by one normalised ascent step.
struct SAM: Direction {
    let rho: Double

    mutating func direction(at theta: [Double], loss: Double, gradient g: [Double],
                            oracle: inout CountingOracle) throws -> DirectionResult {
        let probe = add(theta, scale(g, rho / (norm(g) + xi)))
        let (advLoss, advGradient) = oracle.gradient(probe)
        return DirectionResult(direction: advGradient, zofEstimate: advLoss - loss, probe: probe)
    }
}

/// SAM over lanes, operation for operation as `SAM`.
struct SAMLanes: LaneDirection {
    let rho: Double
    let dimension: Int
    private let ascent: LaneBuffer, norms: LaneBuffer, factors: LaneBuffer

    init(rho: Double, dimension: Int) {
        (self.rho, self.dimension) = (rho, dimension)
        ascent = LaneBuffer(dimension: dimension)
        norms = LaneBuffer(count: Lanes.width)
        factors = LaneBuffer(count: Lanes.width)
    }

    func direction(theta: UnsafePointer<Double>, gradient g: UnsafePointer<Double>, hessianGradient: UnsafePointer<Double>?,
                   count m: Int,
                   oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>) {
        LaneMath.norm(g, dimension: dimension, count: m, into: norms.pointer)
        LaneMath.guardedRatio(rho, norms.pointer, count: m, into: factors.pointer)
        LaneMath.addScaled(theta, g, factors.pointer, dimension: dimension, count: m, into: ascent.pointer)
        oracle.gradient(ascent.pointer, count: m, loss: nil, gradient: direction)
    }
}
