import Landscape
import Optimizers

/// Several optimizers from one start on one problem, sharing one search for critical points.
public struct Comparison {
    public let problem: Problem
    public let start: [Double]
    /// One run per optimizer, in the order given.
    public let records: [RunRecord]

    /// Runs each optimizer with the settings resolved for it (its own defaults, the problem's,
    /// then `flags`). The start is the same for all: the flag, the problem's, or the domain's
    /// centre.
    public init(problem: Problem, optimizers: [Optimizer], flags: [String: SettingValue]) throws {
        let critical = try problem.criticalPoints()
        var records: [RunRecord] = []
        var start: [Double] = []
        for o in optimizers {
            let settings = try RunSettings.resolve(problem: problem, optimizer: o, flags: flags)
            start = settings.start!
            records.append(try RunConfiguration(problem: problem, optimizer: o, settings: settings).run(criticalPoints: critical))
        }
        (self.problem, self.start, self.records) = (problem, start, records)
    }
}
