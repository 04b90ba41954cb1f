import Foundation
import Symbolic
import XCTest

/// SplitMix64: a small seeded generator, so random tests are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random smooth expressions in x and y, built through the graph's smart constructors. Every
/// function appears, wrapped so that its argument stays inside its domain and away from poles and
/// kinks (log of 1 + u², tan of a bounded argument, ...), so finite differences are meaningful.
struct ExpressionGenerator {
    let graph: Graph
    var rng: SeededGenerator
    let variables: [NodeID]

    init(graph: Graph, seed: UInt64) {
        self.graph = graph
        rng = SeededGenerator(seed: seed)
        variables = [graph.variable("x"), graph.variable("y")]
    }

    mutating func leaf() -> NodeID {
        if Double.random(in: 0..<1, using: &rng) < 0.65 { return variables.randomElement(using: &rng)! }
        return graph.constant([0.5, 2, 3, 1.5, -1, 0.25, 1e-3, 7].randomElement(using: &rng)!)
    }

    mutating func expression(depth: Int) -> NodeID {
        if depth == 0 { return leaf() }
        let g = graph
        let one = g.constant(1)
        let a = expression(depth: depth - 1)
        switch Int.random(in: 0..<20, using: &rng) {
        case 0, 1: return g.add(a, expression(depth: depth - 1))
        case 2: return g.sub(a, expression(depth: depth - 1))
        case 3, 4: return g.mul(a, expression(depth: depth - 1))
        case 5: return g.div(a, g.add(one, g.pow(expression(depth: depth - 1), 2)))
        case 6: return g.pow(a, g.constant([2.0, 3.0].randomElement(using: &rng)!))
        case 7: return g.pow(g.add(g.constant(1.5), g.apply(.tanh, a)), expression(depth: depth - 1))
        case 8: return g.apply(.exp, g.apply(.tanh, a))
        case 9: return g.apply(.log, g.add(one, g.pow(a, 2)))
        case 10: return g.apply(.sqrt, g.add(one, g.pow(a, 2)))
        case 11: return g.apply(.sin, a)
        case 12: return g.apply(.cos, a)
        case 13: return g.apply(.tan, g.mul(g.constant(0.7), g.apply(.tanh, a)))
        case 14: return g.apply(.atan, a)
        case 15: return g.apply(.sinh, g.apply(.tanh, a))
        case 16: return g.apply(.cosh, g.apply(.sin, a))
        case 17: return g.apply(.tanh, a)
        case 18: return g.apply(.sigmoid, a)
        default: return g.apply(.softplus, a)
        }
    }
}

/// f'(x) by the five-point stencil, error O(h⁴): independent of the symbolic rules.
func fivePoint(_ f: (Double) -> Double, at x: Double, h: Double) -> Double {
    (8 * (f(x + h) - f(x - h)) - (f(x + 2 * h) - f(x - 2 * h))) / (12 * h)
}

/// ∇f at `point` by the five-point stencil in each coordinate.
func numericalGradient(_ f: ([Double]) -> Double, at point: [Double], h: Double = 1e-3) -> [Double] {
    point.indices.map { i in
        fivePoint({ t in var p = point; p[i] = t; return f(p) }, at: point[i], h: h)
    }
}

func assertClose(_ a: Double, _ b: Double, rel: Double, scale: Double = 1, _ message: @autoclosure () -> String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    let tolerance = rel * max(scale, abs(a), abs(b))
    XCTAssert(abs(a - b) <= tolerance, "\(a) vs \(b) (tolerance \(tolerance)) \(message())", file: file, line: line)
}
