import CTape
import Foundation

// Every operator of the expression language, with its evaluation rule, its derivative rule and
// its printing rule side by side: adding a function means adding one case to `Function` and
// filling in its row in each of the three switches below, which sit next to each other.

/// Binding strength for printing and parsing, loosest first. `-x^2` is `-(x^2)`: prefix minus
/// binds looser than `^` and tighter than `*`.
public enum Precedence: Int, Comparable, Sendable {
    case sum = 1, product, prefix, power, atom
    public static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
}

/// The binary operators; the raw value is the operator's text. There is no subtraction: the
/// parser reads `a - b` as a + (−b).
public enum BinaryOperator: String, CaseIterable, Hashable, Sendable {
    case add = "+", mul = "*", div = "/", pow = "^"

    public var isCommutative: Bool { self == .add || self == .mul }
    public var precedence: Precedence {
        switch self {
        case .add: .sum
        case .mul, .div: .product
        case .pow: .power
        }
    }
    /// Only `^`: `a^b^c` is a^(b^c).
    public var isRightAssociative: Bool { self == .pow }

    /// IEEE double arithmetic, never a trap. `^` is C's `pow`: x^0 = 1 for every x (NaN too),
    /// 0^−1 = +∞, and a negative base with a non-integer exponent gives NaN. x^2 is x·x (the
    /// correctly rounded square, as the tapes compute it).
    @inline(__always)
    public func evaluate(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .add: a + b
        case .mul: a * b
        case .div: a / b
        case .pow: ctape_pow(a, b)  // the tapes' pow: x·x for 2, else SLEEF's
        }
    }

    /// ∂y/∂a and ∂y/∂b for y = a ∘ b, as nodes of `g`; `y` is the node itself, reused where the
    /// derivative contains it. A partial is built only when `need` asks for it, which keeps
    /// `log(a)` out of the derivative of `a^2` (it would be NaN for a < 0).
    func partials(_ g: Graph, _ a: NodeID, _ b: NodeID, _ y: NodeID, need: (a: Bool, b: Bool))
        -> (NodeID?, NodeID?)
    {
        switch self {
        case .add:
            return (g.constant(1), g.constant(1))
        case .mul:
            return (b, a)
        case .div:  // d(a/b) = da/b − (a/b)/b db
            return (need.a ? g.div(g.constant(1), b) : nil, need.b ? g.neg(g.div(y, b)) : nil)
        case .pow:  // d(a^b) = b a^(b−1) da + a^b log(a) db
            let da = need.a ? g.mul(b, g.pow(a, g.add(b, g.constant(-1)))) : nil
            let db = need.b ? g.mul(y, g.apply(.log, a)) : nil
            return (da, db)
        }
    }
}

/// The functions of the expression language, plus `sign` (the derivative of `abs`) and `step`
/// (the derivative of `relu`: 1 for x > 0, else 0, as PyTorch's relu backward).
public enum Function: String, CaseIterable, Hashable, Sendable {
    case exp, log, sqrt, sin, cos, tan, atan, sinh, cosh, tanh, sigmoid, softplus, abs, sign, relu, step

    /// IEEE double evaluation: outside a function's domain the result is NaN or ±∞, never a trap.
    /// exp, log, sin, cos, tanh, sigmoid and softplus are CTape's kernels (`VectorMath`), so a
    /// point gives the same bits here as in a tape; the rest are libm's. sigmoid and softplus
    /// never take exp of a large positive argument; softplus(x) = max(x, 0) + log1p(e^−|x|).
    public func evaluate(_ x: Double) -> Double { ctape_function(Int32(ctapeCode), x) }

    /// The function's code in CTape: `ctape.h`'s constant, the single source of the codes.
    var ctapeCode: UInt8 {
        let code = switch self {
        case .exp: CTAPE_EXP
        case .log: CTAPE_LOG
        case .sqrt: CTAPE_SQRT
        case .sin: CTAPE_SIN
        case .cos: CTAPE_COS
        case .tan: CTAPE_TAN
        case .atan: CTAPE_ATAN
        case .sinh: CTAPE_SINH
        case .cosh: CTAPE_COSH
        case .tanh: CTAPE_TANH
        case .sigmoid: CTAPE_SIGMOID
        case .softplus: CTAPE_SOFTPLUS
        case .abs: CTAPE_ABS
        case .sign: CTAPE_SIGN
        case .relu: CTAPE_RELU
        case .step: CTAPE_STEP
        }
        return UInt8(code)
    }

    /// How many functions CTape has kernels for (`CTAPE_FUNCTION_COUNT`).
    static let ctapeCount = Int(CTAPE_FUNCTION_COUNT)

    /// dy/du for y = f(u), as a node of `g`; `y` is the node f(u) itself.
    func derivative(_ g: Graph, _ u: NodeID, _ y: NodeID) -> NodeID {
        switch self {
        case .exp: y
        case .log: g.div(g.constant(1), u)
        case .sqrt: g.div(g.constant(0.5), y)
        case .sin: g.apply(.cos, u)
        case .cos: g.neg(g.apply(.sin, u))
        case .tan: g.add(g.constant(1), g.pow(y, 2))
        case .atan: g.div(g.constant(1), g.add(g.constant(1), g.pow(u, 2)))
        case .sinh: g.apply(.cosh, u)
        case .cosh: g.apply(.sinh, u)
        case .tanh: g.sub(g.constant(1), g.pow(y, 2))
        case .sigmoid: g.mul(y, g.sub(g.constant(1), y))
        case .softplus: g.apply(.sigmoid, u)
        case .abs: g.apply(.sign, u)
        case .sign: g.constant(0)  // almost everywhere
        case .relu: g.apply(.step, u)
        case .step: g.constant(0)  // almost everywhere
        }
    }

    /// How the function is written in LaTeX: the opening and closing around its argument.
    var latex: (open: String, close: String) {
        switch self {
        case .exp, .log, .sin, .cos, .tan, .sinh, .cosh, .tanh:
            ("\\\(rawValue)\\left(", "\\right)")
        case .atan: ("\\arctan\\left(", "\\right)")
        case .sqrt: ("\\sqrt{", "}")
        case .sigmoid: ("\\sigma\\left(", "\\right)")
        case .softplus: ("\\operatorname{softplus}\\left(", "\\right)")
        case .abs: ("\\left|", "\\right|")
        case .sign: ("\\operatorname{sign}\\left(", "\\right)")
        case .relu: ("\\operatorname{relu}\\left(", "\\right)")
        case .step: ("\\operatorname{step}\\left(", "\\right)")
        }
    }
}
