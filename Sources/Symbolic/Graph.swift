/// The identity of a node in a `Graph`. Ids are handed out in creation order, and a node's
/// arguments are always created before it, so increasing ids are a topological order.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Position in `Graph.nodes`, which is also the order of creation.
    public let index: Int32

    init(_ index: Int) { self.index = Int32(index) }

    public static func < (a: NodeID, b: NodeID) -> Bool { a.index < b.index }
    public var description: String { "%\(index)" }
}

/// What a node computes. Subtraction is not an operator: `a - b` is `a + (-b)`, which keeps one
/// canonical form for the smart constructors and lets the printer write `a - b` back.
public enum Op: Hashable, Sendable {
    case constant(Double)
    /// An input; the payload indexes `Graph.variableNames`.
    case variable(Int)
    case neg
    /// args[0] ∘ args[1]; for `+` and `*` the arguments are in canonical order.
    case binary(BinaryOperator)
    case function(Function)
}

/// A node: an operator and the ids of its (zero, one or two) arguments.
public struct Node: Hashable, Sendable {
    public let op: Op
    public let args: [NodeID]
}

/// A hash-consed expression DAG stored in an arena.
///
/// Every node is built through the smart constructors below, which fold constants, apply the
/// cheap identities (x+0, x·1, x·0, x^1, x^0, −(−x), −1·x) and sort the arguments of commutative
/// operators (constants first, then by id), and then look the node up before creating it: two
/// structurally equal expressions are one node, so common subexpressions are shared by
/// construction. Folding never produces NaN or infinity: a constant expression whose value is
/// not finite (`log(0)`) stays a node, so it prints and re-parses.
public final class Graph {
    /// Every node, indexed by `NodeID.index`. Append-only, so ids stay valid and ascending ids are
    /// a topological order.
    public private(set) var nodes: [Node] = []
    /// Variable names in order of first use: `Op.variable(i)` is `variableNames[i]`, and
    /// `evaluate(_:variables:)` takes values in this order.
    public private(set) var variableNames: [String] = []
    private var index: [Node: NodeID] = [:]
    private var variableIndex: [String: NodeID] = [:]

    public init() {}

    public var count: Int { nodes.count }
    public subscript(id: NodeID) -> Node { nodes[Int(id.index)] }

    // MARK: leaves

    /// The constant node for `value`. −0 becomes 0, so x·0 and 0 are one node; NaN is not equal to
    /// itself, so each NaN constant is a new node.
    public func constant(_ value: Double) -> NodeID {
        // -0.0 == 0.0 under Hashable; keep a single zero so x·0 and 0 coincide.
        intern(Node(op: .constant(value == 0 ? 0 : value), args: []))
    }

    /// The variable named `name`, created on first use. Its position in `variableNames` is fixed
    /// from then on.
    public func variable(_ name: String) -> NodeID {
        if let id = variableIndex[name] { return id }
        variableNames.append(name)
        let id = intern(Node(op: .variable(variableNames.count - 1), args: []))
        variableIndex[name] = id
        return id
    }

    /// The variable node named `name` if it exists.
    public func existingVariable(_ name: String) -> NodeID? { variableIndex[name] }

    /// The value of a constant node; nil for any other node, including a constant expression left
    /// unfolded because its value is not finite (`log(0)`).
    public func constantValue(_ id: NodeID) -> Double? {
        if case .constant(let c) = self[id].op { return c }
        return nil
    }

    /// Whether `id` is the constant `value`; never true for NaN.
    public func isConstant(_ id: NodeID, _ value: Double) -> Bool { constantValue(id) == value }

    // MARK: smart constructors

    /// −a, with constants folded, −(−x) = x, and −(c·x) built as (−c)·x.
    public func neg(_ a: NodeID) -> NodeID {
        if let c = constantValue(a) { return constant(-c) }
        if case .neg = self[a].op { return self[a].args[0] }
        // −(c·x) = (−c)·x: a negated product keeps its sign in the coefficient.
        if let (c, rest) = coefficient(a) { return mul(constant(-c), rest) }
        return intern(Node(op: .neg, args: [a]))
    }

