import Foundation
import Landscape

/// The optimizers of DESIGN.md by name: a direction rule (plain gradient or a sharpness-aware
/// estimator) and the base rule that turns it into a step.
public enum OptimizerName: String, CaseIterable, Sendable {
    case gd, sgd, momentum, nesterov, adam, adamw, sam, asam, gam
    case gamSam = "gam-sam", gamFast = "gam-fast", samExact = "sam-exact", gamExact = "gam-exact"

    /// The base rule an optimizer name implies, or nil when `--base` chooses it.
    public var impliedBase: BaseRuleKind? {
        switch self {
        case .gd, .sgd: .gd
        case .momentum: .momentum
        case .nesterov: .nesterov
        case .adam: .adam
        case .adamw: .adamw
        default: nil
        }
    }

    public var isSharpnessAware: Bool { impliedBase == nil }
}

/// One step's direction and what it cost, plus the optimizer's own view of flatness.
public struct DirectionResult: Sendable {
    public var direction: [Double]
    /// L and ∇L at θ itself (every rule needs them).
    public var loss: Double
    public var gradient: [Double]
    /// SAM-type rules: the loss at the ascent point minus L(θ), their estimate of ZOF.
    public var zofEstimate: Double?
    /// GAM-type rules: ρ‖∇L‖ at the adversarial point, their estimate of FOF.
    public var fofEstimate: Double?
}

/// Counts of the oracle passes a run made.
public struct Evaluations: Sendable, Equatable {
    /// Passes that compute L and ∇L.
    public var gradient = 0
    /// Passes that compute L, ∇L and a Hessian-vector product together.
    public var hvp = 0
    public init() {}
}

/// Computes sharpness-aware directions from an oracle. Gradient noise (if any) is added to each
/// gradient evaluation from the one seeded generator.
public struct DirectionRule {
    public let name: OptimizerName
    public let hyper: Hyperparameters
    let oracle: Oracle
    public private(set) var evaluations = Evaluations()
    private var rng: Gaussian

    /// ξ of GAM's Algorithm 1 and davda54/sam's 1e-12 guard against dividing by a zero norm.
    public static let xi = 1e-12

    public init(name: OptimizerName, hyper: Hyperparameters, oracle: Oracle) {
        self.name = name
        self.hyper = hyper
        self.oracle = oracle
        rng = Gaussian(seed: hyper.seed)
    }

    mutating func gradient(_ theta: [Double]) -> (loss: Double, gradient: [Double]) {
        evaluations.gradient += 1
        var (l, g) = oracle.gradient(theta)
        if hyper.noise > 0 { for i in g.indices { g[i] += hyper.noise * rng.next() } }
        return (l, g)
    }

    mutating func hvp(_ theta: [Double], _ v: [Double]) -> (loss: Double, gradient: [Double], hv: [Double]) {
        evaluations.hvp += 1
        var r = oracle.hvp(theta, v)
        if hyper.noise > 0 { for i in r.gradient.indices { r.gradient[i] += hyper.noise * rng.next() } }
        return r
    }

