import Foundation
import Symbolic
import TOMLKit

/// A mistake in a problem file: which file, which key, what is wrong, and for expressions the
/// text with a caret under the fault.
public struct ProblemError: Error, Equatable, CustomStringConvertible {
    /// The problem file's path, or the name or path that could not be resolved to one.
    public let file: String
    /// The key as a dotted path (`loss`, `let.sharp`, `defaults.lr`), or nil for the whole file.
    public let key: String?
    public let message: String
    /// A caret display for expression errors.
    public let detail: String?

    public init(file: String, key: String?, message: String, detail: String? = nil) {
        self.file = file
        self.key = key
        self.message = message
        self.detail = detail
    }

    public var description: String {
        let head = key.map { "\(file): \($0): \(message)" } ?? "\(file): \(message)"
        return detail.map { head + "\n" + $0 } ?? head
    }
}

extension Problem {
    static let topLevelKeys = ["name", "title", "description", "variables", "loss", "let", "domain", "test", "defaults", "model", "data"]

    /// Reads a file of settings (a figure style: `size = "column"`, `font-size = 8`): top-level
    /// keys typed as in `[defaults]`. Errors name the file; the keys are checked by the caller.
    public static func settingsFile(_ path: String) throws -> Defaults {
        try TableReader(file: path).settings(try table(try text(of: path), file: path), prefix: nil)
    }

    /// Reads and checks a problem file.
    public static func load(file path: String) throws -> Problem {
        try Problem(toml: try text(of: path), file: path)
    }

