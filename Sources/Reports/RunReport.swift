import Experiments
import Foundation
import Landscape
import Optimizers

/// A run as the JSON document of the command-line contract (DESIGN.md): `problem`, `optimizer`,
/// `hyperparameters` (from the settings table), `status`, `trajectory`, `final`, `evaluations`.
public func runJSON(_ r: RunRecord) -> JSON {
    let hyper = r.settings.jsonFields(for: r.optimizer).map { ($0.key, JSON($0.value)) }
    let trajectory: [JSON] = r.trajectory.map { p in
        var fields: [(String, JSON)] = [("step", .number(Double(p.step))), ("theta", .numbers(p.theta)),
                                        ("loss", .number(p.loss)), ("grad_norm", .number(p.gradNorm)),
                                        ("probe", p.probe.map { .numbers($0) } ?? .null)]
        if let zof = p.zof, let fof = p.fof {
            fields += [("zof", .number(zof)), ("fof", .number(fof)),
                       ("zof_estimate", .optional(p.zofEstimate)), ("fof_estimate", .optional(p.fofEstimate))]
        }
        return .object(fields)
    }
    let f = r.final
    let basinJSON: (Basin?) -> JSON = { b in
        b.map {
            .object([("index", .optional($0.index.map(Double.init))), ("theta", .numbers($0.theta)), ("kind", .string($0.kind.rawValue)),
                     ("distance", .number($0.distance)), ("reached", .bool($0.reached))])
        } ?? .null
    }
    let basin = basinJSON(f.basin)
    var doc: [(String, JSON)] = [
        ("problem", .string(r.problem)),
        ("optimizer", .string(r.optimizer.name)),
        ("hyperparameters", .object(hyper)),
        ("status", .string(r.status.rawValue)),
    ]
    doc.append(("divergence", r.divergence.map { .object([("step", .number(Double($0.step))), ("reason", .string($0.reason))]) } ?? .null))
    doc += [
        ("trajectory", .array(trajectory)),
        // 1: every step; k: a long run kept the multiples of k (and its last step).
        ("trajectory_stride", .number(Double(r.trajectoryStride))),
        ("final", .object([
            ("theta", .numbers(f.theta)), ("loss", .number(f.loss)), ("test_loss", .optional(f.testLoss)),
            ("shifted_loss", .optional(f.shiftedLoss)), ("expected_shifted_loss", .optional(f.expectedShiftedLoss)),
            ("expected_shifted_loss_error", .optional(f.expectedShiftedLossError)),
            ("sigma", .number(f.sigma)), ("basin", basin), ("stalled", .bool(r.stalled)), ("cycling", .bool(r.cycling)),
            ("lambda_max", .number(f.lambdaMax)), ("zof", .number(f.zof)), ("fof", .number(f.fof)),
        ])),
        ("start_basin", basinJSON(r.startBasin)),
        ("evaluations", .object([("gradient", .number(Double(r.evaluations.gradient))), ("hvp", .number(Double(r.evaluations.hvp)))])),
    ]
    return .object(doc)
}

