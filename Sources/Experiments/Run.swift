import Foundation
import Landscape
import Optimizers

/// What to run: a problem, an optimizer, its hyperparameters and a start.
public struct RunConfiguration {
    public let problem: Problem
    public let optimizer: Optimizer
    public let hyper: Hyperparameters
    /// The start θ, in the problem's variable order.
    public let start: [Double]
    /// Record exact ZOF and FOF and the optimizer's estimates at every step.
    public let measures: Bool
    /// σ of the expected shifted loss reported at the end.
    public let sigma: Double
    /// Stop after this many updates, with the schedule of the whole run (`explainStep`); nil: all of `hyper.steps`.
    var stepLimit: Int?
    /// The most trajectory points a run keeps (`TrajectoryRecorder`).
    public var trajectoryLimit = TrajectoryRecorder.defaultLimit

    public init(problem: Problem, optimizer: Optimizer, hyper: Hyperparameters, start: [Double], measures: Bool = false,
                sigma: Double = RunSettings().sigma) {
        self.problem = problem
        self.optimizer = optimizer
        self.hyper = hyper
        self.start = start
        self.measures = measures
        self.sigma = sigma
    }

    /// The run that resolved settings describe (`RunSettings.resolve`).
    public init(problem: Problem, optimizer: Optimizer, settings s: RunSettings) {
        self.init(problem: problem, optimizer: optimizer, hyper: s.hyper, start: s.start ?? problem.defaultStart,
                  measures: s.measures, sigma: s.sigma)
    }
}

/// One point of a trajectory: the parameters after `step` updates (step 0 is the start).
public struct TrajectoryPoint: Sendable {
    public let step: Int
    public let theta: [Double]
    public let loss: Double
    /// ‖∇L(θ)‖ without the run's gradient noise.
    public let gradNorm: Double
    /// With `measures`: exact ZOF and FOF at θ and the optimizer's own estimates of them (nil
    /// where the optimizer has none, and at the last point, where no direction was computed).
    public var zof: Double?
    public var fof: Double?
    public var zofEstimate: Double?
    public var fofEstimate: Double?
    /// Where the optimizer took its extra gradient for the update from this point (SAM's
    /// θ + ε, GAM's θ_adv, …); nil for plain optimizers and at the last point.
    public var probe: [Double]?
}

/// A run's trajectory in bounded memory: every point while there are at most `limit`; past
/// that, every second one (steps that are multiples of 2), then every fourth, and so on, so the
/// points kept are evenly spaced in steps and a run of ten million steps keeps at most `limit`
/// (+1: the last point, always kept). `stride` says which steps were kept.
public struct TrajectoryRecorder {
    /// 100 000 points: a few tens of megabytes for a 2-D run, a JSON of about 10 MB.
    public static let defaultLimit = 100_000
    public let limit: Int
    /// Kept steps are the multiples of `stride` (and the last step).
    public private(set) var stride = 1
    private var kept: [TrajectoryPoint] = []
    private var latest: TrajectoryPoint?

    public init(limit: Int = defaultLimit) { self.limit = max(limit, 2) }

    public mutating func append(_ p: TrajectoryPoint) {
        if let l = latest, l.step % stride == 0 { kept.append(l) }
        latest = p
        if kept.count > limit {
            stride *= 2
            kept = kept.filter { $0.step % stride == 0 }
        }
    }

    /// Changes the point appended last (the optimizer's estimates arrive after it).
    public mutating func updateLast(_ change: (inout TrajectoryPoint) -> Void) {
        if latest != nil { change(&latest!) }
    }

    /// The points kept, the last one included, in step order.
    public var points: [TrajectoryPoint] { kept + (latest.map { [$0] } ?? []) }
}

/// How a run ended: after `steps` updates (`max_steps`), converged (‖∇L + wd·θ‖ below `convergenceTolerance`;
/// never with gradient noise), or diverged (`RunRecord.divergence` says where and why). Raw values are the JSON's.
public enum RunStatus: String, Sendable {
    case maxSteps = "max_steps", converged, diverged
}

/// The run's last point and what is judged there: test loss, basin and flatness at the run's ρ.
public struct FinalState: Sendable {
    public let theta: [Double]
    public let loss: Double
    /// The real held-out test loss (`[test] loss`); nil when the problem defines none.
    public let testLoss: Double?
    /// L(θ + shift) for the problem's fixed shift (`[test] shift`); nil without one.
    public let shiftedLoss: Double?
    /// E[L(θ + s)], s ~ N(0, σ²I) (= L + average sharpness at σ, a proxy): exact in 1-D and 2-D,
    /// a seeded Monte Carlo mean beyond.
    public let expectedShiftedLoss: Double?
    /// The Monte Carlo standard error of `expectedShiftedLoss`; nil when it is exact.
    public let expectedShiftedLossError: Double?
    /// σ of `expectedShiftedLoss`.
    public let sigma: Double
    /// nil when the run diverged, or when gradient flow from θ reaches no critical point.
    public let basin: Basin?
    /// λ_max(H) at θ.
    public let lambdaMax: Double
    /// ZOF_ρ at θ for the run's ρ (`hyper.rho`).
    public let zof: Double
    /// FOF_ρ at θ for the run's ρ (`hyper.rho`).
    public let fof: Double
}

