import Landscape
import Optimizers

/// Builds a run's hyperparameters in three layers: flatlab's built-in defaults, then the
/// problem's `[defaults]`, then the command-line flags (same keys as `Defaults.known`, without
/// dashes). `sgd` has gradient noise 0.1 unless a layer sets `noise`.
public func resolveHyperparameters(optimizer: OptimizerName, problem: Defaults, flags: Defaults) throws -> Hyperparameters {
    var h = Hyperparameters()
    if optimizer == .sgd { h.noise = 0.1 }
    for layer in [problem, flags] {
        for (key, value) in layer.values.sorted(by: { $0.key < $1.key }) {
            switch (key, value) {
            case ("lr", .number(let x)): h.lr = x
            case ("steps", .integer(let n)): h.steps = n
            case ("rho", .number(let x)): h.rho = x
            case ("alpha", .number(let x)): h.alpha = x
            case ("sam-rho", .number(let x)): h.samRho = x
            case ("base", .word(let w)): h.base = BaseRuleKind(rawValue: w)!
            case ("momentum", .number(let x)): h.momentum = x
            case ("dampening", .number(let x)): h.dampening = x
            case ("weight-decay", .number(let x)): h.weightDecay = x
            case ("eta", .number(let x)): h.eta = x
            case ("grad-rho", .number(let x)): h.gradRho = x
            case ("grad-norm-rho", .number(let x)): h.gradNormRho = x
            case ("beta0", .number(let x)): h.beta0 = x
            case ("beta1", .number(let x)): h.beta1 = x
            case ("beta2", .number(let x)): h.beta2 = x
            case ("beta3", .number(let x)): h.beta3 = x
            case ("gamma", .number(let x)): h.gamma = x
            case ("noise", .number(let x)): h.noise = x
            case ("seed", .integer(let n)): h.seed = UInt64(n)
            case ("schedule", .word(let w)): h.schedule = Schedule(rawValue: w)!
            default: break  // start, opt and sigma are not hyperparameters of the update
            }
        }
    }
    if optimizer.impliedBase != nil, flags.word("base") != nil, flags.word("base") != optimizer.impliedBase!.rawValue {
        throw ConfigurationError(message: "--base chooses the base rule of a sharpness-aware optimizer; '\(optimizer.rawValue)' is itself the base rule \(optimizer.impliedBase!.rawValue) (use --opt sam --base \(flags.word("base")!), for example)")
    }
    // Checked here, where flags and problem files meet, so a file's `dampening = 5` is caught too.
    guard h.dampening >= 0 && h.dampening <= 1 else {
        throw ConfigurationError(message: "dampening must be between 0 and 1, not \(h.dampening)")
    }
    if (optimizer.impliedBase ?? h.base) == .nesterov, !(h.momentum > 0 && h.dampening == 0) {
        // As torch.optim.SGD, which raises the same complaint.
        throw ConfigurationError(message: "nesterov needs a positive --momentum and zero --dampening (got momentum \(h.momentum), dampening \(h.dampening))")
    }
    return h
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
