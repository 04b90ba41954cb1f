import Foundation
import ArgumentParser
import Reports
import Symbolic

struct Derive: CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Differentiate an expression exactly, and evaluate it and its derivatives at a point.",
        discussion: """
            The gradient (and with --order 2 the Hessian) is computed symbolically by reverse mode \
            over the expression graph, so the printed derivatives are exact expressions and their \
            values carry no finite-difference error.

            Examples:
              lab derive "1 - exp(-(x + 2)^2 / 0.08)" --at x=-1.5
              lab derive "x^2 * y + sin(x)" --wrt x,y --at x=1,y=2 --order 2
              lab derive "(a*b - 1)^2" --latex
              lab derive "x^3" --at x=2 --format json

            \(exitStatusHelp)
            """
    )

    // All unrecognised words, so an expression that starts with a minus sign ("-x^2") is not
    // taken for an option; validate() insists on exactly one.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The expression, e.g. \"x^2 * y + sin(x)\" or \"-x^2\". Quote it for the shell.", valueName: "expression"))
    var expressionWords: [String] = []

    var expression: String { split.expression.first ?? "" }

    @Option(help: ArgumentHelp("Variables to differentiate by, comma-separated, in order (default: the expression's variables, alphabetically).", valueName: "x,y"))
    var wrt: String?

    @Option(help: ArgumentHelp("A point at which to evaluate: a value for every variable, e.g. x=1,y=pi/2.", valueName: "x=1,y=2"))
    var at: String?

    @Option(help: "1: gradient; 2: gradient and Hessian.")
    var order: Int = 1

    @Flag(help: "Print the expression and its derivatives as LaTeX.")
    var latex = false

    @OptionGroup var common: CommonOptions

    /// The words before `--` may hold mistyped options; the words after it are the expression's
    /// even when they start with a dash.
    var split: (beforeTerminator: [String], expression: [String]) {
        guard let i = expressionWords.firstIndex(of: "--") else { return (expressionWords, expressionWords) }
        let before = Array(expressionWords[..<i])
        return (before, before + expressionWords[(i + 1)...])
    }

    /// Checks the words and `--order`; called first thing in `run`, so its mistakes are
    /// `UsageError`s rendered like every other (argument-parser wraps errors from `validate`).
    func checkArguments() throws {
        let (beforeTerminator, expressionWords) = split
        guard !expressionWords.isEmpty else {
            throw UsageError("missing the expression, as in: lab derive \"x^2 * y\" --at x=1,y=2")
        }
        if let option = beforeTerminator.first(where: { $0.hasPrefix("--") }) {
            throw UsageError("unknown option '\(option)'; 'lab derive --help' lists the options")
        }
        guard expressionWords.count == 1 else {
            let extra = expressionWords.dropFirst().map { "'\($0)'" }.joined(separator: ", ")
            throw UsageError("give one expression in quotes; unexpected \(extra) after '\(expressionWords[0])'")
        }
        guard order == 1 || order == 2 else {
            throw UsageError("--order must be 1 (gradient) or 2 (gradient and Hessian), not \(order)")
        }
    }

    func run() throws {
        try checkArguments()
        let graph = Graph()
        let f: NodeID
        do { f = try graph.parse(expression) } catch { throw UsageError("in the expression, \(error)") }
        let free = graph.freeVariables(of: [f])
        let names = try wrt.map { try parseNames($0, free: free) } ?? free
        let wrtNodes = names.map { graph.variable($0) }
        let gradient = graph.gradient(of: f, wrt: wrtNodes)
        let hessian = order == 2 ? gradient.map { graph.gradient(of: $0, wrt: wrtNodes) } : nil

        var value: Double?, gradientValues: [Double]?, hessianValues: [[Double]]?
        if let at {
            let inputs = Array(Set(free + names)).sorted()
            let point = try parsePoint(at, required: inputs)
            let outputs = [f] + gradient + (hessian ?? []).flatMap { $0 }
            let tape = Tape(graph: graph, outputs: outputs, inputs: inputs.map { graph.variable($0) })
            let v = tape.evaluate(inputs.map { point[$0]! })
            value = v[0]
            gradientValues = Array(v[1..<(1 + names.count)])
            if hessian != nil {
                let n = names.count
                hessianValues = (0..<n).map { i in Array(v[(1 + n + i * n)..<(1 + n + (i + 1) * n)]) }
            }
        }
        let show: (NodeID) -> String = { latex ? graph.latex($0) : graph.text($0) }

        switch common.format {
        case .json:
            let document = JSON.object([
                ("expression", .string(show(f))),
                ("variables", .strings(names)),
                ("value", value.map { .number($0) } ?? .null),
                ("gradient", gradientValues.map { .numbers($0) } ?? .null),
                ("hessian", hessianValues.map { .matrix($0) } ?? .null),
                ("gradient_expressions", .strings(gradient.map(show))),
                ("hessian_expressions", hessian.map { .array($0.map { .strings($0.map(show)) }) } ?? .null),
            ])
            print(document.rendered())
        case .text:
            let d = latex ? "\\partial " : "∂"
            // In LaTeX a variable prints as the graph prints it (x_1 as x_{1}, theta as \\theta).
            let sym = latex ? names.map { show(graph.variable($0)) } : names
            print("f(\(sym.joined(separator: ", "))) = \(show(f))")
            for (name, g) in zip(sym, gradient) {
                print(latex ? "\\frac{\\partial f}{\\partial \(name)} = \(show(g))" : "\(d)f/\(d)\(name) = \(show(g))")
            }
            if let hessian {
                for i in names.indices {
                    for j in i..<names.count {
                        let den = i == j ? "\(d)\(sym[i])²" : "\(d)\(sym[i])\(d)\(sym[j])"
                        let label = latex
                            ? "\\frac{\\partial^2 f}{\(i == j ? "\\partial \(sym[i])^2" : "\\partial \(sym[i]) \\partial \(sym[j])")}"
                            : "\(d)²f/\(den)"
                        print("\(label) = \(show(hessian[i][j]))")
                    }
                }
            }
            if let value, let at {
                print("\nat \(at):")
                print("  f = \(format(value))")
                if let gradientValues { print("  gradient = \(format(gradientValues))") }
                if let hessianValues { print("  Hessian  = [" + hessianValues.map { format($0) }.joined(separator: ", ") + "]") }
            }
        }
    }

    /// `--wrt x,y`: names that occur in the expression.
    private func parseNames(_ list: String, free: [String]) throws -> [String] {
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var seen: Set<String> = []
        for name in names {
            guard !name.isEmpty else { throw UsageError("--wrt: empty variable name in '\(list)'") }
            guard free.contains(name) else {
                let hint = nearest(to: name, among: free).map { "; did you mean '\($0)'?" } ?? ""
                throw UsageError("--wrt: '\(name)' does not occur in the expression (its variables: \(free.joined(separator: ", ")))\(hint)")
            }
            guard seen.insert(name).inserted else { throw UsageError("--wrt: '\(name)' is given twice") }
        }
        return names
    }

    /// `--at x=1,y=pi/2`: each value may be a constant expression.
    private func parsePoint(_ text: String, required: [String]) throws -> [String: Double] {
        var point: [String: Double] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw UsageError("--at: '\(item)' is not of the form name=value, as in x=1,y=2")
            }
            let name = parts[0]
            guard required.contains(name) else {
                let hint = nearest(to: name, among: required).map { "; did you mean '\($0)'?" } ?? ""
                throw UsageError("--at: '\(name)' is not a variable of the expression\(hint)")
            }
            let g = Graph()
            let node: NodeID
            do { node = try g.parse(parts[1], scope: NameScope(variables: [])) } catch {
                throw UsageError("--at: the value of '\(name)', \(error)")
            }
            guard let v = g.constantValue(node) else {
                throw UsageError("--at: the value of '\(name)' must be a number, not '\(parts[1])'")
            }
            point[name] = v
        }
        let missing = required.filter { point[$0] == nil }
        guard missing.isEmpty else {
            throw UsageError("--at: no value for \(missing.map { "'\($0)'" }.joined(separator: ", ")); give every variable, as in \(required.map { "\($0)=1" }.joined(separator: ","))")
        }
        return point
    }
}
