import Landscape

/// One step's direction and the rule's own view of flatness at θ: a lane of a `LaneReport`, for
/// a single run's trajectory and `lab step`.
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
    /// True when the rule moved θ again after the base rule's step (lookahead's synchronisation).
    public var movedAfterStep = false

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

/// ξ of GAM's Algorithm 1 and davda54/sam's 1e-12 guard against dividing by a zero norm.
public let xi = 1e-12
