import Experiments
import Figures
import Foundation
import Landscape
import Optimizers
import Reports

/// What the commands compute, apart from their files and text: one function each, which the
/// command line and the web API (`lab serve`) both call, so `/api/run` answers exactly the
/// document `lab run --format json` prints. `given` holds the settings as the table read them;
/// the other inputs (`opts`, `grid`, `at`, ...) come as the text the user typed. Mistakes are
/// `SettingError`s naming settings and inputs by key, which each front end spells its own way.
enum Work {
    /// `lab run`: the optimizer (`opt`, else the problem's), the settings, the run; `exactSteps`
    /// as `bound` (the web API's).
    static func run(_ p: Problem, given: [String: SettingValue], exactSteps: Int? = nil) throws -> RunRecord {
        guard let chosen = given["opt"].flatMap({ if case .word(let w) = $0 { w } else { nil } }) ?? p.defaults.word("opt") else {
            throw SettingError("give the optimizer with \(setting: "opt"), as in: lab run \(p.name) --opt gam (\(p.name) sets no default `opt`)")
        }
        let optimizer = try Optimizer.lookup(chosen)
        let settings = try RunSettings.resolve(problem: p, optimizer: optimizer, given: given)
        try RunSettings.checkRead(given, by: [(optimizer, settings.hyper.base)])
        try bound([(optimizer, settings.hyper.steps)], exactSteps: exactSteps)
        return try RunConfiguration(problem: p, optimizer: optimizer, settings: settings).run()
    }

    /// `lab compare`: the optimizers of `opts` from one start; `exactSteps` as `bound`.
    static func compare(_ p: Problem, opts: String, given: [String: SettingValue],
                        threads: Int = ProcessInfo.processInfo.activeProcessorCount, exactSteps: Int? = nil) throws -> Comparison {
        let optimizers = try Optimizer.list(opts)
        if exactSteps != nil {
            try bound(optimizers.map { ($0, try RunSettings.resolve(problem: p, optimizer: $0, given: given).hyper.steps) }, exactSteps: exactSteps)
        }
        return try Comparison(problem: p, optimizers: optimizers, given: given, threads: threads)
    }

    /// `lab step`: update `runTo` (0, the first, when nil) of `opt`'s run from `at` (else the
    /// start the settings give); `exactSteps` bounds `runTo` as `bound`.
    static func step(_ p: Problem, opt: String, at: String?, runTo: String?, given: [String: SettingValue], exactSteps: Int? = nil) throws -> StepRecord {
        let optimizer = try Optimizer.lookup(opt)
        var given = given
        if let at {
            if given["start"] != nil { throw SettingError("\(setting: "at") is where the step starts; give it or \(setting: "start"), not both") }
            let start = RunSettings.setting("start")!
            switch start.parse(at).flatMap({ start.accept($0, problem: p) }) {
            case .success(let v): given["start"] = v
            case .failure(let e): throw SettingError("\(setting: "at") \(e)")
            }
        }
        var k = 0
        if let runTo {
            guard let n = Int(runTo.trimmingCharacters(in: .whitespaces)), n >= 0 else {
                throw SettingError("\(setting: "run-to") must be a whole number of updates, 0 or more, not '\(runTo)'")
            }
            k = n
        }
        try bound([(optimizer, k)], exactSteps: exactSteps, runTo: true)
        let settings = try RunSettings.resolve(problem: p, optimizer: optimizer, given: given)
        try RunSettings.checkRead(given, by: [(optimizer, settings.hyper.base)])
        return try RunConfiguration(problem: p, optimizer: optimizer, settings: settings).explainStep(k)
    }

    /// `lab measure`: every measure at `at` (else the problem's start), at the settings' ρ and σ.
    static func measure(_ p: Problem, at: String?, given: [String: SettingValue]) throws -> Measures {
        let s = try RunSettings.resolve(problem: p, optimizer: nil, given: given)
        let theta = try at.map { try vector($0, as: "at", problem: p) } ?? s.start ?? p.defaultStart
        return try p.measures(at: theta, rho: s.hyper.rho, sigma: s.sigma)
    }

