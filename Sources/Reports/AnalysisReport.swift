import Foundation
import Landscape

/// How measures are named in sentences.
let measureNames = ["zof": "ZOF", "fof": "FOF", "lambda_max": "λ_max", "trace": "The Hessian trace",
                    "avg_sharpness": "Average sharpness"]

/// How the reference of an analysis is named in sentences.
func referenceName(_ a: Analysis) -> String {
    switch a.reference {
    case .testLoss: "test loss"
    case .expectedShiftedLoss: "the expected shifted loss"
    }
}

/// Plain sentences from an analysis: what the rankings are compared with, where a measure
/// cannot tell minima apart, where it ranks them against the reference, and where it agrees.
public func findings(_ a: Analysis, problem p: Problem) -> [String] {
    var out: [String] = []
    let reference = referenceName(a)
    if a.reference == .expectedShiftedLoss && a.minima.count >= 2 {
        out.append("The problem has no held-out test loss; the minima are compared by the expected shifted loss E[L(θ + s)], s ~ N(0, σ²I), σ = \(format(a.sigma, .sentence)): a proxy equal to L + average sharpness, not independent evidence.")
    }
    let minima = a.minima
    let label: (Int) -> String = { format(point: a.points[$0].critical.theta, p.variables, .sentence) }
    let value: (Analysis.Ranking, Int) -> Double = { r, i in r.values[minima.firstIndex(of: i)!] }
    let s: (Double) -> String = { format($0, .sentence) }
    for r in a.rankings {
        let pretty = measureNames[r.measure] ?? r.measure
        let pairs = minima.count * (minima.count - 1) / 2
        if r.ties.count == pairs {
            out.append("\(pretty) cannot tell the minima apart: " + r.values.map(s).joined(separator: " vs ") + " (equal within 1%).")
        } else if r.ties.count > 3 {
            // Rastrigin has thousands of tied pairs: one sentence, not one per pair.
            let t = r.ties[0]
            out.append("\(pretty) cannot tell \(r.ties.count) of the \(pairs) pairs of minima apart (equal within 1%), for example \(label(t[0])) and \(label(t[1])): \(s(value(r, t[0]))) vs \(s(value(r, t[1]))).")
        } else {
            for t in r.ties {
                out.append("\(pretty) cannot tell the minima at \(label(t[0])) and \(label(t[1])) apart: \(s(value(r, t[0]))) vs \(s(value(r, t[1]))) (equal within 1%).")
            }
        }
        if let pair = r.against.first, let concordant = r.concordant {
            let (flat, sharp) = (pair[0], pair[1])
            let share = r.against.count == 1 && concordant == 0 ? "" : " (\(r.against.count) of \(concordant + r.against.count) comparable pairs)"
            let tf = a.reference.value(a.points[flat].measures)!, ts = a.reference.value(a.points[sharp].measures)!
            out.append("\(pretty) ranks minima against \(reference)\(share): it rates \(label(flat)) flatter than \(label(sharp)) (\(s(value(r, flat))) vs \(s(value(r, sharp)))), but \(reference) is higher there (\(s(tf)) vs \(s(ts))).")
        }
        if let c = r.concordant, r.discordant == 0, c > 0 {
            // The proxy is L + average sharpness: at equal losses they agree by construction.
            let byConstruction = r.measure == "avg_sharpness" && a.reference == .expectedShiftedLoss ? " (by construction: the proxy is L + average sharpness)" : ""
            out.append("\(pretty) ranks \(r.ties.isEmpty ? "the minima" : "the minima it can tell apart") as \(reference) does\(byConstruction).")
        }
    }
    let hasReference = minima.allSatisfy { a.reference.value(a.points[$0].measures) != nil }
    if minima.count < 2 {
        out.append(!p.regime.isExact ? "Descent found \(minima.count == 1 ? "one minimum" : "no minimum"), so there is nothing to rank."
                   : "The landscape has \(minima.count == 1 ? "one isolated minimum" : "no isolated minimum") in its domain, so there is nothing to rank.")
    } else if !hasReference {
        out.append("The problem has no held-out test loss and the expected shifted loss is not integrated for more than two variables, so the rankings cannot be compared with generalisation.")
    }
    return out
}

