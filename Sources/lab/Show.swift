import Foundation
import ArgumentParser
import Reports
import Landscape
import Optimizers
import Symbolic

struct Show: CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a problem: its variables, domain, loss and gradient, [test] definition and run defaults.",
        discussion: """
            PROBLEM is a catalog name (see `lab list`) or a path to a .toml file.

            Examples:
              lab show two-valley
              lab show himmelblau --latex
              lab show problems/rosenbrock.toml --format json

            \(exitStatusHelp)
            """
    )

    @Argument(help: "A catalog name or a path to a .toml problem file.")
    var problem: String

    @Flag(help: "Print the loss and its gradient as LaTeX.")
    var latex = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        let p = try loadProblem(problem)
        if common.format == .json { return print(Show.document(p, latex: latex).rendered()) }
        let g = p.graph
        // Subexpressions named in [let] print by their names.
        let names = Dictionary(p.lets.map { ($0.node, $0.name) }, uniquingKeysWith: { a, _ in a })
        let show: (NodeID) -> String = { latex ? g.latex($0, names: names) : g.text($0, names: names) }
        let testText: String
        switch p.test {
        case nil:
            testText = "none; like every problem it has the expected shifted loss E[L(θ + s)], s ~ N(0, σ²I)"
        case .loss(_, let node)?:
            testText = "test loss = \(show(node))"
        case .shift(let s)?:
            testText = "one fixed shift, reported as the shifted loss L(θ + \(format(s))); every problem also has the expected shifted loss E[L(θ + s)], s ~ N(0, σ²I)"
        case .heldOut(let rows)?:
            testText = "the same loss on the \(rows.count) held-out rows of the test set"
        }
        if let model = p.model {
            showModel(p, model, show: show, testText: testText)
            return
        }
        let gradient = g.gradient(of: p.loss, wrt: p.variableNodes)
        let defaults = Show.defaultFlags(p)
        do {
            printHeader(p)
            printField("variables: \(p.variables.joined(separator: ", "))")
            printField("domain:    " + zip(p.variables, p.domain).map { "\($0) ∈ [\(JSON.format($1.lowerBound)), \(JSON.format($1.upperBound))]" }.joined(separator: ", "))
            for l in p.lets { printField("let \(l.name) = \(show(l.node))") }
            printField("loss:      L(\(p.variables.joined(separator: ", "))) = \(show(p.loss))")
            for (v, d) in zip(p.variables, gradient) { printField("gradient:  ∂L/∂\(v) = \(show(d))") }
            printField("test:      \(testText)")
            if !defaults.isEmpty {
                printField("defaults:  " + defaults.map { "--\($0.0) \(text($0.1))" }.joined(separator: " "))
            }
        }
    }

    /// A problem with [model]: the model, its parameter blocks in PyTorch's order, the data sets,
    /// the per-row loss (its gradient only for an expression model: a network's is pages long).
    private func showModel(_ p: Problem, _ model: Model, show: (NodeID) -> String, testText: String) {
        let isExpression = Show.isExpression(model)
        // A network's gradient is pages long: only an expression model's is shown.
        let gradient = isExpression ? p.graph.gradient(of: p.loss, wrt: p.variableNodes) : []
        let defaults = Show.defaultFlags(p)
        let start = Show.start(p, model)
        do {
            printHeader(p)
            print("model:      \(model.summary)")
            print("parameters: \(p.dimension), in the order of PyTorch's parameters()")
            let rows = model.blocks.map { b -> [String] in
                let shape = b.shape.isEmpty ? "scalar" : b.shape.map(String.init).joined(separator: "×")
                let span = b.range.count == 1 ? "θ[\(b.range.lowerBound)]" : "θ[\(b.range.lowerBound)…\(b.range.upperBound - 1)]"
                return ["  " + b.name, shape, b.torchName, span, b.range.count == 1 ? p.variables[b.range.lowerBound] : "\(p.variables[b.range.lowerBound]) … \(p.variables[b.range.upperBound - 1])"]
            }
            print(table(header: ["  block", "shape", "PyTorch", "in θ", "variables"], rows: rows))
            for (label, d) in [("train", model.train), ("test", model.test)] {
                guard let d else { continue }
                printField("\(label):".padding(toLength: 12, withPad: " ", startingAt: 0) + "\(d.rowCount) rows of \(d.columns.joined(separator: ", ")); \(d.source)")
            }
            if isExpression {
                printField("loss:       mean over the training rows of \(show(p.loss))")
                for (v, d) in zip(p.variables, gradient) { printField("gradient:   ∂/∂\(v) of the row's loss = \(show(d))") }
            } else {
                let target = model.train.target, f = "f(\(model.train.inputs.joined(separator: ", ")))"
                printField("loss:       mean over the training rows of " + (model.loss == .mse ? "(\(f) − \(target))^2" : "softplus(\(f)) − \(target)·\(f)")
                      + ", \(f) the network's output" + (model.loss == .bce ? " (the logit)" : ""))
            }
            printField("test:       \(testText)")
            let ranges = Set(p.domain.map { [$0.lowerBound, $0.upperBound] })
            if ranges.count == 1, let r = ranges.first {
                printField("domain:     every parameter in [\(JSON.format(r[0])), \(JSON.format(r[1]))]")
            } else {
                printField("domain:     " + zip(p.variables, p.domain).map { "\($0) ∈ [\(JSON.format($1.lowerBound)), \(JSON.format($1.upperBound))]" }.joined(separator: ", "))
            }
            printField("start:      \(start.0)" + (p.dimension <= 8 ? ": \(format(start.1))" : ""))
            if !defaults.isEmpty {
                printField("defaults:   " + defaults.filter { $0.0 != "start" || p.dimension <= 8 }.map { "--\($0.0) \(text($0.1))" }.joined(separator: " "))
            }
        }
    }

    /// `lab show --format json`'s document (and `/api/show`'s): the problem's variables, domain,
    /// loss and exact gradient, `[test]`, `[defaults]`; for a model, its blocks and data sets.
    static func document(_ p: Problem, latex: Bool) -> JSON {
        let g = p.graph
        let names = Dictionary(p.lets.map { ($0.node, $0.name) }, uniquingKeysWith: { a, _ in a })
        let show: (NodeID) -> String = { latex ? g.latex($0, names: names) : g.text($0, names: names) }
        let test: JSON = switch p.test {
        case nil: .null
        case .loss(_, let node)?: .object([("kind", .string("loss")), ("loss", .string(show(node)))])
        case .shift(let s)?: .object([("kind", .string("shift")), ("shift", .numbers(s))])
        case .heldOut(let rows)?: .object([("kind", .string("held_out")), ("rows", .number(Double(rows.count)))])
        }
        let header: [(String, JSON)] = [("name", .string(p.name)), ("title", .string(p.title)), ("description", .string(p.summary)), ("file", .string(p.file))]
        let defaults: (String, JSON) = ("defaults", .object(defaultFlags(p).map { ($0.0, JSON($0.1)) }))
        guard let model = p.model else {
            let gradient = g.gradient(of: p.loss, wrt: p.variableNodes)
            return .object(header + [
                ("variables", .strings(p.variables)),
                ("domain", .matrix(p.domain.map { [$0.lowerBound, $0.upperBound] })),
                ("let", .object(p.lets.map { ($0.name, .string(show($0.node))) })),
                ("loss", .string(show(p.loss))),
                ("gradient", .strings(gradient.map(show))),
                ("test", test),
                defaults,
            ])
        }
        // A network's gradient is pages long: only an expression model's is shown.
        let gradient = isExpression(model) ? g.gradient(of: p.loss, wrt: p.variableNodes) : []
        func dataJSON(_ d: DataSet?) -> JSON {
            guard let d else { return .null }
            return .object([("source", .string(d.source)), ("rows", .number(Double(d.rowCount))), ("columns", .strings(d.columns))])
        }
        return .object(header + [
            ("model", .object([
                ("summary", .string(model.summary)),
                ("loss", .string(model.loss.rawValue)),
                ("blocks", .array(model.blocks.map { b in
                    .object([("name", .string(b.name)), ("shape", .numbers(b.shape.map(Double.init))), ("torch", .string(b.torchName)),
                             ("first", .number(Double(b.range.lowerBound))), ("count", .number(Double(b.range.count)))])
                })),
                ("train", dataJSON(model.train)),
                ("test", dataJSON(model.test)),
            ])),
            ("variables", .strings(p.variables)),
            ("domain", .matrix(p.domain.map { [$0.lowerBound, $0.upperBound] })),
            ("loss", .string(show(p.loss))),
            ("gradient", isExpression(model) ? .strings(gradient.map(show)) : .null),
            ("start", .numbers(start(p, model).1)),
            ("test", test),
            defaults,
        ])
    }

    /// Whether a model is an expression (whose gradient is short enough to show).
    static func isExpression(_ model: Model) -> Bool { if case .expression = model.architecture { true } else { false } }

    /// A model's start and where it comes from.
    static func start(_ p: Problem, _ model: Model) -> (String, [Double]) {
        p.defaults.vector("start").map { ("[defaults] start", $0) }
            ?? model.initialization.map { ("like PyTorch's default: U(±1/√fan_in) per layer, seeded", $0) }
            ?? ("the domain's centre", p.defaultStart)
    }

    /// Name, title, file and description. A catalog problem is named by its catalog folder, the
    /// same on every machine (the lessons show it); a file given by path as given.
    private func printHeader(_ p: Problem) {
        print("\(p.name): \(p.title)")
        let isCatalogName = !problem.contains("/") && !problem.hasSuffix(".toml")
        let folder = URL(fileURLWithPath: p.file).deletingLastPathComponent().lastPathComponent
        print("file: " + (isCatalogName ? "\(folder)/\(URL(fileURLWithPath: p.file).lastPathComponent) in the catalog" : p.file) + "\n")
        if !p.summary.isEmpty { print(wrap(p.summary, width: 96) + "\n") }
    }

    /// The problem's `[defaults]` in the settings table's order.
    static func defaultFlags(_ p: Problem) -> [(String, Defaults.Value)] {
        RunSettings.table.compactMap { s in p.defaults.values[s.key].map { (s.key, $0) } }
    }

    private func text(_ v: Defaults.Value) -> String {
        switch v {
        case .number(let x): JSON.format(x)
        case .integer(let n): String(n)
        case .vector(let v): v.map { JSON.format($0) }.joined(separator: ",")
        case .word(let w): w
        case .flag(let b): b ? "true" : "false"
        }
    }
}

/// Prints a `label:   value` line wrapped at 100 columns, its continuation lines aligned with
/// the value (formulas and long sentences stay readable in a terminal and in the lessons).
func printField(_ line: String) {
    guard let r = line.range(of: #"^[^ ]*:? +"#, options: .regularExpression) else { return print(wrap(line)) }
    let label = String(line[..<r.upperBound]), pad = String(repeating: " ", count: label.count)
    let value = wrap(String(line[r.upperBound...]), width: textWidth - label.count).split(separator: "\n")
    print(value.enumerated().map { ($0.offset == 0 ? label : pad) + $0.element }.joined(separator: "\n"))
}
