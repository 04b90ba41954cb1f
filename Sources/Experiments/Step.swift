import Foundation
import Landscape
import Optimizers

/// One update of an optimizer taken apart (`lab step`): the point, its gradient, where the
/// optimizer probed, the direction it formed, the step the base rule took, and beside them the
/// exact worst and steepest points of the ball, which the one-step probes estimate.
public struct StepRecord: Sendable {
    public let problem: String
    public let optimizer: Optimizer
    public let hyper: Hyperparameters
    /// Which update this is: 0 for the first from the start (or `--at`), k after k updates.
    public let step: Int
    /// Where the run began (the problem's start, or `--at`).
    public let start: [Double]
    public let theta: [Double]
    public let loss: Double
    /// g = ∇L(θ), without the run's gradient noise.
    public let gradient: [Double]
    /// Where the optimizer took its extra gradient (nil for plain optimizers).
    public let probe: [Double]?
    /// GAM-type rules: α·h_norm, the flatness term added to the base gradient.
    public let correction: [Double]?
    /// What the base rule descends along.
    public let direction: [Double]
    /// θ after the base rule's step with the step's learning rate.
    public let next: [Double]
    /// The learning rate of this step (after the schedule).
    public let lr: Double
    /// True when the optimizer moved θ again after the base rule's step (lookahead's synchronisation).
    public let movedAfterStep: Bool
    /// Exact ZOF_ρ and FOF_ρ at θ and the points that attain them (lower bounds beyond 2-D).
    public let zof: Double, zofArgmax: [Double]
    public let fof: Double, fofArgmax: [Double]
    /// The optimizer's own estimates of ZOF or FOF at θ, where it makes one.
    public let zofEstimate: Double?, fofEstimate: Double?
}

extension RunConfiguration {
    /// Update number `k` of this run (after k updates from the start), taken apart. The run is
    /// stepped exactly as `lab run` steps it, so the base rule's state (momentum, Adam's moments)
    /// and the learning-rate schedule are those of the run at step k.
    public func explainStep(_ k: Int) throws -> StepRecord {
        guard k >= 0 && k < hyper.steps else {
            throw SettingError("\(setting: "run-to") \(k) is beyond the run: it takes \(hyper.steps) step\(hyper.steps == 1 ? "" : "s") (0 to \(hyper.steps - 1)); give a larger \(setting: "steps")")
        }
        // Only step k and the point after it are kept, however long the run to them.
        var at: (theta: [Double], loss: Double, gradient: [Double])?, next: [Double]?, result: DirectionResult?
        var last = 0, directions = 0
        let (ending, divergence, _) = try withSteps(k + 1).iterate(visit: { step, theta, l, g in
            last = step
            if step == k { at = (theta, l, g) } else if step == k + 1 { next = theta }
        }, estimates: { d in
            if directions == k { result = d }
            directions += 1
        })
        guard let at, let next, let d = result else {
            if ending.status == .converged { throw SettingError("the run converged after \(last) steps, before step \(k); choose an earlier \(setting: "run-to")") }
            if let divergence {
                // Divergence at step k + 1 is update k's own: there is no finite next point to show.
                if divergence.step == k + 1 { throw SettingError("update \(k) itself diverges (\(divergence.reason)): there is no next θ to show; try a smaller \(setting: "lr")\(k > 0 ? SettingError(" or an earlier \(setting: "run-to")") : SettingError(""))") }
                throw SettingError("the run diverged at step \(divergence.step) (\(divergence.reason)), before step \(k) was taken")
            }
            throw SettingError("the run stopped before step \(k)")
        }
        let theta = at.theta
        let o = problem.oracle
        let worst = try o.zof(at: theta, rho: hyper.rho), steepest = try o.fof(at: theta, rho: hyper.rho)
        return StepRecord(problem: problem.name, optimizer: optimizer, hyper: hyper, step: k, start: start, theta: theta, loss: at.loss, gradient: at.gradient,
                          probe: d.probe, correction: d.correction, direction: d.direction, next: next,
                          lr: hyper.schedule.rate(hyper.lr, step: k, of: hyper.steps), movedAfterStep: d.movedAfterStep,
                          zof: worst.value, zofArgmax: worst.argmax, fof: steepest.value, fofArgmax: steepest.argmax,
                          zofEstimate: d.zofEstimate, fofEstimate: d.fofEstimate)
    }

    /// The same run cut to `steps` updates (the schedule still spans the full run: a cosine
    /// schedule's rate at step k does not depend on where the run is cut).
    func withSteps(_ steps: Int) -> RunConfiguration {
        var copy = self
        copy.stepLimit = steps
        return copy
    }
}
