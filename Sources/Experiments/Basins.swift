import Dispatch
import Foundation
import Landscape
import Optimizers

/// Which minimum each optimizer reaches from every start of a grid (2-D problems), or from every
/// start and every value of one setting (1-D problems with `vary`). Each start runs exactly as
/// `lab run --start` would, many starts at a time on the batch tapes, and gets an outcome: the
/// index of the critical point (the order of `lab analyze`) whose basin its end point is in, by
/// the rule of `lab run`'s `final.basin`, or one of the other `Outcome`s.
public struct BasinMaps {
    /// One optimizer's map: row r, column c is the start (x[c], y[r]) (or x[c] with the varied
    /// setting at y[r]).
    public struct Map: Sendable {
        public let optimizer: Optimizer
        /// The settings of each row (one for all rows when nothing is varied).
        public let settings: [RunSettings]
        /// Outcome per start, row-major.
        public let outcome: [Outcome]
        /// Updates until the run converged, or −1 where it did not (it ran all its steps, or diverged).
        public let steps: [Int32]
        /// Whether the run stalled (`RunRecord.stalled`): it ended short of its critical point and stopped moving.
        public let stalled: [Bool]
        /// Whether the run ended in a cycle short of its critical point (`RunRecord.cycling`).
        public let cycling: [Bool]
        /// Whether the run ended at its minimum (within 1e-3 of the domain's diagonal), not on its way there.
        public let reached: [Bool]

        /// The share of starts with this outcome.
        public func share(_ o: Outcome) -> Double { Double(outcome.count(where: { $0 == o })) / Double(max(outcome.count, 1)) }
        /// The share of starts whose run converged.
        public var convergedShare: Double { Double(steps.count(where: { $0 >= 0 })) / Double(max(steps.count, 1)) }
        /// The share of starts whose run stalled.
        public var stalledShare: Double { Double(stalled.count(where: { $0 })) / Double(max(stalled.count, 1)) }
        /// The share of starts whose run ended cycling.
        public var cyclingShare: Double { Double(cycling.count(where: { $0 })) / Double(max(cycling.count, 1)) }
        /// The outcomes present, minima first in index order, then the others.
        public var present: [Outcome] { Set(outcome).sorted() }
    }

    public let problem: Problem
    /// The axes' names: the problem's variables, or its variable and the varied setting.
    public let axes: [String]
    public let x: [Double]
    /// The second axis; one value (0) for a 1-D problem with nothing varied.
    public let y: [Double]
    public let critical: [CriticalPoint]
    public let maps: [Map]
    /// ρ and σ at which the minima are measured: the first optimizer's (its first row's).
    public let rho: Double, sigma: Double
    /// The measures at each minimum, in the order of `minima`.
    public let minimumMeasures: [Measures]

    /// The indices of the critical points that are minima.
    public var minima: [Int] { critical.indices.filter { critical[$0].kind == .minimum } }

    /// The most runs one map or sweep makes (starts × optimizers; a sweep's combinations ×
    /// starts × optimizers): 1024 × 1024.
    public static let maxRuns = 1 << 20

