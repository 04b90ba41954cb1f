import Foundation

/// Every knob of a run, with flatlab's built-in defaults. Problem files override these and
/// command-line flags override the problem files (`Experiments` does the layering).
public struct Hyperparameters: Sendable, Equatable {
    public var lr = 0.01
    public var steps = 300
    /// Radius of SAM's ascent, GAM's gradient-norm ascent, and the exact variants' ball.
    public var rho = 0.05
    /// GAM's weight α on the first-order flatness term.
    public var alpha = 0.5
    /// The SAM radius inside GAM+SAM.
    public var samRho = 0.05
    /// The base rule a sharpness-aware direction feeds; a plain optimizer (gd, adam, …) implies its own.
    public var base: BaseRuleKind = .gd
    /// Momentum μ of the momentum and nesterov base rules (torch.optim.SGD).
    public var momentum = 0.9
    /// torch.optim.SGD's dampening τ: the momentum buffer adds (1 − τ) of each new direction.
    public var dampening = 0.0
    /// Weight decay: coupled (added to the direction) for gd, momentum, nesterov and adam; decoupled for adamw.
    public var weightDecay = 0.0
    /// ASAM's η in T = |θ| + η (Kwon et al., 2021); η = 0 is davda54/sam's `adaptive=True`.
    public var eta = 0.01
    /// gam-fast (the authors' accelerated GAM): radii of the finite-difference ascents.
    public var gradRho = 0.02
    /// gam-fast: radius of the ascent on the gradient norm (`gradRho`: of the two gradient ascents).
    public var gradNormRho = 0.2
    /// gam-fast's mixing weights; β2 defaults to 1 − β0 and β3 to 1 − β1 as in the authors'
    /// code, where β0 and β1 otherwise only name the defaults.
    public var beta0 = 0.5
    public var beta1 = 0.6
    /// nil: 1 − β0 (`effectiveBeta2` is the value used).
    public var beta2: Double?
    /// nil: 1 − β1 (`effectiveBeta3` is the value used).
    public var beta3: Double?
    /// gam-fast's γ: weight of the part of p orthogonal to n, subtracted from n (the gradient decomposition).
    public var gamma = 0.03
    /// Lookahead: fast steps between synchronisations (k) and the slow weights' step towards the fast ones (α).
    public var lookaheadSteps = 5
    public var lookaheadAlpha = 0.5
    /// Standard deviation of Gaussian noise added to every gradient evaluation (sgd's default 0.1).
    public var noise = 0.0
    /// Seed of the gradient-noise generator: the same seed gives the same run, byte for byte.
    public var seed: UInt64 = 0
    /// How lr changes over the `steps` updates.
    public var schedule: Schedule = .constant

    public init() {}

    /// β2 as gam-fast uses it: the one set, or 1 − β0.
    public var effectiveBeta2: Double { beta2 ?? 1 - beta0 }
    /// β3 as gam-fast uses it: the one set, or 1 − β1.
    public var effectiveBeta3: Double { beta3 ?? 1 - beta1 }
}

/// Learning-rate schedules over a run of T steps, for step t = 0, 1, ..., T − 1.
public enum Schedule: String, CaseIterable, Sendable {
    /// lr_t = lr.
    case constant
    /// lr_t = lr · (1 + cos(π t / T)) / 2 (cosine annealing to 0, as torch's CosineAnnealingLR
    /// with T_max = T and eta_min = 0).
    case cosine
    /// lr_t = lr · 0.1^⌊3t / T⌋: divided by 10 after each third of the run.
    case step

    /// The learning rate at step t of a run of `total` steps (`total` below 1 counts as 1).
    public func rate(_ lr: Double, step t: Int, of total: Int) -> Double {
        switch self {
        case .constant: return lr
        case .cosine:
            return lr * (1 + Foundation.cos(Double.pi * Double(t) / Double(max(total, 1)))) / 2
        case .step:
            let k = (3 * t) / max(total, 1)
            var r = lr
            for _ in 0..<k { r *= 0.1 }
            return r
        }
    }
}