/// Everything a run produced, as plain values.
public struct RunRecord: Sendable {
    public let problem: String
    public let optimizer: Optimizer
    public let hyper: Hyperparameters
    public let status: RunStatus
    /// For a diverged run: the first step whose update was not finite or left the domain far
    /// behind, and why. The trajectory stops at the step before.
    public let divergence: (step: Int, reason: String)?
    /// Step 0 is the start, step k the parameters after k updates; a diverged run stops before the bad step.
    /// A long run keeps every `trajectoryStride`-th step and its last (`TrajectoryRecorder`).
    public let trajectory: [TrajectoryPoint]
    public var trajectoryStride = 1
    public let final: FinalState
    /// Oracle passes the optimizer made; recording the trajectory (losses, measures) is not counted.
    public let evaluations: Evaluations
    /// The critical point gradient flow reaches from the start: the basin the run began in, so
    /// that a run that changes basins says so. nil for a diverged run.
    public let startBasin: Basin?
    /// How the run ended, as the basin rule judges it (`stalled`, `cycling`): from the loop,
    /// whatever of the trajectory was kept.
    public let pathEnd: PathEnd

    /// True when the run ended short of its basin's critical point and had nearly stopped
    /// moving: over its last tenth (at least 10 steps) it moved less than 1% of the distance
    /// that remained. Its end point is not a minimum, and numbers there describe no minimum.
    public var stalled: Bool {
        BasinRule.stalled(pathEnd, basin: final.basin)
    }

    /// Whether the run ended in a cycle (`cycling`), from its last three points.
    public var cycling: Bool {
        BasinRule.cycling(pathEnd, basin: final.basin)
    }

    /// The settings the run used, for the JSON's `hyperparameters` (start included).
    public var settings: RunSettings {
        var s = RunSettings()
        s.optimizer = optimizer.name
        s.hyper = hyper
        s.start = trajectory.first?.theta
        return s
    }
}

/// Norm of ∇L + wd·θ under which a run counts as converged.
public let convergenceTolerance = 1e-8

extension RunConfiguration {
    /// Runs the optimizer. `criticalPoints` (from `problem.criticalPoints()`) locate the basin;
    /// pass them in to share one analysis between several runs.
    /// `startBasin`, when known (the same start run before), saves following the flow from it again.
    public func run(criticalPoints: [CriticalPoint]? = nil, startBasin knownStartBasin: Basin? = nil) throws -> RunRecord {
        let oracle = problem.oracle
        // A run needs a start where the loss and its gradient exist.
        let (startLoss, startGradient) = oracle.gradient(start)
        guard startLoss.isFinite, startGradient.allSatisfy(\.isFinite) else {
            throw SettingError("the \(startLoss.isFinite ? "gradient" : "loss") is not finite at the start; choose another start (a weight-normalised unit whose v is 0, a log of 0, ...)")
        }
        var recorder = TrajectoryRecorder(limit: trajectoryLimit)
        let (ending, divergence, evaluations) = try iterate(visit: { step, theta, l, g in
            var point = TrajectoryPoint(step: step, theta: theta, loss: l, gradNorm: g.reduce(0) { $0 + $1 * $1 }.squareRoot())
            if measures {
                point.zof = try oracle.zof(at: theta, rho: hyper.rho).value
                point.fof = try oracle.fof(at: theta, rho: hyper.rho).value
            }
            recorder.append(point)
        }, estimates: { d in
            recorder.updateLast {
                $0.zofEstimate = d.zofEstimate
                $0.fofEstimate = d.fofEstimate
                $0.probe = d.probe
            }
        })
        let trajectory = recorder.points
        let status = ending.status, pathEnd = ending.pathEnd

        // A diverged run has no basin, so it need not search for critical points. Beyond 2-D
        // the end point is judged by where descent from it goes, not against a list.
        let end = trajectory.last!
        let endBasin: Basin?, startBasin: Basin?
        if !problem.regime.isExact {
            endBasin = status == .diverged ? nil : try descentBasin(of: end.theta)
            startBasin = status == .diverged ? nil : try knownStartBasin ?? descentBasin(of: start)
        } else {
            let critical = status == .diverged ? nil : try criticalPoints ?? problem.criticalPoints()
            endBasin = try critical.flatMap { c in
                try BasinRule(problem: problem, critical: c).trapped(pathEnd) ?? self.basin(of: end.theta, among: c) ?? valleyOfMinima(at: end.theta)
            }
            startBasin = critical.flatMap { knownStartBasin ?? self.basin(of: start, among: $0) }
        }
        let lambdaMax = try oracle.spectrum(at: end.theta).lambdaMax
        let shifted = try oracle.gaussianExpectationEstimate(at: end.theta, sigma: sigma)
        return RunRecord(
            problem: problem.name, optimizer: optimizer, hyper: hyper, status: status, divergence: divergence,
            trajectory: trajectory, trajectoryStride: recorder.stride,
            final: FinalState(theta: end.theta, loss: end.loss, testLoss: oracle.testLoss(end.theta), shiftedLoss: oracle.shiftedLoss(end.theta),
                              expectedShiftedLoss: shifted.value, expectedShiftedLossError: shifted.error, sigma: sigma,
                              basin: endBasin, lambdaMax: lambdaMax,
                              zof: try end.zof ?? oracle.zof(at: end.theta, rho: hyper.rho).value,
                              fof: try end.fof ?? oracle.fof(at: end.theta, rho: hyper.rho).value),
            evaluations: evaluations, startBasin: startBasin, pathEnd: pathEnd)
    }

