import Landscape

/// A rule that turns the loss landscape around θ into the direction a base rule steps along:
/// the plain gradient, or a sharpness-aware estimate (SAM, GAM and their relatives). One type per
/// rule, one file each; `Optimizer.all` lists them.
public protocol Direction {
    /// The direction at θ. `loss` and `gradient` are L(θ) and ∇L(θ), already taken through
    /// `oracle` (every rule needs them); further evaluations go through `oracle` too, so they
    /// are counted and carry the run's gradient noise.
    mutating func direction(at theta: [Double], loss: Double, gradient: [Double],
                            oracle: inout CountingOracle) throws -> DirectionResult
}

/// One step's direction and the rule's own view of flatness at θ.
public struct DirectionResult: Sendable {
    /// The vector the base rule descends along, as it would a gradient; in the problem's variable order.
    public var direction: [Double]
    /// SAM-type rules: the loss at the ascent point minus L(θ), their estimate of ZOF.
    public var zofEstimate: Double?
    /// GAM-type rules: ρ‖∇L‖ at the adversarial point, their estimate of FOF.
    public var fofEstimate: Double?
    /// Where the rule took its extra gradient: SAM's θ + ε, ASAM's scaled θ + ε, GAM's θ_adv,
    /// the exact variants' argmax over the ball, gam-fast's gradient-norm ascent point; nil for
    /// the plain gradient.
    public var probe: [Double]?
    /// GAM-type rules: the flatness term added to the base gradient (α·h_norm).
    public var correction: [Double]?

    public init(direction: [Double], zofEstimate: Double? = nil, fofEstimate: Double? = nil, probe: [Double]? = nil,
                correction: [Double]? = nil) {
        (self.direction, self.zofEstimate, self.fofEstimate, self.probe, self.correction) = (direction, zofEstimate, fofEstimate, probe, correction)
    }
}

/// Counts of the oracle passes a run made.
public struct Evaluations: Sendable, Equatable {
    /// Passes that compute L and ∇L.
    public var gradient = 0
    /// Passes that compute L, ∇L and a Hessian-vector product together.
    public var hvp = 0
    public init() {}
}

/// The problem's oracle as an optimizer sees it: every pass counted, and Gaussian gradient noise
/// (if any) added from the run's one seeded generator, so the same seed gives the same run.
public struct CountingOracle {
    /// The oracle underneath, uncounted and noise-free (the exact variants search the ball through it).
    public let oracle: Oracle
    /// Standard deviation of the Gaussian noise added to each component of every ∇L; 0 for none.
    public let noise: Double
    public private(set) var evaluations = Evaluations()
    private var rng: Gaussian

    /// `seed` seeds the noise generator: the same seed gives the same noise, and so the same run.
    public init(_ oracle: Oracle, noise: Double = 0, seed: UInt64 = 0) {
        (self.oracle, self.noise) = (oracle, noise)
        rng = Gaussian(seed: seed)
    }

    /// L and ∇L at θ, counted as one gradient pass; the noise goes on ∇L only.
    public mutating func gradient(_ theta: [Double]) -> (loss: Double, gradient: [Double]) {
        evaluations.gradient += 1
        var (l, g) = oracle.gradient(theta)
        if noise > 0 { for i in g.indices { g[i] += noise * rng.next() } }
        return (l, g)
    }

    /// L, ∇L and H(θ)∇L(θ) from one pass, counted as an HVP pass. With gradient noise, ∇L
    /// carries the noise and the product is taken along the noisy gradient (a gradient pass and
    /// an HVP pass), as a noisy oracle would compute it.
    public mutating func hessianGradient(_ theta: [Double]) -> (loss: Double, gradient: [Double], hg: [Double]) {
        if noise > 0 {
            let (l, g) = gradient(theta)
            return (l, g, hvp(theta, g).hv)
        }
        evaluations.hvp += 1
        return oracle.hessianGradient(theta)
    }

    /// L, ∇L and H(θ)·v from one pass; the noise goes on ∇L only.
    public mutating func hvp(_ theta: [Double], _ v: [Double]) -> (loss: Double, gradient: [Double], hv: [Double]) {
        evaluations.hvp += 1
        var r = oracle.hvp(theta, v)
        if noise > 0 { for i in r.gradient.indices { r.gradient[i] += noise * rng.next() } }
        return r
    }
}

/// ξ of GAM's Algorithm 1 and davda54/sam's 1e-12 guard against dividing by a zero norm.
public let xi = 1e-12
