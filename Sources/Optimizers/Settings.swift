import Foundation
import Landscape
import Symbolic

/// A setting's value as a flag, a problem file's `[defaults]` or JSON gives it.
public typealias SettingValue = Defaults.Value

/// One run setting: its key (the flag without dashes and the `[defaults]` key), what values it
/// takes, its built-in default, its help line and its JSON key. `RunSettings.table` lists them
/// all; flags, problem files, validation, resolution, `--help` and the run JSON derive from it.
public struct Setting: Sendable {
    /// What values a setting takes; the one place each range is checked.
    public enum Kind: Sendable, Equatable {
        /// A finite number > 0.
        case positive
        /// A finite number ≥ 0.
        case nonNegative
        /// A finite number in [0, 1].
        case fraction
        /// Any finite number.
        case real
        /// A whole number in min...max.
        case count(min: Int, max: Int)
        /// One number per variable; with `insideDomain`, inside the problem's domain box.
        case vector(insideDomain: Bool)
        /// One of these words.
        case choice([String])
        /// On or off: `--key` / `--no-key` on the command line, `key = true|false` in a file.
        case flag
        /// One or more of these words, comma-separated, each once: `svg,pdf`.
        case choices([String])
        /// A figure's size: a named size or WIDTHxHEIGHT in inches.
        case figureSize
        /// A file's path.
        case path
    }

    public let key: String
    public let kind: Kind
    /// The default as `--help` shows it.
    public let defaultText: String
    public let help: String
    /// Heading under which `--help` lists it.
    public let group: String
    /// Its key in the run JSON's `hyperparameters`, or nil when it is not a hyperparameter.
    public let jsonKey: String?
    /// How a run setting sets `RunSettings`; nil for an output setting, which the output code
    /// applies (Figures' `FigureSettings.resolve`).
    let apply: (@Sendable (inout RunSettings, SettingValue) -> Void)?
    let read: (@Sendable (RunSettings) -> SettingValue)?

    /// Whether the setting is an output setting (the figure's), applied by the output code.
    public var isOutput: Bool { apply == nil }

    /// Its name on a figure's axis, in the papers' symbols (`MathText` markup): ρ, α, learning rate.
    public var display: String { Setting.displayNames[key] ?? key.replacingOccurrences(of: "-", with: " ") }

    static let displayNames: [String: String] = [
        "lr": "learning rate", "rho": "ρ", "alpha": "α", "sam-rho": "ρ_{SAM}", "eta": "η", "sigma": "σ", "weight-decay": "weight decay",
        "init-seed": "initialisation seed", "grad-rho": "ρ_{grad}", "grad-norm-rho": "ρ_{grad norm}", "beta0": "β_{0}", "beta1": "β_{1}",
        "beta2": "β_{2}", "beta3": "β_{3}", "gamma": "γ", "lookahead-k": "k", "lookahead-alpha": "α_{lookahead}", "noise": "gradient noise σ", "steps": "steps",
    ]

    /// The named figure sizes `size` takes (Figures' `FigureSettings.Size`).
    public static let figureSizes = ["column", "page", "slide", "screen"]

    /// `WxH` in inches (`5x3.5`), or nil; the range is the kind's to check.
    public static func inches(_ text: String) -> (width: Double, height: Double)? {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let w = parts[0], let h = parts[1] else { return nil }
        return (w, h)
    }