/// Minima (indices into points) by the analysis's reference, lowest first; empty without it.
public func referenceOrder(_ a: Analysis) -> [Int] {
    let values = a.minima.map { a.reference.value(a.points[$0].measures) }
    guard values.allSatisfy({ $0 != nil }) else { return [] }
    return a.minima.indices.sorted { values[$0]! < values[$1]! }.map { a.minima[$0] }
}

/// The measures at one point, with the keys of the command-line contract.
public func measuresJSON(_ m: Measures, extra: [(String, JSON)] = []) -> JSON {
    .object(extra + [
        ("theta", .numbers(m.theta)),
        ("loss", .number(m.loss)),
        ("grad_norm", .number(m.gradNorm)),
        ("zof", .number(m.zof)),
        ("zof_argmax", .numbers(m.zofArgmax)),
        ("fof", .number(m.fof)),
        ("fof_argmax", .numbers(m.fofArgmax)),
        ("lambda_max", .number(m.lambdaMax)),
        ("trace", .number(m.trace)),
        ("eigenvalues", .numbers(m.eigenvalues)),
        ("avg_sharpness", .optional(m.avgSharpness)),
        ("test_loss", .optional(m.testLoss)),
        ("shifted_loss", .optional(m.shiftedLoss)),
        ("expected_shifted_loss", .optional(m.expectedShiftedLoss)),
        ("rho", .number(m.rho)),
        ("sigma", .number(m.sigma)),
        ("zof_estimate", .number(m.zofEstimate)),
        ("fof_estimate", .number(m.fofEstimate)),
        ("exact", .bool(m.exact)),
        ("zof_found_by", .string(m.zofFoundBy)),
        ("fof_found_by", .string(m.fofFoundBy)),
        ("zof_upper_bound", .optional(m.zofUpperBound)),
        ("fof_upper_bound", .optional(m.fofUpperBound)),
        ("zof_upper_bound_method", m.zofUpperBoundMethod.map { .string($0) } ?? .null),
        ("fof_upper_bound_method", m.fofUpperBoundMethod.map { .string($0) } ?? .null),
        ("avg_sharpness_error", .optional(m.avgSharpnessError)),
        ("spectrum", .string(m.spectrumMethod)),
        ("trace_method", .string(m.traceMethod)),
        ("trace_error", .optional(m.traceError)),
    ])
}

