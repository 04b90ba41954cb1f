import Symbolic
import XCTest

/// Hash-consing, constant folding, identities, printing and parsing.
final class GraphTests: XCTestCase {
    func testHashConsing() throws {
        let g = Graph()
        let x = g.variable("x"), y = g.variable("y")
        XCTAssertEqual(g.mul(x, y), g.mul(y, x))
        XCTAssertEqual(g.add(x, y), g.add(y, x))
        XCTAssertEqual(try g.parse("x*y"), try g.parse("y * x"))
        XCTAssertEqual(try g.parse("exp(x + y) * 2"), try g.parse("2 * exp(y + x)"))
        XCTAssertNotEqual(g.div(x, y), g.div(y, x))
        XCTAssertNotEqual(g.pow(x, y), g.pow(y, x))
        // Structurally equal subexpressions are one node: (x+y)^2 + sin(x+y) holds x+y once.
        let before = g.count
        let e = try g.parse("(x + y)^2 + sin(x + y)")
        XCTAssertEqual(g.count - before, 3)  // ^, sin, +; x+y and the constant 2 already existed
        XCTAssertEqual(g.operationCount([e]), 4)
    }

    func testConstantFoldingAndIdentities() throws {
        let g = Graph()
        let x = g.variable("x")
        XCTAssertEqual(g.constantValue(try g.parse("2 * 3 + 4^0.5 - exp(0)")), 7)
        XCTAssertEqual(try g.parse("x + 0"), x)
        XCTAssertEqual(try g.parse("0 + x"), x)
        XCTAssertEqual(try g.parse("x * 1"), x)
        XCTAssertEqual(try g.parse("x - 0"), x)
        XCTAssertEqual(try g.parse("x / 1"), x)
        XCTAssertEqual(try g.parse("x^1"), x)
        XCTAssertEqual(g.constantValue(try g.parse("x^0")), 1)
        XCTAssertEqual(g.constantValue(try g.parse("x * 0")), 0)
        XCTAssertEqual(try g.parse("-(-x)"), x)
        XCTAssertEqual(try g.parse("-1 * x"), try g.parse("-x"))
        XCTAssertEqual(try g.parse("2 * (3 * x)"), try g.parse("6 * x"))
        XCTAssertEqual(try g.parse("-(2 * x)"), try g.parse("-2 * x"))
        XCTAssertEqual(try g.parse("x * -y"), try g.parse("-(x * y)"))
        XCTAssertEqual(try g.parse("x + 1 - 3"), try g.parse("x - 2"))
        XCTAssertEqual(try g.parse("2 + (x + 1)"), try g.parse("x + 3"))
        XCTAssertEqual(g.text(g.gradient(of: try g.parse("x^(y - 1)"), wrt: [g.variable("x")])[0]), "(y - 1) * x^(y - 2)")
        // A constant expression with a non-finite value is not folded: it stays printable.
        let bad = try g.parse("log(0)")
        XCTAssertNil(g.constantValue(bad))
        XCTAssertEqual(g.text(bad), "log(0)")
        XCTAssertEqual(g.evaluate(bad, at: [:]), -.infinity)
        XCTAssert(g.evaluate(try g.parse("sqrt(-1)"), at: [:]).isNaN)
        // Identities never turn an IEEE exception into a number: 0/0 is not "0 divided by
        // something", 0 * (1/0) is not "0 times something".
        XCTAssert(g.evaluate(try g.parse("0/0 + x"), at: ["x": 1]).isNaN)
        XCTAssertEqual(g.evaluate(try g.parse("1/0"), at: [:]), .infinity)
        XCTAssertEqual(g.text(try g.parse("0/0 + x")), "x + 0 / 0")
    }

    func testPrintingIsMinimalAndKnown() throws {
        let cases: [(String, String)] = [
            ("x - (y - z)", "x - (y - z)"),
            ("(x - y) - z", "x - y - z"),
            ("x / (y * z)", "x / (y * z)"),
            ("(x / y) / z", "x / y / z"),
            ("x^(y^z)", "x^y^z"),
            ("(x^y)^z", "(x^y)^z"),
            ("-x^2", "-x^2"),
            ("(-x)^2", "(-x)^2"),
            ("(-2)^x", "(-2)^x"),
            ("x - 2", "x - 2"),
            ("x + -3 * y", "x - 3 * y"),
            ("((x))", "x"),
            ("exp(-(x + 2)^2 / 0.08)", "exp(-(x + 2)^2 / 0.08)"),
            ("2 * pi * x", "6.283185307179586 * x"),
            ("pi * x", "pi * x"),
            ("1e-12 + x", "x + 1e-12"),
        ]
        for (input, expected) in cases {
            let g = Graph()
            XCTAssertEqual(g.text(try g.parse(input)), expected, input)
        }
    }

