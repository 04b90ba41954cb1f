import ArgumentParser
import Experiments
import Figures
import Foundation
import Landscape
import Optimizers

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an optimizer on a problem and report where it ends: loss, test loss, basin, flatness.",
        discussion: """
            Optimizers: gd, sgd (gd with gradient noise), momentum, nesterov, adam, adamw \
            (torch.optim semantics); sam, asam, gam, gam-sam, gam-fast (sharpness-aware \
            directions, fed to --base); sam-exact and gam-exact, whose inner maximisation is \
            the exact argmax of ZOF or FOF over the ρ-ball, to show how far the one-step \
            approximations are from what they approximate.

            Flags override the problem's [defaults], which override the built-in defaults. The \
            run stops early when the gradient norm falls below 1e-8 (converged); a run whose \
            update is not finite or leaves the domain ten widths behind ends 'diverged' with a \
            warning, keeping its trajectory up to the last good step. The basin is the critical \
            point of `lab analyze` that gradient descent reaches from the end point.

            The JSON, CSV and figure go to OUT/PROBLEM-OPT.json, .csv and .svg (--no-plot skips \
            the figure): the landscape with the trajectory, and loss and gradient norm against \
            step; with --measures also exact ZOF and FOF against the optimizer's estimates.

            Examples:
              lab run two-valley --opt gam
              lab run himmelblau --opt sam --base adam --lr 0.01 --rho 0.1
              lab run rosenbrock --opt gam-fast --measures --format json
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Option(help: "The optimizer (see above; default: the problem's `opt`, if it sets one).")
    var opt: String?

    @OptionGroup var options: RunOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        try reportingErrors {
            let p = try Catalog().load(problem)
            guard let chosen = opt ?? p.defaults.word("opt") else {
                throw UserError(message: "give the optimizer with --opt, as in: lab run \(problem) --opt gam (\(p.name) sets no default `opt`)")
            }
            let name = try optimizerName(chosen)
            let hyper = try resolveHyperparameters(optimizer: name, problem: p.defaults, flags: options.flags)
            let start = try options.startPoint(p)
            let record = try RunConfiguration(problem: p, optimizer: name, hyper: hyper, start: start,
                                              measures: options.recordMeasures(p)).run()
            let document = runJSON(record, start: start)
            let base = "\(options.out)/\(p.name)-\(name.rawValue)"
            // Everything is rendered before the first file is written.
            let figure = options.writeFigure(p) ? LabFigures.run(record, problem: p).svg() : nil
            var files: [(contents: String, path: String)] = [(document.rendered() + "\n", base + ".json"),
                                                             (runCSV(record, variables: p.variables), base + ".csv")]
            if let figure { files.append((figure, base + ".svg")) }
            try writeAtomically(files)
            let written = files.map(\.path)
            warnIfDiverged(record)
            switch common.format {
            case .json: print(document.rendered())
            case .text:
                print(runText(record, problem: p, start: start))
                print("\nwrote " + written.joined(separator: ", "))
            }
        }
    }
}

func runText(_ r: RunRecord, problem p: Problem, start: [Double]) -> String {
    let h = r.hyper
    let base = r.optimizer.impliedBase == nil ? " (base \(h.base.rawValue))" : ""
    var out = "\(p.name) · \(r.optimizer.rawValue)\(base) · lr \(human(h.lr)) · ρ \(human(h.rho))"
    if r.optimizer == .gam || r.optimizer == .gamSam || r.optimizer == .gamExact { out += " · α \(human(h.alpha))" }
    out += "\n"
    let first = r.trajectory.first!, last = r.trajectory.last!
    let f = r.final
    let testStart = (try? p.oracle.testLoss(start)) ?? nil
    out += table(header: ["", "start", "end"], rows: [
        ["θ", point(first.theta, p), point(last.theta, p)],
        ["loss", human(first.loss), human(last.loss)],
        ["test loss", testStart.map(human) ?? "n/a", f.testLoss.map(human) ?? "n/a"],
        ["gradient norm", human(first.gradNorm), human(last.gradNorm)],
    ])
    out += "\n\nstatus       \(r.status.rawValue) after \(last.step) step\(last.step == 1 ? "" : "s")"
    out += "\nbasin        \(basinText(f.basin, p))"
    out += "\nevaluations  \(r.evaluations.gradient) gradient, \(r.evaluations.hvp) HVP"
    out += "\nat the end   λ_max \(human(f.lambdaMax)), ZOF \(human(f.zof)), FOF \(human(f.fof)) (ρ = \(human(h.rho)))"
    if r.trajectory.first?.zof != nil {
        let rows = r.trajectory.filter { $0.step % max(1, last.step / 10) == 0 || $0.step == last.step }.map { q in
            [String(q.step), human(q.zof!), q.zofEstimate.map(human) ?? "-", human(q.fof!), q.fofEstimate.map(human) ?? "-"]
        }
        out += "\n\nexact flatness against the optimizer's estimates (every \(max(1, last.step / 10)) steps):\n"
        out += table(header: ["step", "ZOF", "estimate", "FOF", "estimate"], rows: rows)
    }
    return out
}
