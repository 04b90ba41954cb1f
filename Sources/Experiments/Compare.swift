import Foundation
import Landscape
import Optimizers

/// Several optimizers from one start on one problem, sharing one search for critical points.
public struct Comparison {
    public let problem: Problem
    public let start: [Double]
    /// The settings each run used, in the order of `records`.
    public let settings: [RunSettings]
    /// One run per optimizer, in the order given.
    public let records: [RunRecord]

    /// Runs each optimizer with the settings resolved for it (its own defaults, the problem's,
    /// then `given`). The start is the same for all: the given one, the problem's, or the
    /// domain's centre. Every setting is resolved, and a given one none of the runs reads refused, before the
    /// first run; the critical points (up to 2-D) and the start's basin are found once for all.
    public init(problem: Problem, optimizers: [Optimizer], given flags: [String: SettingValue],
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let settings = try optimizers.map { try RunSettings.resolve(problem: problem, optimizer: $0, given: flags) }
        try RunSettings.checkRead(flags, by: zip(optimizers, settings).map { ($0, $1.hyper.base) })
        // Beyond 2-D each end point is judged by descent from it, not against a list.
        let critical = problem.regime.isExact ? try problem.criticalPoints() : []
        let configurations = zip(optimizers, settings).map { RunConfiguration(problem: problem, optimizer: $0, settings: $1) }
        // The start's basin, once for all (beyond 2-D a descent); should it fail, each run tries
        // again itself and fails, or not, as it would alone.
        let startBasin = (try? configurations.first?.startBasin(among: critical)) ?? nil
        // The runs are independent: one a thread (`threads` of them), so which thread runs which
        // changes nothing but the time. A run reads the problem's oracle (whose tapes are built
        // under a lock), never its graph.
        nonisolated(unsafe) let shared = configurations
        let records = try parallelMap(Array(optimizers.indices), threads: threads) { k in
            try shared[k].run(criticalPoints: critical, startBasin: startBasin)
        }
        (self.problem, self.start, self.settings, self.records) = (problem, settings.first?.start ?? [], settings, records)
    }
}
