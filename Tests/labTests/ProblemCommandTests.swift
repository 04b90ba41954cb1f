import Foundation
import XCTest

/// list, show, measure and analyze as a user runs them, from the repository (which holds
/// problems/) and from elsewhere.
final class ProblemCommandTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func testListFromASubdirectory() throws {
        let run = try lab(["list", "--format", "json"], in: Self.repository.appendingPathComponent("Sources/Symbolic"))
        XCTAssertEqual(run.status, 0, run.stderr)
        let items = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        let himmelblau = try XCTUnwrap(items.first { $0["name"] as? String == "himmelblau" })
        XCTAssertEqual(himmelblau["variables"] as? [String], ["x", "y"])
        XCTAssertNotNil(himmelblau["title"] as? String)
        XCTAssertEqual(Set(items.flatMap { $0.keys }), ["name", "variables", "title"])
    }

    func testShowJSON() throws {
        let doc = try json(lab(["show", "rosenbrock", "--format", "json"], in: Self.repository))
        XCTAssertEqual(doc["variables"] as? [String], ["x", "y"])
        XCTAssertEqual(doc["domain"] as? [[Double]], [[-2, 2], [-1, 3]])
        XCTAssertEqual(doc["loss"] as? String, "(1 - x)^2 + 100 * (y - x^2)^2")
        XCTAssertEqual(doc["gradient"] as? [String], ["-400 * x * (y - x^2) - 2 * (1 - x)", "200 * (y - x^2)"])
        let test = try XCTUnwrap(doc["test"] as? [String: Any])
        XCTAssertEqual(test["kind"] as? String, "shift")
        XCTAssertEqual((doc["defaults"] as? [String: Any])?["lr"] as? Double, 0.001)
    }

    func testUnknownProblemSuggests() throws {
        let run = try lab(["show", "himelblau"], in: Self.repository)
        XCTAssertEqual(run.status, 65)
        XCTAssert(run.stderr.hasPrefix("error: himelblau: no problem named 'himelblau' (did you mean 'himmelblau'? looked in "), run.stderr)
    }

    func testMeasureJSONKeysAndValues() throws {
        let doc = try json(lab(["measure", "himmelblau", "--at", "3,2", "--rho", "0.1", "--sigma", "0.05", "--format", "json"], in: Self.repository))
        for key in ["theta", "loss", "grad_norm", "zof", "zof_argmax", "fof", "fof_argmax", "lambda_max", "trace",
                    "eigenvalues", "avg_sharpness", "test_loss", "shifted_loss", "expected_shifted_loss", "rho", "sigma"] {
            XCTAssertNotNil(doc[key], key)
        }
        // H(3, 2) = [[74, 20], [20, 34]].
        XCTAssertEqual(try XCTUnwrap(doc["lambda_max"] as? Double), 54 + 800.0.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(doc["trace"] as? Double), 108, accuracy: 1e-9)
        // A fixed shift is the shifted loss: L(3.3, 2.3) for the shift (0.3, 0.3). No held-out
        // test loss: null.
        let t = pow(3.3 * 3.3 + 2.3 - 11, 2) + pow(3.3 + 2.3 * 2.3 - 7, 2)
        XCTAssertEqual(try XCTUnwrap(doc["shifted_loss"] as? Double), t, accuracy: 1e-12)
        XCTAssert(doc["test_loss"] is NSNull)
        // The proxy is L + average sharpness.
        XCTAssertEqual(try XCTUnwrap(doc["expected_shifted_loss"] as? Double),
                       try XCTUnwrap(doc["loss"] as? Double) + XCTUnwrap(doc["avg_sharpness"] as? Double), accuracy: 1e-12)
    }

    func testListShowsTheGoodFilesAndReportsTheBrokenOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lab-list-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "name = \"bowl\"\ntitle = \"A bowl\"\nvariables = [\"x\"]\nloss = \"x^2\"\n[domain]\nx = [-1.0, 1.0]\n"
            .write(to: folder.appendingPathComponent("bowl.toml"), atomically: true, encoding: .utf8)
        try "name = \"bad\"\nvariables = [\"x\"]\nloss = \"x +\"\n"
            .write(to: folder.appendingPathComponent("bad.toml"), atomically: true, encoding: .utf8)
        let run = try lab(["list"], in: folder, environment: ["LAB_PROBLEMS": folder.path])
        XCTAssertEqual(run.status, 65)
        XCTAssert(run.stdout.contains("bowl  x          A bowl"), run.stdout)
        XCTAssertEqual(run.stderr, """
            error: \(folder.path)/bad.toml: loss: column 4: unexpected end of expression; expected a number, a name or '('
              x +
                 ^

            """)
    }

    func testMeasureErrors() throws {
        var run = try lab(["measure", "himmelblau", "--at", "3"], in: Self.repository)
        XCTAssertEqual(run.stderr, "error: --at has 1 value but himmelblau has 2 variables (x, y)\n")
        run = try lab(["measure", "himmelblau", "--at", "3,two"], in: Self.repository)
        XCTAssertEqual(run.stderr, "error: --at 'two' is not a number; give one number per variable, as in 0.5,1\n")
        // A negative value is read as a value, not as an unknown option.
        run = try lab(["measure", "himmelblau", "--at", "3,2", "--rho", "-1"], in: Self.repository)
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(run.stderr, "error: --rho must be a positive number, not -1.0\n")
        run = try lab(["measure", "himmelblau", "--at", "3,2", "--rho", "inf"], in: Self.repository)
        XCTAssertEqual(run.stderr, "error: --rho must be a positive number, not inf\n")
        // A ball with no interior in floating point (at 1e300) is measured, not rejected.
        run = try lab(["measure", "covered-valleys", "--at", "1e300"], in: Self.repository)
        XCTAssertEqual(run.status, 0, run.stderr)
    }

    func testAnalyzeJSONAndSweep() throws {
        let doc = try json(lab(["analyze", "two-valley-2d", "--rho", "0.01:0.05:3", "--no-plot", "--format", "json"], in: Self.repository))
        XCTAssertEqual(doc["rho"] as? Double, 0.05)
        let points = try XCTUnwrap(doc["critical_points"] as? [[String: Any]])
        XCTAssertEqual(points.filter { $0["kind"] as? String == "minimum" }.count, 2)
        for p in points { XCTAssertNotNil(p["zof"]); XCTAssertNotNil(p["fof_argmax"]) }
        let sweep = try XCTUnwrap(doc["sweep"] as? [String: Any])
        XCTAssertEqual(sweep["rho"] as? [Double], [0.01, 0.03, 0.05])
        let minima = try XCTUnwrap(sweep["minima"] as? [[String: Any]])
        XCTAssertEqual(minima.count, 2)
        // At the sweep's last radius the sweep agrees with the point analysis.
        let first = try XCTUnwrap(points.first { $0["kind"] as? String == "minimum" })
        XCTAssertEqual((minima[0]["zof"] as? [Double])?.last, first["zof"] as? Double)
        let run = try lab(["analyze", "two-valley-2d", "--rho", "1:0.5:3"], in: Self.repository)
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains("--rho must be a positive radius (0.5) or a sweep a:b:n with 0 < a < b and 2 ≤ n ≤ 1000 (0.05:1:20), not '1:0.5:3'\n"), run.stderr)
    }
}
