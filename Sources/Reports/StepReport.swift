import Experiments
import Foundation
import Landscape
import Optimizers

/// One update as the JSON document of `lab step`: `theta`, `rho`, `gradient`, `probe` (null
/// for a plain optimizer), `direction`, `next`, `moved_after_step`, `zof`, `zof_argmax`, `fof`, `fof_argmax`, and
/// for GAM-type rules `correction`; with the problem, optimizer, step, loss, learning rate,
/// hyperparameters and the optimizer's own estimates.
public func stepJSON(_ s: StepRecord) -> JSON {
    var settings = RunSettings()
    settings.hyper = s.hyper
    settings.start = s.start
    let hyper = settings.jsonFields(for: s.optimizer).map { ($0.key, JSON($0.value)) }
    var fields: [(String, JSON)] = [
        ("problem", .string(s.problem)), ("optimizer", .string(s.optimizer.name)), ("hyperparameters", .object(hyper)),
        ("step", .number(Double(s.step))), ("theta", .numbers(s.theta)), ("loss", .number(s.loss)), ("rho", .number(s.hyper.rho)),
        ("gradient", .numbers(s.gradient)), ("probe", s.probe.map { .numbers($0) } ?? .null),
    ]
    if let c = s.correction { fields.append(("correction", .numbers(c))) }
    fields += [
        ("direction", .numbers(s.direction)), ("lr", .number(s.lr)), ("next", .numbers(s.next)), ("moved_after_step", .bool(s.movedAfterStep)),
        ("zof", .number(s.zof)), ("zof_argmax", .numbers(s.zofArgmax)), ("fof", .number(s.fof)), ("fof_argmax", .numbers(s.fofArgmax)),
        ("zof_estimate", .optional(s.zofEstimate)), ("fof_estimate", .optional(s.fofEstimate)),
    ]
    return .object(fields)
}

/// One update in words: each vector with what it is, and where the optimizer's probe sits
/// against the exact worst and steepest points of the ball.
public func stepText(_ s: StepRecord, problem p: Problem) -> String {
    let at: ([Double]) -> String = { format(point: $0, p.variables) }
    // Beyond a few parameters a vector is its norm, as a point is (`format(point:)`).
    let v: ([Double]) -> String = { $0.count > 4 ? "‖·‖=\(format(norm($0))) (\($0.count) parameters)" : format($0) }
    let name = s.optimizer.name, rho = format(s.hyper.rho, .label), exact = p.regime.isExact ? "exact " : ""
    var rows: [[String]] = [
        ["θ", at(s.theta), "where the step starts (L = \(format(s.loss)))"],
        ["g = ∇L(θ)", v(s.gradient), "the gradient, ‖g‖ = \(format(norm(s.gradient)))"],
    ]
    if let probe = s.probe {
        let what: String = switch name {
        case "sam", "asam": "\(name)'s probe: one ascent step of length ρ along \(name == "asam" ? "the scaled gradient" : "g"), its guess at the worst point"
        case "gam", "gam-sam": "GAM's probe θ_adv: one ascent step of length ρ along H g/‖g‖, its guess at the steepest point"
        case "sam-exact": "sam-exact's probe: the exact worst point of the ball"
        case "gam-exact": "gam-exact's probe: the exact steepest point of the ball"
        default: "\(name)'s probe: where it took its extra gradients"
        }
        rows.append(["probe", at(probe), what + " (\(format(distance(probe, s.theta))) from θ)"])
    }
    if let c = s.correction {
        rows.append(["α·h_norm", v(c), "GAM's correction: α ρ H∇L/‖∇L‖ at the probe, the gradient of α·FOF it estimates"])
    }
    let directionNote: String = switch name {
    case "sam", "asam", "sam-exact": "the gradient at the probe: what the base rule descends along"
    case "gam", "gam-exact": "g + α·h_norm: what the base rule descends along"
    case "gam-sam": "SAM's gradient + α·h_norm: what the base rule descends along"
    default: s.probe == nil ? "the gradient itself (\(name) probes nowhere)" : "what the base rule descends along"
    }
    rows += [
        ["direction", v(s.direction), directionNote],
        ["next θ", at(s.next), "after the \((s.optimizer.impliedBase ?? s.hyper.base) == .gd ? (s.hyper.weightDecay == 0 ? "step −lr·direction" : "step −lr·(direction + wd·θ)") : "base rule's step") with lr = \(format(s.lr, .label))"
            + (s.movedAfterStep ? ", then moved again by \(s.optimizer.name)'s own rule" : "")],
        ["worst point", at(s.zofArgmax), "the \(exact)argmax of L over the ball: ZOF = \(format(s.zof))" + (s.zofEstimate.map { " (\(name)'s estimate \(format($0)))" } ?? "")],
        ["steepest point", at(s.fofArgmax), "the \(exact)argmax of ‖∇L‖ over the ball: FOF = \(format(s.fof))" + (s.fofEstimate.map { " (\(name)'s estimate \(format($0)))" } ?? "")],
    ]
    let bound = p.regime.isExact ? "" : "\n(beyond 2-D the worst and steepest points are the best a search found: lower bounds; lab measure adds upper ones)"
    return "\(name) on \(p.name), step \(s.step), in the ball of radius ρ = \(rho) around θ\n" + table(header: ["", "value", "what it is"], rows: rows) + bound
}
