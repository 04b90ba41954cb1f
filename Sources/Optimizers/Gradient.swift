/// The plain gradient: the direction of gd, sgd, momentum, nesterov, adam and adamw, whose base
/// rule does the rest.
struct Gradient: LaneDirection {
    let dimension: Int
    func direction(_ s: LaneState, oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>, report: LaneReport?) {
        LaneMath.copy(s.gradient, dimension: dimension, count: s.count, into: direction)
    }
}