    public mutating func direction(at theta: [Double]) throws -> DirectionResult {
        let (loss, g) = gradient(theta)
        var result = DirectionResult(direction: g, loss: loss, gradient: g)
        let rho = hyper.rho, xi = Self.xi
        switch name {
        case .gd, .sgd, .momentum, .nesterov, .adam, .adamw:
            break
        case .sam:
            // Foret et al.; davda54/sam: e = ρ g / (‖g‖ + 1e-12), direction ∇L(θ + e).
            let adv = add(theta, scale(g, rho / (norm(g) + xi)))
            let (advLoss, advGradient) = gradient(adv)
            result.direction = advGradient
            result.zofEstimate = advLoss - loss
        case .asam:
            // Kwon et al. 2021 with T = |θ| + η: e = ρ T² g / ‖T g‖; η = 0 is davda54's adaptive=True.
            let t = theta.map { abs($0) + hyper.eta }
            let tg = zip(t, g).map { $0 * $1 }
            let e = zip(t, g).map { $0 * $0 * $1 * rho / (norm(tg) + xi) }
            let (advLoss, advGradient) = gradient(add(theta, e))
            result.direction = advGradient
            result.zofEstimate = advLoss - loss
        case .gam, .gamSam:
            // GAM, Algorithm 1 (Zhang et al., CVPR 2023): ascend ‖∇L‖ along f = ∇‖∇L‖ = Hg/‖g‖.
            let f = hvp(theta, scale(g, 1 / (norm(g) + xi))).hv
            let adv = add(theta, scale(f, rho / (norm(f) + xi)))
            let advGradient = gradient(adv).gradient
            let hg = hvp(adv, advGradient).hv
            let advNorm = norm(advGradient)
            let hNorm = scale(hg, rho / (advNorm + xi))
            var base = g
            if name == .gamSam {
                base = gradient(add(theta, scale(g, hyper.samRho / (norm(g) + xi)))).gradient
            }
            result.direction = add(base, scale(hNorm, hyper.alpha))
            result.fofEstimate = rho * advNorm
        case .gamFast:
            result.direction = gamFastDirection(theta, g0: g, fofEstimate: &result.fofEstimate)
        case .samExact:
            // Danskin: the gradient of max_{‖ε‖≤ρ} L(θ+ε) is ∇L at the maximiser.
            let (zof, argmax) = try oracle.zof(at: theta, rho: rho)
            result.direction = gradient(argmax).gradient
            result.zofEstimate = zof
        case .gamExact:
            // Danskin on FOF = ρ max ‖∇L‖: its gradient is ρ H∇L/‖∇L‖ at the maximiser.
            let (fof, argmax) = try oracle.fof(at: theta, rho: rho)
            let advGradient = gradient(argmax).gradient
            let hg = hvp(argmax, advGradient).hv
            result.direction = add(g, scale(hg, hyper.alpha * rho / (norm(advGradient) + xi)))
            result.fofEstimate = fof
        }
        return result
    }

    /// The accelerated GAM of the authors' public code (xxgege/GAM, `gam.py`), without
    /// Hessian-vector products: with r = grad_rho, s = grad_norm_rho,
    ///   g1 = ∇L(θ + r ĝ0); d = g1 − g0 (≈ r H ĝ0); θ2 = θ + s d/‖d‖; g2 = ∇L(θ2);
    ///   g3 = ∇L(θ2 + r ĝ2); p = g0 + |β2| g2; n = β1 g1 + β3 g3;
    ///   direction = n − γ (p − cos(p, n) ‖p‖ n/‖n‖),
    /// every normalisation guarded by + 1e-12 as there.
    private mutating func gamFastDirection(_ theta: [Double], g0: [Double], fofEstimate: inout Double?) -> [Double] {
        let xi = Self.xi, r = hyper.gradRho, s = hyper.gradNormRho
        let g1 = gradient(add(theta, scale(g0, r / (norm(g0) + xi)))).gradient
        let d = zip(g1, g0).map { $0 - $1 }
        let theta2 = add(theta, scale(d, s / (norm(d) + xi)))
        let g2 = gradient(theta2).gradient
        let g3 = gradient(add(theta2, scale(g2, r / (norm(g2) + xi)))).gradient
        let p = add(g0, scale(g2, abs(hyper.effectiveBeta2)))
        let n = add(scale(g1, hyper.beta1), scale(g3, hyper.effectiveBeta3))
        let (pn, nn) = (norm(p), norm(n))
        let cosine = dot(p, n) / (nn * pn + xi)
        let vertical = zip(p, n).map { $0 - cosine * pn * $1 / (nn + xi) }
        // gam-fast's own view of the steepest slope near θ, scaled to the FOF radius ρ so that
        // it is read against the exact FOF_ρ (its ascent itself moves only grad_norm_rho).
        fofEstimate = hyper.rho * norm(g2)
        return zip(n, vertical).map { $0 - hyper.gamma * $1 }
    }
}

/// Standard normal variates from SplitMix64 by Box–Muller: the same seed, the same sequence.
struct Gaussian {
    var rng: SplitMix64
    var spare: Double?
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }
    mutating func next() -> Double {
        if let s = spare { spare = nil; return s }
        // u1 in (0, 1] so log(u1) is finite.
        let u1 = (Double(rng.next() >> 11) + 1) / 9007199254740992.0
        let u2 = Double(rng.next() >> 11) / 9007199254740992.0
        let r = (-2 * Foundation.log(u1)).squareRoot()
        spare = r * Foundation.sin(2 * Double.pi * u2)
        return r * Foundation.cos(2 * Double.pi * u2)
    }
}

func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
func add(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 + $1 } }
func scale(_ a: [Double], _ c: Double) -> [Double] { a.map { $0 * c } }