    /// A file's text, or an error naming it.
    static func text(of path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ProblemError(file: path, key: nil, message: "cannot read the file (\(error.localizedDescription))")
        }
    }

    /// TOML text as a table, or an error with the file, line and column.
    static func table(_ text: String, file: String) throws -> TOMLTable {
        if let bad = keySyntaxError(text) {
            // toml++ fails an assertion on these instead of reporting them.
            throw ProblemError(file: file, key: nil, message: "line \(bad.line), column \(bad.column): '\(visible(String(bad.character)))' cannot stand there; keys are ASCII letters, digits, - and _ (or a quoted string), and other text goes in quotes")
        }
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ProblemError(file: file, key: nil, message: "line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        }
    }

    /// Parses a problem from TOML text; `file` names it in errors and its stem must match `name`.
    public init(toml text: String, file: String) throws {
        let table = try Problem.table(text, file: file)
        let reader = TableReader(file: file)
        try reader.rejectUnknown(table, known: Problem.topLevelKeys, prefix: nil)

        // name, title, description
        let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let name = try reader.string(table, "name") ?? stem
        if name != stem && file.hasSuffix(".toml") {
            throw ProblemError(file: file, key: "name",
                               message: "'\(name)' does not match the file name '\(stem).toml'; a problem is found by its file name")
        }
        let title = try reader.string(table, "title") ?? name
        let summary = try reader.string(table, "description") ?? ""

        let graph = Graph()
        let names: [String], variableNodes: [NodeID], loss: NodeID, lossText: String
        var lets: [Problem.Let] = []
        var built: Model.Built?
        if let modelValue = table["model"] {
            // A model fitted to data: its parameters are the variables, its loss a mean over rows.
            guard let modelTable = modelValue.table else {
                throw ProblemError(file: file, key: "model", message: "must be a table, as in [model] kind = \"mlp\"")
            }
            for key in ["variables", "loss", "let", "test"] where table[key] != nil {
                let why = key == "test" ? "its test loss is the model's loss on [data] test" : "a [model] gives the parameters and the loss"
                throw ProblemError(file: file, key: key, message: "not with [model]: \(why)")
            }
            let b = try Model.build(model: modelTable, data: table["data"], file: file, graph: graph)
            (names, variableNodes, loss, built) = (b.names, b.nodes, b.loss, b)
            lossText = b.model.summary
        } else {
            if table["data"] != nil {
                throw ProblemError(file: file, key: "data", message: "data needs a [model] to fit, as in [model] kind = \"mlp\", layers = [1, 6, 1]")
            }
            // variables
            guard let variableArray = table["variables"] else {
                throw ProblemError(file: file, key: "variables", message: "missing; list the variable names, as in variables = [\"x\", \"y\"]")
            }
            guard let variables = variableArray.array?.map({ $0.string }), !variables.isEmpty,
                  variables.allSatisfy({ $0 != nil }) else {
                throw ProblemError(file: file, key: "variables", message: "must be a non-empty array of names, as in [\"x\", \"y\"]")
            }
            names = variables.map { $0! }
            for n in names {
                try reader.checkNewName(n, key: "variables", taken: [])
            }
            if let dup = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
                throw ProblemError(file: file, key: "variables", message: "'\(dup)' is listed twice")
            }

            variableNodes = names.map { graph.variable($0) }

            // [let], in dependency order
            var letNodes: [String: NodeID] = [:]
            if let letValue = table["let"] {
                guard let letTable = letValue.table else {
                    throw ProblemError(file: file, key: "let", message: "must be a table of name = \"expression\"")
                }
                var texts: [String: String] = [:]
                for key in letTable.keys {
                    guard let t = letTable[key]?.string else {
                        throw ProblemError(file: file, key: "let.\(key)", message: "must be an expression in quotes")
                    }
                    try reader.checkNewName(key, key: "let.\(key)", taken: names)
                    texts[key] = t
                }
                for letName in try Problem.dependencyOrder(texts, file: file) {
                    let node = try reader.expression(texts[letName]!, key: "let.\(letName)", graph: graph,
                                                     scope: NameScope(variables: names, lets: letNodes))
                    letNodes[letName] = node
                    lets.append(Problem.Let(name: letName, text: texts[letName]!, node: node))
                }
            }
            let scope = NameScope(variables: names, lets: letNodes)

            // loss
            guard let text = try reader.string(table, "loss") else {
                throw ProblemError(file: file, key: "loss", message: "missing; give the loss as an expression, as in loss = \"x^2\"")
            }
            loss = try reader.expression(text, key: "loss", graph: graph, scope: scope)
            lossText = text
        }
        let scope = NameScope(variables: names, lets: Dictionary(lets.map { ($0.name, $0.node) }, uniquingKeysWith: { a, _ in a }))

        // [domain]; a model's parameters not listed there range over [-5, 5].
        if table["domain"] != nil && table["domain"]?.table == nil {
            throw ProblemError(file: file, key: "domain", message: "must be a table with one [min, max] per variable")
        }
        guard let domainTable = table["domain"]?.table ?? (built != nil ? TOMLTable() : nil) else {
            throw ProblemError(file: file, key: "domain",
                               message: "missing; give a [domain] table with one [min, max] per variable, as in \(names[0]) = [-4.0, 4.0]")
        }
        try reader.rejectUnknown(domainTable, known: names, prefix: "domain", what: built != nil ? "parameter" : "variable")
        var domain: [ClosedRange<Double>] = []
        for n in names {
            guard let pair = try reader.vector(domainTable, n, prefix: "domain") ?? (built != nil ? Problem.modelDomain : nil) else {
                throw ProblemError(file: file, key: "domain", message: "no range for variable '\(n)'")
            }
            guard pair.count == 2 else {
                throw ProblemError(file: file, key: "domain.\(n)", message: "must be [min, max], got \(pair.count) numbers")
            }
            guard pair[0] < pair[1], pair.allSatisfy(\.isFinite) else {
                throw ProblemError(file: file, key: "domain.\(n)", message: "min must be less than max, got [\(pair[0]), \(pair[1])]")
            }
            domain.append(pair[0]...pair[1])
        }

        // [test]: a real held-out loss or a fixed shift. The random-shift proxy needs no entry:
        // the expected shifted loss is reported for every problem, at the `sigma` setting.
        var test: TestDefinition?
        if let testValue = table["test"] {
            guard let testTable = testValue.table else {
                throw ProblemError(file: file, key: "test", message: "must be a table with one of loss or shift")
            }
            if testTable["sigma"] != nil {
                throw ProblemError(file: file, key: "test.sigma",
                                   message: "the expected loss under a random shift is reported for every problem; set its σ with [defaults] sigma = S")
            }
            try reader.rejectUnknown(testTable, known: ["loss", "shift"], prefix: "test")
            let given = testTable.keys
            guard given.count == 1 else {
                throw ProblemError(file: file, key: "test",
                                   message: given.isEmpty ? "give one of loss or shift"
                                       : "give exactly one of loss or shift, not \(given.sorted().joined(separator: " and "))")
            }
            if given[0] == "loss" {
                let t = try reader.string(testTable, "loss", prefix: "test")!
                test = .loss(text: t, node: try reader.expression(t, key: "test.loss", graph: graph, scope: scope))
            } else {
                let s = try reader.vector(testTable, "shift", prefix: "test")!
                guard s.count == names.count else {
                    throw ProblemError(file: file, key: "test.shift",
                                       message: "has \(s.count) entries but the problem has \(names.count) variable\(names.count == 1 ? "" : "s")")
                }
                test = .shift(s)
            }
        }

        // [defaults]
        var defaults = Defaults()
        if let defaultsValue = table["defaults"] {
            guard let defaultsTable = defaultsValue.table else {
                throw ProblemError(file: file, key: "defaults", message: "must be a table of run flags")
            }
            defaults = try reader.settings(defaultsTable, prefix: "defaults")
        }

        if let b = built {
            let rows = { (d: DataSet) in Tape.Rows(nodes: b.columns, columns: d.values) }
            test = b.model.test.map { .heldOut(rows($0)) }
            self.init(name: name, title: title, summary: summary, file: file, variables: names, graph: graph,
                      variableNodes: variableNodes, loss: loss, lossText: lossText, lets: lets, domain: domain,
                      test: test, defaults: defaults, model: b.model, rows: rows(b.model.train))
            // Data whose values overflow the loss (a noise of 1e200, a target of 1e308) make
            // every start useless: a mistake in the file, named here, not a start to change.
            let atStart = oracle.loss(defaultStart)
            if !atStart.isFinite {
                throw ProblemError(file: file, key: "data", message: "the training loss is \(atStart.isNaN ? "NaN" : "infinite") at the model's start: the data's values are too large for a loss in doubles (check the targets, range and noise)")
            }
        } else {
            self.init(name: name, title: title, summary: summary, file: file, variables: names, graph: graph,
                      variableNodes: variableNodes, loss: loss, lossText: lossText, lets: lets, domain: domain,
                      test: test, defaults: defaults)
        }
    }

    /// Orders `[let]` names so each comes after the names it uses; a cycle is an error that
    /// names it (`a -> b -> a`).
    static func dependencyOrder(_ texts: [String: String], file: String) throws -> [String] {
        var order: [String] = []
        var state: [String: Bool] = [:]  // false: in progress, true: done
        func visit(_ n: String, _ path: [String]) throws {
            if state[n] == true { return }
            if state[n] == false {
                let cycle = path[path.firstIndex(of: n)!...] + [n]
                throw ProblemError(file: file, key: "let.\(n)", message: "definitions form a cycle: \(cycle.joined(separator: " -> "))")
            }
            state[n] = false
            for m in referencedNames(in: texts[n]!) where texts[m] != nil {
                try visit(m, path + [n])
            }
            state[n] = true
            order.append(n)
        }
        for n in texts.keys.sorted() { try visit(n, []) }
        return order
    }
}

