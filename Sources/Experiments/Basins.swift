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

        /// How many starts have each outcome, counted once (tables, the JSON and the figure ask often).
        private let counts: [Outcome: Int]

        public init(optimizer: Optimizer, settings: [RunSettings], outcome: [Outcome], steps: [Int32], stalled: [Bool], cycling: [Bool], reached: [Bool]) {
            (self.optimizer, self.settings, self.outcome, self.steps) = (optimizer, settings, outcome, steps)
            (self.stalled, self.cycling, self.reached) = (stalled, cycling, reached)
            var counts: [Outcome: Int] = [:]
            for o in outcome { counts[o, default: 0] += 1 }
            self.counts = counts
        }

        /// The share of starts with this outcome.
        public func share(_ o: Outcome) -> Double { Double(counts[o] ?? 0) / Double(max(outcome.count, 1)) }
        /// The share of starts whose run converged.
        public var convergedShare: Double { Double(steps.count(where: { $0 >= 0 })) / Double(max(steps.count, 1)) }
        /// The share of starts whose run stalled.
        public var stalledShare: Double { Double(stalled.count(where: { $0 })) / Double(max(stalled.count, 1)) }
        /// The share of starts whose run ended cycling.
        public var cyclingShare: Double { Double(cycling.count(where: { $0 })) / Double(max(cycling.count, 1)) }
        /// The outcomes present, minima first in index order, then the others.
        public var present: [Outcome] { counts.keys.sorted() }
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

    /// A grid of starts, `N` or `NXxNY` (`--grid`, the web API's `grid`; `name` is the input that
    /// gave it, as `lab compare --basins-grid`), each at least 2 and at most 4096.
    public static func parseGrid(_ text: String, named name: String = "grid") throws -> (Int, Int) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (parts.count == 1 || parts.count == 2), parts.allSatisfy({ $0 != nil }) else {
            throw SettingError("\(setting: name): expected N or NXxNY (as in 101 or 120x60), got '\(text)'")
        }
        let n = parts.map { $0! }
        guard n.allSatisfy({ (2...4096).contains($0) }) else { throw SettingError("\(setting: name): starts per axis must be 2 to 4096, got '\(text)'") }
        return (n[0], n.count == 2 ? n[1] : n[0])
    }

    /// Runs every optimizer from every start. `grid` is the number of starts per axis (the
    /// second ignored for a 1-D problem, whose second axis is `vary`'s values); `given` as for
    /// a run (`RunSettings.resolve`), without a start; `threads` only changes the speed, never a bit of the result.
    public init(problem: Problem, optimizers: [Optimizer], given flags: [String: SettingValue], grid: (Int, Int),
                vary: Vary? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws {
        if flags["start"] != nil { throw SettingError("\(setting: "start"): a basin map starts from every point of its \(setting: "grid"); lab run --start runs one start") }
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
            // One rule per block: a rule holds the problem, whose copy retains objects every thread shares.
            let rule = BasinRule(problem: problemCopy, critical: critical)
            let basins = rule.basins(of: endings.map(\.theta))
            return zip(endings, basins).map { e, b in BasinMaps.judge(e, basin: b, rule: rule) }
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
    /// (`BasinRule.stalled`, whatever the outcome), and whether it ended at its critical point.
    /// `basin` is where gradient flow from the end goes; a run trapped at a saddle of `critical`
    /// (`BasinRule.trapped`) is judged there instead, as `lab run` reports it.
    static func judge(_ e: RunEnding, basin flowBasin: Basin?, rule: BasinRule) -> Judgement {
        let steps = e.status == .converged ? Int32(e.updates) : -1
        let end = e.pathEnd
        let basin = rule.trapped(end) ?? flowBasin
        let stalled = BasinRule.stalled(end, basin: basin)
        let cycling = BasinRule.cycling(end, basin: basin)
        let reached = basin?.reached ?? false
        if e.status == .diverged { return Judgement(outcome: .diverged, steps: steps, stalled: false, reached: false, cycling: false) }
        if zip(e.theta, rule.problem.domain).contains(where: { !$1.contains($0) }) {
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
