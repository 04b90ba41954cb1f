import Foundation
import ArgumentParser
import Reports
import Landscape
import Optimizers
import Symbolic

struct Show: ParsableCommand {
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
        let g = p.graph
        // Subexpressions named in [let] print by their names.
        let names = Dictionary(p.lets.map { ($0.node, $0.name) }, uniquingKeysWith: { a, _ in a })
        let show: (NodeID) -> String = { latex ? g.latex($0, names: names) : g.text($0, names: names) }
        let gradient = g.gradient(of: p.loss, wrt: p.variableNodes)
        let testJSON: JSON
        let testText: String
        switch p.test {
        case nil:
            testJSON = .null
            testText = "none; like every problem it has the expected shifted loss E[L(θ + s)], s ~ N(0, σ²I)"
        case .loss(_, let node)?:
            testJSON = .object([("kind", .string("loss")), ("loss", .string(show(node)))])
            testText = "test loss = \(show(node))"
        case .shift(let s)?:
            testJSON = .object([("kind", .string("shift")), ("shift", .numbers(s))])
            testText = "one fixed shift, reported as the shifted loss L(θ + \(format(s))); every problem also has the expected shifted loss E[L(θ + s)], s ~ N(0, σ²I)"
        }
        let defaults = RunSettings.table.compactMap { s in p.defaults.values[s.key].map { (s.key, $0) } }
        switch common.format {
        case .json:
            print(JSON.object([
                ("name", .string(p.name)),
                ("title", .string(p.title)),
                ("description", .string(p.summary)),
                ("file", .string(p.file)),
                ("variables", .strings(p.variables)),
                ("domain", .matrix(p.domain.map { [$0.lowerBound, $0.upperBound] })),
                ("let", .object(p.lets.map { ($0.name, .string(show($0.node))) })),
                ("loss", .string(show(p.loss))),
                ("gradient", .strings(gradient.map(show))),
                ("test", testJSON),
                ("defaults", .object(defaults.map { ($0.0, JSON($0.1)) })),
            ]).rendered())
        case .text:
            print("\(p.name): \(p.title)")
            // A catalog problem by its catalog name and folder, the same on every machine (the
            // lessons show it); a file given by path as given.
            let isCatalogName = !problem.contains("/") && !problem.hasSuffix(".toml")
            let folder = URL(fileURLWithPath: p.file).deletingLastPathComponent().lastPathComponent
            print("file: " + (isCatalogName ? "\(folder)/\(URL(fileURLWithPath: p.file).lastPathComponent) in the catalog" : p.file) + "\n")
            if !p.summary.isEmpty { print(wrap(p.summary, width: 96) + "\n") }
            print("variables: \(p.variables.joined(separator: ", "))")
            print("domain:    " + zip(p.variables, p.domain).map { "\($0) ∈ [\(format($1.lowerBound)), \(format($1.upperBound))]" }.joined(separator: ", "))
            for l in p.lets { print("let \(l.name) = \(show(l.node))") }
            print("loss:      L(\(p.variables.joined(separator: ", "))) = \(show(p.loss))")
            for (v, d) in zip(p.variables, gradient) { print("gradient:  ∂L/∂\(v) = \(show(d))") }
            print("test:      \(testText)")
            if !defaults.isEmpty {
                print("defaults:  " + defaults.map { "--\($0.0) \(text($0.1))" }.joined(separator: " "))
            }
        }
    }

    private func text(_ v: Defaults.Value) -> String {
        switch v {
        case .number(let x): format(x)
        case .integer(let n): String(n)
        case .vector(let v): v.map { format($0) }.joined(separator: ",")
        case .word(let w): w
        case .flag(let b): b ? "true" : "false"
        }
    }
}

/// Greedy word wrap of a paragraph (runs of whitespace collapse).
func wrap(_ text: String, width: Int) -> String {
    var lines: [String] = [], line = ""
    for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
        if !line.isEmpty && line.count + 1 + word.count > width { lines.append(line); line = "" }
        line += (line.isEmpty ? "" : " ") + word
    }
    if !line.isEmpty { lines.append(line) }
    return lines.joined(separator: "\n")
}