/// A run's trajectory as CSV: step, θ by variable, loss, gradient norm, the probe by variable
/// (`probe_x`, …: where the optimizer took its extra gradient for the next update; empty for
/// plain optimizers and at the last step), and with measures the exact ZOF/FOF and the
/// optimizer's estimates (empty where it has none).
public func runCSV(_ r: RunRecord, variables: [String]) -> String {
    let withMeasures = r.trajectory.first?.zof != nil
    var header = ["step"] + variables + ["loss", "grad_norm"] + variables.map { "probe_" + $0 }
    if withMeasures { header += ["zof", "fof", "zof_estimate", "fof_estimate"] }
    var lines = [header.joined(separator: ",")]
    let n: (Double?) -> String = { $0.map { JSON.format($0) } ?? "" }
    for p in r.trajectory {
        var row = [String(p.step)] + p.theta.map { JSON.format($0) } + [JSON.format(p.loss), JSON.format(p.gradNorm)]
            + (p.probe?.map { JSON.format($0) } ?? variables.map { _ in "" })
        if withMeasures { row += [n(p.zof), n(p.fof), n(p.zofEstimate), n(p.fofEstimate)] }
        lines.append(row.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Where a run ended: `#2 minimum at x=2.3`; "(ended d away)" when it stopped short on its
/// way there; "stalled d from ..." when it had nearly stopped moving short of it (on a plateau
/// when the gradient there is below 1e-3 as well).
public func basinText(_ r: RunRecord, _ p: Problem) -> String {
    guard let b = r.final.basin else {
        if r.status == .diverged { return "none (diverged)" }
        return !p.regime.isExact ? "none within 5% of the diagonal (by descent)" : "none"
    }
    // On a curve of minima (relu-orbit) no isolated point stands for the end.
    let valley = b.index == nil && b.kind == .degenerate && p.regime.isExact
    // A critical point comes from root finding: five digits, without its noise.
    let at = valley ? "a valley of minima" : "\(label(b)) at \(format(point: b.theta, p.variables))"
    if b.reached { return valley ? "a valley of minima (∇L = 0, a flat direction)" : at }
    if b.kind == .saddle { return "stalled near \(at) (\(format(b.distance, .label)) away)" }
    if r.stalled {
        let plateau = r.trajectory.last!.gradNorm < 1e-3 ? " on a plateau" : ""
        return "stalled\(plateau), \(format(b.distance, .label)) from \(at)"
    }
    if r.cycling { return "cycling, \(format(b.distance, .label)) from \(at)" }
    return at + " (ended \(format(b.distance, .label)) away)"
}

/// `#2 minimum` for a critical point of the list; beyond 2-D, where descent went: `a minimum
/// (by descent)`.
func label(_ b: Basin) -> String {
    b.index.map { "#\($0) \(b.kind.rawValue)" } ?? "a \(b.kind.rawValue) (by descent)"
}

/// The generalisation numbers a record has, as (label, value) rows: the real test loss, the
/// fixed shift, the expected shifted loss (the proxy). A value at a point that is not a minimum
/// the run reached is marked "(not at a minimum)".
func generalisationRows(_ f: FinalState, reached: Bool) -> [(String, String)] {
    let mark = reached ? "" : " (not at a minimum)"
    var rows: [(String, String)] = []
    if let t = f.testLoss { rows.append(("test loss", format(t) + mark)) }
    if let s = f.shiftedLoss { rows.append(("shifted loss", format(s) + mark)) }
    let error = f.expectedShiftedLossError.map { " ± \(format($0, .label)) (Monte Carlo)" } ?? ""
    rows.append(("E[L(θ+s)], σ=\(format(f.sigma, .label))", f.expectedShiftedLoss.map { format($0) + error + mark } ?? "n/a"))
    return rows
}

/// The warning for a diverged run, or nil.
public func divergenceWarning(_ r: RunRecord) -> String? {
    r.divergence.map { "warning: \(r.optimizer.name) diverged at step \($0.step): \($0.reason); the trajectory stops at step \($0.step - 1)" }
}

/// A run for people: start and end side by side, status, basin, evaluations, flatness at the
/// end, and with measures the exact ZOF/FOF against the optimizer's estimates.
public func runText(_ r: RunRecord, problem p: Problem) -> String {
    let h = r.hyper
    let base = r.optimizer.takesBase ? " (base \(h.base.rawValue))" : ""
    var out = "\(p.name) · \(r.optimizer.name)\(base) · lr \(format(h.lr)) · ρ \(format(h.rho))"
    if r.optimizer.settings.contains("alpha") { out += " · α \(format(h.alpha))" }
    out += "\n"
    let first = r.trajectory.first!, last = r.trajectory.last!
    let f = r.final
    out += table(header: ["", "start", "end"], rows: [
        ["θ", format(point: first.theta, p.variables), format(point: last.theta, p.variables)],
        ["loss", format(first.loss), format(last.loss)],
        ["gradient norm", format(first.gradNorm), format(last.gradNorm)],
    ] + generalisationRows(f, reached: f.basin?.reached ?? false).map { [$0.0, "", $0.1] })
    out += "\n\nstatus       \(r.status.rawValue) after \(last.step) step\(last.step == 1 ? "" : "s")"
    out += "\nbasin        \(basinText(r, p))"
    if let from = r.startBasin, from.index != r.final.basin?.index || (from.index == nil && distance(from.theta, r.final.basin?.theta ?? []) > 1e-3 * p.diagonal) {
        out += "\n             (it started in the basin of \(label(from)) at \(format(point: from.theta, p.variables)))"
    }
    out += "\npasses       \(r.evaluations.gradient) gradient (L, ∇L), \(r.evaluations.hvp) HVP (L, ∇L and a Hessian-vector product)"
    out += "\nat the end   λ_max \(format(f.lambdaMax)), ZOF \(format(flatness: f.zof, exact: p.regime.isExact)), FOF \(format(flatness: f.fof, exact: p.regime.isExact)) (ρ = \(format(h.rho)))"
    if r.trajectory.first?.zof != nil {
        let every = max(1, last.step / 10)
        let rows = r.trajectory.filter { $0.step % every == 0 || $0.step == last.step }.map { q in
            [String(q.step), q.zof.map { format($0) } ?? "-", q.zofEstimate.map { format($0) } ?? "-",
             q.fof.map { format($0) } ?? "-", q.fofEstimate.map { format($0) } ?? "-"]
        }
        let kind = p.regime.isExact ? "exact flatness" : "flatness (lower bounds: the best points a search found)"
        out += "\n\n\(kind) against the optimizer's estimates (every \(every) steps):\n"
        out += table(header: ["step", "ZOF", "estimate", "FOF", "estimate"], rows: rows)
    }
    return out
}

/// Several runs from one start: the JSON (`problem`, `start`, `runs`).
public func comparisonJSON(_ c: Comparison) -> JSON {
    .object([("problem", .string(c.problem.name)), ("start", .numbers(c.start)), ("runs", .array(c.records.map(runJSON)))])
}

/// Several runs from one start, side by side.
public func comparisonText(_ c: Comparison) -> String {
    let p = c.problem
    let generalisation = c.records.first.map { generalisationRows($0.final, reached: true).map(\.0) } ?? []
    var rows: [[String]] = ([["end θ"], ["loss"]] + generalisation.map { [$0] }
                            + [["basin"], ["status"], ["steps"], ["gradient passes"], ["HVP passes"], ["λ_max"], ["ZOF"], ["FOF"]])
    for r in c.records {
        let f = r.final
        let values = [format(point: f.theta, p.variables), format(f.loss)]
            + generalisationRows(f, reached: f.basin?.reached ?? false).map(\.1)
            + [basinText(r, p), r.status.rawValue, String(r.trajectory.last!.step), String(r.evaluations.gradient),
               String(r.evaluations.hvp), format(f.lambdaMax), format(flatness: f.zof, exact: p.regime.isExact), format(flatness: f.fof, exact: p.regime.isExact)]
        for i in rows.indices { rows[i].append(values[i]) }
    }
    let from = c.records.lazy.compactMap(\.startBasin).first.map { " (in the basin of \(label($0)) at \(format(point: $0.theta, p.variables)))" } ?? ""
    return "\(p.name) from \(format(point: c.start, p.variables))\(from)\n\n" + table(header: [""] + c.records.map(\.optimizer.name), rows: rows)
}
