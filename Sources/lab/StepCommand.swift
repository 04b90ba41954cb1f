import ArgumentParser
import Experiments
import Figures
import Foundation
import Landscape
import Optimizers
import Reports

struct StepCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Take one update of an optimizer apart: the gradient, where it probes the ball, the direction, the next θ.",
        discussion: """
            The idea sharpness-aware training rests on lives inside one step. SAM probes the ball \
            of radius ρ around θ where one ascent step along the gradient lands (θ + ρ g/‖g‖), its \
            guess at the worst point; GAM probes where one ascent step on the gradient's norm \
            lands (θ_adv, along H g), its guess at the steepest point, and adds the correction \
            α·h_norm; the exact variants use the true worst and steepest points. lab step shows \
            all of these for one update, beside the exact worst point (ZOF's argmax) and steepest \
            point (FOF's argmax) of the ball.

            The step is the first from --at (default: the problem's start), or with --run-to K \
            update K of the run from there (0 is the first), with the base rule's state and \
            learning rate of that step. OUT/PROBLEM-OPT-step.json and the figure \
            OUT/PROBLEM-OPT-step.svg are written (--no-plot skips the figure): in 2-D the \
            landscape around θ with the ball, the points and the vectors; in 1-D, as the GAM \
            paper's Fig. 4, L and |L′| with the interval [θ − ρ, θ + ρ].

            \(optimizersHelp)

            Examples:
              lab step two-valley --opt sam
              lab step two-valley --opt gam --at 0.5,0.2
              lab step covered-valleys --opt gam-exact --rho 1
              lab step two-valley --opt gam --run-to 40 --size column --figure-format pdf

            \(exitStatusHelp)
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Option(help: ArgumentHelp("The optimizer whose step to show.", valueName: "NAME"))
    var opt: String

    @Option(parsing: .unconditional, help: ArgumentHelp("θ, one value per variable inside the domain (default: the problem's start).", valueName: "V1,V2"))
    var at: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Show update K of the run from θ instead of the first (0 is the first).", valueName: "K"))
    var runTo: String?

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
        let flags = try given()
        let figure = try FigureSettings.resolve(problem: p, given: flags)
        let out = try output.folder()
        let record = try Work.step(p, opt: opt, at: at, runTo: runTo, given: flags)
        let document = stepJSON(record).rendered()
        let base = out.file("\(p.name)-\(record.optimizer.name)-step")
        var files: [(contents: Data, path: String)] = [(Data((document + "\n").utf8), base + ".json")]
        // The step is drawn in the landscape's own coordinates: 1-D and 2-D only.
        let drawable = p.regime.isExact
        if !figure.noPlot && drawable { files += try LabFigures.files(try LabFigures.step(record, problem: p), base: base, settings: figure) }
        let note = figure.noPlot || drawable ? [] : ["note: lab step draws 1-D and 2-D problems; \(p.name) has \(p.dimension) parameters, so only the text and JSON are written"]
        try deliver(files, document: document, warnings: note, format: common.format) { stepText(record, problem: p) }
    }
}
