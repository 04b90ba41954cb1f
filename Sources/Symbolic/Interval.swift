import Foundation

/// A closed interval [lo, hi] of reals that contains a value known only to lie between its ends.
/// Every operation rounds outwards, so the result contains the exact real result for any real
/// arguments inside the operands: this is what makes a bound computed with it a certificate.
/// An operation without a finite answer (a division by an interval around 0, a log of a negative
/// interval) gives `entire`, never NaN.
public struct Interval: Sendable, Equatable, CustomStringConvertible {
    public let lo: Double
    public let hi: Double

    /// [lo, hi]; NaN at either end (∞ − ∞, 0 · ∞ in a careless product) makes it `entire`.
    public init(_ lo: Double, _ hi: Double) {
        if lo.isNaN || hi.isNaN || lo > hi { (self.lo, self.hi) = (-.infinity, .infinity) } else { (self.lo, self.hi) = (lo, hi) }
    }

    /// The degenerate interval [x, x].
    public init(_ x: Double) { self.init(x, x) }

    /// (−∞, ∞): nothing is known.
    public static let entire = Interval(-.infinity, .infinity)

    /// The largest |x| over the interval.
    public var magnitude: Double { Swift.max(Swift.abs(lo), Swift.abs(hi)) }
    public var isFinite: Bool { lo.isFinite && hi.isFinite }
    public func contains(_ x: Double) -> Bool { lo <= x && x <= hi }
    public var description: String { "[\(lo), \(hi)]" }

    /// One ulp outwards: enough for +, −, ·, / and √, which IEEE rounds correctly.
    fileprivate var outward: Interval { Interval(lo.nextDown, hi.nextUp) }
    /// A few ulps outwards, for a libm function (within a few ulps of the real value).
    fileprivate var libmOutward: Interval {
        var (a, b) = (lo, hi)
        for _ in 0..<4 { (a, b) = (a.nextDown, b.nextUp) }
        return Interval(a, b)
    }
    /// The interval clipped to [a, b] (a function's known range), keeping it non-empty.
    fileprivate func clamped(_ a: Double, _ b: Double) -> Interval {
        Interval(Swift.min(Swift.max(lo, a), b), Swift.max(Swift.min(hi, b), a))
    }

    public static prefix func - (x: Interval) -> Interval { Interval(-x.hi, -x.lo) }

    public static func + (x: Interval, y: Interval) -> Interval { Interval(x.lo + y.lo, x.hi + y.hi).outward }

    public static func * (x: Interval, y: Interval) -> Interval {
        // In interval arithmetic 0 · ∞ is 0: the zero end is exactly zero.
        func p(_ a: Double, _ b: Double) -> Double { a == 0 || b == 0 ? 0 : a * b }
        let c = [p(x.lo, y.lo), p(x.lo, y.hi), p(x.hi, y.lo), p(x.hi, y.hi)]
        return Interval(c.min()!, c.max()!).outward
    }

    public static func / (x: Interval, y: Interval) -> Interval {
        guard y.lo > 0 || y.hi < 0 else { return .entire }
        return x * Interval(1 / y.hi, 1 / y.lo).outward
    }

    /// x^c for a constant exponent c.
    public func power(_ c: Double) -> Interval {
        if c == 0 { return Interval(1) }
        if c == 1 { return self }
        if c.rounded() == c && Swift.abs(c) < 1e15 {
            let n = Int(c)
            if n < 0 { return Interval(1) / power(Double(-n)) }
            // x^n for a positive integer n: monotone for odd n; for even n, of |x|.
            let base = n % 2 == 0 ? (lo >= 0 ? self : hi <= 0 ? -self : Interval(0, magnitude)) : self
            return Interval(Foundation.pow(base.lo, c), Foundation.pow(base.hi, c)).libmOutward
                .clamped(n % 2 == 0 ? 0 : -.infinity, .infinity)
        }
        // A non-integer power is real only for x ≥ 0.
        guard hi >= 0 else { return .entire }
        let a = Swift.max(lo, 0)
        let ends = c > 0 ? (Foundation.pow(a, c), Foundation.pow(hi, c)) : (Foundation.pow(hi, c), Foundation.pow(a, c))
        return Interval(ends.0, ends.1).libmOutward.clamped(0, .infinity)
    }

