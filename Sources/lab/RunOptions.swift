import ArgumentParser
import Experiments
import Foundation
import Landscape
import Optimizers

/// The flags `run` and `compare` share. Each overrides the problem's `[defaults]`, which
/// override flatlab's built-in defaults.
struct RunOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Start point, one value per variable (default: the problem's start, else the centre of the domain).", valueName: "v1,v2"))
    var start: String?
    @Option(parsing: .unconditional, help: "Learning rate (default 0.01).")
    var lr: Double?
    @Option(help: "Number of updates (default 300).")
    var steps: Int?
    @Option(parsing: .unconditional, help: "Radius ρ of SAM's ascent, GAM's gradient-norm ascent and the exact variants' ball; also the ρ of the final ZOF/FOF (default 0.05).")
    var rho: Double?
    @Option(parsing: .unconditional, help: "GAM's weight α on the first-order flatness term (default 0.5).")
    var alpha: Double?
    @Option(name: .customLong("sam-rho"), parsing: .unconditional, help: "SAM radius inside gam-sam (default 0.05).")
    var samRho: Double?
    @Option(help: "Base rule fed by a sharpness-aware direction: gd, momentum, nesterov, adam, adamw (default gd).")
    var base: BaseRuleKind?
    @Option(parsing: .unconditional, help: "Momentum for momentum and nesterov (default 0.9; dampening 0, as torch.optim.SGD).")
    var momentum: Double?
    @Option(parsing: .unconditional, help: "Dampening τ of the momentum buffer, as torch.optim.SGD (default 0).")
    var dampening: Double?
    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "Weight decay: coupled for gd/momentum/nesterov/adam, decoupled for adamw (default 0).")
    var weightDecay: Double?
    @Option(parsing: .unconditional, help: "ASAM's η in T = |θ| + η (default 0.01; 0 is davda54/sam's adaptive=True).")
    var eta: Double?
    @Option(name: .customLong("grad-rho"), parsing: .unconditional, help: "gam-fast: radius of the gradient ascent steps (default 0.02).")
    var gradRho: Double?
    @Option(name: .customLong("grad-norm-rho"), parsing: .unconditional, help: "gam-fast: radius of the gradient-norm ascent (default 0.2).")
    var gradNormRho: Double?
    @Option(parsing: .unconditional, help: "gam-fast: β0 (default 0.5; sets the default β2 = 1 − β0).")
    var beta0: Double?
    @Option(parsing: .unconditional, help: "gam-fast: β1, weight of the first ascent gradient (default 0.6; sets the default β3 = 1 − β1).")
    var beta1: Double?
    @Option(parsing: .unconditional, help: "gam-fast: β2, weight of the gradient-norm-ascent gradient (default 1 − β0).")
    var beta2: Double?
    @Option(parsing: .unconditional, help: "gam-fast: β3, weight of the second ascent gradient (default 1 − β1).")
    var beta3: Double?
    @Option(parsing: .unconditional, help: "gam-fast: γ, strength of the gradient decomposition (default 0.03).")
    var gamma: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Standard deviation of Gaussian noise added to every gradient (default 0; 0.1 for sgd).", valueName: "sigma"))
    var noise: Double?
    @Option(help: "Seed of the noise generator; the same seed gives the same output byte for byte (default 0).")
    var seed: Int?
    @Option(help: "Learning-rate schedule: constant, cosine (to 0 at the last step), or step (÷10 after each third).")
    var schedule: Schedule?
    @Flag(inversion: .prefixedNo, help: "Record exact ZOF and FOF at every step beside the optimizer's own estimates of them (default: the problem's `measures`, else off).")
    var measures: Bool?
    @Option(help: "Folder for the JSON, CSV and SVG files (default out/).")
    var out: String = "out"
    @Flag(name: .customLong("plot"), inversion: .prefixedNo, help: "Write the figure, or skip it with --no-plot (default: write it unless the problem sets `no-plot = true`).")
    var plot: Bool?

    /// `--measures`, else the problem's `measures = true|false`.
    func recordMeasures(_ p: Problem) -> Bool { measures ?? p.defaults.flag("measures") ?? false }

    /// `--plot` / `--no-plot`, else the problem's `no-plot = true|false`.
    func writeFigure(_ p: Problem) -> Bool { plot ?? !(p.defaults.flag("no-plot") ?? false) }

    func validate() throws {
        for (name, value) in [("--lr", lr), ("--rho", rho), ("--sam-rho", samRho), ("--grad-rho", gradRho), ("--grad-norm-rho", gradNormRho)] {
            if let value, !(value > 0 && value.isFinite) { throw ValidationError("\(name) must be a positive number, not \(value).") }
        }
        for (name, value) in [("--alpha", alpha), ("--momentum", momentum), ("--weight-decay", weightDecay), ("--eta", eta), ("--noise", noise)] {
            if let value, !(value >= 0 && value.isFinite) { throw ValidationError("\(name) must be zero or positive, not \(value).") }
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, not \(steps).") }
        if let seed, seed < 0 || seed > 1 << 53 {
            // JSON numbers are doubles: a larger seed would not read back exactly.
            throw ValidationError("--seed must be between 0 and 2^53 = 9007199254740992, not \(seed).")
        }
    }

    /// The flags the user gave, keyed like a problem's `[defaults]`.
    var flags: Defaults {
        var d = Defaults()
        let numbers: [(String, Double?)] = [
            ("lr", lr), ("rho", rho), ("alpha", alpha), ("sam-rho", samRho), ("momentum", momentum), ("dampening", dampening),
            ("weight-decay", weightDecay), ("eta", eta), ("grad-rho", gradRho), ("grad-norm-rho", gradNormRho),
            ("beta0", beta0), ("beta1", beta1), ("beta2", beta2), ("beta3", beta3), ("gamma", gamma), ("noise", noise),
        ]
        for case let (key, value?) in numbers { d.values[key] = .number(value) }
        if let steps { d.values["steps"] = .integer(steps) }
        if let seed { d.values["seed"] = .integer(seed) }
        if let base { d.values["base"] = .word(base.rawValue) }
        if let schedule { d.values["schedule"] = .word(schedule.rawValue) }
        return d
    }

    /// Start: the flag, else the problem's default, else the centre of the domain.
    func startPoint(_ p: Problem) throws -> [Double] {
        if let start { return try parseVector(start, option: "--start", problem: p) }
        return p.defaults.vector("start") ?? p.domain.map { ($0.lowerBound + $0.upperBound) / 2 }
    }
}