    /// A grid of starts, `N` or `NXxNY` (`--grid`, the web API's `grid`), each at least 2 and at
    /// most 4096.
    public static func parseGrid(_ text: String) throws -> (Int, Int) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (parts.count == 1 || parts.count == 2), parts.allSatisfy({ $0 != nil }) else {
            throw SettingError("\(setting: "grid"): expected N or NXxNY (as in 101 or 120x60), got '\(text)'")
        }
        let n = parts.map { $0! }
        guard n.allSatisfy({ (2...4096).contains($0) }) else { throw SettingError("\(setting: "grid"): starts per axis must be 2 to 4096, got '\(text)'") }
        return (n[0], n.count == 2 ? n[1] : n[0])
    }

    /// Runs every optimizer from every start. `grid` is the number of starts per axis (the
    /// second ignored for a 1-D problem, whose second axis is `vary`'s values); `given` as for
    /// a run (`RunSettings.resolve`), without a start; `threads` only changes the speed, never a bit of the result.
    public init(problem: Problem, optimizers: [Optimizer], given flags: [String: SettingValue], grid: (Int, Int),
                vary: Vary? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws {
        if flags["start"] != nil { throw SettingError("\(setting: "start"): a basin map starts from every point of its grid; lab run --start runs one") }
        guard grid.0 >= 2, grid.1 >= 2 || problem.regime == .curve else { throw SettingError("\(setting: "grid"): at least 2 starts per axis") }
        if problem.regime == .curve, grid.1 != grid.0, grid.1 != 0 {
            throw SettingError("\(setting: "grid") \(grid.0)x\(grid.1): a 1-D problem has one axis of starts; give \(setting: "grid") \(grid.0) (the second axis is \(setting: "vary")'s values)")
        }
        let domain = problem.domain
        switch problem.regime {
        case .curve:
            x = Vary.linspace(domain[0].lowerBound, domain[0].upperBound, grid.0)
            y = vary?.values ?? [0]
            axes = vary.map { [problem.variables[0], $0.key] } ?? [problem.variables[0]]
        case .surface:
            if let vary { throw SettingError("\(setting: "vary") \(vary.key): a 2-D problem's map has its two variables as axes; lab sweep varies settings") }
            x = Vary.linspace(domain[0].lowerBound, domain[0].upperBound, grid.0)
            y = Vary.linspace(domain[1].lowerBound, domain[1].upperBound, grid.1)
            axes = problem.variables
        case .space:
            throw SettingError("basin maps need a problem of 1 or 2 variables; \(problem.name) has \(problem.dimension)")
        }
        // Every row's settings, resolved and checked before the first run.
        let rowSettings = try Vary.resolve(problem: problem, optimizers: optimizers, given: flags, varies: vary.map { [$0] } ?? [])
        let critical = try problem.criticalPoints()
        (self.problem, self.critical) = (problem, critical)
        let first = rowSettings.first?.first ?? RunSettings()
        let (rho, sigma) = (first.hyper.rho, first.sigma)
        (self.rho, self.sigma) = (rho, sigma)
        let oracle = problem.oracle
        minimumMeasures = try parallelMap(critical.filter { $0.kind == .minimum }) { try oracle.measures(at: $0.theta, rho: rho, sigma: sigma) }

        // Jobs: blocks of at most Lanes.width starts sharing one row's settings.
        struct Job: Sendable { let map: Int, row: Int, columns: Range<Int> }
        let (nx, ny) = (x.count, y.count)
        var jobs: [Job] = []
        for m in optimizers.indices {
            if problem.regime == .surface {
                // Starts of a 2-D map share their settings: blocks run across rows.
                var k = 0
                while k < nx * ny { jobs.append(Job(map: m, row: -1, columns: k..<min(k + Lanes.width, nx * ny))); k += Lanes.width }
            } else {
                for r in 0..<ny {
                    var c = 0
                    while c < nx { jobs.append(Job(map: m, row: r, columns: c..<min(c + Lanes.width, nx))); c += Lanes.width }
                }
            }
        }
        let xs = x, ys = y, settingsByRow = rowSettings
        // The runs read the problem's oracle (Sendable), domain and variables; nothing touches its graph.
        nonisolated(unsafe) let problemCopy = problem
        let counter = SharedCounter(), total = jobs.count
        let results = try parallelMap(jobs, threads: threads) { job -> [Judgement] in
            defer { if let progress { progress(counter.next() + 1, total) } }
            let settings = settingsByRow[job.map][max(job.row, 0)]
            let starts: [[Double]] = job.columns.map { k in
                job.row < 0 ? [xs[k % nx], ys[k / nx]] : [xs[k]]
            }
            let runs = LaneRuns(problem: problemCopy, optimizer: optimizers[job.map], hyper: settings.hyper)
            let endings = try runs.endings(starts)
            let basins = BasinFlow(problem: problemCopy, critical: critical).basins(of: endings.map(\.theta))
            return zip(endings, basins).map { e, b in BasinMaps.judge(e, basin: b, problem: problemCopy, critical: critical) }
        }
        var maps: [Map] = []
        for (m, o) in optimizers.enumerated() {
            var outcome = [Outcome](repeating: .noMinimum, count: nx * ny), steps = [Int32](repeating: 0, count: nx * ny)
            var stalled = [Bool](repeating: false, count: nx * ny), reached = stalled, cycling = stalled
            for (job, result) in zip(jobs, results) where job.map == m {
                for (k, r) in zip(job.columns, result) {
                    let index = job.row < 0 ? k : job.row * nx + k
                    (outcome[index], steps[index], stalled[index], reached[index], cycling[index]) = (r.outcome, r.steps, r.stalled, r.reached, r.cycling)
                }
            }
            maps.append(Map(optimizer: o, settings: rowSettings[m], outcome: outcome, steps: steps, stalled: stalled, cycling: cycling, reached: reached))
        }
        self.maps = maps
    }

    /// A run's judgement: its outcome, steps to converge (−1: did not), whether it stalled
    /// (as `RunRecord.stalled`, whatever the outcome), and whether it ended at its critical point.
    /// `basin` is where gradient flow from the end goes; a run trapped at a saddle of `critical`
    /// (`RunRecord.trappedAt`) is judged there instead, as `lab run` reports it.
    static func judge(_ e: RunEnding, basin flowBasin: Basin?, problem: Problem, critical: [CriticalPoint]) -> Judgement {
        let steps = e.status == .converged ? Int32(e.updates) : -1
        let basin = RunRecord.trappedAt(status: e.status, windowStart: e.windowStart, end: e.theta, critical: critical, diagonal: problem.diagonal) ?? flowBasin
        let stalled = RunRecord.stalled(status: e.status, basin: basin, windowStart: e.windowStart, end: e.theta, previous: e.previous, twoBack: e.twoBack)
        let cycling = RunRecord.cycling(status: e.status, basin: basin, end: e.theta, previous: e.previous, twoBack: e.twoBack)
        let reached = basin?.reached ?? false
        if e.status == .diverged { return Judgement(outcome: .diverged, steps: steps, stalled: false, reached: false, cycling: false) }
        if zip(e.theta, problem.domain).contains(where: { !$1.contains($0) }) {
            return Judgement(outcome: .leftDomain, steps: steps, stalled: stalled, reached: false, cycling: cycling)
        }
        if let basin, basin.kind == .saddle, !basin.reached { return Judgement(outcome: .atSaddle, steps: steps, stalled: stalled, reached: false, cycling: false) }
        guard let basin, basin.kind == .minimum else { return Judgement(outcome: .noMinimum, steps: steps, stalled: stalled, reached: false, cycling: cycling) }
        return Judgement(outcome: basin.index.map(Outcome.minimum) ?? .noMinimum, steps: steps, stalled: stalled, reached: reached, cycling: cycling)
    }

    struct Judgement: Sendable {
        let outcome: Outcome, steps: Int32, stalled: Bool, reached: Bool, cycling: Bool
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
struct BasinFlow {
    let problem: Problem
    let critical: [CriticalPoint]

    func basins(of points: [[Double]]) -> [Basin?] {
        guard !critical.isEmpty else { return points.map { _ in nil } }
        let near = 1e-3 * problem.diagonal, cap = 1e-2 * problem.diagonal
        let n = problem.dimension, w = Lanes.width
        func nearest(_ x: UnsafePointer<Double>, minimaOnly: Bool = false) -> (Int, Double)? {
            var best: (Int, Double)?
            for i in critical.indices where !minimaOnly || critical[i].kind == .minimum {
                var sum = 0.0
                for k in 0..<n { sum += (critical[i].theta[k] - x[k]) * (critical[i].theta[k] - x[k]) }
                let d = sum.squareRoot()
                if best == nil || d < best!.1 { best = (i, d) }
            }
            return best
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
        // Per flowing lane q: x[q*n + i], ∇L there, L there, the step length to try, iterations made.
        let count = flowing.count
        var x = [Double](repeating: 0, count: count * n), g = x
        var l = [Double](repeating: 0, count: count), step = [Double](repeating: cap, count: count), iterations = [Int](repeating: 0, count: count)
        var active = [Bool](repeating: true, count: count)
        for (q, p) in flowing.enumerated() { for i in 0..<n { x[q * n + i] = points[p][i] } }
        let oracle = LaneOracle(problem.oracle)
        let ys = LaneBuffer(dimension: n), mids = LaneBuffer(dimension: n)
        let gy = LaneBuffer(dimension: n), gm = LaneBuffer(dimension: n), ly = LaneBuffer(count: w), lm = LaneBuffer(count: w)
        // The first gradients, a block at a time.
        for chunk in stride(from: 0, to: count, by: w) {
            let lanes = chunk..<min(chunk + w, count)
            for (k, q) in lanes.enumerated() { for i in 0..<n { ys[i * w + k] = x[q * n + i] } }
            oracle.gradient(ys.pointer, count: lanes.count, loss: ly.pointer, gradient: gy.pointer)
            for (k, q) in lanes.enumerated() { l[q] = ly[k]; for i in 0..<n { g[q * n + i] = gy[i * w + k] } }
        }
        while true {
            // Checks before each step: a stationary point, a minimum's neighbourhood (within 1e-3
            // of the diagonal: the flow stays there), the budget.
            var trials: [Int] = []
            for q in 0..<count where active[q] {
                var gg = 0.0
                for i in 0..<n { gg += g[q * n + i] * g[q * n + i] }
                let gNorm = gg.squareRoot()
                let nearMinimum = x.withUnsafeBufferPointer { nearest($0.baseAddress! + q * n, minimaOnly: true) }.map { $0.1 < near } ?? false
                if gNorm < 1e-12 || !gNorm.isFinite || nearMinimum || iterations[q] >= 100_000 || !(step[q] > 1e-12 * cap) {
                    active[q] = false
                } else {
                    trials.append(q)
                }
            }
            if trials.isEmpty { break }
            for chunk in stride(from: 0, to: trials.count, by: w) {
                let lanes = Array(trials[chunk..<min(chunk + w, trials.count)])
                var norms = [Double](repeating: 0, count: lanes.count)
                for (k, q) in lanes.enumerated() {
                    var gg = 0.0
                    for i in 0..<n { gg += g[q * n + i] * g[q * n + i] }
                    norms[k] = gg.squareRoot()
                    let t = step[q] / norms[k]
                    for i in 0..<n {
                        ys[i * w + k] = x[q * n + i] - t * g[q * n + i]
                        mids[i * w + k] = x[q * n + i] - (t / 2) * g[q * n + i]
                    }
                }
                oracle.gradient(ys.pointer, count: lanes.count, loss: ly.pointer, gradient: gy.pointer)
                oracle.gradient(mids.pointer, count: lanes.count, loss: lm.pointer, gradient: gm.pointer)
                for (k, q) in lanes.enumerated() {
                    var slope = 0.0
                    for i in 0..<n { slope += gm[i * w + k] * g[q * n + i] }
                    let armijo = ly[k] <= l[q] - 1e-4 * step[q] * norms[k]
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
            if let (i, d) = x.withUnsafeBufferPointer({ nearest($0.baseAddress! + q * n) }), d < near { result[p] = basin(i, points[p]) }
        }
        return result
    }
}

