import ArgumentParser
import Figures
import Foundation
import Landscape

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find every critical point, measure each, and rank the minima by flatness against test loss.",
        discussion: """
            Critical points come from GSL root finding on ∇L = 0 over the problem's domain and are \
            classified by the Hessian's eigenvalues. For the minima, each measure (ZOF, FOF, λ_max, \
            trace, average sharpness) gives a ranking, flattest first, shown beside the ranking by \
            test loss; plain sentences say where a measure cannot tell minima apart (values equal \
            within 1%) or ranks them against test loss.

            With --rho a:b:n the ZOF and FOF of each minimum are also computed for n radii from a \
            to b (the figure of the GAM paper's Fig. 4 in numbers); the rest of the analysis uses \
            ρ = b.

            The figure OUT/PROBLEM-analyze.svg marks the critical points on the landscape, plots \
            ZOF, FOF, their second-order estimates and test loss for each minimum, and with a \
            sweep ZOF and FOF against ρ (--no-plot skips it).

            Examples:
              lab analyze two-valley
              lab analyze trend-valley --rho 0.05:1:20
              lab analyze himmelblau --format json
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Radius ρ, or a sweep a:b:n of n radii from a to b (default: the problem's rho, else 0.1).", valueName: "R|a:b:n"))
    var rho: String?

    @Option(parsing: .unconditional, help: "Scale of the Gaussian perturbation for average sharpness (default: the problem's sigma, else 0.1).")
    var sigma: Double?

    @Option(help: "Folder for the figure (default out/).")
    var out: String = "out"

    @Flag(help: "Skip the figure.")
    var noPlot = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let rho { _ = try RhoSpec(rho) }
        if let sigma, !(sigma > 0 && sigma.isFinite) { throw ValidationError("--sigma must be a positive number, not \(sigma).") }
    }

    func run() throws {
        try reportingErrors {
            let p = try Catalog().load(problem)
            let spec = try rho.map { try RhoSpec($0) } ?? .single(p.defaults.number("rho") ?? 0.1)
            let sigma = sigma ?? p.defaults.number("sigma") ?? 0.1
            let analysis = try p.analyze(rho: spec.radii.last!, sigma: sigma)
            let sweep = spec.isSweep ? try p.sweep(rhos: spec.radii, criticalPoints: analysis.points.map(\.critical)) : nil
            var figure: String?
            if !noPlot {
                figure = "\(out)/\(p.name)-analyze.svg"
                try writeAtomically(LabFigures.analyze(analysis, sweep: sweep, problem: p).svg(), to: figure!)
            }
            switch common.format {
            case .json: print(analysisJSON(analysis, sweep: sweep).rendered())
            case .text:
                print(analysisText(analysis, sweep: sweep, problem: p))
                if let figure { print("\nwrote \(figure)") }
            }
        }
    }
}

/// `--rho 0.5` or `--rho 0.05:1:20`.
enum RhoSpec {
    case single(Double)
    case sweep(from: Double, to: Double, count: Int)

    init(_ text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1, let r = Double(text), r > 0, r.isFinite {
            self = .single(r)
        } else if parts.count == 3, let a = Double(parts[0]), let b = Double(parts[1]), let n = Int(parts[2]),
                  a > 0, b > a, b.isFinite, n >= 2, n <= 1000 {
            self = .sweep(from: a, to: b, count: n)
        } else {
            throw ValidationError("--rho must be a positive radius (0.5) or a sweep a:b:n with 0 < a < b and 2 ≤ n ≤ 1000 (0.05:1:20), not '\(text)'.")
        }
    }

    var isSweep: Bool { if case .sweep = self { return true }; return false }

    var radii: [Double] {
        switch self {
        case .single(let r): return [r]
        case .sweep(let a, let b, let n): return (0..<n).map { a + (b - a) * Double($0) / Double(n - 1) }
        }
    }
}

func analysisJSON(_ a: Analysis, sweep: RhoSweep?) -> JSON {
    var fields: [(String, JSON)] = [
        ("problem", .string(a.problem)),
        ("rho", .number(a.rho)),
        ("sigma", .number(a.sigma)),
        ("critical_points", .array(a.points.map { measuresJSON($0.measures, extra: [("kind", .string($0.critical.kind.rawValue))]) })),
        ("rankings", .array(a.rankings.map { r in
            .object([
                ("measure", .string(r.measure)),
                ("order", .numbers(r.order.map(Double.init))),
                ("ties", .array(r.ties.map { .numbers($0.map(Double.init)) })),
                ("concordant_pairs", r.concordant.map { .number(Double($0)) } ?? .null),
                ("discordant_pairs", r.discordant.map { .number(Double($0)) } ?? .null),
            ])
        })),
        ("test_order", .numbers(testOrder(a).map(Double.init))),
        ("findings", .strings(a.findings)),
    ]
    if let sweep {
        fields.append(("sweep", .object([
            ("rho", .numbers(sweep.rhos)),
            ("minima", .array(sweep.minima.indices.map { i in
                .object([("theta", .numbers(sweep.minima[i])), ("zof", .numbers(sweep.zof[i])), ("fof", .numbers(sweep.fof[i]))])
            })),
        ])))
    }
    return .object(fields)
}

/// Minima (indices into points) by test loss, lowest first; empty without a test loss.
func testOrder(_ a: Analysis) -> [Int] {
    let minima = a.minima
    guard minima.allSatisfy({ a.points[$0].measures.testLoss != nil }) else { return [] }
    return minima.sorted { a.points[$0].measures.testLoss! < a.points[$1].measures.testLoss! }
}

func analysisText(_ a: Analysis, sweep: RhoSweep?, problem p: Problem) -> String {
    var out = "\(p.name): \(p.title)\nρ = \(human(a.rho)), σ = \(human(a.sigma)); \(a.points.count) critical point\(a.points.count == 1 ? "" : "s") in the domain\n\n"
    let f: (Double?) -> String = { $0.map { $0 == 0 ? "0" : String(format: "%.5g", $0) } ?? "n/a" }
    let rows = a.points.enumerated().map { i, pt -> [String] in
        let m = pt.measures
        return ["#\(i)", point(m.theta, p), pt.critical.kind.rawValue, f(m.loss), f(m.zof), f(m.fof), f(m.lambdaMax),
                f(m.trace), f(m.avgSharpness), f(m.testLoss)]
    }
    out += table(header: ["", "θ", "kind", "loss", "ZOF", "FOF", "λ_max", "trace", "avg sharp", "test loss"], rows: rows)
    if a.points.contains(where: { !$0.measures.exact }) {
        out += "\n(ZOF and FOF for more than two variables come from multi-start projected ascent: lower bounds.)"
    }
    if !a.rankings.isEmpty {
        out += "\n\nminima ranked flattest first (by #):\n"
        // A long ranking (rastrigin has 121 minima) shows its ends; --format json has it all.
        func order(_ o: [Int]) -> String {
            let items = o.map { "#\($0)" }
            guard items.count > 10 else { return items.joined(separator: " < ") }
            return (items.prefix(4) + ["…"] + items.suffix(4)).joined(separator: " < ") + " (\(items.count) minima)"
        }
        var rankRows = a.rankings.map { r in
            [r.measure, order(r.order),
             r.ties.count > 3 ? "\(r.ties.count) tied pairs"
                 : r.ties.map { $0.map { "#\($0)" }.joined(separator: "=") }.joined(separator: ", "),
             r.concordant.map { c in "\(c) pair\(c == 1 ? "" : "s") agree, \(r.discordant!) against test loss" } ?? ""]
        }
        let t = testOrder(a)
        if !t.isEmpty { rankRows.append(["test loss", order(t), "", ""]) }
        out += table(header: ["measure", "order", "ties (within 1%)", "vs test loss"], rows: rankRows)
    }
    if !a.findings.isEmpty {
        out += "\n\n" + a.findings.map { "- " + $0 }.joined(separator: "\n")
    }
    if let sweep {
        out += "\n\nZOF and FOF of each minimum against ρ:\n"
        let header = ["ρ"] + sweep.minima.flatMap { ["ZOF \(point($0, p))", "FOF \(point($0, p))"] }
        let rows = sweep.rhos.indices.map { k in
            [String(format: "%.4g", sweep.rhos[k])] + sweep.minima.indices.flatMap { [f(sweep.zof[$0][k]), f(sweep.fof[$0][k])] }
        }
        out += table(header: header, rows: rows)
    }
    return out
}