    /// `(c, x)` when `id` is the product `c·x` of a constant and a non-constant.
    func coefficient(_ id: NodeID) -> (Double, NodeID)? {
        guard case .binary(.mul) = self[id].op, let c = constantValue(self[id].args[0]) else { return nil }
        return (c, self[id].args[1])
    }

    /// `(c, y)` when `id` is the sum `y + c` with a constant `c`.
    private func constantTerm(_ id: NodeID) -> (Double, NodeID)? {
        guard case .binary(.add) = self[id].op else { return nil }
        let args = self[id].args
        if let c = constantValue(args[0]) { return (c, args[1]) }
        if let c = constantValue(args[1]) { return (c, args[0]) }
        return nil
    }

    private func negated(_ id: NodeID) -> NodeID? {
        if case .neg = self[id].op { return self[id].args[0] }
        return nil
    }

    public func add(_ a: NodeID, _ b: NodeID) -> NodeID { binary(.add, a, b) }
    /// a − b, built as a + (−b): the graph has no subtraction node.
    public func sub(_ a: NodeID, _ b: NodeID) -> NodeID { binary(.add, a, neg(b)) }
    public func mul(_ a: NodeID, _ b: NodeID) -> NodeID { binary(.mul, a, b) }
    public func div(_ a: NodeID, _ b: NodeID) -> NodeID { binary(.div, a, b) }
    public func pow(_ a: NodeID, _ b: NodeID) -> NodeID { binary(.pow, a, b) }

    public func add(_ a: NodeID, _ c: Double) -> NodeID { add(a, constant(c)) }
    public func mul(_ c: Double, _ a: NodeID) -> NodeID { mul(constant(c), a) }
    public func pow(_ a: NodeID, _ c: Double) -> NodeID { pow(a, constant(c)) }

    /// The sum of `terms`, or 0 for none.
    public func sum(_ terms: [NodeID]) -> NodeID {
        terms.dropFirst().reduce(terms.first ?? constant(0)) { add($0, $1) }
    }

    /// a ∘ b through the smart-constructor rules: folds constants (a non-finite result stays a node),
    /// applies x+0, x·1, x·0, x/1, 0/x, x^1, x^0, 1^x, moves signs and constant factors to the front
    /// of products, and orders commutative arguments. The identities assume finite operands: x·0 is
    /// 0 even where x is NaN or ±∞, and 0/x is 0 even where x is 0.
    public func binary(_ op: BinaryOperator, _ a: NodeID, _ b: NodeID) -> NodeID {
        let ca = constantValue(a), cb = constantValue(b)
        if let x = ca, let y = cb {
            let v = op.evaluate(x, y)
            // 0/0, 1/0, (-1)^0.5 stay nodes that evaluate to NaN or infinity (IEEE), rather than
            // being "simplified" by an identity below into a finite number.
            if v.isFinite { return constant(v) }
            return intern(Node(op: .binary(op), args: [a, b]))
        }
        switch op {
        case .add:
            if ca == 0 { return b }
            if cb == 0 { return a }
            // (y + c) + d is y + (c + d), so the derivative of x^(y - 1) has the exponent y - 2.
            if let c = ca ?? cb, let (d, rest) = constantTerm(ca != nil ? b : a), (c + d).isFinite {
                return add(rest, constant(c + d))
            }
        case .mul:
            if ca == 0 || cb == 0 { return constant(0) }
            if ca == 1 { return b }
            if cb == 1 { return a }
            if ca == -1 { return neg(b) }
            if cb == -1 { return neg(a) }
            // Signs move out of products and constant factors gather in front, so derivatives
            // print as `2.5 * x * exp(u)` rather than `2 * -(1.25 * -(x * exp(u)))`.
            if let x = negated(a) { return neg(mul(x, b)) }
            if let y = negated(b) { return neg(mul(a, y)) }
            let fa = coefficient(a), fb = coefficient(b)
            if fa != nil || fb != nil {
                let c = (fa?.0 ?? ca ?? 1) * (fb?.0 ?? cb ?? 1)
                let ra = fa?.1 ?? (ca == nil ? a : nil), rb = fb?.1 ?? (cb == nil ? b : nil)
                let rest = [ra, rb].compactMap { $0 }
                if c.isFinite, let first = rest.first {
                    return mul(constant(c), rest.count == 2 ? mul(first, rest[1]) : first)
                }
            }
        case .div:
            if cb == 1 { return a }
            if ca == 0 { return constant(0) }
            if let x = negated(a) { return neg(div(x, b)) }
            if let c = ca, c < 0 { return neg(div(constant(-c), b)) }
            if let y = negated(b) { return neg(div(a, y)) }
        case .pow:
            if cb == 1 { return a }
            if cb == 0 || ca == 1 { return constant(1) }
        }
        var (x, y) = (a, b)
        if op.isCommutative && canonicallyBefore(b, a) { (x, y) = (b, a) }
        return intern(Node(op: .binary(op), args: [x, y]))
    }

