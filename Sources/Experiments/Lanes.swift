import Foundation
import Landscape
import Optimizers
import Symbolic

/// How one start's run ended, without its trajectory: what a basin map needs to judge it.
public struct RunEnding: Sendable {
    public let status: RunStatus
    /// Updates made: the step it converged or diverged at, or all of them.
    public let updates: Int
    /// The last point (for a diverged run, the last finite one inside the limits).
    public let theta: [Double]
    /// θ at step `steps − window`, where `BasinRule.stalled` measures how far the run still moved.
    public let windowStart: [Double]?
    /// θ one and two updates before the end of a run of all its steps, where
    /// `BasinRule.cycling` sees a run go back and forth; nil otherwise.
    public var previous: [Double]?, twoBack: [Double]?

    /// The ending as the basin rule judges it.
    public var pathEnd: PathEnd {
        PathEnd(ranAllSteps: status == .maxSteps, end: theta, windowStart: windowStart, previous: previous, twoBack: twoBack)
    }
}

extension RunConfiguration {
    /// This run's ending: the run as a block of one lane.
    public func ending() throws -> RunEnding {
        try LaneRuns(problem: problem, optimizer: optimizer, hyper: hyper).endings([start])[0]
    }
}

/// What a single run watches as it steps (its lane 0): `visit(step, θ, L, ∇L)` at the start and
/// after every update (L and ∇L without the run's noise), `estimates` with each step's direction
/// and what the rule saw.
struct RunWatch {
    let visit: (Int, [Double], Double, [Double]) throws -> Void
    let estimates: (DirectionResult) -> Void
}

/// Runs of one optimizer with one set of hyperparameters from up to `Lanes.width` starts
/// stepped together: the one loop every run goes through. A single run is a block of one, so a
/// lane computes the bits `lab run` computes from its start.
public struct LaneRuns {
    public let problem: Problem
    public let optimizer: Optimizer
    public let hyper: Hyperparameters

    public init(problem: Problem, optimizer: Optimizer, hyper: Hyperparameters) {
        (self.problem, self.optimizer, self.hyper) = (problem, optimizer, hyper)
    }

    /// The ending of the run from each start (at most `Lanes.width`).
    public func endings(_ starts: [[Double]]) throws -> [RunEnding] {
        try run(starts).endings
    }

