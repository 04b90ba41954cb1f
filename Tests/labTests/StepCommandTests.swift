import Foundation
import XCTest

/// lab step as a user runs it: the document, the files, and mistakes.
final class StepCommandTests: XCTestCase {
    let repository = ProblemCommandTests.repository

    /// The JSON keys of the contract; GAM's correction; the probe at distance ρ; the figure with
    /// its ball, the optimizer's group and the words for the points.
    func testDocumentAndFigure() throws {
        let out = try temporaryFolder()
        let run = try lab(["step", "two-valley", "--opt", "gam", "--format", "json", "--out", out.path], in: repository)
        let doc = try json(run)
        for key in ["theta", "rho", "gradient", "probe", "direction", "next", "zof", "zof_argmax", "fof", "fof_argmax", "correction"] {
            XCTAssertNotNil(doc[key], key)
        }
        let theta = try XCTUnwrap(doc["theta"] as? [Double]), probe = try XCTUnwrap(doc["probe"] as? [Double])
        XCTAssertEqual(theta, [1, 0.1], "the problem's start")
        XCTAssertEqual(hypot(probe[0] - theta[0], probe[1] - theta[1]), try XCTUnwrap(doc["rho"] as? Double), accuracy: 1e-9)
        // direction = g + correction, next = θ − lr·direction.
        let g = try XCTUnwrap(doc["gradient"] as? [Double]), c = try XCTUnwrap(doc["correction"] as? [Double])
        let d = try XCTUnwrap(doc["direction"] as? [Double]), next = try XCTUnwrap(doc["next"] as? [Double])
        let lr = try XCTUnwrap(doc["lr"] as? Double)
        for i in 0..<2 {
            XCTAssertEqual(d[i], g[i] + c[i], accuracy: 1e-15)
            XCTAssertEqual(next[i], theta[i] - lr * d[i], accuracy: 1e-15)
        }
        let svg = try String(contentsOf: out.appendingPathComponent("two-valley-gam-step.svg"), encoding: .utf8)
        XCTAssert(svg.contains("data-role=\"rho-ball\"") && svg.contains("data-optimizer=\"gam\""))
        for words in ["worst point in the ball", "steepest point in the ball", "GAM&apos;s probe θ"] { XCTAssert(svg.contains(words), words) }
        // gd probes nowhere: probe is null, no correction.
        let gd = try json(try lab(["step", "covered-valleys", "--opt", "gd", "--format", "json", "--no-plot", "--out", out.path], in: repository))
        XCTAssert(gd["probe"] is NSNull)
        XCTAssertNil(gd["correction"])
    }

    /// Beyond 2-D (a network) the step is text and JSON, vectors shown by their norms, with a
    /// note that no figure is drawn.
    func testANetworkStep() throws {
        let out = try temporaryFolder()
        let run = try lab(["step", "tiny-regression", "--opt", "sam", "--out", out.path], in: repository)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stderr, "note: lab step draws 1-D and 2-D problems; tiny-regression has 19 parameters, so only the text and JSON are written\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["tiny-regression-sam-step.json"])
        XCTAssert(run.stdout.contains("(19 parameters)") && run.stdout.contains("lower bounds"), run.stdout)
        let doc = try json(try lab(["step", "tiny-regression", "--opt", "sam", "--no-plot", "--format", "json", "--out", out.path], in: repository))
        XCTAssertEqual((doc["probe"] as? [Double])?.count, 19)
    }

    func testMistakes() throws {
        let cases: [([String], String)] = [
            (["--at", "9,0"], "error: --at x = 9.0 is outside the domain [-2.0, 2.0]"),
            (["--at", "1"], "error: --at has 1 value but two-valley has 2 variables (x, y)"),
            (["--run-to", "600"], "error: --run-to 600 is beyond the run: it takes 500 steps (0 to 499); give a larger --steps"),
            (["--run-to", "-1"], "error: --run-to must be a whole number of updates, 0 or more, not '-1'"),
            (["--at", "1,0", "--start", "1,0"], "error: --at is where the step starts; give it or --start, not both"),
            (["--alpha", "0.3"], "error: --alpha changes nothing for sam; it is read by gam, gam-sam, gam-exact"),
        ]
        for (extra, message) in cases {
            let out = try temporaryFolder()
            let run = try lab(["step", "two-valley", "--opt", "sam"] + extra + ["--out", out.path], in: repository)
            XCTAssertEqual(run.status, 64, "\(extra): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").map(String.init), [message], "\(extra)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "nothing written")
        }
    }

    /// A run that diverges before or at the step asked for: the update itself, or an earlier one.
    func testDivergence() throws {
        let reason = "x = 2154.7999999999997 is more than ten domain widths outside [-2.0, 2.0]"
        for (k, message) in [("0", "error: update 0 itself diverges (\(reason)): there is no next θ to show; try a smaller --lr"),
                             ("3", "error: the run diverged at step 1 (\(reason)), before step 3 was taken")] {
            let out = try temporaryFolder()
            let run = try lab(["step", "rosenbrock", "--opt", "gd", "--lr", "10", "--run-to", k, "--out", out.path], in: repository)
            XCTAssertNotEqual(run.status, 0)
            XCTAssertEqual(run.stderr.split(separator: "\n").map(String.init), [message], "--run-to \(k)")
        }
    }
}
