import Foundation
import Symbolic
import XCTest

/// Gradients and Hessians from symbolic reverse mode against five-point finite differences.
final class DerivativeTests: XCTestCase {
    /// Hand-picked expressions in x and y covering every function and operator, each with a
    /// point inside its domain and away from kinks.
    static let handPicked: [(String, [Double])] = [
        ("x^2 * y + sin(x)", [1, 2]),
        ("1 - exp(-(x + 2)^2 / 0.08) - exp(-(x - 2)^2 / 0.8)", [-1.9, 0]),
        ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", [-2.5, 2.7]),
        ("(1 - x)^2 + 100 * (y - x^2)^2", [-1.2, 1]),
        ("20 + x^2 - 10 * cos(2 * pi * x) + y^2 - 10 * cos(2 * pi * y)", [0.3, -0.7]),
        ("(x * y - 1)^2", [0.4, 3]),
        ("(x^6 + y^4 - 17)^2 + (2 * x + y - 4)^2", [1.1, 1.8]),
        ("log(x) * y", [2.5, -1]),
        ("log(1 + x^2 + y^2)", [0.3, 0.4]),
        ("sqrt(x) + sqrt(x * y)", [2, 3]),
        ("tan(x) - tan(y / 2)", [0.4, -0.6]),
        ("atan(x / y)", [1, 2]),
        ("atan(x * y) + atan(x)^2", [-0.5, 0.9]),
        ("sinh(x) * cosh(y)", [0.7, -0.3]),
        ("cosh(x - y)^2 - sinh(x + y)", [0.2, 0.5]),
        ("tanh(3 * x) * y", [0.1, 2]),
        ("sigmoid(x * y)", [1.5, -0.5]),
        ("sigmoid(-40 + x) + sigmoid(40 + y)", [3, -2]),
        ("softplus(x) - softplus(-y)", [0.5, 2]),
        ("softplus(50 * x)", [0.01, 0]),
        ("abs(x - 1) * y", [0.3, 2]),
        ("abs(sin(x)) + abs(y)^3", [2, -1.5]),
        ("x^y", [1.7, 2.3]),
        ("2^(x * y)", [0.5, -1.2]),
        ("x^-2 + y^-0.5", [1.3, 2.1]),
        ("(x + y)^3 / (1 + x^2)", [0.6, 0.9]),
        ("x / y - y / x", [1.5, -2]),
        ("exp(sin(x) * cos(y))", [1, 2]),
        ("-x^2 - -y^3", [0.8, -1.1]),
        ("e^x * pi", [0.5, 0]),
        ("sin(x)^2 + cos(x)^2 + y", [0.9, 0.1]),
        ("exp(-(x^2 + y^2)) * (x - y)", [0.3, -0.2]),
        ("log(sigmoid(x)) + softplus(-x)", [1.2, 0]),  // identically 0
        ("sqrt(x^2 + y^2 + 1e-3)", [0.05, -0.08]),
        ("x * y * x * y * x", [1.1, 0.9]),
        ("relu(x - 0.5) * y + relu(-y) ^ 2", [1.3, -0.7]),
        ("relu(x * y) + 2 * step(x) * y", [0.4, 1.5]),
    ]

    func testHandPickedGradientsAndHessians() throws {
        var covered = Set<Function>()
        for (text, point) in Self.handPicked {
            let g = Graph()
            let x = g.variable("x"), y = g.variable("y")
            let f = try g.parse(text, scope: NameScope(variables: ["x", "y"]))
            for n in g.reachable(from: [f]) { if case .function(let fn) = g[n].op { covered.insert(fn) } }
            try checkDerivatives(g, f, [x, y], at: point, label: text)
        }
        XCTAssertEqual(covered, Set(Function.allCases.filter { $0 != .sign }), "every function is exercised")
    }

    /// Every function of the language, through the C tape (one point, and a batch) against its
    /// Swift evaluation: a function the C side lacks would come back NaN, and fails here.
    func testEveryFunctionOnTheTapeAgreesWithItsScalarRule() throws {
        let points = [-2.3, -0.7, -1e-3, 0, 0.3, 1.1, 2.9, 7.5]
        for f in Function.allCases {
            let g = Graph()
            let x = g.variable("x")
            let tape = Tape(graph: g, outputs: [g.apply(f, x)], inputs: [x])
            let batch = tape.evaluate(batch: [points])[0]
            for (v, b) in zip(points, batch) {
                let expected = f.evaluate(v), single = tape.evaluate([v])[0]
                for got in [single, b] {
                    if expected.isNaN { XCTAssertTrue(got.isNaN, "\(f)(\(v))"); continue }
                    XCTAssertEqual(got, expected, accuracy: 1e-14 * max(1, abs(expected)), "\(f)(\(v))")
                }
            }
            // Somewhere in its domain each function is finite on the tape.
            XCTAssertTrue(batch.contains { $0.isFinite }, "\(f)")
        }
    }