    /// `lab basins`: the optimizers of `opts` from every start of `grid` (and `vary`'s values, for
    /// a 1-D problem), on `threads` threads. `note` gets a warning for a map that may take long.
    /// `exactStarts` bounds the starts of the optimizers that search the ball exactly (about a
    /// second a start): the web API's limit, where no --max-minutes stops a runaway map.
    /// `gridName` is the input the grid came from, for its messages (`basins-grid` for `underlay`).
    static func basins(_ p: Problem, opts: String, grid: String, gridName: String = "grid", vary: [String], given: [String: SettingValue],
                       threads: Int, exactStarts: Int? = nil,
                       note: (String) -> Void = { _ in }, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> BasinMaps {
        let optimizers = try Optimizer.list(opts)
        let size = try BasinMaps.parseGrid(grid, named: gridName)
        if vary.count > 1 { throw SettingError("basins takes one \(setting: "vary") (the second axis of a 1-D map); lab sweep varies two settings") }
        let varied = try vary.first.map(Vary.parse)
        let starts = size.0 * (p.regime == .curve ? (varied?.values.count ?? 1) : size.1)
        // A map needs no more starts than a figure has pixels (4096 × 4096 would need about 9 GB).
        if starts * optimizers.count > BasinMaps.maxRuns {
            let with = varied.map { SettingError(" with \(setting: "vary") \($0.key)'s \($0.values.count) values") } ?? SettingError("")
            throw SettingError("\(setting: gridName) \(grid)\(with) and \(optimizers.count) optimizer\(optimizers.count == 1 ? "" : "s") make \(starts * optimizers.count) runs, more than \(BasinMaps.maxRuns) (1024 × 1024); a map needs no more starts than it has pixels")
        }
        let slow = optimizers.filter(\.searchesBall).map(\.name)
        if let exactStarts, !slow.isEmpty, starts > exactStarts {
            throw SettingError("\(slow.joined(separator: ", ")) \(slow.count == 1 ? "searches" : "search") the ball exactly at every step of each start (about a second a start); here a map takes at most \(exactStarts) such starts, not \(starts); lab basins maps more")
        }
        if !slow.isEmpty, starts > 2000 {
            note("\(slow.joined(separator: ", ")) \(slow.count == 1 ? "searches" : "search") the ball exactly at every step of each of its \(starts) starts, which can take long (about a second a start); a smaller --\(gridName) is quicker")
        }
        return try BasinMaps(problem: p, optimizers: optimizers, given: given, grid: size, vary: varied, threads: threads, progress: progress)
    }

    /// `lab compare --basins-of` (and the live page's export): one optimizer's basin map on a
    /// grid of starts, with the comparison's settings but its start, to lie under the paths.
    static func underlay(_ p: Problem, of opt: String, grid: String, given: [String: SettingValue], threads: Int, exactStarts: Int? = nil,
                         note: (String) -> Void = { _ in }, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> BasinMaps {
        guard p.regime.isExact else {
            throw SettingError("\(setting: "basins-of"): a basin map needs a problem of 1 or 2 variables; \(p.name) has \(p.dimension)")
        }
        guard !opt.contains(",") else { throw SettingError("\(setting: "basins-of") takes one optimizer, not '\(opt)'") }
        let optimizer = try Optimizer.lookup(opt)
        var given = given
        given["start"] = nil
        // The comparison's settings that this optimizer reads (α is gam's, not gd's).
        let base = try RunSettings.resolve(problem: p, optimizer: optimizer, given: given).hyper.base
        given = given.filter { optimizer.reads($0.key, base: base) }
        return try basins(p, opts: opt, grid: grid, gridName: "basins-grid", vary: [], given: given, threads: threads, exactStarts: exactStarts,
                          note: note, progress: progress)
    }

    /// `lab compare --at-step` (and the live page's export at its step slider): the step whose
    /// θ, ρ-ball and probe the figure marks, a whole number from 0 to the most steps any of
    /// `opts` is set to make (a run that stops before is marked where it stopped); nil when not
    /// given. Refused when no figure is drawn (`noPlot`) or it is animated (it then shows every
    /// step). All checked before any run; `kept` checks the step against the runs' trajectories.
    static func atStep(_ text: String?, _ p: Problem, opts: String, given: [String: SettingValue], figure: FigureSettings) throws -> Int? {
        guard let text else { return nil }
        guard let step = Int(text.trimmingCharacters(in: .whitespaces)), step >= 0 else {
            throw SettingError("\(setting: "at-step") must be a whole number of steps, 0 or more, not '\(text)'")
        }
        if figure.noPlot { throw SettingError("\(setting: "at-step") marks a step on the figure, which \(setting: "no-plot") leaves out") }
        if figure.animate { throw SettingError("\(setting: "at-step") marks one step; an animated figure (\(setting: "animate")) shows every step") }
        let last = try Optimizer.list(opts).map { try RunSettings.resolve(problem: p, optimizer: $0, given: given).hyper.steps }.max() ?? 0
        guard step <= last else { throw SettingError("\(setting: "at-step") \(step) is past the runs' last step, \(last)") }
        return step
    }

    /// `step` if every run that went past it kept it: a run of more than 100 000 steps keeps
    /// every second step or fewer (`trajectory_stride`), and the figure marks no step it lacks.
    static func kept(_ step: Int?, _ records: [RunRecord]) throws -> Int? {
        guard let step else { return nil }
        for r in records where r.trajectory.last!.step > step && !r.trajectory.contains(where: { $0.step == step }) {
            throw SettingError("\(setting: "at-step") \(step) is not a step the runs kept: \(r.optimizer.name)'s run of \(r.trajectory.last!.step) steps keeps one step in \(r.trajectoryStride); give a multiple of \(r.trajectoryStride)")
        }
        return step
    }

    /// The web API's bound on runs of the optimizers that search the ball exactly (a millisecond
    /// or more a step, where the others take microseconds): at most `limit` such steps in all,
    /// so no request holds a slot for long; nil (the command line) for no bound. `runTo`: the
    /// steps are `lab step`'s updates before the one taken apart.
    static func bound(_ runs: [(optimizer: Optimizer, steps: Int)], exactSteps limit: Int?, runTo: Bool = false) throws {
        let exact = runs.filter(\.optimizer.searchesBall)
        let steps = exact.reduce(0) { $0 + $1.steps }
        guard let limit, !exact.isEmpty, steps > limit else { return }
        let names = exact.map(\.optimizer.name).joined(separator: ", "), verb = exact.count == 1 ? "searches" : "search"
        if runTo {
            throw SettingError("\(names) \(verb) the ball exactly at every step (a millisecond or more each); here \(setting: "run-to") is at most \(limit), not \(steps); the command line runs more")
        }
        throw SettingError("\(names) \(verb) the ball exactly at every step (a millisecond or more each); here their runs take at most \(limit) steps in all, not \(steps); the command line runs more")
    }

    /// `lab list`: the catalog's problems, each checked; a broken file is reported by its error,
    /// without hiding the rest.
    static func list(_ catalog: Catalog = Catalog()) throws -> (problems: [Problem], broken: [String]) {
        let names = catalog.names()
        guard !names.isEmpty else {
            throw SettingError("no problems found: looked in \(catalog.folders.isEmpty ? "no folder (no problems/ folder from here upward, and $LAB_PROBLEMS is not set)" : catalog.folders.map(\.path).joined(separator: ", "))")
        }
        var problems: [Problem] = [], broken: [String] = []
        for name in names {
            do { problems.append(try catalog.load(name).checked()) } catch { broken.append("\(error)") }
        }
        return (problems, broken)
    }

    /// `lab list --format json`.
    static func listJSON(_ problems: [Problem]) -> JSON {
        .array(problems.map { p in .object([("name", .string(p.name)), ("variables", .strings(p.variables)), ("title", .string(p.title))]) })
    }

    /// A point typed as one number per variable (`--at`), read and checked as the settings table
    /// reads `start`, without the domain check, so both word their mistakes alike.
    static func vector(_ text: String, as key: String, problem p: Problem) throws -> [Double] {
        let point = RunSettings.point
        switch point.parse(text).flatMap({ point.accept($0, problem: p) }) {
        case .success(.vector(let v)): return v
        case .success: throw SettingError("\(setting: key) must be one number per variable")
        case .failure(let e): throw SettingError("\(setting: key) \(e)")
        }
    }

    /// The points a page's grid has along each axis (`n`): a whole number from 2 to 400, else
    /// `otherwise` when not given.
    static func samples(_ text: String?, otherwise: Int) throws -> Int {
        guard let text else { return otherwise }
        guard let n = Int(text) else { throw SettingError("\(setting: "n") must be a whole number, not '\(text)'") }
        guard (2...400).contains(n) else { throw SettingError("\(setting: "n") must be from 2 to 400, not \(n)") }
        return n
    }

    /// A 1-D or 2-D landscape for a page to draw: the loss on an `n`-point grid of each domain
    /// axis (rows of y, each along x), its critical points, and the settings a run starts from.
    /// Beyond 2-D there is no one landscape to draw: the document says so (`plane`: true) with the
    /// start and settings, and `plane(...)` draws the plane of a comparison.
    static func landscape(_ p: Problem, samples n: Int) throws -> JSON {
        guard p.regime.isExact else {
            return .object([("problem", .string(p.name)), ("title", .string(p.title)), ("variables", .strings(p.variables)), ("plane", .bool(true)),
                            ("start", .numbers(p.defaultStart)), ("settings", pageSettings(try RunSettings.resolve(problem: p, optimizer: nil, given: [:])))])
        }
        let axes = p.domain.map { Vary.linspace($0.lowerBound, $0.upperBound, n) }
        let loss: [Double]
        if p.dimension == 1 {
            loss = p.oracle.lossTape.evaluate(batch: [axes[0]])[0]
        } else {
            let xs = axes[1].flatMap { _ in axes[0] }, ys = axes[1].flatMap { y in axes[0].map { _ in y } }
            loss = p.oracle.lossTape.evaluate(batch: [xs, ys])[0]
        }
        let s = try RunSettings.resolve(problem: p, optimizer: nil, given: [:])
        let critical = try p.criticalPoints()
        return .object([
            ("problem", .string(p.name)), ("title", .string(p.title)), ("variables", .strings(p.variables)),
            ("domain", .matrix(p.domain.map { [$0.lowerBound, $0.upperBound] })),
            ("axes", .matrix(axes)), ("loss", .numbers(loss)),
            ("contours", p.dimension == 2 ? contoursJSON(axes[0], axes[1], loss) : .array([])),
            ("critical", .array(critical.map { .object([("theta", .numbers($0.theta)), ("kind", .string($0.kind.rawValue)), ("loss", .number($0.loss))]) })),
            ("start", .numbers(s.start ?? p.defaultStart)),
            ("settings", pageSettings(s)),
        ])
    }

    /// The contour lines the figures draw over a grid of loss values (`LabFigures.contourLines`):
    /// each level, its label, and its polylines as flat lists x0, y0, x1, y1, ...
    static func contoursJSON(_ gx: [Double], _ gy: [Double], _ loss: [Double]) -> JSON {
        .array(LabFigures.contourLines(gx, gy, loss).map { c in
            .object([("level", .number(c.level)), ("label", .string(c.label)),
                     ("lines", .array(c.lines.map { line in .numbers(line.flatMap { [$0.0, $0.1] }) }))])
        })
    }

    /// The settings the page's sliders start from: the problem's, resolved.
    static func pageSettings(_ s: RunSettings) -> JSON {
        .object([("lr", .number(s.hyper.lr)), ("rho", .number(s.hyper.rho)), ("alpha", .number(s.hyper.alpha)), ("steps", .number(Double(s.hyper.steps)))])
    }

    /// The live page beyond 2-D (a model's parameters): the comparison of `opts` from the start
    /// (`comparison`: `lab compare --format json`'s document), and the plane `lab compare`'s
    /// figure draws it on (through the start and the ends of the first two runs), with the loss
    /// on an n × n grid of the figure's box of it (`landscape`: as for 2-D, in plane coordinates
    /// u and v, with the plane's origin, u and v to map a point of it to θ).
    static func plane(_ p: Problem, opts: String, given: [String: SettingValue], samples n: Int, exactSteps: Int? = nil) throws -> JSON {
        guard !p.regime.isExact else {
            throw SettingError("\(p.name) has \(p.dimension) variable\(p.dimension == 1 ? "" : "s"): the page draws its own landscape (/api/landscape)")
        }
        let comparison = try compare(p, opts: opts, given: given, exactSteps: exactSteps)
        let view = LabFigures.comparisonPlane(comparison.records, problem: p)
        let grid = LabFigures.planeLoss(p, view.plane, a: view.a, b: view.b, samples: n)
        let plane = view.plane
        let landscape = JSON.object([
            ("problem", .string(p.name)), ("title", .string(p.title)), ("variables", .strings(["u", "v"])), ("parameters", .strings(p.variables)),
            ("domain", .matrix([[view.a.lowerBound, view.a.upperBound], [view.b.lowerBound, view.b.upperBound]])),
            ("axes", .matrix([grid.a, grid.b])), ("loss", .numbers(grid.loss)), ("contours", contoursJSON(grid.a, grid.b, grid.loss)),
            ("critical", .array([])),
            ("start", .numbers(comparison.start)), ("settings", pageSettings(try RunSettings.resolve(problem: p, optimizer: nil, given: [:]))),
            ("plane", .object([("origin", .numbers(plane.origin)), ("u", .numbers(plane.u)), ("v", .numbers(plane.v)),
                               ("spanned", .string(plane.spanned)), ("off", .number(view.off))])),
        ])
        return .object([("comparison", comparisonJSON(comparison)), ("landscape", landscape)])
    }

    /// The optimizers with their colours (the registry's, as every figure draws them).
    static func optimizersJSON() -> JSON {
        .array(Optimizer.all.map { o in
            .object([("name", .string(o.name)), ("summary", .string(o.summary)), ("color", .string(String(format: "#%06x", o.color))),
                     ("settings", .strings(o.settings)), ("searches_ball", .bool(o.searchesBall))])
        })
    }
}
