import Foundation
import Symbolic

// The basin rule: which critical point a point belongs to (gradient flow), and how a run's end is
// judged against it (trapped at a saddle, stalled, cycling). `lab run`, basin maps and sweeps all
// judge by it, so a map's pixel and `lab run --start` agree.

/// The critical point of `Problem.criticalPoints()` a run ended at; beyond 2-D, the stationary
/// point descent reaches (`Problem.stationaryPoint`), which has no index.
public struct Basin: Sendable {
    /// Index into the critical points (the order of `lab analyze`); nil beyond 2-D.
    public let index: Int?
    public let theta: [Double]
    public let kind: CriticalPoint.Kind
    /// How far the run's end point is from the critical point.
    public let distance: Double
    /// True when the end point is at the critical point (within 1e-3 of the domain's diagonal);
    /// false when the run stopped on its way there and the point is where gradient flow from
    /// the end point goes.
    public let reached: Bool

    public init(index: Int?, theta: [Double], kind: CriticalPoint.Kind, distance: Double, reached: Bool) {
        (self.index, self.theta, self.kind, self.distance, self.reached) = (index, theta, kind, distance, reached)
    }
}


/// The critical point each point's basin belongs to: the one within 1e-3 of the domain's
/// diagonal of it, or else the one gradient flow from it reaches (within that distance), or nil.
/// `lab run`'s `final.basin` and every pixel of a basin map come from here, so they agree.
///
/// The flow is followed by gradient steps with step control: a step moves at most 1% of the
/// diagonal, and is accepted only if the loss falls by Armijo's margin and falls monotonely
/// through the step's midpoint, where the slope along the step must still point downhill;
/// otherwise it is halved. So a step cannot cross a valley and a ridge into another basin unless
/// they are narrower than half a step (0.5% of the diagonal), while on a plateau the flow covers
/// the domain in tens of steps. Each round evaluates the trial points of every lane still
/// flowing together on the batch tape; lane p computes the same bits alone as among others.
public struct BasinRule {
    public let problem: Problem
    public let critical: [CriticalPoint]

    public init(problem: Problem, critical: [CriticalPoint]) {
        (self.problem, self.critical) = (problem, critical)
    }

