import Foundation
import Landscape
import Optimizers

/// How one start's run ended, without its trajectory: what a basin map needs to judge it.
public struct RunEnding: Sendable {
    public let status: RunStatus
    /// Updates made: the step it converged or diverged at, or all of them.
    public let updates: Int
    /// The last point (for a diverged run, the last finite one inside the limits).
    public let theta: [Double]
    /// θ at step `steps − window`, where `RunRecord.stalled` measures how far the run still moved.
    public let windowStart: [Double]?
    /// θ one and two updates before the end of a run of all its steps, where
    /// `RunRecord.cycling` sees a run go back and forth; nil otherwise.
    public var previous: [Double]?, twoBack: [Double]?
}

extension RunConfiguration {
    /// The step whose θ `RunRecord.stalled` compares with the end, for a run of all its steps;
    /// nil when the run is too short to judge.
    var stallWindowStart: Int? { RunRecord.stallWindowStart(points: hyper.steps + 1) }

    /// This run's ending, through the same loop as `run()`.
    public func ending() throws -> RunEnding {
        var last = start, lastStep = 0, window: [Double]?
        var previous: [Double]?, twoBack: [Double]?
        let windowStep = stallWindowStart
        let (status, divergence, _) = try iterate(visit: { step, theta, _, _ in
            if step == hyper.steps - 1 { previous = theta }
            if step == hyper.steps - 2 { twoBack = theta }
            (last, lastStep) = (theta, step)
            if step == windowStep { window = theta }
        })
        var e = RunEnding(status: status, updates: divergence?.step ?? lastStep, theta: last, windowStart: window)
        if status == .maxSteps { (e.previous, e.twoBack) = (previous, twoBack) }
        return e
    }
}

/// Runs of one optimizer with one set of hyperparameters from up to `Lanes.width` starts
/// together, each lane computing the bits `RunConfiguration.iterate` computes from its start.
public struct LaneRuns {
    public let problem: Problem
    public let optimizer: Optimizer
    public let hyper: Hyperparameters

    public init(problem: Problem, optimizer: Optimizer, hyper: Hyperparameters) {
        (self.problem, self.optimizer, self.hyper) = (problem, optimizer, hyper)
    }

    /// The ending of the run from each start (at most `Lanes.width`). Optimizers without a lane
    /// form run one by one.
    public func endings(_ starts: [[Double]]) throws -> [RunEnding] {
        guard let rule = optimizer.laneDirection(hyper, dimension: problem.dimension) else {
            return try starts.map { try RunConfiguration(problem: problem, optimizer: optimizer, hyper: hyper, start: $0).ending() }
        }
        return lanes(starts, rule)
    }