/// The measures at one point as a table for people: ZOF and FOF with their argmax and second-order
/// estimate, and why a value is n/a.
public func measuresText(_ m: Measures, problem p: Problem) -> String {
    let at: ([Double]) -> String = { format(point: $0, p.variables) }
    // Many eigenvalues: the five lowest and the five highest.
    let eigen = m.eigenvalues.count > 10
        ? format(Array(m.eigenvalues.prefix(5))).dropLast() + ", …, " + format(Array(m.eigenvalues.suffix(5))).dropFirst()
        : format(m.eigenvalues)
    let spectrumNote = m.spectrumMethod == "full" ? (!p.regime.isExact ? "the Hessian from \(p.dimension) Hessian-vector products, gsl_eigen_symmv" : "")
        : "the largest, by Lanczos on Hessian-vector products"
    let traceNote = m.traceError.map { "Hutchinson's estimate ± \(format($0, .label)) (\(Spectrum.probes) Rademacher probes)" } ?? ""
    let monteCarlo = m.avgSharpnessError.map { " ± \(format($0, .label)) (Monte Carlo, \(Oracle.shiftSamples) draws)" } ?? ""
    var rows: [[String]] = [
        ["loss", format(m.loss), ""],
        ["gradient norm", format(m.gradNorm), ""],
    ]
    // Beyond 2-D the search gives a lower bound, found as it says; the certificate an upper one.
    let lower = m.exact ? "" : "≥ "
    func found(_ how: String) -> String { m.exact ? "" : "; found by \(how)" }
    rows.append(["ZOF", lower + format(m.zof), "max at \(at(m.zofArgmax))\(found(m.zofFoundBy)); ρ²λ_max/2 = \(format(m.zofEstimate))"])
    if let upper = m.zofUpperBound { rows.append(["ZOF at most", upper.isFinite ? format(upper) : "no bound", m.zofUpperBoundMethod ?? ""]) }
    else if !m.exact { rows.append(["ZOF at most", "no bound", "no certificate beyond \(Oracle.certificateLimit) parameters"]) }
    rows.append(["FOF", lower + format(m.fof), "max at \(at(m.fofArgmax))\(found(m.fofFoundBy)); ρ²λ_max = \(format(m.fofEstimate))"])
    if let upper = m.fofUpperBound { rows.append(["FOF at most", upper.isFinite ? format(upper) : "no bound", m.fofUpperBoundMethod ?? ""]) }
    else if !m.exact { rows.append(["FOF at most", "no bound", "no certificate beyond \(Oracle.certificateLimit) parameters"]) }
    rows += [
        ["λ_max", format(m.lambdaMax), ""],
        ["trace", format(m.trace), traceNote],
        [m.eigenvalues.count > 10 ? "eigenvalues (\(m.eigenvalues.count == p.dimension ? "lowest and highest" : "top"))" : "eigenvalues", String(eigen), spectrumNote],
        ["avg sharpness", m.avgSharpness.map { format($0) + monteCarlo } ?? "n/a", "E[L(θ+s)] − L(θ), s ~ N(0, σ²I)"],
        ["E[L(θ+s)]", m.expectedShiftedLoss.map { format($0) + monteCarlo } ?? "n/a", "expected shifted loss: a proxy for generalisation, L + avg sharpness"],
        ["test loss", m.testLoss.map { format($0) } ?? "n/a",
         m.testLoss == nil ? "the problem defines none" : p.model != nil ? "the loss on the \(p.model?.test?.rowCount ?? 0) held-out rows" : "held out ([test] loss)"],
    ]
    if let shifted = m.shiftedLoss {
        rows.append(["shifted loss", format(shifted), "L(θ + shift) for the problem's one fixed shift"])
    }
    return "\(p.name) at \(at(m.theta)), ρ = \(format(m.rho)), σ = \(format(m.sigma))\n"
        + table(header: ["measure", "value", "note"], rows: rows)
}

/// An analysis as JSON: `problem`, `rho`, `sigma`, `critical_points`, `rankings`, `reference`, `reference_order`,
/// `findings`, and with a sweep `sweep`.
public func analysisJSON(_ a: Analysis, sweep: RhoSweep?, problem p: Problem) -> JSON {
    var fields: [(String, JSON)] = [
        ("problem", .string(a.problem)),
        ("rho", .number(a.rho)),
        ("sigma", .number(a.sigma)),
        ("critical_points", .array(a.points.map { measuresJSON($0.measures, extra: [("kind", .string($0.critical.kind.rawValue))]) })),
        ("rankings", .array(a.rankings.map { r in
            .object([
                ("measure", .string(r.measure)),
                ("order", .numbers(r.order.map(Double.init))),
                ("ties", .array(r.ties.map { .numbers($0.map(Double.init)) })),
                ("concordant_pairs", r.concordant.map { .number(Double($0)) } ?? .null),
                ("discordant_pairs", r.discordant.map { .number(Double($0)) } ?? .null),
            ])
        })),
        ("reference", .string(a.reference.rawValue)),
        ("reference_order", .numbers(referenceOrder(a).map(Double.init))),
        ("findings", .strings(findings(a, problem: p))),
    ]
    if let sweep {
        fields.append(("sweep", .object([
            ("rho", .numbers(sweep.rhos)),
            ("minima", .array(sweep.minima.indices.map { i in
                .object([("theta", .numbers(sweep.minima[i])), ("zof", .numbers(sweep.zof[i])), ("fof", .numbers(sweep.fof[i]))])
            })),
        ])))
    }
    return .object(fields)
}