    public func basins(of points: [[Double]]) -> [Basin?] {
        guard !critical.isEmpty else { return points.map { _ in nil } }
        let near = 1e-3 * problem.diagonal, cap = 1e-2 * problem.diagonal
        let n = problem.dimension, w = Tape.blockSize
        // The critical points' coordinates, point after point, and which are minima.
        let centres = critical.flatMap(\.theta), isMinimum = critical.map { $0.kind == .minimum }
        /// The critical point nearest x (the first of equals) and its distance, summed in component
        /// order as `distance` sums; among the minima only with `minimaOnly`.
        func nearest(_ x: UnsafePointer<Double>, minimaOnly: Bool = false) -> (Int, Double)? {
            centres.withUnsafeBufferPointer { c in
                var best: (Int, Double)?
                for i in isMinimum.indices where !minimaOnly || isMinimum[i] {
                    var sum = 0.0
                    for k in 0..<n { sum += (c[i * n + k] - x[k]) * (c[i * n + k] - x[k]) }
                    let d = sum.squareRoot()
                    if best == nil || d < best!.1 { best = (i, d) }
                }
                return best
            }
        }
        func basin(_ i: Int, _ theta: [Double]) -> Basin {
            let d = distance(critical[i].theta, theta)
            return Basin(index: i, theta: critical[i].theta, kind: critical[i].kind, distance: d, reached: d < near)
        }
        var result = [Basin?](repeating: nil, count: points.count)
        // Lanes that must follow the flow: finite and not within `near` of a critical point.
        var flowing: [Int] = []
        for (p, x) in points.enumerated() {
            if let (i, d) = x.withUnsafeBufferPointer({ nearest($0.baseAddress!) }), d < near {
                result[p] = basin(i, x)
            } else if x.allSatisfy(\.isFinite) {
                flowing.append(p)
            }
        }
        if flowing.isEmpty { return result }
        // Per flowing lane q: x at [q*n + i], ∇L there, L there, ‖∇L‖, the step length to try,
        // iterations made, whether it still flows; the lanes of this round's trials. Buffers made
        // once: a map calls this for every block, and a flow takes tens of rounds.
        let count = flowing.count
        let x = LaneBuffer(count: count * n), g = LaneBuffer(count: count * n)
        let l = LaneBuffer(count: count), gNorm = LaneBuffer(count: count), step = LaneBuffer(count: count, value: cap)
        let iterations = UnsafeMutableBufferPointer<Int>.allocate(capacity: count), trials = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
        let active = UnsafeMutableBufferPointer<Bool>.allocate(capacity: count)
        iterations.initialize(repeating: 0)
        active.initialize(repeating: true)
        defer { iterations.deallocate(); trials.deallocate(); active.deallocate() }
        for (q, p) in flowing.enumerated() { for i in 0..<n { x[q * n + i] = points[p][i] } }
        // Block buffers: lane k of component i at [i * w + k]; the tape's pointers to them.
        let ys = LaneBuffer(count: n * w), mids = LaneBuffer(count: n * w), gy = LaneBuffer(count: n * w), gm = LaneBuffer(count: n * w)
        let ly = LaneBuffer(count: w), lm = LaneBuffer(count: w)
        let tape = problem.oracle.gradientTape.unshared()
        let registers = tape.makeBlockWorkspace()
        let yIn = (0..<n).map { UnsafePointer(ys.pointer + $0 * w) }, midIn = (0..<n).map { UnsafePointer(mids.pointer + $0 * w) }
        let yOut: [UnsafeMutablePointer<Double>?] = [ly.pointer] + (0..<n).map { gy.pointer + $0 * w }
        let midOut: [UnsafeMutablePointer<Double>?] = [lm.pointer] + (0..<n).map { gm.pointer + $0 * w }
        /// L and ∇L at lanes 0..<m of a block, on the batch gradient tape.
        func gradient(_ inputs: [UnsafePointer<Double>], count m: Int, into outputs: [UnsafeMutablePointer<Double>?]) {
            inputs.withUnsafeBufferPointer { i in
                outputs.withUnsafeBufferPointer { tape.evaluate(block: i, count: m, registers: registers.pointer, into: $0) }
            }
        }
        // The first gradients, a block at a time.
        for chunk in stride(from: 0, to: count, by: w) {
            let lanes = chunk..<min(chunk + w, count)
            for (k, q) in lanes.enumerated() { for i in 0..<n { ys[i * w + k] = x[q * n + i] } }
            gradient(yIn, count: lanes.count, into: yOut)
            for (k, q) in lanes.enumerated() { l[q] = ly[k]; for i in 0..<n { g[q * n + i] = gy[i * w + k] } }
        }
        while true {
            // Checks before each step: a stationary point, a minimum's neighbourhood (within 1e-3
            // of the diagonal: the flow stays there), the budget.
            var trialCount = 0
            for q in 0..<count where active[q] {
                var gg = 0.0
                for i in 0..<n { gg += g[q * n + i] * g[q * n + i] }
                gNorm[q] = gg.squareRoot()
                if gNorm[q] < 1e-12 || !gNorm[q].isFinite || iterations[q] >= 100_000 || !(step[q] > 1e-12 * cap)
                    || (nearest(x.pointer + q * n, minimaOnly: true).map { $0.1 < near } ?? false) {
                    active[q] = false
                } else {
                    trials[trialCount] = q
                    trialCount += 1
                }
            }
            if trialCount == 0 { break }
            for chunk in stride(from: 0, to: trialCount, by: w) {
                let m = min(w, trialCount - chunk)
                for k in 0..<m {
                    let q = trials[chunk + k], t = step[q] / gNorm[q]
                    for i in 0..<n {
                        ys[i * w + k] = x[q * n + i] - t * g[q * n + i]
                        mids[i * w + k] = x[q * n + i] - (t / 2) * g[q * n + i]
                    }
                }
                gradient(yIn, count: m, into: yOut)
                gradient(midIn, count: m, into: midOut)
                for k in 0..<m {
                    let q = trials[chunk + k]
                    var slope = 0.0
                    for i in 0..<n { slope += gm[i * w + k] * g[q * n + i] }
                    let armijo = ly[k] <= l[q] - 1e-4 * step[q] * gNorm[q]
                    if armijo && lm[k] <= l[q] && ly[k] <= lm[k] && slope > 0 {
                        for i in 0..<n { x[q * n + i] = ys[i * w + k]; g[q * n + i] = gy[i * w + k] }
                        l[q] = ly[k]
                        step[q] = min(2 * step[q], cap)
                        iterations[q] += 1
                    } else {
                        step[q] /= 2
                    }
                }
            }
        }
        for (q, p) in flowing.enumerated() {
            if let (i, d) = nearest(x.pointer + q * n), d < near { result[p] = basin(i, points[p]) }
        }
        return result
    }