    /// x^y for interval exponents: exp(y log x), real only for x > 0.
    public func power(_ y: Interval) -> Interval {
        if y.lo == y.hi { return power(y.lo) }
        guard lo > 0 else { return .entire }
        return (y * apply(.log)).apply(.exp)
    }
}

extension Interval {
    /// f over the interval, and whether f jumps inside it (`sign` or `step` with 0 inside: the
    /// derivative of `abs` or `relu` there, so whatever they feed is not smooth over the box).
    public func apply(_ f: Function) -> Interval { applyNoting(f).value }

    func applyNoting(_ f: Function) -> (value: Interval, jumps: Bool) {
        // A nondecreasing function: its ends at the ends.
        func monotone(_ g: (Double) -> Double, range: (Double, Double) = (-.infinity, .infinity)) -> Interval {
            Interval(g(lo), g(hi)).libmOutward.clamped(range.0, range.1)
        }
        /// A function with its minimum at 0 and increasing in |x| (abs, cosh).
        func even(_ g: (Double) -> Double, bottom: Double) -> Interval {
            if lo >= 0 { return monotone(g, range: (bottom, .infinity)) }
            if hi <= 0 { return Interval(g(-hi), g(-lo)).libmOutward.clamped(bottom, .infinity) }
            return Interval(bottom, g(magnitude)).libmOutward.clamped(bottom, .infinity)
        }
        /// sin shifted by `phase` (cos is sin(x + π/2)): ±1 where the interval holds a peak.
        func sine(_ g: (Double) -> Double, peak: Double) -> Interval {
            // Beyond 1e8 the peak test's slack is below an ulp: nothing finer than [−1, 1] is claimed.
            guard hi - lo < 2 * Double.pi, isFinite, Swift.max(Swift.abs(lo), Swift.abs(hi)) < 1e8 else { return Interval(-1, 1) }
            let (a, b) = (g(lo), g(hi))
            var low = Swift.min(a, b), high = Swift.max(a, b)
            // A peak at peak + 2πk, a trough at peak + π + 2πk; the extra 1e-12 keeps a peak
            // that rounding would put just outside.
            func holds(_ x0: Double) -> Bool {
                let period = 2 * Double.pi
                let k: Double = ((lo - x0) / period).rounded(.down)
                for m in [k, k + 1] {
                    let x: Double = x0 + period * m
                    if x >= lo - 1e-12 && x <= hi + 1e-12 { return true }
                }
                return false
            }
            if holds(peak) { high = 1 }
            if holds(peak + Double.pi) { low = -1 }
            return Interval(low, high).libmOutward.clamped(-1, 1)
        }
        switch f {
        case .exp: return (monotone(Foundation.exp, range: (0, .infinity)), false)
        case .log:
            guard hi >= 0 else { return (.entire, false) }
            return (lo <= 0 ? Interval(-.infinity, Foundation.log(hi)).libmOutward : monotone(Foundation.log), false)
        case .sqrt:
            guard hi >= 0 else { return (.entire, false) }
            return (Interval(Swift.max(lo, 0).squareRoot(), hi.squareRoot()).outward.clamped(0, .infinity), false)
        case .sin: return (sine(Foundation.sin, peak: Double.pi / 2), false)
        case .cos: return (sine(Foundation.cos, peak: 0), false)
        case .tan:
            // A pole at π/2 + kπ inside (or within rounding of an end): nothing is known.
            guard hi - lo < Double.pi, isFinite, magnitude < 1e8 else { return (.entire, false) }
            let k = ((lo - Double.pi / 2) / Double.pi).rounded(.up)
            if Double.pi / 2 + k * Double.pi <= hi + 1e-12 || Double.pi / 2 + (k - 1) * Double.pi >= lo - 1e-12 { return (.entire, false) }
            return (monotone(Foundation.tan), false)
        case .atan: return (monotone(Foundation.atan, range: (-(Double.pi / 2).nextUp, (Double.pi / 2).nextUp)), false)
        case .sinh: return (monotone(Foundation.sinh), false)
        case .cosh: return (even(Foundation.cosh, bottom: 1), false)
        case .tanh: return (monotone(Foundation.tanh, range: (-1, 1)), false)
        case .sigmoid: return (monotone({ 1 / (1 + Foundation.exp(-$0)) }, range: (0, 1)), false)
        case .softplus: return (monotone({ Swift.max($0, 0) + Foundation.log1p(Foundation.exp(-Swift.abs($0))) }, range: (0, .infinity)), false)
        case .abs: return (even({ Swift.abs($0) }, bottom: 0), false)
        case .relu: return (Interval(Swift.max(lo, 0), Swift.max(hi, 0)), false)
        case .sign:
            let s: (Double) -> Double = { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }
            return (Interval(s(lo), s(hi)), lo < hi && lo <= 0 && hi >= 0)
        case .step:
            let s: (Double) -> Double = { $0 > 0 ? 1 : 0 }
            return (Interval(s(lo), s(hi)), lo <= 0 && hi > 0)
        }
    }
}