    /// Checks a value against the kind, turning an integer into a number where a number is
    /// wanted. The error is a phrase ("must be a positive number, not -1.0") for the caller to
    /// place: after the flag, or after the file and key.
    public func accept(_ value: SettingValue, problem: Problem?) -> Result<SettingValue, SettingError> {
        func fail(_ phrase: String) -> Result<SettingValue, SettingError> { .failure(SettingError(phrase)) }
        let number: Double?
        switch value {
        case .number(let x): number = x
        case .integer(let n): number = Double(n)
        default: number = nil
        }
        let shown: String = switch value {
        case .word(let w): "'\(w)'"
        case .flag(let b): b ? "true" : "false"
        case .vector(let v): "[" + v.map { "\($0)" }.joined(separator: ", ") + "]"
        case .number(let x): "\(x)"
        case .integer(let n): "\(n)"
        }
        switch kind {
        case .positive, .nonNegative, .fraction, .real:
            guard let x = number else { return fail("must be a number, not \(shown)") }
            let (ok, what): (Bool, String) = switch kind {
            case .positive: (x > 0 && x.isFinite, "a positive number")
            case .nonNegative: (x >= 0 && x.isFinite, "zero or a positive number")
            case .fraction: (x >= 0 && x <= 1, "a number from 0 to 1")
            default: (x.isFinite, "a finite number")
            }
            return ok ? .success(.number(x)) : fail("must be \(what), not \(x)")
        case .count(let lo, let hi):
            guard case .integer(let n) = value else {
                let shown: String = switch value {
                case .number(let x): ", not \(x)"
                case .word(let w): ", not '\(w)'"
                default: ""
                }
                return fail("must be a whole number from \(lo) to \(hi == Int(1) << 53 ? "2^53" : String(hi))\(shown)")
            }
            guard n >= lo && n <= hi else {
                // JSON numbers are doubles: a seed above 2^53 would not read back exactly.
                return fail("must be from \(lo) to \(hi == Int(1) << 53 ? "2^53 = 9007199254740992" : String(hi)), not \(n)")
            }
            return .success(value)
        case .vector:
            guard case .vector(let v) = value else { return fail("must be one number per variable, as in 0.5,1") }
            if let p = problem {
                guard v.count == p.dimension else {
                    return fail("has \(v.count) value\(v.count == 1 ? "" : "s") but \(p.name) has \(p.dimension) variable\(p.dimension == 1 ? "" : "s") (\(p.variables.joined(separator: ", ")))")
                }
                if let i = v.indices.first(where: { !v[$0].isFinite }) { return fail("\(p.variables[i]) = \(v[i]) is not a finite number") }
                if case .vector(insideDomain: true) = kind, let i = v.indices.first(where: { !p.domain[$0].contains(v[$0]) }) {
                    return fail("\(p.variables[i]) = \(v[i]) is outside the domain [\(p.domain[i].lowerBound), \(p.domain[i].upperBound)]")
                }
            }
            return .success(value)
        case .choice(let choices):
            guard case .word(let w) = value else { return fail("must be one of \(choices.joined(separator: ", "))") }
            guard choices.contains(w) else {
                let hint = nearest(to: w, among: choices).map { "; did you mean '\($0)'?" } ?? ""
                return fail("'\(w)' is not one of \(choices.joined(separator: ", "))\(hint)")
            }
            return .success(value)
        case .flag:
            guard case .flag = value else { return fail("must be true or false") }
            return .success(value)
        case .choices(let choices):
            let list = choices.joined(separator: ", ")
            guard case .word(let w) = value else { return fail("must be one or more of \(list), comma-separated") }
            let words = w.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if let bad = words.first(where: { !choices.contains($0) }) {
                let hint = nearest(to: bad, among: choices).map { "; did you mean '\($0)'?" } ?? ""
                return fail("'\(bad)' is not one of \(list) (give one or more, comma-separated, as in svg,pdf)\(hint)")
            }
            if let twice = words.first(where: { x in words.filter { $0 == x }.count > 1 }) { return fail("names '\(twice)' twice") }
            return .success(.word(words.joined(separator: ",")))
        case .figureSize:
            let forms = "column, page, slide, screen or WIDTHxHEIGHT in inches (as in 5x3.5)"
            guard case .word(let w) = value else { return fail("must be \(forms)") }
            if Setting.figureSizes.contains(w.trimmingCharacters(in: .whitespaces)) { return .success(value) }
            guard let (width, height) = Setting.inches(w) else { return fail("'\(w)' is not \(forms)") }
            guard width > 0, height > 0, width <= 100, height <= 100 else {
                return fail("'\(w)': width and height must be more than 0 and at most 100 inches; give \(forms)")
            }
            return .success(value)
        case .path:
            guard case .word(let w) = value, !w.isEmpty else { return fail("must be a file's path") }
            return .success(value)
        }
    }