/// Typed access to TOML values with errors that name the file and key.
struct TableReader {
    let file: String

    func path(_ key: String, _ prefix: String?) -> String { prefix.map { "\($0).\(key)" } ?? key }

    func rejectUnknown(_ table: TOMLTable, known: [String], prefix: String?, what: String = "key") throws {
        for key in table.keys where !known.contains(key) {
            let hint = nearest(to: key, among: known).map { "; did you mean '\($0)'?" } ?? ""
            let list = known.count <= 10 ? " (known: \(known.joined(separator: ", ")))" : ""
            throw ProblemError(file: file, key: path(key, prefix),
                               message: "unknown \(what) '\(key)'\(hint.isEmpty ? list : hint)")
        }
    }

    func string(_ table: TOMLTable, _ key: String, prefix: String? = nil) throws -> String? {
        guard let v = table[key] else { return nil }
        guard let s = v.string else {
            throw ProblemError(file: file, key: path(key, prefix), message: "must be a string in quotes")
        }
        return s
    }

    func number(_ table: TOMLTable, _ key: String, prefix: String? = nil) throws -> Double? {
        guard let v = table[key] else { return nil }
        guard let x = v.double ?? v.int.map(Double.init) else {
            throw ProblemError(file: file, key: path(key, prefix), message: "must be a number")
        }
        return x
    }

    /// A table of settings, each typed as written: true/false, a whole number, a number, a word
    /// in quotes or an array of numbers.
    func settings(_ table: TOMLTable, prefix: String?) throws -> Defaults {
        var defaults = Defaults()
        for key in table.keys.sorted() {
            let v = table[key]!
            if let b = v.bool {
                defaults.values[key] = .flag(b)
            } else if let n = v.int {
                defaults.values[key] = .integer(n)
            } else if let x = v.double {
                defaults.values[key] = .number(x)
            } else if let w = v.string {
                defaults.values[key] = .word(w)
            } else if let array = v.array, !array.isEmpty, array.allSatisfy({ $0.string != nil }) {
                // A list of words (`figure-format = ["pdf", "png"]`) reads as the comma-separated word a flag takes.
                defaults.values[key] = .word(array.map { $0.string! }.joined(separator: ","))
            } else if v.array != nil {
                defaults.values[key] = .vector(try vector(table, key, prefix: prefix)!)
            } else {
                throw ProblemError(file: file, key: path(key, prefix), message: "must be a number, a word in quotes, true or false, or an array of numbers")
            }
        }
        return defaults
    }

    func vector(_ table: TOMLTable, _ key: String, prefix: String? = nil) throws -> [Double]? {
        guard let v = table[key] else { return nil }
        guard let array = v.array else {
            throw ProblemError(file: file, key: path(key, prefix), message: "must be an array of numbers, as in [0.5, 1.0]")
        }
        return try array.map { item in
            guard let x = item.double ?? item.int.map(Double.init) else {
                throw ProblemError(file: file, key: path(key, prefix), message: "must be an array of numbers, as in [0.5, 1.0]")
            }
            return x
        }
    }

