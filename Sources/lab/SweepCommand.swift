import ArgumentParser
import Experiments
import Figures
import Foundation
import Landscape
import Optimizers
import Reports

struct SweepCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Sweep one or two settings and report where each optimizer ends and how flat it is there.",
        discussion: """
            Every combination of the varied values (--vary NAME=a:b:n: numpy.linspace's values to \
            12 digits, so each reruns exactly with lab run; give it once or twice) is run from the problem's start, or from --starts K random starts \
            drawn uniformly from the domain (seeded by --starts-seed), each exactly as `lab run \
            --start` would run it. At each end point: the minimum whose basin it is in, or stalled at \
            a saddle (as in `lab basins`), the loss, exact ZOF and FOF at that run's ρ, λ_max, and the test \
            loss or else the expected shifted loss at σ; with several starts, means over them \
            and the share of starts per minimum.

            OUT/PROBLEM-sweep.json, .csv (one row per optimizer, combination and start) and .svg \
            are written (--no-plot skips the figure): with one varied setting, where the runs \
            end and the measures against it; with two, per optimizer a map of where the runs \
            end and a heat map of FOF at the end.

            Beyond 2-D (a model fitted to data) the measures are the N-D estimates, each end is \
            judged by descent from it (a minimum nearby or none), a swept init-seed gives each \
            combination its own start, and the figure shows every run against the first \
            setting: λ_max with the 2/lr line, the test loss, FOF, and the test loss against λ_max.

            \(optimizersHelp)

            Examples:
              lab sweep two-valley --opts sam,gam --vary rho=0.05:1:20
              lab sweep two-valley --opts gam --vary rho=0.2:0.8:13 --vary alpha=0.2:1.2:11
              lab sweep himmelblau --opts gd,sam --vary lr=0.001:0.02:20 --starts 32
              lab sweep tiny-regression-wn --opts gd --vary weight-decay=0:0.04:5

            \(exitStatusHelp)
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Option(help: ArgumentHelp("Optimizers to sweep, comma-separated.", valueName: "sam,gam"))
    var opts: String

    @Option(help: ArgumentHelp("A setting to sweep from a to b in n values; once or twice.", valueName: "name=a:b:n"))
    var vary: [String] = []

    @Option(help: ArgumentHelp("Run from K random starts in the domain instead of the problem's start.", valueName: "K"))
    var starts: Int?

    @Option(help: ArgumentHelp("Seed of the random starts.", valueName: "S"))
    var startsSeed: UInt64 = 0

    @OptionGroup var threads: ThreadOption
    @OptionGroup var workLimit: WorkLimitOption
    @OptionGroup(title: "Start") var start: StartOptions
    @OptionGroup var output: OutputFolderOption
    @OptionGroup(title: "Learning rate, steps and radius") var step: StepOptions
    @OptionGroup(title: "Sharpness-aware (sam, asam, gam, gam-sam)") var sharpnessAware: SharpnessAwareOptions
    @OptionGroup(title: "Base rule") var baseRule: BaseRuleOptions
    @OptionGroup(title: "gam-fast") var gamFast: GamFastOptions
    @OptionGroup(title: "lookahead") var lookahead: LookaheadOptions
    @OptionGroup(title: "Noise and measures") var noise: NoiseOptions
    @OptionGroup(title: "Figure") var figure: FigureOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let p = try loadProblem(problem)
        let optimizers = try Optimizer.list(opts)
        guard !vary.isEmpty, vary.count <= 2 else {
            throw UsageError("--vary: give one or two settings to sweep, as in --vary rho=0.05:2:40" + (vary.isEmpty ? "" : " (got \(vary.count))"))
        }
        let varies = try vary.map(Vary.parse)
        if let starts, !(1...100_000).contains(starts) { throw UsageError("--starts must be 1 to 100000, got \(starts)") }
        let runs = varies.map(\.values.count).reduce(1, *) * (starts ?? 1) * optimizers.count
        if runs > BasinMaps.maxRuns {
            throw UsageError("the sweep makes \(runs) runs (\(varies.map { "\($0.values.count) values of \($0.key)" }.joined(separator: " × ")) × \(starts ?? 1) start\(starts == 1 || starts == nil ? "" : "s") × \(optimizers.count) optimizer\(optimizers.count == 1 ? "" : "s")), more than \(BasinMaps.maxRuns); sweep fewer values or starts")
        }
        let threadCount = try threads.count()
        let out = try output.folder()
        let flags = try given()
        let figure = try FigureSettings.resolve(problem: p, given: flags)
        let chosen = starts.map { Sweep.randomStarts($0, in: p.domain, seed: startsSeed) }
        let bar = ProgressBar("sweep", threads: threadCount, limit: try workLimit.seconds(),
                              limitHint: "give a larger --max-minutes, or fewer values, starts or --steps")
        let sweep = try Sweep(problem: p, optimizers: optimizers, given: flags, varies: varies, starts: chosen,
                              threads: threadCount, progress: bar.update)
        bar.finish()
        let document = sweepJSON(sweep).rendered()
        let files = try dataFiles(base: out.file("\(p.name)-sweep"), document: document, csv: sweepCSV(sweep),
                                  figure: figure.noPlot ? nil : { LabFigures.sweep(sweep) }, settings: figure)
        try deliver(files, document: document, format: common.format) { sweepText(sweep) }
    }
}