    /// Reads a value typed on the command line for this setting.
    public func parse(_ text: String) -> Result<SettingValue, SettingError> {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .positive, .nonNegative, .fraction, .real:
            guard let x = Double(t) else { return .failure(SettingError("must be a number, not '\(text)'")) }
            return accept(.number(x), problem: nil)
        case .count:
            // A whole number too large for Int is still a whole number: say it is out of range.
            guard let n = Int(t) ?? Double(t).flatMap({ $0 == $0.rounded() && $0.isFinite ? ($0 > 0 ? Int.max : Int.min) : nil }) else {
                return accept(.word(t), problem: nil)
            }
            return accept(.integer(n), problem: nil)
        case .vector:
            let parts = t.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if let bad = parts.first(where: { Double($0)?.isFinite != true }) {
                return .failure(SettingError("'\(bad)' is not a number; give one number per variable, as in 0.5,1"))
            }
            return .success(.vector(parts.map { Double($0)! }))
        case .choice, .choices, .figureSize, .path:
            return accept(.word(t), problem: nil)
        case .flag:
            switch t.lowercased() {
            case "true", "on", "yes", "1": return .success(.flag(true))
            case "false", "off", "no", "0": return .success(.flag(false))
            default: return .failure(SettingError("must be true or false, not '\(text)'"))
            }
        }
    }
}

/// A mistake in a setting. Its text names settings by key (`\(setting: "lr")`), and each front
/// end names them its own way: the command line as flags (`--lr`, the `description`), a problem
/// file as keys, the web API as parameters; the rest of the wording is the same everywhere.
public struct SettingError: Error, CustomStringConvertible, Equatable {
    public let text: SettingMessage
    public init(_ text: SettingMessage) { self.text = text }
    public init(_ message: String) { self.text = SettingMessage(parts: [.text(message)]) }

    /// The text with each setting named by `name(key)`.
    public func message(naming name: (String) -> String) -> String {
        text.parts.map { part in
            switch part {
            case .text(let t): t
            case .setting(let key): name(key)
            }
        }.joined()
    }

    /// The command line's wording: settings as flags.
    public var message: String { message(naming: { "--" + $0 }) }
    /// Settings as their keys, as a problem or style file spells them.
    public var keyMessage: String { message(naming: { $0 }) }
    public var description: String { message }
}

/// A setting error's text: words, and settings named by key for the front end to spell.
public struct SettingMessage: ExpressibleByStringInterpolation, Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case text(String)
        case setting(String)
    }

    public var parts: [Part]

    init(parts: [Part]) { self.parts = parts }
    public init(stringLiteral value: String) { parts = [.text(value)] }
    public init(stringInterpolation: Interpolation) { parts = stringInterpolation.parts }

    public struct Interpolation: StringInterpolationProtocol {
        var parts: [Part] = []
        public init(literalCapacity: Int, interpolationCount: Int) {}
        public mutating func appendLiteral(_ literal: String) { parts.append(.text(literal)) }
        public mutating func appendInterpolation<T>(_ value: T) { parts.append(.text("\(value)")) }
        /// A setting, named by its key: the front end spells it (`--lr` on the command line).
        public mutating func appendInterpolation(setting key: String) { parts.append(.setting(key)) }
        /// Another error's text, its settings still named by key.
        public mutating func appendInterpolation(_ error: SettingError) { parts += error.text.parts }
    }
}

/// Everything a run is configured by, resolved in layers: the table's built-in defaults, the
/// optimizer's own (`Optimizer.defaults`), the problem's `[defaults]`, then the flags.
public struct RunSettings: Sendable {
    /// The `opt` setting: the optimizer a problem suggests, or `--opt`.
    public var optimizer: String?
    public var hyper = Hyperparameters()
    /// nil until resolved against a problem: then the flag, the problem's, or the domain's centre.
    public var start: [Double]?
    /// The seed of a model's initialisation, used when no start is given; nil: the model's own.
    public var initSeed: UInt64?
    /// Record exact ZOF and FOF at every step.
    public var measures = false
    /// σ of the Gaussian perturbation for average sharpness and the expected shifted loss.
    public var sigma = 0.1

    public init() {}

