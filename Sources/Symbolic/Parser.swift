/// A syntax or name error in an expression, with the 1-based column and width of the fault.
public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What is wrong, with a suggestion where one helps (`did you mean 'exp'?`).
    public let message: String
    /// 1-based column of the first offending character (one past the end for "unexpected end").
    public let column: Int
    /// Number of characters to underline (at least 1).
    public let length: Int
    /// The text that was parsed, which `column` indexes.
    public let expression: String

    /// The expression with a caret under the fault:
    ///
    ///     column 1: unknown function 'ezp'; did you mean 'exp'?
    ///       ezp(x)
    ///       ^~~
    public var description: String {
        "column \(column): \(message)\n" + caretDisplay(indent: "  ")
    }

    /// The expression over a line with `^` under the fault and `~` under the rest of it, both lines
    /// prefixed with `indent`; no trailing newline.
    public func caretDisplay(indent: String) -> String {
        indent + expression + "\n" + indent + String(repeating: " ", count: column - 1) + "^"
            + String(repeating: "~", count: max(0, length - 1))
    }
}

/// How names in an expression resolve.
public struct NameScope {
    /// Allowed variable names; `nil` means any name that is not a function or constant is a
    /// variable (as `lab derive` wants).
    public var variables: [String]?
    /// Named subexpressions (`[let]` in a problem file), already built in the graph.
    public var lets: [String: NodeID]

    public init(variables: [String]? = nil, lets: [String: NodeID] = [:]) {
        self.variables = variables
        self.lets = lets
    }

    /// `pi` and `e`. A name resolves to a `let` first, then to a listed variable, then to these;
    /// with `variables` nil they are never variables.
    public static let constants: [String: Double] = ["pi": Double.pi, "e": 2.718281828459045]
}

extension Graph {
    /// Parses `text` into this graph (precedence climbing over DESIGN.md's grammar).
    public func parse(_ text: String, scope: NameScope = NameScope()) throws(ParseError) -> NodeID {
        var parser = Parser(text: text, graph: self, scope: scope)
        return try parser.parseAll()
    }
}

/// The names an expression refers to as variables or constants (not function names), in order
/// of first appearance; empty if the text does not lex. Used to order `[let]` definitions.
public func referencedNames(in text: String) -> [String] {
    let parser = Parser(text: text, graph: Graph(), scope: NameScope())
    guard let tokens = try? parser.lex() else { return [] }
    var names: [String] = []
    for (i, t) in tokens.enumerated() {
        guard case .name(let n) = t.kind else { continue }
        if case .symbol("(") = tokens[i + 1].kind { continue }
        if !names.contains(n) { names.append(n) }
    }
    return names
}

private struct Token: Equatable {
    enum Kind: Equatable {
        case number(Double), name(String), symbol(Character), end
    }
    let kind: Kind
    let column: Int  // 1-based
    let length: Int

    var display: String {
        switch kind {
        case .number: "number"
        case .name(let n): "name '\(n)'"
        case .symbol(let c): "'\(c)'"
        case .end: "end of expression"
        }
    }
}

private struct Parser {
    let text: String
    let chars: [Character]
    let graph: Graph
    let scope: NameScope
    var tokens: [Token] = []
    var position = 0

    init(text: String, graph: Graph, scope: NameScope) {
        self.text = text
        self.chars = Array(text)
        self.graph = graph
        self.scope = scope
    }

    func error(_ message: String, at column: Int, length: Int = 1) -> ParseError {
        ParseError(message: message, column: column, length: max(1, length), expression: text)
    }

    func error(_ message: String, at token: Token) -> ParseError {
        error(message, at: token.column, length: token.length)
    }

    mutating func parseAll() throws(ParseError) -> NodeID {
        tokens = try lex()
        if tokens.count == 1 { throw error("empty expression", at: 1) }
        let root = try expression(.sum)
        let next = tokens[position]
        if next.kind != .end {
            if case .symbol(")") = next.kind {
                throw error("unmatched ')'", at: next)
            }
            if case .symbol = next.kind {
                throw error("unexpected \(next.display)", at: next)
            }
            throw error("unexpected \(next.display) after a complete expression; write '*' to multiply", at: next)
        }
        return root
    }

    // MARK: lexing

