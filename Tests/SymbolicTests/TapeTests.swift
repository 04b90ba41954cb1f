import Foundation
import Symbolic
import XCTest

final class TapeTests: XCTestCase {
    /// Tape (one point and batch) against the graph's direct evaluation, bit for bit: both apply
    /// the same IEEE operations in the same order.
    func testTapeEqualsDirectEvaluation() {
        let graph = Graph()
        var generator = ExpressionGenerator(graph: graph, seed: 4242)
        var rng = SeededGenerator(seed: 1)
        let outputs = (0..<40).map { _ in generator.expression(depth: 4) }
        let vars = generator.variables
        let tape = Tape(graph: graph, outputs: outputs, inputs: vars)
        let n = 700  // more than two blocks, the last one partial
        let xs = (0..<n).map { _ in Double.random(in: -2...2, using: &rng) }
        let ys = (0..<n).map { _ in Double.random(in: -2...2, using: &rng) }
        let batch = tape.evaluate(batch: [xs, ys])
        var workspace = tape.makeWorkspace()
        var single = [Double](repeating: 0, count: outputs.count)
        for p in 0..<n {
            let direct = graph.evaluate(outputs, variables: [xs[p], ys[p]])
            tape.evaluate([xs[p], ys[p]], workspace: &workspace, into: &single)
            for k in outputs.indices {
                XCTAssert(same(direct[k], single[k]) && same(direct[k], batch[k][p]),
                          "\(graph.text(outputs[k])) at (\(xs[p]), \(ys[p])): \(direct[k]) \(single[k]) \(batch[k][p])")
            }
        }
        XCTAssertLessThan(tape.registerCount, graph.reachable(from: outputs).count, "registers are reused")
    }

    func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

    func testUnusedInputsAndLeafOutputs() {
        let g = Graph()
        let x = g.variable("x"), y = g.variable("y")
        let tape = Tape(graph: g, outputs: [x, g.constant(3), g.mul(x, x)], inputs: [x, y])
        XCTAssertEqual(tape.evaluate([2, 5]), [2, 3, 4])
        XCTAssertEqual(tape.evaluate(batch: [[1, 2], [0, 0]]), [[1, 2], [3, 3], [1, 4]])
        XCTAssertEqual(tape.operationCount, 1)
    }

    /// The cheap-gradient principle: the gradient of a 200-operation expression costs a small
    /// multiple of the expression itself (reverse mode; forward mode would cost ~n times more).
    func testGradientCostsAtMostFiveTimesThePrimal() {
        let g = Graph()
        let names = (0..<10).map { "w\($0)" }
        let vars = names.map { g.variable($0) }
        var rng = SeededGenerator(seed: 3)
        // A chain of layers mixing all variables: each term reuses the previous one.
        var e = vars[0]
        var terms: [NodeID] = []
        while g.operationCount([e]) < 200 {
            let v = vars.randomElement(using: &rng)!
            let c = g.constant(Double(Int.random(in: 2...9, using: &rng)))
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: e = g.add(g.mul(c, e), v)
            case 1: e = g.apply(.tanh, g.add(e, g.mul(v, v)))
            case 2: e = g.mul(e, g.apply(.sin, v))
            case 3: e = g.div(e, g.add(c, g.pow(v, 2)))
            case 4: e = g.apply(.exp, g.mul(g.constant(-0.5), g.pow(g.sub(e, v), 2)))
            default: e = g.add(e, g.apply(.softplus, g.mul(v, e)))
            }
            terms.append(e)
        }
        let primal = Tape(graph: g, outputs: [e], inputs: vars)
        let gradient = Tape(graph: g, outputs: [e] + g.gradient(of: e, wrt: vars), inputs: vars)
        let ratio = Double(gradient.operationCount) / Double(primal.operationCount)
        print("cheap gradient: primal \(primal.operationCount) ops, loss+gradient \(gradient.operationCount) ops, ratio \(ratio)")
        XCTAssertGreaterThanOrEqual(primal.operationCount, 200)
        XCTAssertLessThanOrEqual(ratio, 5)
    }
}
