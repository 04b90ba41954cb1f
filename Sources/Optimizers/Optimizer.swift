import Landscape
import Symbolic

/// An optimizer by name: a direction rule and the base rule that turns it into a step. The
/// names, their `--help` lines and the suggestions for a typo all come from `Optimizer.all`.
///
/// Adding an optimizer: one new file with its `LaneDirection` type (the rule written once, over a
/// block of lanes), and one entry below. Single runs, `lab step`, basin maps and sweeps all run
/// that one rule.
public struct Optimizer: Sendable, Hashable, CustomStringConvertible {
    /// The `--opt` name, part of the command-line contract (`gam-fast`, `sam-exact`).
    public let name: String
    /// One line for `--help`.
    public let summary: String
    /// The base rule a plain optimizer is (gd is gd, adam is adam); nil for a sharpness-aware
    /// direction, whose base rule the `base` setting chooses.
    public let impliedBase: BaseRuleKind?
    /// The settings its direction reads (beyond the base rule's), named in `--help`.
    public let settings: [String]
    /// Its own defaults where they differ from the table's (sgd: gradient noise 0.1).
    public let defaults: [String: SettingValue]
    /// Its colour in every figure, as 0xRRGGBB: Okabe–Ito's colour-blind-safe eight for the
    /// optimizers compared most (gd black, sam blue, gam vermillion, their exact variants sky
    /// blue and orange), Paul Tol's muted colours for the rest.
    public let color: UInt32
    /// Its rule for hyperparameters and a problem of that many variables.
    let make: @Sendable (Hyperparameters, Int) -> any LaneDirection
    /// True for the exact variants, whose every step searches the ball lane by lane (about a
    /// second a start on a 2-D map): `lab basins` warns before a large map of them.
    public let searchesBall: Bool

    public var description: String { name }
    /// True for a rule fed to the chosen `base` rule (sam, gam, lookahead, …); false for gd, sgd,
    /// momentum, nesterov, adam and adamw, which are base rules themselves.
    public var takesBase: Bool { impliedBase == nil }

    /// A fresh rule for runs with these hyperparameters on a problem of `dimension` variables.
    public func rule(_ h: Hyperparameters, dimension: Int) -> any LaneDirection { make(h, dimension) }

    /// Optimizers are equal when their names are.
    /// Settings every run reads, whatever its optimizer: where it starts, how long and how fast
    /// it runs, its noise, the ρ and σ of the flatness it reports, and what it writes.
    public static let common = ["opt", "start", "init-seed", "lr", "steps", "rho", "schedule", "weight-decay", "noise", "seed", "sigma", "measures", "no-plot", "animate"]
        + RunSettings.table.filter { $0.group == "figure" }.map(\.key)

    /// Whether a run of this optimizer on `base` reads the setting: a common one, one its
    /// direction reads, or one of its base rule's (momentum for momentum and nesterov, dampening
    /// for momentum, `base` itself for a sharpness-aware direction).
    public func reads(_ key: String, base: BaseRuleKind) -> Bool {
        if Optimizer.common.contains(key) || settings.contains(key) { return true }
        switch key {
        case "base": return takesBase
        case "momentum": return base == .momentum || base == .nesterov
        case "dampening": return base == .momentum
        default: return false
        }
    }

    public static func == (a: Optimizer, b: Optimizer) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    init(_ name: String, _ summary: String, color: UInt32, base: BaseRuleKind? = nil, settings: [String] = [],
         defaults: [String: SettingValue] = [:], searchesBall: Bool = false,
         make: @escaping @Sendable (Hyperparameters, Int) -> any LaneDirection) {
        (self.name, self.summary, self.impliedBase, self.settings, self.defaults, self.make) = (name, summary, base, settings, defaults, make)
        self.color = color
        self.searchesBall = searchesBall
    }

