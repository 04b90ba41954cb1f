import Foundation

/// How a direction becomes a step, with `torch.optim` semantics so a flatlab run matches a
/// PyTorch run of the same loss step for step.
public enum BaseRuleKind: String, CaseIterable, Sendable {
    case gd, momentum, nesterov, adam, adamw
}

/// A base update rule: its kind and constants. `LaneBaseRule` holds its state (momentum buffer,
/// Adam's moments) and steps it, for a block of lanes or one point.
///
/// - gd, momentum, nesterov: `torch.optim.SGD`. Weight decay is coupled (d ← d + wd·θ); with
///   momentum μ and dampening τ the buffer starts as b₁ = d and then b ← μb + (1 − τ)d; the
///   step uses b, or d + μb for Nesterov; θ ← θ − lr·step.
/// - adam: `torch.optim.Adam` (β₁ = 0.9, β₂ = 0.999, ε = 1e-8), coupled weight decay;
///   θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
/// - adamw: `torch.optim.AdamW`, decoupled weight decay θ ← θ(1 − lr·wd) before the Adam step.
public struct BaseRule: Sendable {
    public let kind: BaseRuleKind
    /// μ of the momentum buffer; always 0 for gd, whatever was passed; unused by adam and adamw.
    public let momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let beta1: Double, beta2: Double, epsilon: Double
    /// β₁, β₂ and ε default to torch.optim.Adam's.
    public init(kind: BaseRuleKind, momentum: Double = 0.9, dampening: Double = 0, weightDecay: Double = 0,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.kind = kind
        self.momentum = kind == .gd ? 0 : momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        (self.beta1, self.beta2, self.epsilon) = (beta1, beta2, epsilon)
    }
}