    func expression(_ text: String, key: String, graph: Graph, scope: NameScope) throws -> NodeID {
        do {
            return try graph.parse(text, scope: scope)
        } catch {
            throw ProblemError(file: file, key: key, message: "column \(error.column): \(error.message)",
                               detail: error.caretDisplay(indent: "  "))
        }
    }

    /// A variable or let name must be a plain identifier that is not a function or constant.
    func checkNewName(_ name: String, key: String, taken: [String]) throws {
        let isIdentifier = name.first.map { $0.isLetter || $0 == "_" } == true
            && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        guard isIdentifier else {
            throw ProblemError(file: file, key: key, message: "'\(name)' is not a name (letters, digits and _, starting with a letter)")
        }
        if Function(rawValue: name) != nil || NameScope.constants[name] != nil {
            throw ProblemError(file: file, key: key, message: "'\(name)' is a built-in \(Function(rawValue: name) != nil ? "function" : "constant") and cannot be redefined")
        }
        if taken.contains(name) {
            throw ProblemError(file: file, key: key, message: "'\(name)' is already a variable")
        }
    }
}

/// Where TOML text breaks the key syntax that toml++ asserts instead of reporting (a debug build
/// aborts): the line, column (1-based) and character of the first character outside a string
/// or a comment that is not ASCII, or that stands in a key (a table header, or the part of a
/// line, or of an inline table entry, before its `=`) without being a bare-key character
/// (ASCII letters, digits, `-`, `_`), a dot, a space or a quote. nil when there is none.
func keySyntaxError(_ text: String) -> (line: Int, column: Int, character: Character)? {
    enum State { case normal, comment, basic, literal, multiBasic, multiLiteral }
    var state = State.normal
    let c = Array(text.unicodeScalars)
    var (line, column, i) = (1, 0, 0)
    // In a key: at a line's start (outside arrays and inline tables), in a table header, and
    // after `{` or `,` in an inline table, up to the `=` (or the header's `]`).
    var inKey = true, inHeader = false, arrays = 0, tables = 0
    func at(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        return i + u.count <= c.count && Array(c[i..<(i + u.count)]) == u
    }
    func bare(_ ch: Unicode.Scalar) -> Bool { ch.isASCII && (CharacterSet.alphanumerics.contains(ch) || ch == "-" || ch == "_") }
    while i < c.count {
        let ch = c[i]
        column += 1
        if ch == "\n" { line += 1; column = 0 }
        switch state {
        case .normal:
            if ch == "#" { state = .comment; i += 1; continue }
            if at("\"\"\"") { state = .multiBasic; i += 3; column += 2; continue }
            if at("'''") { state = .multiLiteral; i += 3; column += 2; continue }
            if ch == "\"" { state = .basic; i += 1; continue }
            if ch == "'" { state = .literal; i += 1; continue }
            if !ch.isASCII { return (line, column, Character(ch)) }
            if ch == "\n" {
                if arrays == 0 && tables == 0 { inKey = true; inHeader = false }
            } else if inKey {
                if ch == "[" && !inHeader && arrays == 0 && tables == 0 {
                    inHeader = true
                    if at("[[") { i += 2; column += 1; continue }
                } else if ch == "]" && inHeader {
                    inKey = false
                    if at("]]") { i += 2; column += 1; continue }
                } else if ch == "=" && !inHeader {
                    inKey = false
                } else if !(bare(ch) || ch == "." || ch == " " || ch == "\t" || ch == "\r" || (ch == "}" && tables > 0)) {
                    return (line, column, Character(ch))
                }
                if ch == "}" && tables > 0 { tables -= 1; inKey = false }
            } else {
                switch ch {
                case "[": arrays += 1
                case "]": arrays = max(0, arrays - 1)
                case "{": tables += 1; inKey = true
                case "}": tables = max(0, tables - 1)
                case "," where tables > 0 && arrays == 0: inKey = true
                default: break
                }
            }
        case .comment:
            if ch == "\n" {
                state = .normal
                if arrays == 0 && tables == 0 { inKey = true; inHeader = false }
            }
        case .basic:
            if ch == "\\" { i += 2; column += 1; continue }
            if ch == "\"" || ch == "\n" { state = .normal }
        case .literal:
            if ch == "'" || ch == "\n" { state = .normal }
        case .multiBasic:
            if ch == "\\" { i += 2; column += 1; continue }
            if at("\"\"\"") { state = .normal; i += 3; column += 2; continue }
        case .multiLiteral:
            if at("'''") { state = .normal; i += 3; column += 2; continue }
        }
        i += 1
    }
    return nil
}
