/// Printing to text (which `parse` reads back to the same node) and to LaTeX.
///
/// Parentheses are minimal for the grammar: an operand is wrapped only when it binds looser than
/// its position allows. For `+` and `*` the operands may be printed in either order, because the
/// parser rebuilds them through the same canonical ordering; the printer puts a nested operand of
/// the same operator first (so `x + y + z` needs no parentheses) and, for sums, constants last.
extension Graph {
    /// `names` prints the given subexpressions by name (a problem's `[let]` definitions), except
    /// at the root; the text then parses back with those names in scope.
    public func text(_ id: NodeID, names: [NodeID: String] = [:]) -> String {
        var memo: [NodeID: (String, Precedence)] = [:]
        for (node, name) in names where node != id { memo[node] = (name, .atom) }
        return render(id, style: .text, memo: &memo).0
    }

    /// LaTeX for math mode (no `$` delimiters): `\frac` for quotients, Greek names as commands (`rho`
    /// is `\rho`), `a_b` as a subscript, 1e-05 as 10^{-5}. For display only: it does not parse back.
    public func latex(_ id: NodeID, names: [NodeID: String] = [:]) -> String {
        var memo: [NodeID: (String, Precedence)] = [:]
        for (node, name) in names where node != id { memo[node] = (latexName(name), .atom) }
        return render(id, style: .latex, memo: &memo).0
    }

    private enum Style { case text, latex }

    private func render(_ id: NodeID, style: Style, memo: inout [NodeID: (String, Precedence)])
        -> (String, Precedence)
    {
        if let done = memo[id] { return done }
        let node = self[id]
        let result: (String, Precedence)
        func sub(_ a: NodeID, wrapBelow minimum: Precedence, memo: inout [NodeID: (String, Precedence)]) -> String {
            let (s, p) = render(a, style: style, memo: &memo)
            if p >= minimum { return s }
            return style == .text ? "(\(s))" : "\\left(\(s)\\right)"
        }
        switch node.op {
        case .constant(let c):
            let s = style == .text ? formatNumber(Swift.abs(c)) : latexNumber(Swift.abs(c))
            result = c < 0 ? ("-" + s, .prefix) : (s, .atom)
        case .variable(let v):
            result = (style == .text ? variableNames[v] : latexName(variableNames[v]), .atom)
        case .neg:
            let x = node.args[0]
            if case .binary(let op) = self[x].op, op == .mul || op == .div {
                // −(a·b) prints as `-a * b`: the parser reads it as (−a)·b, which the smart
                // constructors turn back into −(a·b).
                let (s, _) = render(x, style: style, memo: &memo)
                result = ("-" + s, .product)
            } else {
                result = ("-" + sub(x, wrapBelow: .prefix, memo: &memo), .prefix)
            }
        case .function(let f):
            let inner = render(node.args[0], style: style, memo: &memo).0
            if style == .text {
                result = ("\(f.rawValue)(\(inner))", .atom)
            } else {
                result = (f.latex.open + inner + f.latex.close, .atom)
            }
        case .binary(let op):
            var (a, b) = (node.args[0], node.args[1])
            let leadingConstant = op == .mul && constantValue(a) != nil
            if op.isCommutative && !leadingConstant && printRank(b, in: op) < printRank(a, in: op) { swap(&a, &b) }
            let left = op.isRightAssociative ? Precedence(rawValue: op.precedence.rawValue + 1)! : op.precedence
            let right = op.isRightAssociative ? op.precedence : Precedence(rawValue: op.precedence.rawValue + 1)!
            switch op {
            case .add:
                let l = sub(a, wrapBelow: left, memo: &memo)
                if case .neg = self[b].op {
                    result = ("\(l) - \(sub(self[b].args[0], wrapBelow: right, memo: &memo))", .sum)
                } else if let c = constantValue(b), c < 0 {
                    let s = style == .text ? formatNumber(-c) : latexNumber(-c)
                    result = ("\(l) - \(s)", .sum)
                } else if let (c, rest) = coefficient(b), c < 0 {
                    // a + (−c)·x prints as `a - c * x`, which parses back to the same node.
                    let n = style == .text ? formatNumber(-c) : latexNumber(-c)
                    let r = isProduct(rest) && leftSpineIsProducts(rest) ? render(rest, style: style, memo: &memo).0
                        : sub(rest, wrapBelow: .prefix, memo: &memo)
                    result = ("\(l) - \(n)\(style == .text ? " * " : " ")\(r)", .sum)
                } else {
                    result = ("\(l) + \(sub(b, wrapBelow: right, memo: &memo))", .sum)
                }
            case .mul:
                let l = sub(a, wrapBelow: left, memo: &memo)
                // c·(x·y) prints as `c * x * y`; the parser gathers the constant in front again.
                // In LaTeX a product is juxtaposition, which needs no parentheses to nest.
                let r = (leadingConstant && leftSpineIsProducts(b) || style == .latex) && isProduct(b)
                    ? render(b, style: style, memo: &memo).0
                    : sub(b, wrapBelow: right, memo: &memo)
                if style == .text {
                    result = ("\(l) * \(r)", .product)
                } else {
                    let needsDot = r.first.map { $0.isNumber || $0 == "-" } ?? false
                    result = (needsDot ? "\(l) \\cdot \(r)" : "\(l) \(r)", .product)
                }
            case .div:
                if style == .text {
                    result = ("\(sub(a, wrapBelow: left, memo: &memo)) / \(sub(b, wrapBelow: right, memo: &memo))", .product)
                } else {
                    let n = render(a, style: style, memo: &memo).0, d = render(b, style: style, memo: &memo).0
                    result = ("\\frac{\(n)}{\(d)}", .atom)
                }
            case .pow:
                if style == .text {
                    result = ("\(sub(a, wrapBelow: left, memo: &memo))^\(sub(b, wrapBelow: right, memo: &memo))", .power)
                } else {
                    let base = sub(a, wrapBelow: .atom, memo: &memo), e = render(b, style: style, memo: &memo).0
                    result = ("{\(base)}^{\(e)}", .power)
                }
            }
        }
        memo[id] = result
        return result
    }

