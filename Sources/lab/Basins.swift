import ArgumentParser
import Experiments
import Figures
import Foundation
import Landscape
import Optimizers
import Reports
import Symbolic

struct Basins: SettingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Map which minimum each optimizer reaches from every start of a grid.",
        discussion: """
            A 2-D problem's starts are the grid numpy.linspace(min, max, N) of each domain axis; \
            a 1-D problem's are the x grid, and --vary NAME=a:b:n makes a setting the second axis \
            (lr, rho, alpha, momentum, ...; the values are numpy.linspace's to 12 digits, so each reruns exactly with lab run). Each start runs exactly as `lab run --start` would, \
            and gets an outcome: the minimum (# of lab analyze) whose basin its end point is in, \
            by the rule of lab run's final basin, or diverged, left the domain, stalled at a \
            saddle (its last tenth of steps within 2% of the diagonal of a saddle: gradient flow \
            would go on, the run did not), or no minimum (the flow from the end point reaches a \
            saddle, a maximum or nothing). Runs that ended \
            in a basin without converging (a cycle, a stall) keep its minimum and count as not converged.

            The text gives each minimum's loss, ZOF, FOF and λ_max at ρ, the share of starts per \
            outcome for each optimizer, and which minimum FOF rates flattest with the share of \
            starts each optimizer brings there. OUT/PROBLEM-basins.json (the maps, rows = y), \
            .csv (one row per optimizer and start) and .svg (one panel per optimizer: hue = \
            minimum, darker = converged sooner at it, pale = did not converge there, greys = diverged, left \
            the domain, no minimum, blue-grey = stalled at a saddle, marked) are written; --no-plot skips the figure.

            Many starts run together on the batch tapes, blocks of 256 (sam-exact and gam-exact \
            search each start's ball one start at a time), on every core, each start ending on \
            the bits lab run --start ends on; --threads changes the speed, never the result.

            \(optimizersHelp)

            Examples:
              lab basins two-valley --opts gd,sam,gam
              lab basins himmelblau --opts gd,gam --grid 64x64 --lr 0.01
              lab basins covered-valleys --opts sam,gam --vary rho=0.05:1:40 --grid 121

            \(exitStatusHelp)
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Option(help: ArgumentHelp("Optimizers to map, comma-separated.", valueName: "gd,sam,gam"))
    var opts: String

    @Option(help: ArgumentHelp("Starts per axis: N, or NX x NY as in 120x60.", valueName: "N"))
    var grid: String = "101"

    @Option(help: ArgumentHelp("1-D problems: a setting as the second axis, from a to b in n values.", valueName: "name=a:b:n"))
    var vary: [String] = []

    /// Not a setting of a map (whose starts are its grid): taken, as every setting is, only for
    /// `BasinMaps` to say so, where argument-parser would suggest '--vary'.
    @Option(help: .hidden) var start: String?
    @OptionGroup var threads: ThreadOption
    @OptionGroup var workLimit: WorkLimitOption
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
        let threadCount = try threads.count()
        let out = try output.folder()
        let flags = try given()
        let figure = try FigureSettings.resolve(problem: p, given: flags)
        let bar = ProgressBar("basin map", threads: threadCount, limit: try workLimit.seconds(),
                              limitHint: "give a larger --max-minutes, or a smaller --grid or fewer --steps")
        let maps = try Work.basins(p, opts: opts, grid: grid, vary: vary, given: flags, threads: threadCount,
                                   note: { printError("note: " + $0) }, progress: bar.update)
        bar.finish()
        // The document and the table (megabytes each for a large map), one a thread.
        let (document, csv) = try concurrently({ basinsJSON(maps).rendered() }, { basinsCSV(maps) })
        let files = try dataFiles(base: out.file("\(p.name)-basins"), document: document, csv: csv,
                                  figure: figure.noPlot ? nil : { LabFigures.basins(maps) }, settings: figure)
        try deliver(files, document: document, format: common.format) { basinsText(maps) }
    }
}
