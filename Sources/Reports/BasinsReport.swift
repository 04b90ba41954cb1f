import Experiments
import Foundation
import Landscape
import Optimizers

/// An outcome for people: `#2 (x=1, y=0)` or its words (`Outcome.words`).
public func outcomeLabel(_ o: Outcome, _ maps: BasinMaps, _ precision: Precision = .sentence) -> String {
    o.index.map { "#\($0) \(format(point: maps.critical[$0].theta, maps.problem.variables, precision))" } ?? o.words
}

/// The JSON's `codes`: each outcome that is not a minimum, by its code, with its name.
func outcomeCodesJSON() -> JSON {
    .object((Outcome.failures + [.minimumByDescent]).sorted { $0.code > $1.code }.map { (String($0.code), .string($0.name)) })
}

/// What a minimum's generalisation is judged by: the held-out test loss, else the expected shifted loss.
func generalisation(_ m: Measures) -> (key: String, value: Double?) {
    m.testLoss != nil ? ("test_loss", m.testLoss) : ("expected_shifted_loss", m.expectedShiftedLoss)
}

/// Basin maps as the JSON document of the command-line contract: `problem`, `grid` {`axes`,
/// `x`, `y`}, `rho`, `sigma`, `minima` [{`index`, `theta`, `loss`, `zof`, `fof`, `lambda_max`,
/// the generalisation number}], `codes` (the negative outcomes' names), and `maps` [{`optimizer`,
/// `hyperparameters`, `outcome` (rows = y, columns = x), `steps` (null: did not converge),
/// `stalled`, `fractions`, `converged`}].
public func basinsJSON(_ maps: BasinMaps) -> JSON {
    let nx = maps.x.count
    func rows<T>(_ values: [T], _ cell: (T) -> JSON) -> JSON {
        .array(stride(from: 0, to: values.count, by: nx).map { start in .array(values[start..<start + nx].map(cell)) })
    }
    let minima: [JSON] = zip(maps.minima, maps.minimumMeasures).map { i, m in
        let g = generalisation(m)
        return .object([("index", .number(Double(i))), ("theta", .numbers(m.theta)), ("loss", .number(m.loss)),
                        ("zof", .number(m.zof)), ("fof", .number(m.fof)), ("lambda_max", .number(m.lambdaMax)), (g.key, .optional(g.value))])
    }
    let mapsJSON: [JSON] = maps.maps.map { map in
        // Without the start (every grid point is one) and the varied setting (the grid's y axis).
        let hyper = map.settings[0].jsonFields(for: map.optimizer).filter { $0.key != "start" && $0.key != maps.axes.dropFirst().first }
            .map { ($0.key, JSON($0.value)) }
        let outcomes = maps.minima.map(Outcome.minimum) + Outcome.failures
        return .object([
            ("optimizer", .string(map.optimizer.name)),
            ("hyperparameters", .object(hyper)),
            ("outcome", rows(map.outcome) { .number(Double($0.code)) }),
            ("steps", rows(map.steps) { $0 < 0 ? .null : .number(Double($0)) }),
            ("stalled", rows(map.stalled) { .bool($0) }),
            ("cycling", rows(map.cycling) { .bool($0) }),
            ("fractions", .object(outcomes.map { ($0.name, .number(map.share($0))) })),
            ("converged", .number(map.convergedShare)),
            ("stalled_share", .number(map.stalledShare)),
            ("cycling_share", .number(map.cyclingShare)),
        ])
    }
    return .object([
        ("problem", .string(maps.problem.name)),
        ("grid", .object([("axes", .strings(maps.axes)), ("x", .numbers(maps.x)), ("y", .numbers(maps.y))])),
        ("rho", .number(maps.rho)),
        ("sigma", .number(maps.sigma)),
        ("minima", .array(minima)),
        ("codes", outcomeCodesJSON()),
        ("maps", .array(mapsJSON)),
    ])
}