    /// The run's loop without its records (`LaneRuns.run` with a block of one): `visit(step, θ,
    /// L, ∇L)` at the start and after every update (∇L without the run's noise), `estimates`
    /// with each step's direction result.
    public func iterate(visit: @escaping (Int, [Double], Double, [Double]) throws -> Void,
                        estimates: @escaping (DirectionResult) -> Void = { _ in }) throws
        -> (ending: RunEnding, divergence: (step: Int, reason: String)?, evaluations: Evaluations)
    {
        let out = try LaneRuns(problem: problem, optimizer: optimizer, hyper: hyper)
            .run([start], stepLimit: stepLimit, watch: RunWatch(visit: visit, estimates: estimates))
        return (out.endings[0], out.divergences[0], out.evaluations)
    }

    /// Why θ ends the run, or nil: a non-finite coordinate or loss, or a coordinate more than ten
    /// domain widths outside the domain.
    static func divergenceReason(_ theta: [Double], problem: Problem) -> String? {
        if let i = theta.indices.first(where: { !theta[$0].isFinite }) {
            return "\(problem.variables[i]) became \(theta[i].isNaN ? "NaN" : "\(theta[i])")"
        }
        let loss = problem.oracle.loss(theta)
        if !loss.isFinite { return "the loss became \(loss.isNaN ? "NaN" : "\(loss)")" }
        for (i, range) in problem.domain.enumerated() {
            let width = range.upperBound - range.lowerBound
            if theta[i] < range.lowerBound - 10 * width || theta[i] > range.upperBound + 10 * width {
                return "\(problem.variables[i]) = \(theta[i]) is more than ten domain widths outside [\(range.lowerBound), \(range.upperBound)]"
            }
        }
        return nil
    }

    /// The critical point the run ended at: the one within 1e-3 of the domain's diagonal of θ, or
    /// else the one that gradient flow from θ reaches (`BasinRule`, the rule of basin maps too);
    /// nil when the flow reaches no critical point of `critical`.
    func basin(of theta: [Double], among critical: [CriticalPoint]) -> Basin? {
        BasinRule(problem: problem, critical: critical).basins(of: [theta])[0]
    }

    /// A point where the gradient vanishes and the Hessian is positive semi-definite with a flat
    /// direction (`CriticalPoint.classify` says degenerate, no eigenvalue clearly negative): on a
    /// valley of minima, such as relu-orbit's curve a·b = const, where no isolated critical point
    /// stands for the run's end. Reported as reached, with no index.
    /// A run that ended near such a valley (SAM and GAM keep moving along it) is reported
    /// there by the point descent from its end reaches, with the distance.
    func valleyOfMinima(at theta: [Double]) throws -> Basin? {
        func isValley(_ eigenvalues: [Double]) -> Bool {
            let scale = max(1, eigenvalues.map(abs).max() ?? 0)
            return CriticalPoint.classify(eigenvalues) == .degenerate && (eigenvalues.first ?? 0) > -1e-7 * scale
        }
        if norm(problem.oracle.gradient(theta).gradient) < 1e-6 {
            return isValley(try problem.oracle.eigenvalues(theta)) ? Basin(index: nil, theta: theta, kind: .degenerate, distance: 0, reached: true) : nil
        }
        guard let c = try problem.stationaryPoint(from: theta), isValley(c.eigenvalues) else { return nil }
        let d = distance(c.theta, theta)
        return Basin(index: nil, theta: c.theta, kind: .degenerate, distance: d, reached: d < 1e-3 * problem.diagonal)
    }

    /// The basin of the start, as `run` reports it (`startBasin`): among `critical` up to 2-D,
    /// by descent beyond. Runs from one start share it (`Comparison`).
    public func startBasin(among critical: [CriticalPoint]) throws -> Basin? {
        problem.regime.isExact ? basin(of: start, among: critical) : try descentBasin(of: start)
    }

    /// Beyond 2-D: the stationary point descent reaches from θ, with no index; reached when θ is
    /// within 1e-3 of the domain's diagonal of it.
    func descentBasin(of theta: [Double]) throws -> Basin? {
        guard let c = try problem.stationaryPoint(from: theta) else { return nil }
        let d = distance(c.theta, theta)
        return Basin(index: nil, theta: c.theta, kind: c.kind, distance: d, reached: d < 1e-3 * problem.diagonal)
    }
}
