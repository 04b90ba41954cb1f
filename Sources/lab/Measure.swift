import ArgumentParser
import Foundation
import Landscape

struct Measure: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Flatness measures at a point: exact ZOF and FOF, Hessian spectrum, average sharpness, test loss.",
        discussion: """
            ZOF_ρ(θ) = max over the ball B(θ, ρ) of L, minus L(θ) (what SAM minimises);
            FOF_ρ(θ) = ρ · max over the ball of ‖∇L‖ (what GAM minimises).
            Both are computed exactly with GSL (1-D: all critical points in the interval; 2-D: \
            interior critical points by root finding plus the maximum over the boundary circle), \
            each with the point where the maximum is attained. At a minimum they are close to \
            ρ²λ_max/2 and ρ²λ_max for small ρ; the output shows those estimates beside them.
            Average sharpness is E[L(θ + δ)] − L(θ) with δ ~ N(0, σ² I).

            Examples:
              lab measure two-valley --at -2
              lab measure himmelblau --at 3,2 --rho 0.5 --sigma 0.2 --format json
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Option(parsing: .unconditional, help: ArgumentHelp("The point θ, one value per variable in the problem's order (negative values work: --at -1,2).", valueName: "v1,v2"))
    var at: String

    @Option(parsing: .unconditional, help: "Radius of the ball (default: the problem's rho, else 0.1).")
    var rho: Double?

    @Option(parsing: .unconditional, help: "Scale of the Gaussian perturbation for average sharpness (default: the problem's sigma, else 0.1).")
    var sigma: Double?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let rho, !(rho > 0 && rho.isFinite) { throw ValidationError("--rho must be a positive number, not \(rho).") }
        if let sigma, !(sigma > 0 && sigma.isFinite) { throw ValidationError("--sigma must be a positive number, not \(sigma).") }
    }

    func run() throws {
        try reportingErrors {
            let p = try Catalog().load(problem)
            let theta = try parseVector(at, option: "--at", problem: p)
            let rho = rho ?? p.defaults.number("rho") ?? 0.1
            let sigma = sigma ?? p.defaults.number("sigma") ?? 0.1
            let m = try p.measures(at: theta, rho: rho, sigma: sigma)
            switch common.format {
            case .json: print(measuresJSON(m).rendered())
            case .text: print(measuresText(m, problem: p))
            }
        }
    }
}

/// `--at 1,2` or `--start 1,2`: one number per variable.
func parseVector(_ text: String, option: String, problem p: Problem) throws -> [Double] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    let values = parts.map { Double($0) }
    guard values.allSatisfy({ $0?.isFinite == true }) else {
        let bad = parts.first { Double($0)?.isFinite != true } ?? text
        throw UserError(message: "\(option): '\(bad)' is not a number; give one number per variable, as in \(option) \(p.variables.map { _ in "0.5" }.joined(separator: ","))")
    }
    guard values.count == p.dimension else {
        throw UserError(message: "\(option): \(p.name) has \(p.dimension) variable\(p.dimension == 1 ? "" : "s") (\(p.variables.joined(separator: ", "))), but \(values.count) value\(values.count == 1 ? " was" : "s were") given")
    }
    return values.map { $0! }
}

func measuresJSON(_ m: Measures, extra: [(String, JSON)] = []) -> JSON {
    .object(extra + [
        ("theta", .numbers(m.theta)),
        ("loss", .number(m.loss)),
        ("grad_norm", .number(m.gradNorm)),
        ("zof", .number(m.zof)),
        ("zof_argmax", .numbers(m.zofArgmax)),
        ("fof", .number(m.fof)),
        ("fof_argmax", .numbers(m.fofArgmax)),
        ("lambda_max", .number(m.lambdaMax)),
        ("trace", .number(m.trace)),
        ("eigenvalues", .numbers(m.eigenvalues)),
        ("avg_sharpness", m.avgSharpness.map { .number($0) } ?? .null),
        ("test_loss", m.testLoss.map { .number($0) } ?? .null),
        ("rho", .number(m.rho)),
        ("sigma", .number(m.sigma)),
        ("zof_estimate", .number(m.zofEstimate)),
        ("fof_estimate", .number(m.fofEstimate)),
        ("exact", .bool(m.exact)),
    ])
}

/// θ for people: `x=1` or `(x=1, y=2)`; a coordinate within 1e-12 of 0 (root-finding noise)
/// prints as 0.
func point(_ theta: [Double], _ p: Problem) -> String {
    let parts = zip(p.variables, theta).map { "\($0)=\(human(abs($1) < 1e-12 ? 0 : $1))" }
    return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: ", ") + ")"
}

func measuresText(_ m: Measures, problem p: Problem) -> String {
    let bound = m.exact ? "" : "  (lower bound: multi-start projected ascent in \(p.dimension)-D)"
    var rows: [[String]] = [
        ["loss", human(m.loss), ""],
        ["gradient norm", human(m.gradNorm), ""],
        ["ZOF", human(m.zof), "max at \(point(m.zofArgmax, p)); ρ²λ_max/2 = \(human(m.zofEstimate))\(bound)"],
        ["FOF", human(m.fof), "max at \(point(m.fofArgmax, p)); ρ²λ_max = \(human(m.fofEstimate))\(bound)"],
        ["λ_max", human(m.lambdaMax), ""],
        ["trace", human(m.trace), ""],
        ["eigenvalues", human(m.eigenvalues), ""],
        ["avg sharpness", m.avgSharpness.map(human) ?? "n/a",
         m.avgSharpness == nil ? "not computed for more than two variables" : "E[L(θ+δ)] − L(θ), δ ~ N(0, σ²I)"],
        ["test loss", m.testLoss.map(human) ?? "n/a",
         m.testLoss != nil ? "" : p.oracle.hasTestLoss ? "a Gaussian shift is not integrated for more than two variables" : "the problem defines none"],
    ]
    rows = rows.map { $0[2].isEmpty ? [$0[0], $0[1]] + [""] : $0 }
    return "\(p.name) at \(point(m.theta, p)), ρ = \(human(m.rho)), σ = \(human(m.sigma))\n"
        + table(header: ["measure", "value", "note"], rows: rows)
}
