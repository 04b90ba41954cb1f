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
}

extension RunConfiguration {
    /// The step whose θ `RunRecord.stalled` compares with the end, for a run of all its steps;
    /// nil when the run is too short to judge.
    var stallWindowStart: Int? {
        let count = hyper.steps + 1
        guard count > 10 else { return nil }
        return count - 1 - max(10, count / 10)
    }

    /// This run's ending, through the same loop as `run()`.
    public func ending() throws -> RunEnding {
        var last = start, lastStep = 0, window: [Double]?
        let windowStep = stallWindowStart
        let (status, divergence, _) = try iterate(visit: { step, theta, _, _ in
            (last, lastStep) = (theta, step)
            if step == windowStep { window = theta }
        })
        return RunEnding(status: status, updates: divergence?.step ?? lastStep, theta: last, windowStart: window)
    }
}

/// Runs of one optimizer with one set of hyperparameters from up to `Lanes.width` starts
/// together, each lane computing the bits `RunConfiguration.iterate` computes from its start.
struct LaneRuns {
    let problem: Problem
    let optimizer: Optimizer
    let hyper: Hyperparameters

    /// The ending of the run from each start. Optimizers without a lane form run one by one.
    func endings(_ starts: [[Double]]) throws -> [RunEnding] {
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
        let g = LaneBuffer(dimension: n), d = LaneBuffer(dimension: n), loss = LaneBuffer(count: w)
        for (p, s) in starts.enumerated() { for i in 0..<n { theta[i * w + p] = s[i] } }
        var base = LaneBaseRule(BaseRule(kind: optimizer.impliedBase ?? hyper.base, momentum: hyper.momentum,
                                         dampening: hyper.dampening, weightDecay: hyper.weightDecay), dimension: n)
        var active = [Bool](repeating: true, count: m)
        var status = [RunStatus](repeating: .maxSteps, count: m)
        var updates = [Int](repeating: hyper.steps, count: m)
        let wd = hyper.weightDecay
        let configuration = RunConfiguration(problem: problem, optimizer: optimizer, hyper: hyper, start: starts.first ?? [])
        let windowStep = configuration.stallWindowStart
        // ‖∇L + wd·θ‖ summed in `iterate`'s order.
        func stationarity(_ p: Int) -> Double {
            var sum = 0.0
            for i in 0..<n {
                let a = g[i * w + p] + wd * theta[i * w + p]
                sum = sum + a * a
            }
            return sum.squareRoot()
        }
        oracle.gradient(theta.pointer, count: m, loss: loss.pointer, gradient: g.pointer)
        if windowStep == 0 { window.pointer.update(from: theta.pointer, count: n * w) }
        let domain = problem.domain
        for k in 0..<hyper.steps {
            var anyActive = false
            for p in 0..<m where active[p] {
                if stationarity(p) < convergenceTolerance { (active[p], status[p], updates[p]) = (false, .converged, k) } else { anyActive = true }
            }
            if !anyActive { break }
            let lr = hyper.schedule.rate(hyper.lr, step: k, of: hyper.steps)
            rule.direction(theta: theta.pointer, gradient: g.pointer, count: m, oracle: oracle, into: d.pointer)
            previous.pointer.update(from: theta.pointer, count: n * w)
            active.withUnsafeBufferPointer { base.step(theta.pointer, direction: d.pointer, lr: lr, count: m, active: $0.baseAddress!) }
            oracle.gradient(theta.pointer, count: m, loss: loss.pointer, gradient: g.pointer)
            // `divergenceReason`: a coordinate or the loss not finite, or ten domain widths out.
            for p in 0..<m where active[p] {
                var diverged = !loss[p].isFinite
                for i in 0..<n {
                    let v = theta[i * w + p], range = domain[i], width = range.upperBound - range.lowerBound
                    if !v.isFinite || v < range.lowerBound - 10 * width || v > range.upperBound + 10 * width { diverged = true }
                }
                if diverged {
                    (active[p], status[p], updates[p]) = (false, .diverged, k + 1)
                    for i in 0..<n { theta[i * w + p] = previous[i * w + p] }
                }
            }
            if k + 1 == windowStep { window.pointer.update(from: theta.pointer, count: n * w) }
        }
        for p in 0..<m where active[p] && stationarity(p) < convergenceTolerance { status[p] = .converged }
        return (0..<m).map { p in
            RunEnding(status: status[p], updates: updates[p], theta: (0..<n).map { theta[$0 * w + p] },
                      windowStart: windowStep.map { _ in (0..<n).map { window[$0 * w + p] } })
        }
    }
}
