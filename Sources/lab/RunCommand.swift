import ArgumentParser
import Experiments
import Figures
import Foundation
import Landscape
import Optimizers
import Reports

struct Run: SettingsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an optimizer on a problem and report where it ends: loss, basin, flatness, generalisation numbers.",
        discussion: """
            The run stops early when the gradient norm falls below 1e-8 (converged); a run whose \
            update is not finite or leaves the domain ten widths behind ends 'diverged' with a \
            warning, keeping its trajectory up to the last good step. The basin is the critical \
            point of `lab analyze` that gradient descent reaches from the end point; beyond two \
            variables (a model fitted to data), the stationary point that saddle-free Newton \
            descent reaches within 5% of the domain's diagonal, classified by its Hessian.

            The JSON, CSV and figure go to OUT/PROBLEM-OPT.json, .csv and .svg (--no-plot skips \
            the figure): the landscape with the trajectory, and loss and gradient norm against \
            step; with --measures also exact ZOF and FOF against the optimizer's estimates. The \
            figure settings (--size column|page|slide|WxH, --font-size, --figure-format \
            svg,pdf,png, --dpi, --aspect, --style) size it for a paper or a slide and write it \
            as .pdf or .png too.

            \(optimizersHelp)

            Examples:
              lab run two-valley --opt gam
              lab run himmelblau --opt sam --base adam --lr 0.01 --rho 0.1
              lab run rosenbrock --opt gam-fast --measures --format json
              lab run tiny-regression --opt sam --init-seed 2

            \(exitStatusHelp)
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Option(parsing: .unconditional, help: .setting("opt")) var opt: String?
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
        let flags = try given()
        let figure = try FigureSettings.resolve(problem: p, given: flags)
        let out = try output.folder()
        let record = try Work.run(p, given: flags)
        let document = runJSON(record).rendered()
        let files = try dataFiles(base: out.file("\(p.name)-\(record.optimizer.name)"), document: document, csv: runCSV(record, variables: p.variables),
                                  figure: figure.noPlot ? nil : { try LabFigures.run(record, problem: p, animate: figure.animate) }, settings: figure)
        try deliver(files, document: document, warnings: divergenceWarning(record).map { [$0] } ?? [], format: common.format) {
            runText(record, problem: p)
        }
    }
}