    /// f(a). A constant argument folds when f's value there is finite; otherwise the call stays a
    /// node (`log(0)`, `sqrt(-1)`), so it prints and re-parses.
    public func apply(_ f: Function, _ a: NodeID) -> NodeID {
        if let c = constantValue(a) {
            let v = f.evaluate(c)
            if v.isFinite { return constant(v) }
        }
        return intern(Node(op: .function(f), args: [a]))
    }

    /// Commutative arguments are ordered constants first, then by id, so `x*y` and `y*x` are one
    /// node and `2*x` prints with its coefficient in front.
    private func canonicallyBefore(_ a: NodeID, _ b: NodeID) -> Bool {
        let ka = constantValue(a) == nil ? 1 : 0, kb = constantValue(b) == nil ? 1 : 0
        return ka != kb ? ka < kb : a < b
    }

    private func intern(_ node: Node) -> NodeID {
        if let id = index[node] { return id }
        let id = NodeID(nodes.count)
        nodes.append(node)
        index[node] = id
        return id
    }

    // MARK: structure

    /// The ids reachable from `roots`, ascending (a topological order).
    public func reachable(from roots: [NodeID]) -> [NodeID] {
        guard let top = roots.max() else { return [] }
        var mark = [Bool](repeating: false, count: Int(top.index) + 1)
        for r in roots { mark[Int(r.index)] = true }
        var i = Int(top.index)
        while i >= 0 {
            if mark[i] { for a in nodes[i].args { mark[Int(a.index)] = true } }
            i -= 1
        }
        return mark.indices.filter { mark[$0] }.map { NodeID($0) }
    }

    /// The names of the variables an expression depends on, sorted alphabetically.
    public func freeVariables(of roots: [NodeID]) -> [String] {
        reachable(from: roots).compactMap { id -> String? in
            if case .variable(let v) = self[id].op { return variableNames[v] }
            return nil
        }.sorted()
    }

    /// Number of operations (non-leaf nodes) needed to evaluate `roots`.
    public func operationCount(_ roots: [NodeID]) -> Int {
        reachable(from: roots).filter { !self[$0].args.isEmpty }.count
    }

    // MARK: direct evaluation

    /// Evaluates `roots` by walking the graph once, with `values[i]` the value of variable `i`
    /// of `variableNames`. This is the reference the compiled tapes are tested against.
    public func evaluate(_ roots: [NodeID], variables values: [Double]) -> [Double] {
        let order = reachable(from: roots)
        var value = [Double](repeating: .nan, count: (roots.max().map { Int($0.index) } ?? -1) + 1)
        for id in order {
            let node = self[id]
            let v: Double
            switch node.op {
            case .constant(let c): v = c
            case .variable(let i): v = i < values.count ? values[i] : .nan
            case .neg: v = -value[Int(node.args[0].index)]
            case .binary(let op): v = op.evaluate(value[Int(node.args[0].index)], value[Int(node.args[1].index)])
            case .function(let f): v = f.evaluate(value[Int(node.args[0].index)])
            }
            value[Int(id.index)] = v
        }
        return roots.map { value[Int($0.index)] }
    }

    /// Evaluates with variables given by name; names the graph does not know are ignored and
    /// variables without a value are NaN.
    public func evaluate(_ root: NodeID, at values: [String: Double]) -> Double {
        evaluate([root], variables: variableNames.map { values[$0] ?? .nan })[0]
    }
}