extension BaseRuleKind: ExpressibleByArgument {}
extension Schedule: ExpressibleByArgument {}

extension OptimizerName: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
}

/// Parses `--opt` / `--opts` values with a suggestion for a typo.
func optimizerName(_ text: String) throws -> OptimizerName {
    if let name = OptimizerName(rawValue: text) { return name }
    let all = OptimizerName.allCases.map(\.rawValue)
    let hint = nearest(to: text, among: all).map { "did you mean '\($0)'? " } ?? ""
    throw UserError(message: "unknown optimizer '\(text)'; \(hint)the optimizers are \(all.joined(separator: ", "))")
}

import Symbolic

// MARK: records as JSON, CSV and text

func runJSON(_ r: RunRecord, start: [Double]) -> JSON {
    let h = r.hyper
    let hyper: [(String, JSON)] = [
        ("start", .numbers(start)), ("lr", .number(h.lr)), ("steps", .number(Double(h.steps))), ("rho", .number(h.rho)),
        ("alpha", .number(h.alpha)), ("sam_rho", .number(h.samRho)),
        ("base", .string((r.optimizer.impliedBase ?? h.base).rawValue)), ("momentum", .number(h.momentum)), ("dampening", .number(h.dampening)),
        ("weight_decay", .number(h.weightDecay)), ("eta", .number(h.eta)), ("grad_rho", .number(h.gradRho)),
        ("grad_norm_rho", .number(h.gradNormRho)), ("beta0", .number(h.beta0)), ("beta1", .number(h.beta1)),
        ("beta2", .number(h.effectiveBeta2)), ("beta3", .number(h.effectiveBeta3)), ("gamma", .number(h.gamma)),
        ("noise", .number(h.noise)), ("seed", .number(Double(h.seed))), ("schedule", .string(h.schedule.rawValue)),
    ]
    let trajectory: [JSON] = r.trajectory.map { p in
        var fields: [(String, JSON)] = [("step", .number(Double(p.step))), ("theta", .numbers(p.theta)),
                                        ("loss", .number(p.loss)), ("grad_norm", .number(p.gradNorm))]
        if p.zof != nil {
            fields += [("zof", .number(p.zof!)), ("fof", .number(p.fof!)),
                       ("zof_estimate", p.zofEstimate.map { .number($0) } ?? .null),
                       ("fof_estimate", p.fofEstimate.map { .number($0) } ?? .null)]
        }
        return .object(fields)
    }
    let f = r.final
    let basin: JSON = f.basin.map { .object([("index", .number(Double($0.index))), ("theta", .numbers($0.theta)), ("kind", .string($0.kind.rawValue)), ("distance", .number($0.distance)),
                                      ("reached", .bool($0.reached))]) } ?? .null
    var doc: [(String, JSON)] = [
        ("problem", .string(r.problem)),
        ("optimizer", .string(r.optimizer.rawValue)),
        ("hyperparameters", .object(hyper)),
        ("status", .string(r.status.rawValue)),
    ]
    if let d = r.divergence { doc.append(("divergence", .object([("step", .number(Double(d.step))), ("reason", .string(d.reason))]))) }
    doc += [
        ("trajectory", .array(trajectory)),
        ("final", .object([
            ("theta", .numbers(f.theta)), ("loss", .number(f.loss)), ("test_loss", f.testLoss.map { .number($0) } ?? .null),
            ("basin", basin), ("lambda_max", .number(f.lambdaMax)), ("zof", .number(f.zof)), ("fof", .number(f.fof)),
        ])),
        ("evaluations", .object([("gradient", .number(Double(r.evaluations.gradient))), ("hvp", .number(Double(r.evaluations.hvp)))])),
    ]
    return .object(doc)
}

