import Experiments
import Foundation
import Landscape
import Optimizers

/// The numbers a sweep reports at each end point: key, name for people, and how to read it.
let sweepMeasures: [(key: String, name: String, value: @Sendable (Measures) -> Double?)] = [
    ("loss", "loss", { $0.loss }),
    ("zof", "ZOF", { $0.zof }),
    ("fof", "FOF", { $0.fof }),
    ("lambda_max", "λ_max", { $0.lambdaMax }),
]

/// The generalisation number of a sweep's problem: key and name.
func sweepGeneralisation(_ s: Sweep) -> (key: String, name: String) {
    s.problem.oracle.hasTestLoss ? ("test_loss", "test loss") : ("expected_shifted_loss", "E[L(θ+s)], σ=\(format(s.sigma, .sentence))")
}

func generalisationValue(_ s: Sweep, _ m: Measures) -> Double? {
    s.problem.oracle.hasTestLoss ? m.testLoss : m.expectedShiftedLoss
}

/// A sweep as the JSON document: `problem`, `vary` [{`setting`, `values`}], `starts`, `sigma`,
/// `minima`, and `sweeps` [{`optimizer`, `hyperparameters` (without the varied ones),
/// `points` [{`values`, `runs` [{`start`, `status`, `theta`, `outcome`, `stalled`, `loss`, `zof`,
/// `fof`, `lambda_max`, the generalisation number}], `mean` {...}, `fractions` {...}}]}]. ZOF and
/// FOF are at each run's ρ.
public func sweepJSON(_ s: Sweep) -> JSON {
    let g = sweepGeneralisation(s)
    let outcomes = s.minima.map(Outcome.minimum) + Outcome.failures
    let varied = Set(s.varies.map(\.key))
    let lines: [JSON] = s.lines.map { line in
        let hyper = line.points[0].settings.jsonFields(for: line.optimizer).filter { !varied.contains($0.key) }.map { ($0.key, JSON($0.value)) }
        let points: [JSON] = line.points.map { point in
            let runs: [JSON] = point.ends.enumerated().map { k, e in
                var fields: [(String, JSON)] = [("start", .number(Double(k))), ("status", .string(e.status.rawValue)), ("theta", .numbers(e.theta)),
                                                ("outcome", .number(Double(e.outcome.code))), ("reached", .bool(e.reached)), ("stalled", .bool(e.stalled)), ("cycling", .bool(e.cycling))]
                for m in sweepMeasures { fields.append((m.key, .optional(e.measures.flatMap(m.value)))) }
                fields.append((g.key, .optional(e.measures.flatMap { generalisationValue(s, $0) })))
                return .object(fields)
            }
            var mean: [(String, JSON)] = sweepMeasures.map { m in (m.key, .optional(point.mean(m.value))) }
            mean.append((g.key, .optional(point.mean { generalisationValue(s, $0) })))
            return .object([("values", .numbers(point.values)), ("flattest_by_fof", point.flattestByFOF.map { .number(Double($0)) } ?? .null),
                            ("runs", .array(runs)), ("mean", .object(mean)),
                            ("fractions", .object(outcomes.map { ($0.name, .number(point.share($0))) }))])
        }
        return .object([("optimizer", .string(line.optimizer.name)), ("hyperparameters", .object(hyper)), ("points", .array(points))])
    }
    let minima: [JSON] = s.minima.map { i in
        .object([("index", .number(Double(i))), ("theta", .numbers(s.critical[i].theta)), ("loss", .number(s.critical[i].loss))])
    }
    return .object([
        ("problem", .string(s.problem.name)),
        ("vary", .array(s.varies.map { .object([("setting", .string($0.key)), ("values", .numbers($0.values))]) })),
        ("starts", .matrix(s.starts)),
        ("sigma", .number(s.sigma)),
        ("minima", .array(minima)),
        ("codes", outcomeCodesJSON()),
        ("sweeps", .array(lines)),
    ])
}

/// A sweep as CSV, one row per optimizer, combination and start.
public func sweepCSV(_ s: Sweep) -> String {
    let g = sweepGeneralisation(s)
    let header = ["optimizer"] + s.varies.map(\.key) + ["start", "status"] + s.problem.variables + ["outcome", "stalled", "cycling"]
        + sweepMeasures.map(\.key) + [g.key]
    var out = header.joined(separator: ",") + "\n"
    let n: (Double?) -> String = { $0.map { JSON.format($0) } ?? "" }
    for line in s.lines {
        for point in line.points {
            for (k, e) in point.ends.enumerated() {
                var row = [line.optimizer.name] + point.values.map { JSON.format($0) } + [String(k), e.status.rawValue]
                row += e.theta.map { JSON.format($0) } + [e.outcome.name, e.stalled ? "true" : "false", e.cycling ? "true" : "false"]
                row += sweepMeasures.map { m in n(e.measures.flatMap(m.value)) } + [n(e.measures.flatMap { generalisationValue(s, $0) })]
                out += row.joined(separator: ",") + "\n"
            }
        }
    }
    return out
}