    private func lanes(_ starts: [[Double]], _ rule: any LaneDirection) -> [RunEnding] {
        let n = problem.dimension, w = Lanes.width, m = starts.count
        precondition(m <= w)
        let oracle = LaneOracle(problem.oracle)
        let theta = LaneBuffer(dimension: n), previous = LaneBuffer(dimension: n), window = LaneBuffer(dimension: n)
        let twoBack = LaneBuffer(dimension: n)
        let g = LaneBuffer(dimension: n), d = LaneBuffer(dimension: n), loss = LaneBuffer(count: w)
        let hg: LaneBuffer? = rule.needsHessianGradient ? LaneBuffer(dimension: n) : nil
        // L and ∇L at θ, with H∇L in the same pass when the rule needs it.
        func evaluate() {
            if let hg {
                oracle.hessianGradient(theta.pointer, count: m, loss: loss.pointer, gradient: g.pointer, hessianGradient: hg.pointer)
            } else {
                oracle.gradient(theta.pointer, count: m, loss: loss.pointer, gradient: g.pointer)
            }
        }
        for (p, s) in starts.enumerated() { for i in 0..<n { theta[i * w + p] = s[i] } }
        var base = LaneBaseRule(BaseRule(kind: optimizer.impliedBase ?? hyper.base, momentum: hyper.momentum,
                                         dampening: hyper.dampening, weightDecay: hyper.weightDecay), dimension: n)
        var active = [Bool](repeating: true, count: m)
        var status = [RunStatus](repeating: .maxSteps, count: m)
        var updates = [Int](repeating: hyper.steps, count: m)
        let wd = hyper.weightDecay
        let windowStep = RunRecord.stallWindowStart(points: hyper.steps + 1)
        // ‖∇L + wd·θ‖ of every lane, summed in `iterate`'s order, into `stationarity`; the
        // loops run over lanes through row pointers so they vectorise.
        let stationarity = LaneBuffer(count: w), bad = LaneBuffer(count: w)
        let (tp, gp, sp) = (theta.pointer, g.pointer, stationarity.pointer)
        func measureStationarity() {
            for p in 0..<m { sp[p] = 0 }
            for i in 0..<n {
                let gi = gp + i * w, ti = tp + i * w
                for p in 0..<m { sp[p] = sp[p] + (gi[p] + wd * ti[p]) * (gi[p] + wd * ti[p]) }
            }
            for p in 0..<m { sp[p] = sp[p].squareRoot() }
        }
        evaluate()
        if windowStep == 0 { window.pointer.update(from: theta.pointer, count: n * w) }
        let domain = problem.domain
        for k in 0..<hyper.steps {
            measureStationarity()
            var anyActive = false
            for p in 0..<m where active[p] {
                if sp[p] < convergenceTolerance { (active[p], status[p], updates[p]) = (false, .converged, k) } else { anyActive = true }
            }
            if !anyActive { break }
            let lr = hyper.schedule.rate(hyper.lr, step: k, of: hyper.steps)
            rule.direction(theta: theta.pointer, gradient: g.pointer, hessianGradient: hg.map { UnsafePointer($0.pointer) },
                           count: m, oracle: oracle, into: d.pointer)
            previous.pointer.update(from: theta.pointer, count: n * w)
            if k == hyper.steps - 2 { twoBack.pointer.update(from: theta.pointer, count: n * w) }
            active.withUnsafeBufferPointer { base.step(theta.pointer, direction: d.pointer, lr: lr, count: m, active: $0.baseAddress!) }
            evaluate()
            // `divergenceReason`: a coordinate or the loss not finite, or ten domain widths out;
            // flagged lane by lane (bad[p] > 0), then handled for the few lanes flagged.
            let bp = bad.pointer, lp = loss.pointer
            for p in 0..<m { bp[p] = lp[p].isFinite ? 0 : 1 }
            for i in 0..<n {
                let ti = tp + i * w, range = domain[i], width = range.upperBound - range.lowerBound
                let low = range.lowerBound - 10 * width, high = range.upperBound + 10 * width
                for p in 0..<m { bp[p] += (ti[p].isFinite && ti[p] >= low && ti[p] <= high) ? 0 : 1 }
            }
            for p in 0..<m where bp[p] > 0 && active[p] {
                (active[p], status[p], updates[p]) = (false, .diverged, k + 1)
                for i in 0..<n { theta[i * w + p] = previous[i * w + p] }
            }
            if k + 1 == windowStep { window.pointer.update(from: theta.pointer, count: n * w) }
        }
        measureStationarity()
        for p in 0..<m where active[p] && sp[p] < convergenceTolerance { status[p] = .converged }
        return (0..<m).map { p in
            var e = RunEnding(status: status[p], updates: updates[p], theta: (0..<n).map { theta[$0 * w + p] },
                              windowStart: windowStep.map { _ in (0..<n).map { window[$0 * w + p] } })
            if status[p] == .maxSteps && hyper.steps >= 2 {
                (e.previous, e.twoBack) = ((0..<n).map { previous[$0 * w + p] }, (0..<n).map { twoBack[$0 * w + p] })
            }
            return e
        }
    }
}