    func testLatex() throws {
        let cases: [(String, String)] = [
            ("x^2 * y + sin(x)", "{x}^{2} y + \\sin\\left(x\\right)"),
            ("1 - exp(-(x + 2)^2 / 0.08)", "1 - \\exp\\left(-\\frac{{\\left(x + 2\\right)}^{2}}{0.08}\\right)"),
            ("sqrt(alpha) / theta_1", "\\frac{\\sqrt{\\alpha}}{\\theta_{1}}"),
            ("abs(x) + sigmoid(rho)", "\\left|x\\right| + \\sigma\\left(\\rho\\right)"),
            ("2 * 3e-12 * pi * loss", "1.884955592153876 \\times 10^{-11} \\mathrm{loss}"),
            ("(a * b - 1)^2", "{\\left(a b - 1\\right)}^{2}"),
        ]
        for (input, expected) in cases {
            let g = Graph()
            XCTAssertEqual(g.latex(try g.parse(input)), expected, input)
        }
    }

    func testPrintingWithNames() throws {
        let g = Graph()
        let left = try g.parse("0.25 * (x + 1.5)^2")
        let scope = NameScope(variables: ["x"], lets: ["left": left])
        let f = try g.parse("sin(left) * left^2", scope: scope)
        let text = g.text(f, names: [left: "left"])
        XCTAssertEqual(text, "sin(left) * left^2")
        XCTAssertEqual(try g.parse(text, scope: scope), f)
        XCTAssertEqual(g.text(left, names: [left: "left"]), "0.25 * (x + 1.5)^2", "the root itself is expanded")
        XCTAssertEqual(g.latex(f, names: [left: "left"]), "\\sin\\left(\\mathrm{left}\\right) {\\mathrm{left}}^{2}")
        // Constant folding turns -left into a new node (-0.25 * ...), which is printed in full;
        // the text still parses back to the same node.
        let g2 = try g.parse("(1 - exp(-left)) * left^2", scope: scope)
        let text2 = g.text(g2, names: [left: "left"])
        XCTAssertEqual(text2, "left^2 * (1 - exp(-0.25 * (x + 1.5)^2))")
        XCTAssertEqual(try g.parse(text2, scope: scope), g2)
    }

    func testRoundTripOnRandomExpressions() throws {
        let graph = Graph()
        var generator = ExpressionGenerator(graph: graph, seed: 99)
        for i in 0..<500 {
            let e = generator.expression(depth: 1 + i % 5)
            let printed = graph.text(e)
            let reparsed = try graph.parse(printed)
            XCTAssertEqual(reparsed, e, printed)
            XCTAssertEqual(graph.text(reparsed), printed)
        }
    }

    func testRoundTripOfDerivatives() throws {
        let g = Graph()
        let x = g.variable("x"), y = g.variable("y")
        for (text, _) in DerivativeTests.handPicked {
            let f = try g.parse(text)
            for d in g.gradient(of: f, wrt: [x, y]) + g.hessian(of: f, wrt: [x, y]).flatMap({ $0 }) {
                XCTAssertEqual(try g.parse(g.text(d)), d, g.text(d))
            }
        }
    }

    func testFreeVariablesAndNames() throws {
        let g = Graph()
        let f = try g.parse("zeta * a + sin(b) + e * pi")
        XCTAssertEqual(g.freeVariables(of: [f]), ["a", "b", "zeta"])
        XCTAssertEqual(nearest(to: "ezp", among: ["exp", "log"]), "exp")
        XCTAssertNil(nearest(to: "banana", among: ["exp", "log"]))
        XCTAssertEqual(nearest(to: "tahn", among: ["tan", "tanh"]), "tanh")
        XCTAssertEqual(nearest(to: "tna", among: ["tan", "tanh"]), "tan")
        XCTAssertEqual(editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(editDistance("sma", "sam"), 1)
        XCTAssertEqual(editDistance("", "abc"), 3)
    }
}
