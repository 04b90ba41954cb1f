import Foundation

/// How a direction becomes a step, with `torch.optim` semantics so a flatlab run matches a
/// PyTorch run of the same loss step for step.
public enum BaseRuleKind: String, CaseIterable, Sendable {
    case gd, momentum, nesterov, adam, adamw
}

/// A base update rule and its state (momentum buffer, Adam moments).
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
    private var buffer: [Double]?
    private var m: [Double] = [], v: [Double] = []
    private var t = 0

    /// A rule with no state yet (no momentum buffer, Adam step 0); β₁, β₂ and ε default to torch.optim.Adam's.
    public init(kind: BaseRuleKind, momentum: Double = 0.9, dampening: Double = 0, weightDecay: Double = 0,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.kind = kind
        self.momentum = kind == .gd ? 0 : momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        (self.beta1, self.beta2, self.epsilon) = (beta1, beta2, epsilon)
    }

    /// Applies one update to θ along direction `d` (a gradient or a sharpness-aware direction).
    public mutating func step(_ theta: inout [Double], direction d: [Double], lr: Double) {
        switch kind {
        case .gd, .momentum, .nesterov:
            var g = d
            if weightDecay != 0 { for i in g.indices { g[i] += weightDecay * theta[i] } }
            if momentum != 0 {
                if var b = buffer {
                    for i in b.indices { b[i] = momentum * b[i] + (1 - dampening) * g[i] }
                    buffer = b
                } else {
                    buffer = g
                }
                let b = buffer!
                if kind == .nesterov { for i in g.indices { g[i] += momentum * b[i] } } else { g = b }
            }
            for i in theta.indices { theta[i] -= lr * g[i] }
        case .adam, .adamw:
            var g = d
            if kind == .adamw {
                for i in theta.indices { theta[i] *= 1 - lr * weightDecay }
            } else if weightDecay != 0 {
                for i in g.indices { g[i] += weightDecay * theta[i] }
            }
            if m.isEmpty { m = [Double](repeating: 0, count: g.count); v = m }
            t += 1
            let bias1 = 1 - Foundation.pow(beta1, Double(t)), bias2 = 1 - Foundation.pow(beta2, Double(t))
            let stepSize = lr / bias1
            for i in g.indices {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                let denominator = v[i].squareRoot() / bias2.squareRoot() + epsilon
                theta[i] -= stepSize * m[i] / denominator
            }
        }
    }
}