    /// Steps the runs from `starts` (at most `hyper.steps`, or `stepLimit`), each until it
    /// converges (the gradient of what the base rule minimises below `convergenceTolerance`,
    /// without noise) or diverges (`RunConfiguration.divergenceReason`: the lane goes back to
    /// its last good point). Returns each run's ending and divergence, and the passes made (one
    /// per call whatever the lane count: a run's counts for a block of one).
    func run(_ starts: [[Double]], stepLimit: Int? = nil, watch: RunWatch? = nil) throws
        -> (endings: [RunEnding], divergences: [(step: Int, reason: String)?], evaluations: Evaluations)
    {
        let n = problem.dimension, w = Lanes.width, m = starts.count
        precondition(m <= w && (watch == nil || m == 1))
        let rule = optimizer.rule(hyper, dimension: n)
        let oracle = LaneOracle(problem.oracle, noise: hyper.noise, seed: hyper.seed)
        let report = watch.map { _ in LaneReport(dimension: n) }
        let theta = LaneBuffer(dimension: n), previous = LaneBuffer(dimension: n), window = LaneBuffer(dimension: n)
        let twoBack = LaneBuffer(dimension: n)
        let g = LaneBuffer(dimension: n), d = LaneBuffer(dimension: n), loss = LaneBuffer(count: w)
        let hg: LaneBuffer? = rule.needsHessianGradient ? LaneBuffer(dimension: n) : nil
        // A watched run with noise keeps ∇L before the noise too: the watch sees the landscape's.
        let clean: LaneBuffer? = watch != nil && hyper.noise > 0 ? LaneBuffer(dimension: n) : nil
        // L and ∇L at θ, with H∇L in the same pass when the rule needs it; counted when a step uses them.
        func evaluate() {
            if let hg {
                oracle.hessianGradient(theta.pointer, count: m, loss: loss.pointer, gradient: g.pointer, hessianGradient: hg.pointer,
                                       clean: clean?.pointer, counted: false)
            } else {
                oracle.gradient(theta.pointer, count: m, loss: loss.pointer, gradient: g.pointer, clean: clean?.pointer, counted: false)
            }
        }
        func lane(_ v: LaneBuffer, _ p: Int) -> [Double] { (0..<n).map { v[$0 * w + p] } }
        // The watch sees L and ∇L without noise, from the pass just made (L carries no noise).
        func visit(_ step: Int) throws {
            guard let watch else { return }
            try watch.visit(step, lane(theta, 0), loss[0], lane(clean ?? g, 0))
        }
        for (p, s) in starts.enumerated() { for i in 0..<n { theta[i * w + p] = s[i] } }
        var base = LaneBaseRule(BaseRule(kind: optimizer.impliedBase ?? hyper.base, momentum: hyper.momentum,
                                         dampening: hyper.dampening, weightDecay: hyper.weightDecay), dimension: n)
        var active = [Bool](repeating: true, count: m)
        var status = [RunStatus](repeating: .maxSteps, count: m)
        let steps = min(hyper.steps, stepLimit ?? hyper.steps)
        var updates = [Int](repeating: steps, count: m)
        var divergences = [(step: Int, reason: String)?](repeating: nil, count: m)
        let wd = hyper.weightDecay
        // With gradient noise a run never counts as converged: its gradient never vanishes.
        let canConverge = hyper.noise == 0
        let windowStep = BasinRule.stallWindowStart(points: hyper.steps + 1)
        // ‖∇L + wd·θ‖² of every lane, summed in component order, into `stationarity`; the
        // loops run over lanes through row pointers so they vectorise.
        // Compared squared with the tolerance squared: the test without a square root a lane (it
        // differs from comparing the rounded norm only within an ulp of the tolerance).
        let stationarity = LaneBuffer(count: w), bad = LaneBuffer(count: w)
        let (tp, gp, sp) = (theta.pointer, g.pointer, stationarity.pointer)
        let tolerance = convergenceTolerance * convergenceTolerance
        func measureStationarity() {
            // Without weight decay ∇L alone: a lane's θ is finite, so wd·θ would add a zero.
            if wd == 0 { return LaneMath.dot(gp, gp, dimension: n, count: m, into: sp) }
            for p in 0..<m { sp[p] = 0 }
            for i in 0..<n {
                let gi = gp + i * w, ti = tp + i * w
                for p in 0..<m { sp[p] = sp[p] + (gi[p] + wd * ti[p]) * (gi[p] + wd * ti[p]) }
            }
        }
        evaluate()
        try visit(0)
        if windowStep == 0 { LaneMath.copy(theta.pointer, dimension: n, count: m, into: window.pointer) }
        // Ten domain widths out on either side (`divergenceReason`'s limits).
        let low = problem.domain.map { $0.lowerBound - 10 * ($0.upperBound - $0.lowerBound) }
        let high = problem.domain.map { $0.upperBound + 10 * ($0.upperBound - $0.lowerBound) }
        // Lanes still stepping; each step first counts the lanes that converge, in a loop that
        // vectorises, and visits them one by one only when there are some.
        var activeCount = m
        for k in 0..<steps {
            measureStationarity()
            if canConverge {
                if LaneMath.countBelow(sp, tolerance, count: m) > 0 {
                    for p in 0..<m where active[p] && sp[p] < tolerance {
                        (active[p], status[p], updates[p]) = (false, .converged, k)
                        activeCount -= 1
                    }
                }
            }
            if activeCount == 0 { break }
            let lr = hyper.schedule.rate(hyper.lr, step: k, of: hyper.steps)
            oracle.count(hessianGradient: hg != nil)
            try active.withUnsafeBufferPointer { a in
                try rule.direction(LaneState(theta: theta.pointer, loss: loss.pointer, gradient: g.pointer, hessianGradient: hg.map { UnsafePointer($0.pointer) },
                                             active: a.baseAddress!, count: m),
                                   oracle: oracle, into: d.pointer, report: report)
            }
            // The direction before the base rule, which may overwrite it, is what the watch sees.
            let result = report?.result(lane: 0, direction: d.pointer)
            LaneMath.copy(theta.pointer, dimension: n, count: m, into: previous.pointer)
            if k == steps - 2 { LaneMath.copy(theta.pointer, dimension: n, count: m, into: twoBack.pointer) }
            let moved = active.withUnsafeBufferPointer {
                base.step(theta.pointer, direction: d.pointer, lr: lr, count: m, active: $0.baseAddress!)
                return rule.afterStep(theta: theta.pointer, active: $0.baseAddress!, count: m)
            }
            if let watch, var r = result {
                r.movedAfterStep = moved
                watch.estimates(r)
            }
            evaluate()
            // `divergenceReason`: a coordinate or the loss not finite, or ten domain widths out;
            // flagged lane by lane (bad[p] > 0, where a NaN fails every comparison), then
            // handled for the few lanes flagged.
            let bp = bad.pointer
            if LaneMath.flagBad(loss: loss.pointer, theta: tp, low: low, high: high, dimension: n, count: m, into: bp) > 0 {
                for p in 0..<m where bp[p] > 0 && active[p] {
                    let reason = RunConfiguration.divergenceReason(lane(theta, p), problem: problem) ?? "the update was not finite"
                    (active[p], status[p], updates[p], divergences[p]) = (false, .diverged, k + 1, (k + 1, reason))
                    activeCount -= 1
                    for i in 0..<n { theta[i * w + p] = previous[i * w + p] }
                }
            }
            if status[0] != .diverged { try visit(k + 1) }
            if k + 1 == windowStep { LaneMath.copy(theta.pointer, dimension: n, count: m, into: window.pointer) }
        }
        measureStationarity()
        for p in 0..<m where active[p] && canConverge && sp[p] < tolerance { status[p] = .converged }
        let endings = (0..<m).map { p in
            var e = RunEnding(status: status[p], updates: updates[p], theta: lane(theta, p),
                              windowStart: windowStep.map { _ in lane(window, p) })
            if status[p] == .maxSteps && steps >= 2 { (e.previous, e.twoBack) = (lane(previous, p), lane(twoBack, p)) }
            return e
        }
        return (endings, divergences, oracle.evaluations)
    }
}