    /// The table. Order is `--help`'s order and the run JSON's order.
    public static let table: [Setting] = [
        entry("opt", .choice(Optimizer.all.map(\.name)), "none", "The optimizer, one of those above.", group: "run") { $0.optimizer = $1.word },
        entry("start", .vector(insideDomain: true), "the domain's centre", "Start point, one value per variable: --start -1,0.5.", group: "run", json: "start",
              read: { .vector($0.start ?? []) }) { $0.start = $1.vector },
        entry("init-seed", .count(min: 0, max: 1 << 53), "the model's seed", "Seed of a model's initialisation (like PyTorch's default), when no start is given: --init-seed 3.",
              group: "run") { $0.initSeed = UInt64($1.integer!) },
        entry("lr", .positive, "0.01", "Learning rate.", group: "run", json: "lr", read: { .number($0.hyper.lr) }) { $0.hyper.lr = $1.number! },
        entry("steps", .count(min: 1, max: 10_000_000), "300", "Number of updates (at most ten million; a run keeps at most 100000 evenly spaced points of its trajectory, and its last).", group: "run", json: "steps",
              read: { .integer($0.hyper.steps) }) { $0.hyper.steps = $1.integer! },
        entry("rho", .positive, "0.05", "Radius ρ of SAM's ascent, GAM's gradient-norm ascent and the exact variants' ball; also the ρ of every ZOF/FOF the lab reports for the problem.",
              group: "run", json: "rho", read: { .number($0.hyper.rho) }) { $0.hyper.rho = $1.number! },
        entry("alpha", .nonNegative, "0.5", "GAM's weight α on the first-order flatness term.", group: "sharpness-aware", json: "alpha",
              read: { .number($0.hyper.alpha) }) { $0.hyper.alpha = $1.number! },
        entry("sam-rho", .positive, "0.05", "SAM radius inside gam-sam.", group: "sharpness-aware", json: "sam_rho",
              read: { .number($0.hyper.samRho) }) { $0.hyper.samRho = $1.number! },
        entry("eta", .nonNegative, "0.01", "ASAM's η in T = |θ| + η (0 is davda54/sam's adaptive=True).", group: "sharpness-aware", json: "eta",
              read: { .number($0.hyper.eta) }) { $0.hyper.eta = $1.number! },
        entry("base", .choice(BaseRuleKind.allCases.map(\.rawValue)), "gd", "Base rule of sam, gam, lookahead and the other optimizers that take one: gd, momentum, nesterov, adam or adamw.", group: "base rule", json: "base",
              read: { .word($0.hyper.base.rawValue) }) { $0.hyper.base = BaseRuleKind(rawValue: $1.word!)! },
        entry("momentum", .nonNegative, "0.9", "Momentum of momentum and nesterov (torch.optim.SGD).", group: "base rule", json: "momentum",
              read: { .number($0.hyper.momentum) }) { $0.hyper.momentum = $1.number! },
        entry("dampening", .fraction, "0", "Dampening τ of the momentum buffer (torch.optim.SGD).", group: "base rule", json: "dampening",
              read: { .number($0.hyper.dampening) }) { $0.hyper.dampening = $1.number! },
        entry("weight-decay", .nonNegative, "0", "Weight decay: coupled for gd/momentum/nesterov/adam, decoupled for adamw.", group: "base rule",
              json: "weight_decay", read: { .number($0.hyper.weightDecay) }) { $0.hyper.weightDecay = $1.number! },
        entry("schedule", .choice(Schedule.allCases.map(\.rawValue)), "constant", "Learning-rate schedule: constant, cosine (to 0 at the last step), step (÷10 after each third).",
              group: "base rule", json: "schedule", read: { .word($0.hyper.schedule.rawValue) }) { $0.hyper.schedule = Schedule(rawValue: $1.word!)! },
        entry("grad-rho", .positive, "0.02", "gam-fast: radius of the gradient ascent steps.", group: "gam-fast", json: "grad_rho",
              read: { .number($0.hyper.gradRho) }) { $0.hyper.gradRho = $1.number! },
        entry("grad-norm-rho", .positive, "0.2", "gam-fast: radius of the gradient-norm ascent.", group: "gam-fast", json: "grad_norm_rho",
              read: { .number($0.hyper.gradNormRho) }) { $0.hyper.gradNormRho = $1.number! },
        entry("beta0", .real, "0.5", "gam-fast: β0 (sets the default β2 = 1 − β0).", group: "gam-fast", json: "beta0",
              read: { .number($0.hyper.beta0) }) { $0.hyper.beta0 = $1.number! },
        entry("beta1", .real, "0.6", "gam-fast: β1, weight of the first ascent gradient (sets the default β3 = 1 − β1).", group: "gam-fast", json: "beta1",
              read: { .number($0.hyper.beta1) }) { $0.hyper.beta1 = $1.number! },
        entry("beta2", .real, "1 − β0", "gam-fast: β2, weight of the gradient-norm-ascent gradient.", group: "gam-fast", json: "beta2",
              read: { .number($0.hyper.effectiveBeta2) }) { $0.hyper.beta2 = $1.number! },
        entry("beta3", .real, "1 − β1", "gam-fast: β3, weight of the second ascent gradient.", group: "gam-fast", json: "beta3",
              read: { .number($0.hyper.effectiveBeta3) }) { $0.hyper.beta3 = $1.number! },
        entry("gamma", .nonNegative, "0.03", "gam-fast: γ, strength of the gradient decomposition.", group: "gam-fast", json: "gamma",
              read: { .number($0.hyper.gamma) }) { $0.hyper.gamma = $1.number! },
        entry("lookahead-k", .count(min: 1, max: 1_000_000), "5", "lookahead: fast steps of the base rule between synchronisations.", group: "lookahead",
              json: "lookahead_k", read: { .integer($0.hyper.lookaheadSteps) }) { $0.hyper.lookaheadSteps = $1.integer! },
        entry("lookahead-alpha", .fraction, "0.5", "lookahead: α, the fraction the slow weights move towards the fast ones.", group: "lookahead",
              json: "lookahead_alpha", read: { .number($0.hyper.lookaheadAlpha) }) { $0.hyper.lookaheadAlpha = $1.number! },
        entry("noise", .nonNegative, "0; sgd 0.1", "Standard deviation of Gaussian noise added to every gradient.", group: "noise", json: "noise",
              read: { .number($0.hyper.noise) }) { $0.hyper.noise = $1.number! },
        entry("seed", .count(min: 0, max: 1 << 53), "0", "Seed of the noise generator; the same seed gives the same output byte for byte.",
              group: "noise", json: "seed", read: { .integer(Int($0.hyper.seed)) }) { $0.hyper.seed = UInt64($1.integer!) },
        entry("sigma", .positive, "0.1", "σ of the random shift s ~ N(0, σ²I) behind average sharpness and the expected shifted loss E[L(θ + s)].", group: "measures") { $0.sigma = $1.number! },
        entry("measures", .flag, "off", "Record exact ZOF and FOF at every step beside the optimizer's estimates (lab run and compare).",
              group: "output") { $0.measures = $1.flag! },
        // Output settings: checked here like every setting, applied by Figures' `FigureSettings`.
        output("no-plot", .flag, "off", "Skip the figure.", group: "output"),
        output("animate", .flag, "off", "lab run and compare: the SVG plays the runs step by step, each path growing with the ρ-ball and the probe of the current step (SMIL, no script; a viewer that does not animate shows the whole paths; PDF and PNG stay still).",
               group: "output"),
        output("size", .figureSize, "screen", "Figure size: column (3.3 in wide; panels stack), page (6.9 in), slide (13.33 × 7.5 in), screen (panels of 520 × 380 px) or WxH in inches, as in 5x3.5.",
               group: "figure"),
        output("font-size", .positive, "12 px on screen, 8 pt on paper, 18 pt on a slide", "Base font size of the figure (ticks and legends; titles are larger, contour labels 7/8 of it).",
               group: "figure"),
        output("figure-format", .choices(["svg", "pdf", "png"]), "svg", "Figure files to write, one or more of svg, pdf, png: --figure-format pdf,png.",
               group: "figure"),
        output("dpi", .count(min: 10, max: 2400), "150", "Pixels an inch of a PNG figure (a column figure at 300 dpi is 990 px wide).", group: "figure"),
        output("aspect", .choice(["equal", "auto"]), "equal", "2-D landscapes: equal (one unit of x as long as one of y, so a ρ-ball is round) or auto (fill the panel).",
               group: "figure"),
        output("style", .path, "none", "A style file (TOML) with figure settings, as in size = \"column\" and font-size = 8; flags override it.",
               group: "figure"),
    ]