    /// relu and step as PyTorch defines them: relu(0) = 0 and relu's derivative at 0 is 0
    /// (torch.relu's backward), NaN stays NaN; the tape and the scalar evaluation agree.
    func testReluAndStepAtTheKink() throws {
        let g = Graph()
        let x = g.variable("x")
        let f = try g.parse("relu(x)", scope: NameScope(variables: ["x"]))
        let tape = Tape(graph: g, outputs: [f] + g.gradient(of: f, wrt: [x]), inputs: [x])
        for (v, value, slope) in [(0.0, 0.0, 0.0), (-0.0, 0.0, 0.0), (2.5, 2.5, 1.0), (-3.0, 0.0, 0.0), (1e-300, 1e-300, 1.0)] {
            XCTAssertEqual(tape.evaluate([v]), [value, slope], "relu at \(v)")
            XCTAssertEqual(Function.relu.evaluate(v), value)
        }
        XCTAssertTrue(tape.evaluate([.nan]).allSatisfy(\.isNaN))
        XCTAssertEqual(tape.evaluate(batch: [[-1, 0, 1]]), [[0, 0, 1], [0, 0, 1]])
    }

    func testRandomExpressions() throws {
        let graph = Graph()
        var generator = ExpressionGenerator(graph: graph, seed: 20231)
        var checked = 0
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<160 {
            let f = generator.expression(depth: Int.random(in: 2...4, using: &rng))
            let point = [Double.random(in: -1.5...1.5, using: &rng), Double.random(in: -1.5...1.5, using: &rng)]
            let value = graph.evaluate([f], variables: point)[0]
            guard value.isFinite, abs(value) < 1e6 else { continue }
            try checkDerivatives(graph, f, generator.variables, at: point, label: graph.text(f))
            checked += 1
        }
        XCTAssertGreaterThan(checked, 130)
    }

    /// Checks ∇f against finite differences of f, and H against finite differences of ∇f; the
    /// HVP against H·v.
    func checkDerivatives(_ g: Graph, _ f: NodeID, _ vars: [NodeID], at point: [Double], label: String) throws {
        let gradient = g.gradient(of: f, wrt: vars)
        let hessian = g.hessian(of: f, wrt: vars)
        let fTape = Tape(graph: g, outputs: [f], inputs: vars)
        let gTape = Tape(graph: g, outputs: gradient, inputs: vars)
        let exactGradient = gTape.evaluate(point)
        let numeric = numericalGradient({ fTape.evaluate($0)[0] }, at: point)
        let scale = max(1, abs(fTape.evaluate(point)[0]))
        for i in vars.indices {
            assertClose(exactGradient[i], numeric[i], rel: 1e-6, scale: scale, "∂/∂\(i) of \(label) at \(point)")
        }
        let hTape = Tape(graph: g, outputs: hessian.flatMap { $0 }, inputs: vars)
        let exactHessian = hTape.evaluate(point)
        let gScale = max(scale, exactGradient.map(abs).max()!)
        for i in vars.indices {
            let row = numericalGradient({ gTape.evaluate($0)[i] }, at: point)
            for j in vars.indices {
                assertClose(exactHessian[i * vars.count + j], row[j], rel: 1e-6, scale: gScale,
                            "∂²/∂\(i)∂\(j) of \(label) at \(point)")
            }
        }
        // H·v for v = (0.3, −1.7) through extra direction variables.
        let v = [0.3, -1.7]
        let dir = vars.indices.map { g.variable("v\($0)_dir") }
        let hvp = g.hessianVectorProduct(of: f, wrt: vars, direction: dir)
        let hvpValues = Tape(graph: g, outputs: hvp, inputs: vars + dir).evaluate(point + v)
        for i in vars.indices {
            let expected = vars.indices.reduce(0.0) { $0 + exactHessian[i * vars.count + $1] * v[$1] }
            assertClose(hvpValues[i], expected, rel: 1e-12, scale: gScale, "HVP of \(label)")
        }
    }

    func testClosedForms() throws {
        let g = Graph()
        let x = g.variable("x")
        // d/dx sigmoid = σ(1−σ); at 0 it is 1/4. d²/dx² softplus = σ(1−σ).
        let s = try g.parse("sigmoid(x)")
        XCTAssertEqual(Tape(graph: g, outputs: g.gradient(of: s, wrt: [x]), inputs: [x]).evaluate([0])[0], 0.25)
        let sp = try g.parse("softplus(x)")
        XCTAssertEqual(Tape(graph: g, outputs: [g.hessian(of: sp, wrt: [x])[0][0]], inputs: [x]).evaluate([0])[0], 0.25)
        // Third derivative of x^5 at 2 is 60·x² = 240; fourth is 120·x = 240.
        var d = try g.parse("x^5")
        var values: [Double] = []
        for _ in 0..<4 {
            d = g.gradient(of: d, wrt: [x])[0]
            values.append(g.evaluate(d, at: ["x": 2]))
        }
        XCTAssertEqual(values, [80, 160, 240, 240])
        // d/dx |x| is sign(x): −1, 0, 1.
        let a = g.gradient(of: try g.parse("abs(x)"), wrt: [x])[0]
        XCTAssertEqual([-2.0, 0, 3].map { g.evaluate(a, at: ["x": $0]) }, [-1, 0, 1])
        // A variable the expression does not contain has derivative 0.
        let y = g.variable("y")
        XCTAssertEqual(g.gradient(of: try g.parse("x^2"), wrt: [y]), [g.constant(0)])
    }
}
