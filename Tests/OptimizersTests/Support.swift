@testable import Landscape
@testable import Optimizers
import Symbolic

// Single-point conveniences for the first-step tests, over the lane code the runs use.

extension Optimizer {
    /// The direction at θ as a run's first step takes it, a block of one lane: L and ∇L (with H∇L
    /// when the rule needs it) through a counting oracle with the run's noise, then the rule.
    func firstDirection(_ h: Hyperparameters, oracle o: Oracle, at theta: [Double]) throws -> (result: DirectionResult, evaluations: Evaluations) {
        let n = o.dimension, w = Lanes.width
        let oracle = LaneOracle(o, noise: h.noise, seed: h.seed)
        let rule = rule(h, dimension: n)
        let t = LaneBuffer(dimension: n), g = LaneBuffer(dimension: n), hg = LaneBuffer(dimension: n), d = LaneBuffer(dimension: n)
        let loss = LaneBuffer(count: w)
        for i in 0..<n { t[i * w] = theta[i] }
        if rule.needsHessianGradient {
            oracle.hessianGradient(t.pointer, count: 1, loss: loss.pointer, gradient: g.pointer, hessianGradient: hg.pointer)
        } else {
            oracle.gradient(t.pointer, count: 1, loss: loss.pointer, gradient: g.pointer)
        }
        let report = LaneReport(dimension: n), active = [true]
        try active.withUnsafeBufferPointer { a in
            try rule.direction(LaneState(theta: t.pointer, loss: loss.pointer, gradient: g.pointer,
                                         hessianGradient: rule.needsHessianGradient ? UnsafePointer(hg.pointer) : nil, active: a.baseAddress!, count: 1),
                               oracle: oracle, into: d.pointer, report: report)
        }
        return (report.result(lane: 0, direction: d.pointer), oracle.evaluations)
    }
}

extension LaneBaseRule {
    /// One update of a single point along `direction`: lane 0 of a block of one.
    mutating func step(_ theta: inout [Double], direction: [Double], lr: Double) {
        let t = LaneBuffer(dimension: dimension), d = LaneBuffer(dimension: dimension)
        for i in 0..<dimension { (t[i * Lanes.width], d[i * Lanes.width]) = (theta[i], direction[i]) }
        let active = [true]
        active.withUnsafeBufferPointer { step(t.pointer, direction: d.pointer, lr: lr, count: 1, active: $0.baseAddress!) }
        theta = (0..<dimension).map { t[$0 * Lanes.width] }
    }
}
