import ArgumentParser
import Experiments
import Reports
import Figures
import Foundation
import Landscape
import Optimizers

struct Analyze: CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find every critical point, measure each, and rank the minima by flatness against generalisation.",
        discussion: """
            Critical points come from GSL root finding on ∇L = 0 over the problem's domain and are \
            classified by the Hessian's eigenvalues. For the minima, each measure (ZOF, FOF, λ_max, \
            trace, average sharpness) gives a ranking, flattest first, shown beside the ranking by \
            held-out test loss if the problem defines one, else beside the expected shifted loss \
            E[L(θ + s)], s ~ N(0, σ²I), a proxy equal to L + average sharpness (never a fixed \
            shift, whose verdict flips with its direction); plain sentences say which one, where \
            a measure cannot tell minima apart (values equal within 1%), and where it ranks them \
            against it.

            With --rho a:b:n the ZOF and FOF of each minimum are also computed for n radii from a \
            to b (the figure of the GAM paper's Fig. 4 in numbers); the rest of the analysis uses \
            ρ = b.

            The figure OUT/PROBLEM-analyze.svg marks the critical points on the landscape, plots \
            ZOF, FOF, their second-order estimates and the test or expected shifted loss for each minimum, and with a \
            sweep ZOF and FOF against ρ (--no-plot skips it). The figure options below size it \
            for a column, a page or a slide and write it as SVG, PDF or PNG.

            Examples:
              lab analyze two-valley
              lab analyze trend-valley --rho 0.05:1:20
              lab analyze himmelblau --format json

            \(exitStatusHelp)
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Radius ρ, or a sweep a:b:n of n radii from a to b (default: the problem's rho, as for every command, else 0.05).", valueName: "R|a:b:n"))
    var rho: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Scale of the Gaussian perturbation for average sharpness (default: the problem's sigma, else \(RunSettings.setting("sigma")!.defaultText)).", valueName: "S"))
    var sigma: String?

    @Option(help: "Folder for the figure.")
    var out: String = "out"

    @OptionGroup(title: "Figure") var figureOptions: FigureOptions

    @OptionGroup var common: CommonOptions

    func run() throws {
        let p = try loadProblem(problem)
        let given = try RunSettings.read(figureOptions.texts.merging(["sigma": sigma].compactMapValues { $0 }) { $1 })
        let s = try RunSettings.resolve(problem: p, optimizer: nil, given: given)
        let figure = try FigureSettings.resolve(problem: p, given: given)
        let spec = try rho.map { try RhoSpec($0) } ?? .single(s.hyper.rho)
        let analysis = try p.analyze(rho: spec.radii.last!, sigma: s.sigma)
        let sweep = spec.isSweep ? try p.sweep(rhos: spec.radii, criticalPoints: analysis.points.map(\.critical)) : nil
        var written: [String] = []
        if !figure.noPlot {
            let files = try LabFigures.files(try LabFigures.analyze(analysis, sweep: sweep, problem: p), base: try OutputFolder(out).file("\(p.name)-analyze"),
                                             settings: figure)
            try writeDataAtomically(files)
            written = files.map(\.path)
        }
        switch common.format {
        case .json: print(analysisJSON(analysis, sweep: sweep, problem: p).rendered())
        case .text:
            print(analysisText(analysis, sweep: sweep, problem: p))
            if !written.isEmpty { print("\n" + wrap("wrote " + written.joined(separator: ", "), indent: "      ")) }
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
            throw UsageError("--rho must be a positive radius (0.5) or a sweep a:b:n with 0 < a < b and 2 ≤ n ≤ 1000 (0.05:1:20), not '\(text)'")
        }
    }

    var isSweep: Bool { if case .sweep = self { return true }; return false }

    var radii: [Double] {
        switch self {
        case .single(let r): return [r]
        // The values of --vary: numpy.linspace's, to 12 digits, so each reruns as lab run --rho.
        case .sweep(let a, let b, let n): return Vary.values(a, b, n)
        }
    }
}
