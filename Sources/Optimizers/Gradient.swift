/// The plain gradient: the direction of gd, sgd, momentum, nesterov, adam and adamw, whose base
/// rule does the rest.
struct Gradient: Direction {
    mutating func direction(at theta: [Double], loss: Double, gradient g: [Double],
                            oracle: inout CountingOracle) throws -> DirectionResult {
        DirectionResult(direction: g)
    }
}

/// The plain gradient over lanes.
struct GradientLanes: LaneDirection {
    let dimension: Int
    func direction(theta: UnsafePointer<Double>, gradient: UnsafePointer<Double>, hessianGradient: UnsafePointer<Double>?,
                   count m: Int,
                   oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>) {
        direction.update(from: gradient, count: dimension * Lanes.width)
    }
}
