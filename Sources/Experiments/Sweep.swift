import Foundation
import Landscape
import Optimizers

/// Where each optimizer ends as one or two settings vary: from the problem's start (or from K
/// seeded random starts), every combination of the varied values is run (the starts together as
/// lanes, exactly as `lab run --start` would run each), and the end point is judged: the basin it
/// is in (as in a basin map), its loss, exact ZOF and FOF at the run's ρ, λ_max and the
/// generalisation number (the test loss, else the expected shifted loss at σ). Beyond 2-D the
/// measures are the N-D estimates and the end is judged by descent from it (a minimum nearby or not).
public struct Sweep {
    /// One run's end, judged.
    public struct End: Sendable {
        public let status: RunStatus
        public let theta: [Double]
        /// Its outcome, as a basin map's.
        public let outcome: Outcome
        public let stalled: Bool
        /// Ended in a cycle short of its minimum (`RunRecord.cycling`).
        public let cycling: Bool
        /// Ended at its critical point (within 1e-3 of the diagonal), not on its way or away.
        public let reached: Bool
        /// The measures at the end point; nil for a diverged run.
        public let measures: Measures?
    }

    /// One optimizer at one combination of the varied values, from every start.
    public struct Point: Sendable {
        /// The varied settings' values, in the order of `varies`.
        public let values: [Double]
        public let settings: RunSettings
        /// One end per start, in the order of `starts`.
        public let ends: [End]
        /// The minimum (critical-point index) with the lowest FOF at this point's ρ; nil without minima.
        public let flattestByFOF: Int?

        /// The share of starts with this outcome.
        public func share(_ o: Outcome) -> Double { Double(ends.count { $0.outcome == o }) / Double(max(ends.count, 1)) }
        /// The mean over the runs that did not diverge of a measure, or nil when all diverged.
        public func mean(_ f: (Measures) -> Double?) -> Double? {
            let values = ends.compactMap { $0.measures.flatMap(f) }.filter(\.isFinite)
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
    }

    /// One optimizer's sweep: a point per combination, the first varied setting slowest.
    public struct Line: Sendable {
        public let optimizer: Optimizer
        public let points: [Point]
    }

    public let problem: Problem
    public let varies: [Vary]
    public let starts: [[Double]]
    public let critical: [CriticalPoint]
    public let lines: [Line]
    /// σ of the expected shifted loss.
    public let sigma: Double
    /// The indices of the critical points that are minima.
    public var minima: [Int] { critical.indices.filter { critical[$0].kind == .minimum } }

    /// K starts drawn uniformly from the domain box by a seeded generator (SplitMix64), the same
    /// for the same seed.
    public static func randomStarts(_ k: Int, in domain: [ClosedRange<Double>], seed: UInt64) -> [[Double]] {
        var state = seed
        func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / 9007199254740992
        }
        return (0..<k).map { _ in domain.map { $0.lowerBound + ($0.upperBound - $0.lowerBound) * next() } }
    }

    /// Runs every optimizer at every combination of `varies` (one or two settings) from `starts`
    /// (nil: the start the settings resolve to, the problem's or the domain's centre).
    public init(problem: Problem, optimizers: [Optimizer], given flags: [String: SettingValue], varies: [Vary], starts: [[Double]]? = nil,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws {
        guard (1...2).contains(varies.count) else { throw SettingError("\(setting: "vary"): give one or two settings to sweep, as in \(setting: "vary") rho=0.05:2:40") }
        if starts != nil, flags["start"] != nil { throw SettingError("\(setting: "start") and \(setting: "starts") both give starts; give one of them") }
        let settings = try Vary.resolve(problem: problem, optimizers: optimizers, given: flags, varies: varies)
        let combinations = Vary.combinations(varies)
        let chosenStarts = starts ?? [settings[0][0].start ?? problem.defaultStart]
        // Beyond 2-D there is no list: each end is judged by descent from it.
        let critical = problem.regime.isExact ? try problem.criticalPoints() : []
        (self.problem, self.varies, self.starts, self.critical) = (problem, varies, chosenStarts, critical)
        sigma = settings[0][0].sigma

        struct Job: Sendable { let line: Int, point: Int }
        let jobs = optimizers.indices.flatMap { l in combinations.indices.map { Job(line: l, point: $0) } }
        // The runs read the problem's oracle (Sendable), domain and variables; nothing touches its graph.
        nonisolated(unsafe) let shared = problem
        let counter = SharedCounter(), total = jobs.count
        let ends = try parallelMap(jobs, threads: threads) { job -> [End] in
            defer { if let progress { progress(counter.next() + 1, total) } }
            let s = settings[job.line][job.point]
            var endings: [RunEnding] = []
            // Without --starts each combination starts where its settings say (a swept
            // init-seed gives each its own start).
            let runStarts = starts ?? [s.start ?? shared.defaultStart]
            for block in stride(from: 0, to: runStarts.count, by: Lanes.width) {
                let part = Array(runStarts[block..<min(block + Lanes.width, runStarts.count)])
                endings += try LaneRuns(problem: shared, optimizer: optimizers[job.line], hyper: s.hyper).endings(part)
            }
            let measured = { (e: RunEnding) in e.status == .diverged ? nil : try shared.oracle.measures(at: e.theta, rho: s.hyper.rho, sigma: s.sigma) }
            if !shared.regime.isExact {
                return try endings.map { e in
                    var outcome = Outcome.noMinimum
                    if e.status == .diverged {
                        outcome = .diverged
                    } else if !shared.contains(e.theta) {
                        outcome = .leftDomain
                    } else if try shared.stationaryPoint(from: e.theta)?.kind == .minimum {
                        outcome = .minimumByDescent
                    }
                    return End(status: e.status, theta: e.theta, outcome: outcome, stalled: false, cycling: false, reached: false, measures: try measured(e))
                }
            }
            let rule = BasinRule(problem: shared, critical: critical)
            let basins = rule.basins(of: endings.map(\.theta))
            return try zip(endings, basins).map { e, b in
                let judgement = BasinMaps.judge(e, basin: b, rule: rule)
                return End(status: e.status, theta: e.theta, outcome: judgement.outcome, stalled: judgement.stalled, cycling: judgement.cycling,
                           reached: judgement.reached, measures: try measured(e))
            }
        }
        // FOF of each minimum, once per distinct ρ of the sweep.
        let minima = critical.filter { $0.kind == .minimum }
        var flattest: [Double: Int] = [:]
        for rho in Set(settings.flatMap { $0.map(\.hyper.rho) }) {
            let fof = try minima.map { try problem.oracle.fof(at: $0.theta, rho: rho).value }
            flattest[rho] = fof.indices.min { fof[$0] < fof[$1] }.map { critical.firstIndex(of: minima[$0])! }
        }
        lines = optimizers.enumerated().map { l, o in
            Line(optimizer: o, points: combinations.enumerated().map { k, values in
                Point(values: values, settings: settings[l][k], ends: ends[l * combinations.count + k],
                      flattestByFOF: flattest[settings[l][k].hyper.rho] ?? nil)
            })
        }
    }
}