func runCSV(_ r: RunRecord, variables: [String]) -> String {
    let withMeasures = r.trajectory.first?.zof != nil
    var header = ["step"] + variables + ["loss", "grad_norm"]
    if withMeasures { header += ["zof", "fof", "zof_estimate", "fof_estimate"] }
    var lines = [header.joined(separator: ",")]
    let n: (Double?) -> String = { $0.map { JSON.format($0) } ?? "" }
    for p in r.trajectory {
        var row = [String(p.step)] + p.theta.map { JSON.format($0) } + [JSON.format(p.loss), JSON.format(p.gradNorm)]
        if withMeasures { row += [n(p.zof), n(p.fof), n(p.zofEstimate), n(p.fofEstimate)] }
        lines.append(row.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Writes each file through a temporary file in its folder, renaming them into place only
/// once every one is written, so a failure leaves none of them behind, half-written or whole.
func writeAtomically(_ files: [(contents: String, path: String)]) throws {
    var temporaries: [URL] = []
    func cleanUp() { for t in temporaries { try? FileManager.default.removeItem(at: t) } }
    for (contents, path) in files {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            cleanUp()
            throw UserError(message: "cannot write \(path): a folder of that name is in the way")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            cleanUp()
            throw UserError(message: "cannot create the folder \(folder.path) for \(path)")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).partial")
        temporaries.append(temporary)
        do {
            try Data(contents.utf8).write(to: temporary)
        } catch {
            cleanUp()
            throw UserError(message: "cannot write \(path): \(error.localizedDescription)")
        }
    }
    for (temporary, file) in zip(temporaries, files) {
        // rename(2) replaces the destination in one step.
        guard rename(temporary.path, file.path) == 0 else {
            let reason = String(cString: strerror(errno))
            cleanUp()
            throw UserError(message: "cannot write \(file.path): \(reason)")
        }
    }
}

func writeAtomically(_ contents: String, to path: String) throws {
    try writeAtomically([(contents, path)])
}

func basinText(_ b: Basin?, _ p: Problem) -> String {
    guard let b else { return "none" }
    let at = "#\(b.index) \(b.kind.rawValue) at \(point(b.theta, p))"
    return b.reached ? at : at + String(format: " (ended %.3g away)", b.distance)
}

/// A warning on stderr for a diverged run.
func warnIfDiverged(_ r: RunRecord) {
    if let d = r.divergence {
        printError("warning: \(r.optimizer.rawValue) diverged at step \(d.step): \(d.reason); the trajectory stops at step \(d.step - 1)")
    }
}