/// Where an end point is, for a table: `#2` (stalled: `#2 stalled`, cycling: `#2 cycling`, ended
/// short of it: `#2 (not at it)`), or the outcome's name; with
/// several starts the shares, as `#2 60%, #0 40%`.
func reached(_ point: Sweep.Point, _ s: Sweep) -> String {
    if point.ends.count == 1 {
        let e = point.ends[0]
        return e.outcome.words + (e.outcome.index == nil ? "" : e.stalled ? " stalled" : e.cycling ? " cycling" : e.reached ? "" : " (not at it)")
    }
    let outcomes = Set(point.ends.map(\.outcome)).sorted { point.share($0) > point.share($1) || (point.share($0) == point.share($1) && $0.code > $1.code) }
    return outcomes.map { ($0.index == nil ? $0.name : $0.words) + " " + percent(point.share($0)) }.joined(separator: ", ")
}

/// A sweep for people: per optimizer, a row per combination with where the runs ended and the
/// measures there (means over the starts), then a sentence per optimizer on where FOF's
/// flattest minimum is reached.
public func sweepText(_ s: Sweep) -> String {
    let g = sweepGeneralisation(s)
    let startsText = s.varies.contains { $0.key == "init-seed" } ? "from each init-seed's start"
        : s.starts.count == 1 ? "from \(format(point: s.starts[0], s.problem.variables, .sentence))" : "from \(s.starts.count) random starts (means over them)"
    var out = wrap("\(s.problem.name) · sweep of \(s.varies.map(\.key).joined(separator: " × ")) \(startsText); ZOF and FOF at each run's ρ") + "\n"
    let minima = s.minima.map { "#\($0) \(format(point: s.critical[$0].theta, s.problem.variables, .sentence))" }
    if !s.problem.regime.isExact {
        out += wrap("beyond 2-D: ZOF and FOF are lower bounds, each end is judged by descent from it (a minimum within 5% of the diagonal, or none)") + "\n"
    } else {
        out += wrap("minima: " + (minima.isEmpty ? "none in the domain" : minima.joined(separator: ", ")), indent: "        ") + "\n"
    }
    for line in s.lines {
        out += "\n\(line.optimizer.name)\n"
        let header = s.varies.map(\.key) + ["ends in"] + sweepMeasures.map(\.name) + [g.name]
        let rows: [[String]] = line.points.map { point in
            let cells = sweepMeasures.map { m in point.mean(m.value).map { format($0) } ?? "n/a" }
            // The varied values exactly (0.39999999999999997, not 0.4), so a row can be rerun with lab run.
            return point.values.map { JSON.format($0) } + [reached(point, s)] + cells
                + [point.mean { generalisationValue(s, $0) }.map { format($0) } ?? "n/a"]
        }
        out += table(header: header, rows: rows) + "\n"
    }
    out += sweepFindings(s).map { "\n" + wrap($0) }.joined()
    return out.hasSuffix("\n") ? String(out.dropLast()) : out
}

/// For each optimizer, over which values of the (first) varied setting its runs end in the
/// minimum with the lowest FOF at that value, when the minima can be compared.
public func sweepFindings(_ s: Sweep) -> [String] {
    guard s.minima.count >= 2, s.varies.count == 1 else { return [] }
    var out: [String] = []
    let key = s.varies[0].key
    // The minimum FOF rates flattest at each swept value (it moves when ρ is swept).
    let first = s.lines[0].points
    let flat = first.map { $0.flattestByFOF! }
    if Set(flat).count > 1 {
        var pieces: [String] = []
        var k = 0
        while k < flat.count {
            var j = k
            while j + 1 < flat.count && flat[j + 1] == flat[k] { j += 1 }
            let range = j == k ? "at \(format(first[k].values[0], .sentence))" : "from \(format(first[k].values[0], .sentence)) to \(format(first[j].values[0], .sentence))"
            pieces.append("#\(flat[k]) \(range)")
            k = j + 1
        }
        out.append("The minimum FOF rates flattest changes with \(key): " + pieces.joined(separator: ", ") + ".")
    }
    for line in s.lines {
        // At each value: the share of starts ending in the minimum FOF rates flattest at that value's ρ.
        let shares: [Double] = line.points.map { point in point.share(.minimum(point.flattestByFOF!)) }
        let values = line.points.map { $0.values[0] }
        let all = shares.allSatisfy { $0 == 1 }, none = shares.allSatisfy { $0 == 0 }
        if all {
            out.append("\(line.optimizer.name) ends in the minimum FOF rates flattest at every \(key) swept.")
        } else if none {
            out.append("\(line.optimizer.name) never ends in the minimum FOF rates flattest over the \(key) swept.")
        } else {
            // The runs of consecutive values where it does: "from 0.3 to 0.4 and from 0.6 to 1".
            let yes = shares.map { $0 > 0.5 }
            var runs: [String] = []
            var k = 0
            while k < yes.count {
                guard yes[k] else { k += 1; continue }
                var j = k
                while j + 1 < yes.count && yes[j + 1] { j += 1 }
                runs.append(j == k ? "at \(format(values[k], .sentence))" : "from \(format(values[k], .sentence)) to \(format(values[j], .sentence))")
                k = j + 1
            }
            let count = yes.count(where: { $0 })
            let text = runs.isEmpty ? "at no \(key) swept from most starts"
                : "for \(key) " + runs.joined(separator: " and ") + " (\(count) of \(values.count) values)"
            out.append("\(line.optimizer.name) ends in the minimum FOF rates flattest \(text).")
        }
    }
    return out
}
