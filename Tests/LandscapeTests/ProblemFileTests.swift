import Foundation
import Landscape
import Symbolic
import XCTest

/// Problem files: what loads, and every documented error with its exact message.
final class ProblemFileTests: XCTestCase {
    let valid = """
        name = "bowl"
        title = "A bowl"
        description = "A quadratic bowl."
        variables = ["x", "y"]
        loss = "a * x^2 + b"
        [let]
        b = "a * y^2"
        a = "3"
        [domain]
        x = [-2.0, 2.0]
        y = [-1, 1]
        [test]
        shift = [0.5, 0.0]
        [defaults]
        start = [1.0, 0.5]
        lr = 0.1
        steps = 100
        weight-decay = 0.01
        base = "adam"
        """

    func testValidFileLoads() throws {
        let p = try Problem(toml: valid, file: "bowl.toml")
        XCTAssertEqual(p.name, "bowl")
        XCTAssertEqual(p.variables, ["x", "y"])
        XCTAssertEqual(p.lets.map(\.name), ["a", "b"], "lets come in dependency order")
        XCTAssertEqual(p.domain, [-2.0...2.0, -1.0...1.0])
        XCTAssertEqual(p.defaults.vector("start"), [1, 0.5])
        XCTAssertEqual(p.defaults.number("lr"), 0.1)
        XCTAssertEqual(p.defaults.integer("steps"), 100)
        XCTAssertEqual(p.defaults.number("weight-decay"), 0.01)
        XCTAssertEqual(p.defaults.word("base"), "adam")
        let o = p.oracle
        // L = 3x² + 3y²: at (1, 0.5), L = 3.75, ∇L = (6, 3), H = diag(6, 6).
        XCTAssertEqual(o.loss([1, 0.5]), 3.75)
        XCTAssertEqual(o.gradient([1, 0.5]).gradient, [6, 3])
        XCTAssertEqual(o.hessian([1, 0.5]), [[6, 0], [0, 6]])
        XCTAssertEqual(o.hvp([1, 0.5], [1, -2]).hv, [6, -12])
        // H∇L = (36, 18)
        XCTAssertEqual(o.gradientNormGradient([1, 0.5]), [36, 18])
        // A fixed shift is the shifted loss, not a test loss: L(1.5, 0.5) = 3·2.25 + 3·0.25.
        XCTAssertEqual(o.shiftedLoss([1, 0.5]), 7.5)
        XCTAssertNil(o.testLoss([1, 0.5]))
    }

    func testExplicitTestLossAndExpectedShiftedLoss() throws {
        let explicit = try Problem(toml: """
            variables = ["x"]
            loss = "x^2"
            [domain]
            x = [-1, 1]
            [test]
            loss = "(x - 1)^2"
            """, file: "t.toml")
        XCTAssertEqual(explicit.oracle.testLoss([0.25]), 0.5625)
        XCTAssertNil(explicit.oracle.shiftedLoss([0.25]))
        // Every problem has the expected shifted loss: E[(x + s)²] = x² + σ² in 1-D (QAGS) and
        // E[(x + s₁)² + (y + s₂)⁴] = x² + σ² + y⁴ + 6y²σ² + 3σ⁴ in 2-D (Gauss–Hermite).
        XCTAssertEqual(try XCTUnwrap(try explicit.oracle.expectedShiftedLoss([0.5], sigma: 0.3)), 0.25 + 0.09, accuracy: 1e-12)
        let twoD = try Problem(toml: """
            variables = ["x", "y"]
            loss = "x^2 + y^4"
            [domain]
            x = [-1, 1]
            y = [-1, 1]
            """, file: "g2.toml")
        let s2 = 0.09
        XCTAssertEqual(try XCTUnwrap(try twoD.oracle.expectedShiftedLoss([0.5, 0.7], sigma: 0.3)),
                       0.25 + s2 + pow(0.7, 4) + 6 * 0.49 * s2 + 3 * s2 * s2, accuracy: 1e-12)
        let m = try twoD.measures(at: [0.5, 0.7], rho: 0.1, sigma: 0.3)
        XCTAssertEqual(try XCTUnwrap(m.expectedShiftedLoss), try XCTUnwrap(m.avgSharpness) + m.loss, accuracy: 1e-15)
        XCTAssertNil(m.testLoss)
        XCTAssertNil(m.shiftedLoss)
    }

