import ArgumentParser
import Reports
import Foundation
import Landscape
import Optimizers

struct Measure: CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Flatness measures at a point: ZOF and FOF (exact in 1-D and 2-D, bracketed beyond), Hessian spectrum, average sharpness, the test, shifted and expected shifted loss.",
        discussion: """
            ZOF_ρ(θ) = max over the ball B(θ, ρ) of L, minus L(θ) (what SAM minimises);
            FOF_ρ(θ) = ρ · max over the ball of ‖∇L‖ (what GAM minimises).
            Both are computed exactly with GSL (1-D: all critical points in the interval; 2-D: \
            interior critical points by root finding plus the maximum over the boundary circle), \
            each with the point where the maximum is attained. At a minimum they are close to \
            ρ²λ_max/2 and ρ²λ_max for small ρ; the output shows those estimates beside them.
            Average sharpness is E[L(θ + δ)] − L(θ) with δ ~ N(0, σ² I).

            Beyond two variables (a model fitted to data) ZOF and FOF are bracketed. The lower \
            bound ("≥") is the best point found by projected ascent with exact derivatives from \
            several starts, by sign flips of small coordinates and by second-order \
            (trust-region) ascent; the output says which found it. The upper bound ("at most") \
            is certified by interval arithmetic over the box θ ± ρ (with Taylor's theorem and \
            a bound on the Hessian where the loss is smooth there); "no bound" where interval \
            arithmetic diverges (a weight-normalised unit whose v may reach 0). Up to 64 \
            parameters. The Hessian comes from Hessian-vector \
            products (Lanczos and Hutchinson beyond 200 parameters); average sharpness is a \
            seeded Monte Carlo mean with its standard error.

            Examples:
              lab measure two-valley --at -1,0
              lab measure himmelblau --at 3,2 --rho 0.5 --sigma 0.2 --format json
              lab measure tiny-regression

            \(exitStatusHelp)
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Option(parsing: .unconditional, help: ArgumentHelp("The point θ, one value per variable in the problem's order (negative values work: --at -1,2); default: the problem's start (a model's seeded initialisation).", valueName: "v1,v2"))
    var at: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Radius of the ball (default: the problem's rho, as for every command, else \(RunSettings.setting("rho")!.defaultText)).", valueName: "R"))
    var rho: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Scale of the Gaussian perturbation for average sharpness (default: the problem's sigma, else \(RunSettings.setting("sigma")!.defaultText)).", valueName: "S"))
    var sigma: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        let p = try loadProblem(problem)
        let m = try Work.measure(p, at: at, given: RunSettings.read(["rho": rho, "sigma": sigma].compactMapValues { $0 }))
        switch common.format {
        case .json: print(measuresJSON(m).rendered())
        case .text: print(measuresText(m, problem: p))
        }
    }
}