    private static func entry(_ key: String, _ kind: Setting.Kind, _ defaultText: String, _ help: String, group: String,
                              json: String? = nil, read: (@Sendable (RunSettings) -> SettingValue)? = nil,
                              apply: @escaping @Sendable (inout RunSettings, SettingValue) -> Void) -> Setting {
        Setting(key: key, kind: kind, defaultText: defaultText, help: help, group: group, jsonKey: json, apply: apply, read: read)
    }

    private static func output(_ key: String, _ kind: Setting.Kind, _ defaultText: String, _ help: String, group: String) -> Setting {
        Setting(key: key, kind: kind, defaultText: defaultText, help: help, group: group, jsonKey: nil, apply: nil, read: nil)
    }

    /// A point given on the command line (`measure --at`): read and checked like `start`, but it
    /// may lie outside the domain.
    public static let point = Setting(key: "at", kind: .vector(insideDomain: false), defaultText: "", help: "", group: "",
                                      jsonKey: nil, apply: { _, _ in }, read: nil)

    /// The setting with this key (the flag without its dashes), or nil.
    public static func setting(_ key: String) -> Setting? { table.first { $0.key == key } }

    /// Takes settings in layers, each overriding the one before: `before` (an optimizer's own),
    /// the problem's `[defaults]`, `extra` (a style file's), then `given`; each value is checked by
    /// its entry and handed to `take`. A mistake is named where it came from: the problem file's
    /// key, or the setting (a given one, a style file's).
    public static func layer(problem: Problem, given: [String: SettingValue], before: [String: SettingValue] = [:], extra: [String: SettingValue] = [:],
                             take: (Setting, SettingValue) throws -> Void) throws {
        let layers: [(values: [String: SettingValue], isGiven: Bool)] = [(before, false), (problem.defaults.values, false), (extra, true), (given, true)]
        for (values, isGiven) in layers {
            for (key, raw) in values.sorted(by: { $0.key < $1.key }) {
                guard let setting = setting(key) else { throw SettingError("unknown setting '\(key)'") }
                switch setting.accept(raw, problem: problem) {
                case .success(let v): try take(setting, v)
                case .failure(let e):
                    if isGiven { throw SettingError("\(setting: key) \(e)") }
                    throw ProblemError(file: problem.file, key: "defaults.\(key)", message: e.keyMessage)
                }
            }
        }
    }