/// Bounds on a graph's outputs over a box of inputs by interval arithmetic: each output's
/// interval contains every value the output takes in the box. With data rows bound, as a tape's
/// are, each output is the mean over the rows. A snapshot of the nodes it needs, so a value that
/// is `Sendable`, like a tape.
public struct IntervalProgram: Sendable {
    private enum Step: Sendable {
        case constant(Double), input(Int), data(Int), neg(Int), binary(BinaryOperator, Int, Int), function(Function, Int)
    }
    private let steps: [Step]
    private let outputs: [Int]
    private let rows: Tape.Rows?

    /// `inputs` are the variable nodes in the order `bounds` takes their intervals; every other
    /// variable reachable from `outputs` must be bound to a column of `rows`.
    public init(graph: Graph, outputs: [NodeID], inputs: [NodeID], rows: Tape.Rows? = nil) {
        let order = graph.reachable(from: outputs)
        var position: [NodeID: Int] = [:]
        var steps: [Step] = []
        for id in order {
            let node = graph[id], args = node.args.map { position[$0]! }
            switch node.op {
            case .constant(let c): steps.append(.constant(c))
            case .variable:
                if let i = inputs.firstIndex(of: id) { steps.append(.input(i)) }
                else if let c = rows?.nodes.firstIndex(of: id) { steps.append(.data(c)) }
                else { preconditionFailure("variable '\(graph.text(id))' is neither an input nor a data column") }
            case .neg: steps.append(.neg(args[0]))
            case .binary(let op): steps.append(.binary(op, args[0], args[1]))
            case .function(let f): steps.append(.function(f, args[0]))
            }
            position[id] = steps.count - 1
        }
        self.steps = steps
        self.outputs = outputs.map { position[$0]! }
        self.rows = rows
    }

    /// The outputs' intervals over the box (`box[i]` the interval of input i); whether the
    /// expressions are smooth over it: false when a `sign` or `step` has 0 inside its argument's
    /// interval, so the outputs jump somewhere in the box (an `abs` or `relu` kink is crossed);
    /// and whether they are defined all over it: false when a `log`, `sqrt` or non-integer power
    /// meets negative numbers in the box (the intervals then cover only where they are defined).
    public func bounds(_ box: [Interval]) -> (values: [Interval], smooth: Bool, defined: Bool) {
        var smooth = true, defined = true
        func run(row r: Int?) -> [Interval] {
            var v: [Interval] = []
            v.reserveCapacity(steps.count)
            for step in steps {
                switch step {
                case .constant(let c): v.append(Interval(c))
                case .input(let i): v.append(box[i])
                case .data(let c): v.append(Interval(rows!.columns[c][r!]))
                case .neg(let a): v.append(-v[a])
                case .binary(let op, let a, let b):
                    switch op {
                    case .add: v.append(v[a] + v[b])
                    case .mul: v.append(v[a] * v[b])
                    case .div: v.append(v[a] / v[b])
                    case .pow:
                        let exponent = v[b]
                        if v[a].lo < 0 && !(exponent.lo == exponent.hi && exponent.lo.rounded() == exponent.lo) { defined = false }
                        v.append(v[a].power(exponent))
                    }
                case .function(let f, let a):
                    let (value, jumps) = v[a].applyNoting(f)
                    if jumps { smooth = false }
                    if (f == .log && v[a].lo <= 0) || (f == .sqrt && v[a].lo < 0) { defined = false }
                    v.append(value)
                }
            }
            return outputs.map { v[$0] }
        }
        guard let rows else { return (run(row: nil), smooth, defined) }
        var sum = [Interval](repeating: Interval(0), count: outputs.count)
        for r in 0..<rows.count { sum = zip(sum, run(row: r)).map { $0 + $1 } }
        let n = Interval(Double(rows.count))
        return (sum.map { $0 / n }, smooth, defined)
    }
}