    // The rules a run's end is judged by, after `basins(of:)` has put it in a basin: `lab run`
    // judges its kept trajectory by them, basin maps and sweeps each lane's `PathEnd`.

    /// The saddle a run was trapped at: it ran all its steps, and its end point and the start of
    /// its last tenth (`stallWindowStart`) both lie within 2% of the domain's diagonal of a saddle
    /// of `critical`. Gradient flow from such an end point goes on to a minimum, but the run
    /// itself stayed (SAM on two-valley cycles around the saddle for thousands of steps), so it is
    /// reported at the saddle, never in the basin it did not reach.
    public func trapped(_ e: PathEnd) -> Basin? {
        guard e.ranAllSteps, let w = e.windowStart else { return nil }
        let radius = 0.02 * problem.diagonal
        let near = critical.indices.filter { critical[$0].kind == .saddle && distance(critical[$0].theta, e.end) < radius && distance(critical[$0].theta, w) < radius }
        guard let i = near.min(by: { distance(critical[$0].theta, e.end) < distance(critical[$1].theta, e.end) }) else { return nil }
        return Basin(index: i, theta: critical[i].theta, kind: .saddle, distance: distance(critical[i].theta, e.end), reached: false)
    }

    /// Whether a run that ran all its steps ended short of its basin's critical point and had
    /// nearly stopped moving: over its last tenth (at least 10 steps) it moved less than 1% of
    /// the distance that remained. A run trapped at a saddle (`trapped`) stalled there; a
    /// cycling one (`cycling`) did not stop.
    public static func stalled(_ e: PathEnd, basin: Basin?) -> Bool {
        guard e.ranAllSteps, let b = basin, !b.reached, let w = e.windowStart else { return false }
        if cycling(e, basin: b) { return false }
        return b.kind == .saddle || distance(w, e.end) < 0.01 * b.distance
    }

    /// A run that ended going back and forth short of its basin's critical point (SAM's
    /// two-step cycle across two-valley's floor): its last step is more than 1% of the distance
    /// that remains, and the step before brought it back within a tenth of that step.
    public static func cycling(_ e: PathEnd, basin: Basin?) -> Bool {
        guard e.ranAllSteps, let b = basin, !b.reached, b.kind != .saddle, let p = e.previous, let q = e.twoBack else { return false }
        let step = distance(e.end, p)
        return step > 0.01 * b.distance && distance(e.end, q) < 0.1 * step
    }

    /// The step whose θ `stalled` compares with the end, in a run of `count` points: the start of
    /// the last tenth (at least 10 steps); nil for 10 points or fewer.
    public static func stallWindowStart(points count: Int) -> Int? {
        count > 10 ? count - 1 - max(10, count / 10) : nil
    }
}

/// How a run's path ended, as the basin rule judges it.
public struct PathEnd: Sendable {
    /// Whether the run made all its steps (it neither converged nor diverged).
    public let ranAllSteps: Bool
    /// The last point.
    public let end: [Double]
    /// θ at the start of the stall window (`BasinRule.stallWindowStart`); nil for a short run.
    public let windowStart: [Double]?
    /// θ one and two updates before the end; nil when not known.
    public let previous: [Double]?, twoBack: [Double]?

    public init(ranAllSteps: Bool, end: [Double], windowStart: [Double]?, previous: [Double]?, twoBack: [Double]?) {
        (self.ranAllSteps, self.end, self.windowStart, self.previous, self.twoBack) = (ranAllSteps, end, windowStart, previous, twoBack)
    }
}