    /// Checks a problem's `[defaults]` against the table: unknown keys, kinds, ranges, a start
    /// inside the domain. Errors name the file and the key.
    public static func check(_ problem: Problem) throws {
        for (key, value) in problem.defaults.values.sorted(by: { $0.key < $1.key }) {
            let where_ = "defaults.\(key)"
            guard let s = setting(key) else {
                let hint = nearest(to: key, among: table.map(\.key)).map { "; did you mean '\($0)'?" } ?? ""
                throw ProblemError(file: problem.file, key: where_, message: "unknown run setting '\(key)'\(hint)")
            }
            if case .failure(let e) = s.accept(value, problem: problem) {
                throw ProblemError(file: problem.file, key: where_, message: e.keyMessage)
            }
        }
    }

    /// The settings for a run of `optimizer` (or for measuring, without one) on `problem`: the
    /// built-in defaults, the optimizer's own, the problem's `[defaults]`, then `given`, each
    /// layer overriding the one before. `given` holds what a front end was given (the command
    /// line's flags, the web API's parameters), keyed by setting and read by `Setting.parse`
    /// (`read`); each value is checked again here, as are the problem's, so a file reaching this
    /// point without `check` is caught. Errors name settings by key (`SettingError`).
    public static func resolve(problem: Problem, optimizer: Optimizer?, given flags: [String: SettingValue]) throws -> RunSettings {
        try check(problem)
        var s = RunSettings()
        try layer(problem: problem, given: flags, before: optimizer?.defaults ?? [:]) { setting, value in setting.apply?(&s, value) }
        if s.initSeed != nil && problem.model?.initialization == nil {
            let error = SettingError("\(setting: "init-seed") seeds a network's initialisation; \(problem.name) starts from its start or the domain's centre")
            if flags["init-seed"] != nil { throw error }
            throw ProblemError(file: problem.file, key: "defaults.init-seed", message: error.keyMessage)
        }
        // A start and an init-seed on the command line contradict each other; an init-seed flag
        // beats a start from the problem file (a flag beats the file).
        if flags["init-seed"] != nil && flags["start"] != nil { throw SettingError("\(setting: "init-seed") draws a start; give it or \(setting: "start"), not both") }
        if flags["init-seed"] != nil { s.start = nil }
        if s.start == nil { s.start = s.initSeed.flatMap { problem.model?.initialization(seed: $0) } ?? problem.defaultStart }
        if let optimizer {
            if let implied = optimizer.impliedBase {
                if case .word(let b)? = flags["base"], b != implied.rawValue {
                    throw SettingError("\(setting: "base") chooses the base rule of an optimizer that takes one (sam, gam, lookahead, ...); '\(optimizer.name)' is itself the base rule \(implied.rawValue) (sam with \(setting: "base") \(b), for example, runs SAM on \(b))")
                }
                s.hyper.base = implied
            }
            if s.hyper.base == .nesterov, !(s.hyper.momentum > 0 && s.hyper.dampening == 0) {
                // As torch.optim.SGD, which raises the same complaint. Named where the values
                // came from: the flags, or the problem file.
                let message = "nesterov needs a positive momentum and zero dampening (got momentum \(s.hyper.momentum), dampening \(s.hyper.dampening))"
                if flags["momentum"] != nil || flags["dampening"] != nil || flags["opt"] != nil || flags["base"] != nil {
                    throw SettingError(message)
                }
                throw ProblemError(file: problem.file, key: "defaults", message: message)
            }
        }
        return s
    }

