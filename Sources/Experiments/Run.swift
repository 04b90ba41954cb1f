import Foundation
import Landscape
import Optimizers

/// What to run: a problem, an optimizer, its hyperparameters and a start.
public struct RunConfiguration {
    public let problem: Problem
    public let optimizer: OptimizerName
    public let hyper: Hyperparameters
    public let start: [Double]
    /// Record exact ZOF and FOF and the optimizer's estimates at every step.
    public let measures: Bool

    public init(problem: Problem, optimizer: OptimizerName, hyper: Hyperparameters, start: [Double], measures: Bool = false) {
        self.problem = problem
        self.optimizer = optimizer
        self.hyper = hyper
        self.start = start
        self.measures = measures
    }
}

/// One point of a trajectory: the parameters after `step` updates (step 0 is the start).
public struct TrajectoryPoint: Sendable {
    public let step: Int
    public let theta: [Double]
    public let loss: Double
    public let gradNorm: Double
    /// With `measures`: exact ZOF and FOF at θ and the optimizer's own estimates of them (nil
    /// where the optimizer has none, and at the last point, where no direction was computed).
    public var zof: Double?
    public var fof: Double?
    public var zofEstimate: Double?
    public var fofEstimate: Double?
}

public enum RunStatus: String, Sendable {
    case maxSteps = "max_steps", converged, diverged
}

/// The critical point of `Problem.criticalPoints()` a run ended at.
public struct Basin: Sendable {
    /// Index into the critical points (the order of `lab analyze`).
    public let index: Int
    public let theta: [Double]
    public let kind: CriticalPoint.Kind
}

public struct FinalState: Sendable {
    public let theta: [Double]
    public let loss: Double
    public let testLoss: Double?
    public let basin: Basin?
    public let lambdaMax: Double
    public let zof: Double
    public let fof: Double
}

/// Everything a run produced, as plain values.
public struct RunRecord: Sendable {
    public let problem: String
    public let optimizer: OptimizerName
    public let hyper: Hyperparameters
    public let status: RunStatus
    /// For a diverged run: the first step whose update was not finite or left the domain far
    /// behind, and why. The trajectory stops at the step before.
    public let divergence: (step: Int, reason: String)?
    public let trajectory: [TrajectoryPoint]
    public let final: FinalState
    public let evaluations: Evaluations
}

/// Gradient norm under which a run counts as converged.
public let convergenceTolerance = 1e-8

extension RunConfiguration {
    /// Runs the optimizer. `criticalPoints` (from `problem.criticalPoints()`) locate the basin;
    /// pass them in to share one analysis between several runs.
    public func run(criticalPoints: [CriticalPoint]? = nil) throws -> RunRecord {
        let oracle = problem.oracle
        var rule = DirectionRule(name: optimizer, hyper: hyper, oracle: oracle)
        var baseRule = BaseRule(kind: optimizer.impliedBase ?? hyper.base, momentum: hyper.momentum,
                                weightDecay: hyper.weightDecay)
        var theta = start
        var trajectory: [TrajectoryPoint] = []
        func record(_ step: Int, _ theta: [Double]) throws {
            let (l, g) = oracle.gradient(theta)
            var point = TrajectoryPoint(step: step, theta: theta, loss: l, gradNorm: g.reduce(0) { $0 + $1 * $1 }.squareRoot())
            if measures {
                point.zof = try oracle.zof(at: theta, rho: hyper.rho).value
                point.fof = try oracle.fof(at: theta, rho: hyper.rho).value
            }
            trajectory.append(point)
        }
        try record(0, theta)
        var status = RunStatus.maxSteps
        var divergence: (Int, String)?
        for k in 0..<hyper.steps {
            if trajectory.last!.gradNorm < convergenceTolerance && hyper.noise == 0 { status = .converged; break }
            let lr = hyper.schedule.rate(hyper.lr, step: k, of: hyper.steps)
            let d = try rule.direction(at: theta)
            trajectory[trajectory.count - 1].zofEstimate = d.zofEstimate
            trajectory[trajectory.count - 1].fofEstimate = d.fofEstimate
            var next = theta
            baseRule.step(&next, direction: d.direction, lr: lr)
            if let reason = divergenceReason(next) {
                status = .diverged
                divergence = (k + 1, reason)
                break
            }
            theta = next
            try record(k + 1, theta)
        }
        if status == .maxSteps, trajectory.last!.gradNorm < convergenceTolerance, hyper.noise == 0 { status = .converged }

        let critical = try criticalPoints ?? problem.criticalPoints()
        let end = trajectory.last!
        let lambdaMax = try oracle.eigenvalues(end.theta).last!
        return RunRecord(
            problem: problem.name, optimizer: optimizer, hyper: hyper, status: status, divergence: divergence,
            trajectory: trajectory,
            final: FinalState(theta: end.theta, loss: end.loss, testLoss: try oracle.testLoss(end.theta),
                              basin: status == .diverged ? nil : basin(of: end.theta, among: critical), lambdaMax: lambdaMax,
                              zof: try end.zof ?? oracle.zof(at: end.theta, rho: hyper.rho).value,
                              fof: try end.fof ?? oracle.fof(at: end.theta, rho: hyper.rho).value),
            evaluations: rule.evaluations)
    }

    /// Why θ ends the run, or nil: a non-finite coordinate or loss, or a coordinate more than ten
    /// domain widths outside the domain.
    func divergenceReason(_ theta: [Double]) -> String? {
        if let i = theta.indices.first(where: { !theta[$0].isFinite }) {
            return "\(problem.variables[i]) became \(theta[i])"
        }
        let loss = problem.oracle.loss(theta)
        if !loss.isFinite { return "the loss became \(loss)" }
        for (i, range) in problem.domain.enumerated() {
            let width = range.upperBound - range.lowerBound
            if theta[i] < range.lowerBound - 10 * width || theta[i] > range.upperBound + 10 * width {
                return "\(problem.variables[i]) = \(theta[i]) is more than ten domain widths outside [\(range.lowerBound), \(range.upperBound)]"
            }
        }
        return nil
    }

    /// The critical point that gradient descent with backtracking (Armijo) reaches from θ, if it
    /// is one of `critical` (within 1e-4 of the domain's diagonal).
    func basin(of theta: [Double], among critical: [CriticalPoint]) -> Basin? {
        let oracle = problem.oracle
        var x = theta
        var (l, g) = oracle.gradient(x)
        var step = 1.0
        for _ in 0..<20_000 {
            let gg = g.reduce(0) { $0 + $1 * $1 }
            if gg.squareRoot() < 1e-10 { break }
            step *= 2
            while step > 1e-16 {
                let y = zip(x, g).map { $0 - step * $1 }
                let ly = oracle.loss(y)
                if ly <= l - 1e-4 * step * gg { x = y; break }
                step /= 2
            }
            if step <= 1e-16 { break }
            (l, g) = oracle.gradient(x)
        }
        let diagonal = problem.domain.map { ($0.upperBound - $0.lowerBound) * ($0.upperBound - $0.lowerBound) }
            .reduce(0, +).squareRoot()
        let distances = critical.map { c in zip(c.theta, x).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot() }
        guard let i = distances.indices.min(by: { distances[$0] < distances[$1] }), distances[i] < 1e-4 * diagonal else {
            return nil
        }
        return Basin(index: i, theta: critical[i].theta, kind: critical[i].kind)
    }
}