/// An analysis for people: the critical points and their measures, each measure's ranking of the minima
/// against test loss, the findings, and with a sweep ZOF and FOF of each minimum against ρ.
public func analysisText(_ a: Analysis, sweep: RhoSweep?, problem p: Problem) -> String {
    let at: ([Double]) -> String = { format(point: $0, p.variables) }
    let found = !p.regime.isExact
        ? "\(a.points.count) stationary point\(a.points.count == 1 ? "" : "s") reached by descent from \(Problem.descentStarts) starts (a sample beyond 2-D, not every critical point)"
        : "\(a.points.count) critical point\(a.points.count == 1 ? "" : "s") in the domain"
    var out = "\(p.name): \(p.title)\nρ = \(format(a.rho)), σ = \(format(a.sigma)); \(found)\n\n"
    let f: (Double?) -> String = { $0.map { format($0) } ?? "n/a" }
    let extra: [(String, (Measures) -> Double?)] = (p.oracle.hasTestLoss ? [("test loss", { $0.testLoss })] : [])
        + (p.oracle.hasShiftedLoss ? [("shifted loss", { $0.shiftedLoss })] : [])
    let rows = a.points.enumerated().map { i, pt -> [String] in
        let m = pt.measures
        return ["#\(i)", at(m.theta), pt.critical.kind.rawValue, f(m.loss), format(flatness: m.zof, exact: p.regime.isExact),
                format(flatness: m.fof, exact: p.regime.isExact), f(m.lambdaMax),
                f(m.trace), f(m.avgSharpness), f(m.expectedShiftedLoss)] + extra.map { f($0.1(m)) }
    }
    out += table(header: ["", "θ", "kind", "loss", "ZOF", "FOF", "λ_max", "trace", "avg sharp", "E[L(θ+s)]"] + extra.map(\.0), rows: rows)
    if a.points.contains(where: { !$0.measures.exact }) {
        out += "\n(ZOF and FOF for more than two variables are lower bounds, the best a search found; `lab measure` adds certified upper bounds up to 64 parameters.)"
    }
    if !a.rankings.isEmpty {
        out += "\n\nminima ranked flattest first (by #):\n"
        // A long ranking (rastrigin has 121 minima) shows its ends; --format json has it all.
        func order(_ o: [Int]) -> String {
            let items = o.map { "#\($0)" }
            guard items.count > 10 else { return items.joined(separator: " < ") }
            return (items.prefix(4) + ["…"] + items.suffix(4)).joined(separator: " < ") + " (\(items.count) minima)"
        }
        let short = a.reference == .testLoss ? "test loss" : "E[L(θ+s)]"
        var rankRows = a.rankings.map { r in
            [r.measure, order(r.order),
             r.ties.count > 3 ? "\(r.ties.count) tied pairs"
                 : r.ties.map { $0.map { "#\($0)" }.joined(separator: "=") }.joined(separator: ", "),
             r.concordant.map { c in "\(c) pair\(c == 1 ? "" : "s") agree, \(r.discordant!) against" } ?? ""]
        }
        let t = referenceOrder(a)
        if !t.isEmpty { rankRows.append([short, order(t), "", ""]) }
        out += table(header: ["measure", "order", "ties (within 1%)", "vs \(short)"], rows: rankRows)
    }
    let sentences = findings(a, problem: p)
    if !sentences.isEmpty {
        out += "\n\n" + sentences.map { wrap("- " + $0, indent: "  ") }.joined(separator: "\n")
    }
    if let sweep {
        out += "\n\nZOF and FOF of each minimum against ρ:\n"
        let header = ["ρ"] + sweep.minima.flatMap { ["ZOF \(at($0))", "FOF \(at($0))"] }
        let rows = sweep.rhos.indices.map { k in
            [format(sweep.rhos[k], .sentence)] + sweep.minima.indices.flatMap { [f(sweep.zof[$0][k]), f(sweep.fof[$0][k])] }
        }
        out += table(header: header, rows: rows)
    }
    return out
}