    /// Each broken file, with the exact error it gives.
    func testErrors() {
        let base = """
            variables = ["x"]
            loss = "x^2"
            [domain]
            x = [-1.0, 1.0]
            """
        let cases: [(String, String)] = [
            // Keys toml++ asserted on (a debug build aborted): found by the fuzz test.
            (base.replacingOccurrences(of: "[domain]", with: "[édomain]"),
             "f.toml: line 3, column 2: 'é' cannot stand there; keys are ASCII letters, digits, - and _ (or a quoted string), and other text goes in quotes"),
            (base.replacingOccurrences(of: "[domain]", with: "[*domain]"),
             "f.toml: line 3, column 2: '*' cannot stand there; keys are ASCII letters, digits, - and _ (or a quoted string), and other text goes in quotes"),
            ("variables = [\"x\"]\nloss = \"x^2\" # ρ in a comment is fine\n[domain]\nx = [-1.0, 1.0]\ny* = 1",
             "f.toml: line 5, column 2: '*' cannot stand there; keys are ASCII letters, digits, - and _ (or a quoted string), and other text goes in quotes"),
            ("varables = [\"x\"]\n" + base,
             "f.toml: varables: unknown key 'varables'; did you mean 'variables'?"),
            ("loss = \"x\"\n[domain]\nx = [0, 1]",
             "f.toml: variables: missing; list the variable names, as in variables = [\"x\", \"y\"]"),
            ("variables = []\nloss = \"1\"",
             "f.toml: variables: must be a non-empty array of names, as in [\"x\", \"y\"]"),
            ("variables = [\"x\", \"exp\"]\nloss = \"x\"",
             "f.toml: variables: 'exp' is a built-in function and cannot be redefined"),
            ("variables = [\"x\", \"x\"]\nloss = \"x\"",
             "f.toml: variables: 'x' is listed twice"),
            ("variables = [\"x\"]\n[domain]\nx = [-1.0, 1.0]",
             "f.toml: loss: missing; give the loss as an expression, as in loss = \"x^2\""),
            ("variables = [\"x\"]\nloss = \"x^2 + z\"\n[domain]\nx = [-1.0, 1.0]",
             "f.toml: loss: column 7: unknown name 'z'\n  x^2 + z\n        ^"),
            ("variables = [\"x\"]\nloss = \"x^2 + sharpp\"\n[let]\nsharp = \"x^4\"\n[domain]\nx = [-1.0, 1.0]",
             "f.toml: loss: column 7: unknown name 'sharpp'; did you mean 'sharp'?\n  x^2 + sharpp\n        ^~~~~~"),
            ("variables = [\"x\"]\nloss = \"a\"\n[let]\na = \"b + 1\"\nb = \"c * x\"\nc = \"a\"\n[domain]\nx = [-1.0, 1.0]",
             "f.toml: let.a: definitions form a cycle: a -> b -> c -> a"),
            ("variables = [\"x\"]\nloss = \"x\"\n[let]\nx = \"2\"\n[domain]\nx = [-1.0, 1.0]",
             "f.toml: let.x: 'x' is already a variable"),
            ("variables = [\"x\"]\nloss = \"x\"",
             "f.toml: domain: missing; give a [domain] table with one [min, max] per variable, as in x = [-4.0, 4.0]"),
            ("variables = [\"x\"]\nloss = \"x\"\n[domain]\nx = [1.0, -1.0]",
             "f.toml: domain.x: min must be less than max, got [1.0, -1.0]"),
            ("variables = [\"x\"]\nloss = \"x\"\n[domain]\nxx = [1.0, 2.0]",
             "f.toml: domain.xx: unknown variable 'xx'; did you mean 'x'?"),
            ("variables = [\"x\", \"y\"]\nloss = \"x\"\n[domain]\nx = [1.0, 2.0]",
             "f.toml: domain: no range for variable 'y'"),
            (base + "\n[test]\nshift = [0.1, 0.2]",
             "f.toml: test.shift: has 2 entries but the problem has 1 variable"),
            (base + "\n[test]\nshift = [0.1]\nloss = \"x\"",
             "f.toml: test: give exactly one of loss or shift, not loss and shift"),
            (base + "\n[test]\nsigma = 0.3",
             "f.toml: test.sigma: the expected loss under a random shift is reported for every problem; set its σ with [defaults] sigma = S"),
            (base + "\n[test]\nshfit = [0.1]",
             "f.toml: test.shfit: unknown key 'shfit'; did you mean 'shift'?"),
            (base + "\n[test]\nloss = \"(x - 1\"",
             "f.toml: test.loss: column 7: missing ')' to close the '(' at column 1\n  (x - 1\n        ^"),
            (base + "\n[defaults]\nstart = [1, \"a\"]",
             "f.toml: defaults.start: must be an array of numbers, as in [0.5, 1.0]"),
            ("name = \"other\"\n" + base,
             "f.toml: name: 'other' does not match the file name 'f.toml'; a problem is found by its file name"),
            ("variables = [\"x\"\nloss = \"x\"",
             "f.toml: line 2, column 1: Error while parsing array: expected comma or closing ']', saw 'l'"),
        ]
        for (text, expected) in cases {
            do {
                _ = try Problem(toml: text, file: "f.toml")
                XCTFail("loaded:\n\(text)")
            } catch {
                XCTAssertEqual("\(error)", expected, text)
            }
        }
    }