    func lex() throws(ParseError) -> [Token] {
        var out: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" { i += 1; continue }
            let start = i
            if c.isASCII && (c.isNumber || c == ".") {
                while i < chars.count, chars[i].isASCII, chars[i].isNumber || chars[i] == "." { i += 1 }
                if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                    // An exponent only if digits follow; otherwise `2e` is a malformed number.
                    var j = i + 1
                    if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
                    if j < chars.count, chars[j].isASCII, chars[j].isNumber {
                        i = j
                        while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 }
                    } else {
                        throw error("malformed number '\(String(chars[start..<j]))'; an exponent needs digits, as in 1e-3",
                                    at: start + 1, length: j - start)
                    }
                }
                let literal = String(chars[start..<i])
                guard literal.filter({ $0 == "." }).count <= 1, literal != ".", let value = Double(literal) else {
                    throw error("malformed number '\(literal)'", at: start + 1, length: i - start)
                }
                guard value.isFinite else {
                    throw error("number '\(literal)' is too large for a double (at most about 1.8e308)", at: start + 1, length: i - start)
                }
                out.append(Token(kind: .number(value), column: start + 1, length: i - start))
            } else if c.isLetter || c == "_" {
                // Digits in names are ASCII only: `x²` is not a name but a mistake.
                while i < chars.count, chars[i].isLetter || (chars[i].isASCII && chars[i].isNumber) || chars[i] == "_" { i += 1 }
                out.append(Token(kind: .name(String(chars[start..<i])), column: start + 1, length: i - start))
            } else if "+-*/^(),".contains(c) {
                i += 1
                out.append(Token(kind: .symbol(c), column: start + 1, length: 1))
            } else if "²³¹⁰⁴⁵⁶⁷⁸⁹".contains(c) {
                throw error("unexpected character '\(c)'; write powers with '^', as in x^2", at: start + 1)
            } else {
                throw error("unexpected character '\(c)'", at: start + 1)
            }
        }
        out.append(Token(kind: .end, column: chars.count + 1, length: 1))
        return out
    }

    // MARK: grammar

    var peek: Token { tokens[position] }
    mutating func advance() -> Token { defer { position += 1 }; return tokens[position] }

    func binaryOperator(_ token: Token) -> BinaryOperator? {
        guard case .symbol(let c) = token.kind else { return nil }
        switch c {
        case "+", "-": return .add
        case "*": return .mul
        case "/": return .div
        case "^": return .pow
        default: return nil
        }
    }

    /// Parses operands joined by binary operators binding at least as tight as `minimum`.
    mutating func expression(_ minimum: Precedence) throws(ParseError) -> NodeID {
        var lhs = try prefix()
        while let op = binaryOperator(peek), op.precedence >= minimum {
            let token = advance()
            if case .symbol("*") = token.kind, case .symbol("*") = peek.kind {
                throw error("unexpected '*'; write '^' for powers", at: peek)
            }
            let next = Precedence(rawValue: op.precedence.rawValue + (op.isRightAssociative ? 0 : 1))!
            let rhs = try expression(next)
            if case .symbol("-") = token.kind {
                lhs = graph.sub(lhs, rhs)
            } else {
                lhs = graph.binary(op, lhs, rhs)
            }
        }
        return lhs
    }

    mutating func prefix() throws(ParseError) -> NodeID {
        let token = advance()
        switch token.kind {
        case .number(let v):
            return graph.constant(v)
        case .symbol("-"):
            return graph.neg(try expression(.prefix))
        case .symbol("+"):
            return try expression(.prefix)
        case .symbol("("):
            let inner = try expression(.sum)
            try expect(")", openedAt: token)
            return inner
        case .name(let name):
            return try named(name, token)
        case .end:
            throw error("unexpected end of expression; expected a number, a name or '('", at: token)
        case .symbol(let c):
            throw error("unexpected '\(c)'; expected a number, a name or '('", at: token)
        }
    }

    mutating func expect(_ close: Character, openedAt open: Token) throws(ParseError) {
        let token = peek
        if case .symbol(let c) = token.kind, c == close { position += 1; return }
        if token.kind == .end {
            throw error("missing ')' to close the '(' at column \(open.column)", at: token)
        }
        throw error("expected ')' to close the '(' at column \(open.column), found \(token.display)", at: token)
    }

    mutating func named(_ name: String, _ token: Token) throws(ParseError) -> NodeID {
        let isCall: Bool = { if case .symbol("(") = peek.kind { return true }; return false }()
        if isCall {
            guard let f = Function(rawValue: name) else {
                let hint = nearest(to: name, among: Function.allCases.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
                throw error("unknown function '\(name)'\(hint)", at: token)
            }
            let open = advance()
            if case .symbol(")") = peek.kind {
                throw error("function '\(name)' needs an argument", at: peek)
            }
            let argument = try expression(.sum)
            if case .symbol(",") = peek.kind {
                throw error("function '\(name)' takes one argument", at: peek)
            }
            try expect(")", openedAt: open)
            return graph.apply(f, argument)
        }
        if Function(rawValue: name) != nil {
            throw error("function '\(name)' needs its argument in parentheses, as in \(name)(x)", at: token)
        }
        if let id = scope.lets[name] { return id }
        if let allowed = scope.variables {
            if allowed.contains(name) { return graph.variable(name) }
        } else if NameScope.constants[name] == nil {
            return graph.variable(name)
        }
        if let c = NameScope.constants[name] { return graph.constant(c) }
        let known = (scope.variables ?? []) + scope.lets.keys.sorted() + NameScope.constants.keys.sorted()
        let hint = nearest(to: name, among: known).map { "; did you mean '\($0)'?" } ?? ""
        throw error("unknown name '\(name)'\(hint)", at: token)
    }
}
