import ArgumentParser
import Experiments
import Figures
import Foundation
import Landscape
import Optimizers
import Reports

struct Compare: SettingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run several optimizers from the same start and compare where they end.",
        discussion: """
            Every optimizer gets the same start and the same settings; the table shows, side by \
            side, the end point, loss, the generalisation numbers (test, shifted and expected shifted loss), basin, status, evaluations and the flatness of \
            the end point. Each run's JSON and CSV are written as by `lab run`, and \
            OUT/PROBLEM-compare.svg shows all trajectories over the landscape and the losses \
            against step (--no-plot skips it). With --basins-of OPT, OPT's basin map (as lab \
            basins computes it, from every start of --basins-grid with the same settings) lies \
            under the paths, so a figure shows both where these runs went and where every start \
            would go. With --at-step K, each run's θ, ρ-ball and probe at step K are marked, as \
            the live page (lab serve) draws them at its step slider.

            \(optimizersHelp)

            Examples:
              lab compare two-valley --opts gd,sam,gam
              lab compare himmelblau --opts gd,momentum,adam --lr 0.01 --format json
              lab compare two-valley --opts gd,sam,gam --start 0.2,0.3 --basins-of gam
              lab compare two-valley --opts sam,gam --start 0.2,0.3 --at-step 40

            \(exitStatusHelp)
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Option(help: ArgumentHelp("Optimizers to compare, comma-separated.", valueName: "gd,sam,gam"))
    var opts: String
    @Option(help: ArgumentHelp("Draw this optimizer's basin map under the paths (a problem of 1 or 2 variables).", valueName: "opt"))
    var basinsOf: String?
    @Option(help: ArgumentHelp("Starts per axis of --basins-of's map: N, or NXxNY for a 2-D problem.", valueName: "N"))
    var basinsGrid: String = "101"
    @Option(help: ArgumentHelp("Mark each run's θ, ρ-ball and probe at step K on the figure (the live page's step slider).", valueName: "K"))
    var atStep: String?
    @OptionGroup var threads: ThreadOption
    @OptionGroup(title: "Start") var start: StartOptions
    @OptionGroup(title: "Output") var trajectory: TrajectoryOptions
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
        let out = try output.folder()
        let flags = try given()
        let figure = try FigureSettings.resolve(problem: p, given: flags)
        let threadCount = try threads.count()
        let asked = try Work.atStep(atStep, p, opts: opts, given: flags, figure: figure)
        if basinsOf != nil, figure.noPlot {
            throw SettingError("\(setting: "basins-of") draws a map under the figure's paths, which \(setting: "no-plot") leaves out")
        }
        // The map first: its mistakes are found before any run.
        var underlay: BasinMaps?
        if let basinsOf {
            let bar = ProgressBar("basin map", threads: threadCount)
            underlay = try Work.underlay(p, of: basinsOf, grid: basinsGrid, given: flags, threads: threadCount,
                                         note: { printError("note: " + $0) }, progress: bar.update)
            bar.finish()
        }
        let comparison = try Work.compare(p, opts: opts, given: flags, threads: threadCount)
        let marked = try Work.kept(asked, comparison.records)
        var files: [(contents: Data, path: String)] = []
        for r in comparison.records {
            files += try dataFiles(base: out.file("\(p.name)-\(r.optimizer.name)"), document: runJSON(r).rendered(), csv: runCSV(r, variables: p.variables),
                                   figure: nil, settings: figure)
        }
        if !figure.noPlot {
            files += try LabFigures.files(try LabFigures.compare(comparison.records, problem: p, animate: figure.animate, basins: underlay, atStep: marked), base: out.file("\(p.name)-compare"),
                                          settings: figure)
        }
        try deliver(files, document: comparisonJSON(comparison).rendered(), warnings: comparison.records.compactMap(divergenceWarning),
                    format: common.format) { comparisonText(comparison) }
    }
}