    func testResolutionFromSubdirectoryAndEnvironment() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("flatlab-catalog-\(UUID().uuidString)")
        let problems = root.appendingPathComponent("problems")
        let deep = root.appendingPathComponent("a/b/c")
        let other = root.appendingPathComponent("elsewhere")
        for d in [problems, deep, other] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        defer { try? FileManager.default.removeItem(at: root) }
        let body = "variables = [\"x\"]\nloss = \"x^2\"\n[domain]\nx = [-1.0, 1.0]\n"
        try body.write(to: problems.appendingPathComponent("bowl.toml"), atomically: true, encoding: .utf8)
        try ("title = \"env bowl\"\n" + body).write(to: other.appendingPathComponent("bowl.toml"), atomically: true, encoding: .utf8)
        try body.write(to: other.appendingPathComponent("only-env.toml"), atomically: true, encoding: .utf8)

        let fromDeep = Catalog(from: deep, environment: [:])
        XCTAssertEqual(fromDeep.folders.map(\.standardizedFileURL.path), [problems.standardizedFileURL.path])
        XCTAssertEqual(try fromDeep.load("bowl").title, "bowl")
        XCTAssertEqual(fromDeep.names(), ["bowl"])

        let withEnv = Catalog(from: deep, environment: ["LAB_PROBLEMS": other.path])
        XCTAssertEqual(try withEnv.load("bowl").title, "env bowl", "$LAB_PROBLEMS comes first")
        XCTAssertEqual(try withEnv.load("only-env").name, "only-env")
        XCTAssertEqual(withEnv.names(), ["bowl", "only-env"])

        // A path is taken as a path.
        XCTAssertEqual(try fromDeep.load(other.appendingPathComponent("only-env.toml").path).name, "only-env")

        XCTAssertThrowsError(try fromDeep.load("bowel")) { error in
            XCTAssertEqual("\(error)", "bowel: no problem named 'bowel' (did you mean 'bowl'? looked in \(problems.standardizedFileURL.path); `lab list` shows the catalog)")
        }
    }
}
