import ArgumentParser
import Experiments
import Figures
import Foundation
import Landscape
import Optimizers

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run several optimizers from the same start and compare where they end.",
        discussion: """
            Every optimizer gets the same start and the same flags (see `lab run --help`); the \
            table shows, side by side, the end point, loss, test loss, basin, status, evaluations \
            and the flatness of the end point. Each run's JSON and CSV are written as by `lab run`, and \
            OUT/PROBLEM-compare.svg shows all trajectories over the landscape and the losses \
            against step (--no-plot skips it).

            Examples:
              lab compare two-valley --opts gd,sam,gam
              lab compare himmelblau --opts gd,momentum,adam --lr 0.01 --format json
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Option(help: ArgumentHelp("Optimizers to compare, comma-separated.", valueName: "gd,sam,gam"))
    var opts: String

    @OptionGroup var options: RunOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        try reportingErrors {
            let p = try Catalog().load(problem)
            let names = try opts.split(separator: ",").map { try optimizerName(String($0).trimmingCharacters(in: .whitespaces)) }
            guard !names.isEmpty else { throw UserError(message: "--opts: give at least one optimizer, as in --opts gd,sam,gam") }
            let start = try options.startPoint(p)
            let critical = try p.criticalPoints()
            var records: [RunRecord] = []
            for name in names {
                let hyper = try resolveHyperparameters(optimizer: name, problem: p.defaults, flags: options.flags)
                records.append(try RunConfiguration(problem: p, optimizer: name, hyper: hyper, start: start,
                                                    measures: options.recordMeasures(p)).run(criticalPoints: critical))
            }
            let figure = options.writeFigure(p) ? LabFigures.compare(records, problem: p).svg() : nil
            var files: [(contents: String, path: String)] = []
            for r in records {
                let base = "\(options.out)/\(p.name)-\(r.optimizer.rawValue)"
                files.append((runJSON(r, start: start).rendered() + "\n", base + ".json"))
                files.append((runCSV(r, variables: p.variables), base + ".csv"))
            }
            if let figure { files.append((figure, "\(options.out)/\(p.name)-compare.svg")) }
            try writeAtomically(files)
            records.forEach(warnIfDiverged)
            let written = files.map(\.path)
            switch common.format {
            case .json:
                print(JSON.object([
                    ("problem", .string(p.name)),
                    ("start", .numbers(start)),
                    ("runs", .array(records.map { runJSON($0, start: start) })),
                ]).rendered())
            case .text:
                var rows: [[String]] = [["end θ"], ["loss"], ["test loss"], ["basin"], ["status"], ["steps"],
                                        ["gradient evals"], ["HVP evals"], ["λ_max"], ["ZOF"], ["FOF"]]
                for r in records {
                    let f = r.final
                    let values = [point(f.theta, p), human(f.loss), f.testLoss.map(human) ?? "n/a", basinText(f.basin, p),
                                  r.status.rawValue, String(r.trajectory.last!.step), String(r.evaluations.gradient),
                                  String(r.evaluations.hvp), human(f.lambdaMax), human(f.zof), human(f.fof)]
                    for i in rows.indices { rows[i].append(values[i]) }
                }
                print("\(p.name) from \(point(start, p))\n")
                print(table(header: [""] + records.map(\.optimizer.rawValue), rows: rows))
                print("\nwrote " + written.joined(separator: ", "))
            }
        }
    }
}