/// Basin maps as CSV, one row per optimizer and start: optimizer, the two axes, outcome (its
/// name), steps (empty: did not converge), stalled, cycling.
public func basinsCSV(_ maps: BasinMaps) -> String {
    let axes = maps.axes.count == 2 ? maps.axes : maps.axes + ["row"]
    let header = Array(((["optimizer"] + axes + ["outcome", "steps", "stalled", "cycling"]).joined(separator: ",") + "\n").utf8)
    let nx = maps.x.count
    // Every piece of a row is formatted once (each axis value, optimizer and outcome name) and
    // the rows are copied together from the pieces into one buffer (a map has hundreds of
    // thousands of rows). `pieces` holds them end to end; `(start, count)` finds one.
    var pieces: [UInt8] = []
    func piece(_ text: String) -> (Int, Int) {
        let start = pieces.count
        pieces += text.utf8
        return (start, pieces.count - start)
    }
    let xs = maps.x.map { piece(JSON.format($0) + ",") }, ys = maps.y.map { piece(JSON.format($0) + ",") }
    let flags = [piece(",false"), piece(",true")], lineFlags = [piece(",false\n"), piece(",true\n")]
    let outcomes = Array(Set(maps.maps.flatMap(\.present)))
    let outcomePieces = Dictionary(uniqueKeysWithValues: outcomes.map { ($0, piece($0.name + ",")) })
    let names = maps.maps.map { piece($0.optimizer.name + ",") }
    // At most the longest of each piece a row, and 20 digits of steps.
    let longest = { (p: [(Int, Int)]) in p.map(\.1).max() ?? 0 }
    let rowBound = longest(names) + longest(xs) + longest(ys) + longest(Array(outcomePieces.values)) + 20 + longest(flags) + longest(lineFlags)
    let bound = header.count + maps.maps.reduce(0) { $0 + $1.outcome.count } * rowBound
    let bytes = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
        var at = buffer.baseAddress!
        pieces.withUnsafeBufferPointer { all in
            func put(_ p: (Int, Int)) {
                at.initialize(from: all.baseAddress! + p.0, count: p.1)
                at += p.1
            }
            header.withUnsafeBufferPointer { at.initialize(from: $0.baseAddress!, count: $0.count); at += $0.count }
            for (m, map) in maps.maps.enumerated() {
                var last: (Outcome, (Int, Int))?
                for k in map.outcome.indices {
                    let o = map.outcome[k]
                    let outcome: (Int, Int)
                    if let last, last.0 == o { outcome = last.1 } else { outcome = outcomePieces[o]!; last = (o, outcome) }
                    put(names[m])
                    put(xs[k % nx])
                    put(ys[k / nx])
                    put(outcome)
                    if map.steps[k] >= 0 { at += JSON.writeInteger(Int64(map.steps[k]), to: at) }
                    put(flags[map.stalled[k] ? 1 : 0])
                    put(lineFlags[map.cycling[k] ? 1 : 0])
                }
            }
        }
        count = at - buffer.baseAddress!
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// A share as people read it: `71%`, `0.4%`, `0%`.
public func percent(_ share: Double) -> String {
    let p = 100 * share
    if p == 0 || p == 100 { return "\(Int(p))%" }
    if p < 0.1 { return "<0.1%" }
    if p > 99.9 { return ">99.9%" }
    return (p < 1 || p > 99 ? String(format: "%.1f", p) : String(format: "%.0f", p)) + "%"
}

/// Basin maps for people: the minima and their measures, a table of shares per optimizer, and a
/// sentence on which optimizer reaches the flattest-by-FOF minimum from how many starts.
public func basinsText(_ maps: BasinMaps) -> String {
    let p = maps.problem
    let map0 = maps.maps[0], h = map0.settings[0].hyper
    let axes = maps.axes.count == 2 ? "\(maps.x.count)×\(maps.y.count) starts (\(maps.axes[0]) × \(maps.axes[1]))"
        : "\(maps.x.count) starts of \(maps.axes[0])"
    var out = "\(p.name) · basins from \(axes), \(h.steps) steps\n\n"
    let g = maps.minimumMeasures.first.map { generalisation($0).key == "test_loss" ? "test loss" : "E[L(θ+s)], σ=\(format(maps.sigma, .sentence))" } ?? ""
    out += table(header: ["minimum", "loss", "ZOF (ρ=\(format(maps.rho, .sentence)))", "FOF", "λ_max", g],
                 rows: zip(maps.minima, maps.minimumMeasures).map { i, m in
                     [outcomeLabel(.minimum(i), maps), format(m.loss), format(m.zof), format(m.fof),
                      format(m.lambdaMax), generalisation(m).value.map { format($0) } ?? "n/a"]
                 }) + "\n\n"
    // Columns: every minimum, then the other outcomes any map has.
    let failures = Outcome.failures.filter { o in maps.maps.contains { $0.share(o) > 0 } }
    let outcomes = maps.minima.map(Outcome.minimum) + failures
    // Minima by their number (the table above gives where each is), the other outcomes in words.
    var header = ["optimizer"] + outcomes.map(\.words) + ["converged", "stalled", "cycling"]
    if maps.axes.count == 2 && p.regime == .curve { header[0] = "optimizer (all \(maps.axes[1]))" }
    out += table(header: header, rows: maps.maps.map { m in
        [m.optimizer.name] + outcomes.map { percent(m.share($0)) } + [percent(m.convergedShare), percent(m.stalledShare), percent(m.cyclingShare)]
    })
    out += "\n\n" + basinsFindings(maps).map { wrap($0) }.joined(separator: "\n")
    return out
}

/// Sentences: which minimum FOF and ZOF rate flattest, and from how many starts each optimizer reaches it.
public func basinsFindings(_ maps: BasinMaps) -> [String] {
    guard maps.minima.count >= 2 else {
        return [maps.minima.count == 1 ? "The landscape has one minimum in its domain." : "The landscape has no isolated minimum in its domain."]
    }
    var out: [String] = []
    let ms = maps.minimumMeasures
    let rho = format(maps.rho, .sentence)
    let flatFOF = ms.indices.min { ms[$0].fof < ms[$1].fof }!
    let flatZOF = ms.indices.min { ms[$0].zof < ms[$1].zof }!
    let fofLabel = outcomeLabel(.minimum(maps.minima[flatFOF]), maps)
    var zofSentence: String
    let zofTie = ms.indices.filter { $0 != flatZOF }.contains { isTie(ms[$0].zof, ms[flatZOF].zof) }
    if zofTie {
        zofSentence = "ZOF cannot tell it from another minimum (equal within 1%)"
    } else if flatZOF == flatFOF {
        zofSentence = "ZOF agrees"
    } else {
        zofSentence = "ZOF rates \(outcomeLabel(.minimum(maps.minima[flatZOF]), maps)) flattest"
    }
    let first = maps.axes.last == "rho" ? ", the first of the varied values" : ""
    out.append("At ρ = \(rho)\(first), FOF rates \(fofLabel) flattest (FOF \(format(ms[flatFOF].fof, .sentence))); \(zofSentence).")
    let target = Outcome.minimum(maps.minima[flatFOF])
    let order = maps.maps.sorted { $0.share(target) > $1.share(target) }
    let parts = order.enumerated().map { k, m in
        k == 0 ? "\(m.optimizer.name) reaches it from \(percent(m.share(target))) of starts" : "\(m.optimizer.name) from \(percent(m.share(target)))"
    }
    out.append(parts.joined(separator: "; ") + ".")
    return out
}