    /// Every optimizer, in `--help` order.
    public static let all: [Optimizer] = [
        Optimizer("gd", "gradient descent (torch.optim.SGD)", color: 0x000000, base: .gd) { Gradient(dimension: $1) },
        Optimizer("sgd", "gd with Gaussian gradient noise (noise 0.1 unless set)", color: 0x666666, base: .gd, settings: ["noise", "seed"],
                  defaults: ["noise": .number(0.1)]) { Gradient(dimension: $1) },
        Optimizer("momentum", "heavy-ball momentum (torch.optim.SGD)", color: 0x009E73, base: .momentum) { Gradient(dimension: $1) },
        Optimizer("nesterov", "Nesterov momentum (torch.optim.SGD, nesterov=True)", color: 0x999933, base: .nesterov) { Gradient(dimension: $1) },
        Optimizer("adam", "Adam (torch.optim.Adam)", color: 0xCC79A7, base: .adam) { Gradient(dimension: $1) },
        Optimizer("adamw", "AdamW, decoupled weight decay (torch.optim.AdamW)", color: 0x882255, base: .adamw) { Gradient(dimension: $1) },
        Optimizer("sam", "SAM, Foret et al. 2021, as davda54/sam", color: 0x0072B2, settings: ["rho"]) { SAM(rho: $0.rho, dimension: $1) },
        Optimizer("asam", "adaptive SAM, Kwon et al. 2021", color: 0x44AA99, settings: ["rho", "eta"]) { ASAM(rho: $0.rho, eta: $0.eta, dimension: $1) },
        Optimizer("gam", "GAM, Algorithm 1 of Zhang et al. 2023, exact Hessian-vector products", color: 0xD55E00,
                  settings: ["rho", "alpha"]) { GAM(rho: $0.rho, alpha: $0.alpha, dimension: $1) },
        Optimizer("gam-sam", "GAM's flatness term on SAM's gradient", color: 0xAA4499,
                  settings: ["rho", "alpha", "sam-rho"]) { GAM(rho: $0.rho, alpha: $0.alpha, samRho: $0.samRho, dimension: $1) },
        Optimizer("gam-fast", "the authors' accelerated GAM (xxgege/GAM), no Hessian-vector products", color: 0x661100,
                  settings: ["rho", "grad-rho", "grad-norm-rho", "beta0", "beta1", "beta2", "beta3", "gamma"]) { GAMFast($0, dimension: $1) },
        Optimizer("lookahead", "Lookahead, Zhang et al. 2019: k base-rule steps, then the slow weights move α of the way", color: 0x332288,
                  settings: ["lookahead-k", "lookahead-alpha"]) { Lookahead(k: $0.lookaheadSteps, alpha: $0.lookaheadAlpha, dimension: $1) },
        Optimizer("sam-exact", "L + ZOF with the exact argmax over the ρ-ball", color: 0x56B4E9, settings: ["rho"],
                  searchesBall: true) { h, _ in SAMExact(rho: h.rho) },
        Optimizer("gam-exact", "L + α·FOF with the exact argmax over the ρ-ball", color: 0xE69F00,
                  settings: ["rho", "alpha"], searchesBall: true) { h, _ in GAMExact(rho: h.rho, alpha: h.alpha) },
    ]

    /// The optimizer of that name, or nil.
    public static func named(_ name: String) -> Optimizer? { all.first { $0.name == name } }

    /// The optimizer of that name, or an error that suggests the nearest name and lists them all.
    public static func lookup(_ name: String) throws -> Optimizer {
        if let o = named(name) { return o }
        let names = all.map(\.name)
        let hint = nearest(to: name, among: names).map { "did you mean '\($0)'? " } ?? ""
        throw SettingError("unknown optimizer '\(name)'; \(hint)the optimizers are \(names.joined(separator: ", "))")
    }

    /// The optimizers of a list such as `gd,sam,gam` (`--opts`, the web API's `opts`), each once.
    public static func list(_ text: String) throws -> [Optimizer] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !(names.count == 1 && names[0].isEmpty) else { throw SettingError("\(setting: "opts"): give at least one optimizer, as in \(setting: "opts") gd,sam,gam") }
        if names.contains("") { throw SettingError("\(setting: "opts") '\(text)' has an empty name; give optimizers separated by single commas, as in gd,sam,gam") }
        let optimizers = try names.map { try lookup($0) }
        if let twice = optimizers.first(where: { o in optimizers.filter { $0 == o }.count > 1 }) {
            throw SettingError("\(setting: "opts") names \(twice.name) twice; each optimizer's files would overwrite the other's")
        }
        return optimizers
    }

}
