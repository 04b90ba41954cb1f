import Foundation
import XCTest

final class DeriveCommandTests: XCTestCase {
    func testJSONDocument() throws {
        // f = x²y + sin x at (1, 2): f = 2 + sin 1, ∇f = (2xy + cos x, x²) = (4 + cos 1, 1),
        // H = [[2y − sin x, 2x], [2x, 0]] = [[4 − sin 1, 2], [2, 0]].
        let doc = try json(lab(["derive", "x^2 * y + sin(x)", "--at", "x=1,y=2", "--order", "2", "--format", "json"]))
        XCTAssertEqual(doc["expression"] as? String, "x^2 * y + sin(x)")
        XCTAssertEqual(doc["variables"] as? [String], ["x", "y"])
        XCTAssertEqual(try XCTUnwrap(doc["value"] as? Double), 2 + sin(1), accuracy: 1e-15)
        let g = try XCTUnwrap(doc["gradient"] as? [Double])
        XCTAssertEqual(g[0], 4 + cos(1), accuracy: 1e-15)
        XCTAssertEqual(g[1], 1)
        let h = try XCTUnwrap(doc["hessian"] as? [[Double]])
        XCTAssertEqual(h[0][0], 4 - sin(1), accuracy: 1e-15)
        XCTAssertEqual([h[0][1], h[1][0], h[1][1]], [2, 2, 0])
        XCTAssertEqual(doc["gradient_expressions"] as? [String], ["cos(x) + 2 * x * y", "x^2"])
        XCTAssertEqual(doc["hessian_expressions"] as? [[String]], [["2 * y - sin(x)", "2 * x"], ["2 * x", "0"]])
    }

    func testLeadingMinusAndNoVariables() throws {
        // d/dx(−x³) = −3x² = −12 at x = 2; an expression starting with '-' is not an option.
        let doc = try json(lab(["derive", "-x^3", "--at", "x=2", "--format", "json"]))
        XCTAssertEqual(doc["value"] as? Double, -8)
        XCTAssertEqual(doc["gradient"] as? [Double], [-12])
        // A constant has no variables: an empty gradient, not a crash.
        let constant = try json(lab(["derive", "2^10", "--at", ",", "--format", "json"]))
        XCTAssertEqual(constant["value"] as? Double, 1024)
        XCTAssertEqual(constant["gradient"] as? [Double], [])
        let two = try lab(["derive", "x^2", "y"])
        XCTAssertEqual(two.status, 64)
        XCTAssert(two.stderr.hasPrefix("error: give one expression in quotes; unexpected 'y' after 'x^2'\n"), two.stderr)
        // `--` ends the options: what follows is the expression, dash or not.
        let terminated = try json(lab(["derive", "--at", "x=2", "--format", "json", "--", "-x^2"]))
        XCTAssertEqual(terminated["gradient"] as? [Double], [-4])
        let typo = try lab(["derive", "x^2", "--wrtt", "x"])
        XCTAssert(typo.stderr.hasPrefix("error: unknown option '--wrtt'; 'lab derive --help' lists the options\n"), typo.stderr)
    }

    func testWithoutPointValuesAreNull() throws {
        let doc = try json(lab(["derive", "b * a^3", "--wrt", "a", "--format", "json"]))
        XCTAssertEqual(doc["variables"] as? [String], ["a"])
        XCTAssert(doc["value"] is NSNull && doc["gradient"] is NSNull && doc["hessian"] is NSNull)
        XCTAssertEqual(doc["gradient_expressions"] as? [String], ["3 * b * a^2"])
    }

    func testValuesMayBeConstantExpressions() throws {
        let doc = try json(lab(["derive", "sin(x)", "--at", "x=pi/2", "--format", "json"]))
        XCTAssertEqual(doc["value"] as? Double, 1)
        XCTAssertEqual(try XCTUnwrap((doc["gradient"] as? [Double])?.first), 0, accuracy: 1e-16)
    }

    func testParseErrorShowsCaretOnStderr() throws {
        let run = try lab(["derive", "1 + ezp(x)"])
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(run.stdout, "")
        XCTAssertEqual(run.stderr, """
            error: in the expression, column 5: unknown function 'ezp'; did you mean 'exp'?
              1 + ezp(x)
                  ^~~

            """)
    }

    func testBadPointsAndOptions() throws {
        var run = try lab(["derive", "x * y", "--at", "x=1"])
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(run.stderr, "error: --at: no value for 'y'; give every variable, as in x=1,y=1\n")
        run = try lab(["derive", "x * y", "--at", "x=1,yy=2"])
        XCTAssertEqual(run.stderr, "error: --at: 'yy' is not a variable of the expression; did you mean 'y'?\n")
        run = try lab(["derive", "x * y", "--wrt", "z"])
        XCTAssertEqual(run.stderr, "error: --wrt: 'z' does not occur in the expression (its variables: x, y)\n")
        run = try lab(["derive", "x", "--order", "3"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains("--order must be 1 (gradient) or 2 (gradient and Hessian), not 3\n"), run.stderr)
    }
}