    /// The hyperparameters as the run JSON shows them: (JSON key, value) in table order, only
    /// those the run's optimizer reads (`Optimizer.reads`), so a run's JSON never shows a
    /// setting that played no part in it.
    public func jsonFields(for optimizer: Optimizer) -> [(key: String, value: SettingValue)] {
        RunSettings.table.compactMap { s in
            guard optimizer.reads(s.key, base: hyper.base), let key = s.jsonKey, let read = s.read else { return nil }
            return (key, read(self))
        }
    }

    /// Refuses given settings that none of the runs reads (`--alpha` with only gd, say): they
    /// would be taken silently and change nothing. A problem file's `[defaults]` may hold
    /// settings for other optimizers, so only what a front end was given is checked.
    public static func checkRead(_ flags: [String: SettingValue], by runs: [(optimizer: Optimizer, base: BaseRuleKind)]) throws {
        for key in flags.keys.sorted() where !runs.contains(where: { $0.optimizer.reads(key, base: $0.base) }) {
            let readers = Optimizer.all.filter { $0.settings.contains(key) }.map(\.name)
            let names = runs.map(\.optimizer.name).joined(separator: ", ")
            let hint = readers.isEmpty ? (key == "momentum" || key == "dampening" ? "; it is read by the momentum base rule" : "")
                : "; it is read by \(readers.joined(separator: ", "))"
            // A setting of the same name with a prefix that these runs do read (--lookahead-alpha for --alpha).
            let meant = runs.flatMap(\.optimizer.settings).first { $0.hasSuffix("-" + key) }.map { key in SettingError("; did you mean \(setting: key)?") }
            throw SettingError("\(setting: key) changes nothing for \(names)\(hint)\(meant ?? SettingError(""))")
        }
    }

    /// Reads settings given as text, as a front end receives them (the command line's flag
    /// values, the web API's parameters), each by its table entry: `["lr": "0.1", "start":
    /// "-1,2", "measures": "true"]`. Errors name the setting (`SettingError`), so every front
    /// end words a mistake alike.
    public static func read(_ texts: [String: String]) throws -> [String: SettingValue] {
        var values: [String: SettingValue] = [:]
        for (key, text) in texts.sorted(by: { $0.key < $1.key }) {
            guard let s = setting(key) else {
                let hint = nearest(to: key, among: table.map(\.key)).map { "; did you mean '\($0)'?" } ?? ""
                throw SettingError("unknown setting '\(key)'\(hint)")
            }
            switch s.parse(text) {
            case .success(let v): values[key] = v
            case .failure(let e): throw SettingError("\(setting: key) \(e)")
            }
        }
        return values
    }
}

extension Defaults.Value {
    var number: Double? { if case .number(let x) = self { return x }; if case .integer(let n) = self { return Double(n) }; return nil }
    var integer: Int? { if case .integer(let n) = self { return n }; return nil }
    var word: String? { if case .word(let w) = self { return w }; return nil }
    var flag: Bool? { if case .flag(let b) = self { return b }; return nil }
    var vector: [Double]? { if case .vector(let v) = self { return v }; return nil }
}