    private func isProduct(_ id: NodeID) -> Bool {
        if case .binary(.mul) = self[id].op { return true }
        return false
    }

    /// Whether `c * ` can be written in front of the text of product `id` without parentheses:
    /// `c * x * y` reads back as c·(x·y), but `c * 1 / y * x` would read as ((c·1)/y)·x.
    private func leftSpineIsProducts(_ id: NodeID) -> Bool {
        switch self[id].op {
        case .binary(.mul):
            var (a, b) = (self[id].args[0], self[id].args[1])
            if constantValue(a) == nil && printRank(b, in: .mul) < printRank(a, in: .mul) { swap(&a, &b) }
            return leftSpineIsProducts(a)
        case .binary(.div): return false
        default: return true
        }
    }

    /// Print order of a commutative operator's operands: a nested use of the same operator
    /// first (no parentheses needed on the left), and in sums negated terms and constants last
    /// (`x - y + 2` rather than `2 + -y + x`).
    private func printRank(_ id: NodeID, in op: BinaryOperator) -> Int {
        switch self[id].op {
        case .binary(op): 0
        case .neg, .constant: op == .add ? 2 : 1
        default: 1
        }
    }
}

/// Shortest text that parses back to exactly `v` (v ≥ 0): integers without a decimal point,
/// π and e by name.
public func formatNumber(_ v: Double) -> String {
    if v == Double.pi { return "pi" }
    if v == NameScope.constants["e"]! { return "e" }
    if v == v.rounded(), Swift.abs(v) < 1e15 { return String(Int64(v)) }
    return v.description
}

private func latexNumber(_ v: Double) -> String {
    if v == Double.pi { return "\\pi" }
    let s = formatNumber(v)
    guard let e = s.firstIndex(of: "e"), s != "e" else { return s }
    let mantissa = String(s[..<e])
    var exponent = String(s[s.index(after: e)...])
    if exponent.hasPrefix("+") { exponent.removeFirst() }
    // Swift writes 1e-05; a paper writes 10^{-5}.
    let negative = exponent.hasPrefix("-")
    if negative { exponent.removeFirst() }
    while exponent.count > 1, exponent.hasPrefix("0") { exponent.removeFirst() }
    if negative { exponent = "-" + exponent }
    return mantissa == "1" ? "10^{\(exponent)}" : "\(mantissa) \\times 10^{\(exponent)}"
}

private let greek: Set<String> = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
    "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Phi", "Psi", "Omega",
]

private func latexName(_ name: String) -> String {
    let parts = name.split(separator: "_", maxSplits: 1).map(String.init)
    func base(_ s: String) -> String {
        if greek.contains(s) { return "\\" + s }
        let escaped = s.replacingOccurrences(of: "_", with: "\\_")
        return s.count == 1 ? s : "\\mathrm{\(escaped)}"
    }
    if parts.count == 2, !parts[0].isEmpty { return "\(base(parts[0]))_{\(base(parts[1]))}" }
    return base(name)
}
