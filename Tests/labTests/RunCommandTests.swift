import Foundation
import XCTest

/// run and compare as a user runs them.
final class RunCommandTests: XCTestCase {
    let repository = ProblemCommandTests.repository

    func testRunDocumentAndFiles() throws {
        let out = try temporaryFolder()
        let run = try lab(["run", "himmelblau", "--opt", "gam", "--steps", "30", "--out", out.path, "--format", "json"], in: repository)
        let doc = try json(run)
        XCTAssertEqual(doc["problem"] as? String, "himmelblau")
        XCTAssertEqual(doc["optimizer"] as? String, "gam")
        XCTAssertEqual(doc["status"] as? String, "max_steps")
        let trajectory = try XCTUnwrap(doc["trajectory"] as? [[String: Any]])
        XCTAssertEqual(trajectory.count, 31)
        XCTAssertEqual(trajectory[0]["step"] as? Double, 0)
        XCTAssertEqual(trajectory[0]["theta"] as? [Double], [0, 0])  // the problem's start
        XCTAssertEqual(trajectory[0]["loss"] as? Double, 170)        // 11² + 7²
        let final = try XCTUnwrap(doc["final"] as? [String: Any])
        // Present and not null (JSON null reads as NSNull, which XCTAssertNotNil lets through);
        // himmelblau has no test loss, so that one is null.
        for key in ["theta", "loss", "basin", "lambda_max", "zof", "fof"] { XCTAssertFalse(final[key] == nil || final[key] is NSNull, key) }
        XCTAssertTrue(final["test_loss"] is NSNull)
        let evaluations = try XCTUnwrap(doc["evaluations"] as? [String: Any])
        XCTAssertEqual(evaluations["gradient"] as? Double, 0)    // GAM: no separate gradient pass,
        XCTAssertEqual(evaluations["hvp"] as? Double, 60)        // 2 passes of the H∇L tape per step
        let hyper = try XCTUnwrap(doc["hyperparameters"] as? [String: Any])
        XCTAssertEqual(hyper["lr"] as? Double, 0.005)      // from the problem's defaults
        XCTAssertEqual(hyper["steps"] as? Double, 30)      // from the flag
        XCTAssertEqual(hyper["alpha"] as? Double, 0.3)     // from the problem too
        XCTAssertEqual(hyper["seed"] as? Double, 0)        // built in
        XCTAssertNil(hyper["momentum"], "gam on gd reads no momentum, so its JSON shows none")
        let written = try String(contentsOf: out.appendingPathComponent("himmelblau-gam.json"), encoding: .utf8)
        XCTAssertEqual(written, run.stdout)
        let csv = try String(contentsOf: out.appendingPathComponent("himmelblau-gam.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n", omittingEmptySubsequences: false).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(rows[0].joined(separator: ","), "step,x,y,loss,grad_norm,probe_x,probe_y")
        XCTAssertEqual(csv.split(separator: "\n").count, 32)
        // GAM's probe θ_adv lies at distance ρ from θ at every step but the last, which has no update.
        let rho = try XCTUnwrap(hyper["rho"] as? Double)
        for row in rows[1...30] {
            let (x, y, px, py) = (Double(row[1])!, Double(row[2])!, Double(row[5])!, Double(row[6])!)
            XCTAssertEqual(hypot(px - x, py - y), rho, accuracy: 1e-9)
        }
        XCTAssertEqual(rows[31][5...6].joined(separator: ","), ",")
        XCTAssertEqual((trajectory[3]["probe"] as? [Double])?.count, 2)
        XCTAssert(trajectory[30]["probe"] is NSNull)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(),
                       ["himmelblau-gam.csv", "himmelblau-gam.json", "himmelblau-gam.svg"])
        let svg = try String(contentsOf: out.appendingPathComponent("himmelblau-gam.svg"), encoding: .utf8)
        XCTAssert(svg.hasPrefix("<?xml") && svg.contains("<svg"))
    }

    func testNoPlotSkipsTheFigureAndTextPrintsThePaths() throws {
        let out = try temporaryFolder()
        var run = try lab(["run", "two-valley", "--opt", "gd", "--steps", "5", "--no-plot", "--out", out.path], in: repository)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), ["two-valley-gd.csv", "two-valley-gd.json"])
        run = try lab(["analyze", "two-valley", "--out", out.path], in: repository)
        XCTAssert(run.stdout.hasSuffix("wrote \(out.path)/two-valley-analyze.svg\n"), run.stdout)
        run = try lab(["analyze", "trend-valley", "--no-plot", "--out", out.path], in: repository)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("trend-valley-analyze.svg").path))
    }

    func testAFailedWriteLeavesNothingBehind() throws {
        let out = try temporaryFolder()
        // A folder where the CSV should go: the JSON, written first, must not stay behind either.
        try FileManager.default.createDirectory(at: out.appendingPathComponent("two-valley-gd.csv"), withIntermediateDirectories: false)
        let run = try lab(["run", "two-valley", "--opt", "gd", "--steps", "5", "--out", out.path], in: repository)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "error: cannot write \(out.path)/two-valley-gd.csv: a folder of that name is in the way\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["two-valley-gd.csv"])
    }

    func testBasinOfARunThatStoppedOnItsWay() throws {
        // One tiny step from x = -2.0111 stays inside the sharp valley of covered-valleys
        // (minimum at x = -2, walls of width 0.1); gradient flow from there ends at x = -2, not
        // across the plateau in the flat valley.
        let out = try temporaryFolder()
        let doc = try json(lab(["run", "covered-valleys", "--opt", "gd", "--start", "-2.0111", "--steps", "1", "--lr", "1e-12",
                                "--no-plot", "--out", out.path, "--format", "json"], in: repository))
        let basin = try XCTUnwrap((doc["final"] as? [String: Any])?["basin"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(basin["theta"] as? [Double])[0], -2, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(basin["distance"] as? Double), 0.0111, accuracy: 1e-9)
        XCTAssertEqual(basin["reached"] as? Bool, false, "0.0111 is more than 1e-3 of the diagonal 10 away")
        let text = try lab(["run", "covered-valleys", "--opt", "gd", "--start", "-2.0111", "--steps", "1", "--lr", "1e-12",
                            "--no-plot", "--out", out.path], in: repository)
        XCTAssert(text.stdout.contains("minimum at x=-2 (ended 0.0111 away)"), text.stdout)
    }

    func testTheOptimizerMayComeFromTheProblem() throws {
        let out = try temporaryFolder()
        let run = try lab(["run", "two-valley", "--out", out.path], in: repository)
        XCTAssertEqual(run.stderr, "error: give the optimizer with --opt, as in: lab run two-valley --opt gam (two-valley sets no default `opt`)\n")
        let file = out.appendingPathComponent("bowl.toml")
        try """
            name = "bowl"
            variables = ["x"]
            loss = "x^2"
            [domain]
            x = [-1.0, 1.0]
            [defaults]
            opt = "sam"
            start = [0.5]
            no-plot = true
            measures = true
            """.write(to: file, atomically: true, encoding: .utf8)
        let doc = try json(lab(["run", file.path, "--steps", "3", "--out", out.path, "--format", "json"]))
        XCTAssertEqual(doc["optimizer"] as? String, "sam")
        // measures = true: every point carries exact ZOF; on x², ZOF_ρ(x) = (|x| + ρ)² − x².
        let first = try XCTUnwrap((doc["trajectory"] as? [[String: Any]])?.first)
        XCTAssertEqual(try XCTUnwrap(first["zof"] as? Double), (0.5 + 0.05) * (0.5 + 0.05) - 0.25, accuracy: 1e-12)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("bowl-sam.svg").path), "no-plot = true")
        // On a convex 1-D bowl the one-step ascents are exact: SAM's ascent loss is ZOF and
        // GAM's adversarial gradient norm gives FOF_ρ = ρ · 2(|x| + ρ).
        XCTAssertEqual(try XCTUnwrap(first["zof_estimate"] as? Double), try XCTUnwrap(first["zof"] as? Double), accuracy: 1e-10)
        let gam = try json(lab(["run", file.path, "--opt", "gam", "--steps", "3", "--out", out.path, "--format", "json"]))
        let g0 = try XCTUnwrap((gam["trajectory"] as? [[String: Any]])?.first)
        XCTAssertEqual(try XCTUnwrap(g0["fof"] as? Double), 0.05 * 2 * (0.5 + 0.05), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(g0["fof_estimate"] as? Double), 0.05 * 2 * (0.5 + 0.05), accuracy: 1e-10)
    }

    func testSameSeedSameBytesDifferentSeedDifferent() throws {
        let out = try temporaryFolder()
        let args = ["run", "two-valley", "--opt", "sgd", "--steps", "50", "--noise", "0.5", "--no-plot", "--out", out.path, "--format", "json"]
        let a = try lab(args + ["--seed", "7"], in: repository), b = try lab(args + ["--seed", "7"], in: repository)
        let c = try lab(args + ["--seed", "8"], in: repository)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertNotEqual(a.stdout, c.stdout)
    }

    func testDivergingRunKeepsAFiniteTrajectory() throws {
        let out = try temporaryFolder()
        let run = try lab(["run", "rosenbrock", "--opt", "gd", "--lr", "0.01", "--no-plot", "--out", out.path, "--format", "json"], in: repository)
        XCTAssertEqual(run.status, 0)
        let doc = try json(run)
        XCTAssertEqual(doc["status"] as? String, "diverged")
        let trajectory = try XCTUnwrap(doc["trajectory"] as? [[String: Any]])
        for p in trajectory {
            XCTAssert((p["theta"] as? [Double])?.allSatisfy(\.isFinite) == true)
            XCTAssert((p["loss"] as? Double)?.isFinite == true)
        }
        let divergence = try XCTUnwrap(doc["divergence"] as? [String: Any])
        XCTAssertEqual(divergence["step"] as? Double, Double(trajectory.count))
        XCTAssert(run.stderr.hasPrefix("warning: gd diverged at step \(trajectory.count): "), run.stderr)
        XCTAssert((doc["final"] as? [String: Any])?["basin"] is NSNull)
    }

    func testCompareUsesOneStart() throws {
        let out = try temporaryFolder()
        let doc = try json(lab(["compare", "himmelblau", "--opts", "gd,sam,adam", "--steps", "20", "--start", "1,1", "--out", out.path, "--format", "json"], in: repository))
        let runs = try XCTUnwrap(doc["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.map { $0["optimizer"] as? String }, ["gd", "sam", "adam"])
        for r in runs {
            let first = try XCTUnwrap((r["trajectory"] as? [[String: Any]])?.first)
            XCTAssertEqual(first["theta"] as? [Double], [1, 1])
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).count, 7)  // 3 JSON, 3 CSV, 1 SVG
    }

    func testRunErrors() throws {
        var run = try lab(["run", "himmelblau", "--opt", "sma"], in: repository)
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(run.stderr, "error: --opt 'sma' is not one of gd, sgd, momentum, nesterov, adam, adamw, sam, asam, gam, gam-sam, gam-fast, lookahead, sam-exact, gam-exact; did you mean 'sam'?\n")
        run = try lab(["compare", "himmelblau", "--opts", "gd,sma"], in: repository)
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(run.stderr, "error: unknown optimizer 'sma'; did you mean 'sam'? the optimizers are gd, sgd, momentum, nesterov, adam, adamw, sam, asam, gam, gam-sam, gam-fast, lookahead, sam-exact, gam-exact\n")
        run = try lab(["run", "himmelblau", "--opt", "gd", "--base", "adam"], in: repository)
        XCTAssertEqual(run.status, 64)
        XCTAssert(run.stderr.contains("'gd' is itself the base rule gd"), run.stderr)
        run = try lab(["run", "himmelblau", "--opt", "gd", "--lr", "0"], in: repository)
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(run.stderr, "error: --lr must be a positive number, not 0.0\n")
        // A typo is named with its nearest flag (argument-parser's words).
        run = try lab(["run", "himmelblau", "--opt", "gd", "--lrr", "0.1"], in: repository)
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(run.stderr.split(separator: "\n").first, "error: Unknown option '--lrr'. Did you mean '--lr'?")
        // A failing run writes nothing.
        let out = try temporaryFolder()
        run = try lab(["run", "himmelblau", "--opt", "gd", "--start", "1", "--out", out.path], in: repository)
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(run.stderr, "error: --start has 1 value but himmelblau has 2 variables (x, y)\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [])
    }

    /// Text for readers: the main job prints no number with more than 6 significant digits and
    /// no line over 100 columns; --digits 12 prints the end's loss as the JSON has it, to 12
    /// digits; --digits 0 and a word are refused with one line, exit 64.
    func testTextHasFewDigitsAndFitsTheWidth() throws {
        let out = try temporaryFolder()
        let text = try lab(["run", "two-valley", "--opt", "gam", "--no-plot", "--out", out.path], in: repository)
        XCTAssertEqual(text.status, 0, text.stderr)
        let numbers = try NSRegularExpression(pattern: #"(?<![\w.=#-])-?\d+(\.\d+)?(e[-+]?\d+)?"#)
        let body = text.stdout.components(separatedBy: "\nwrote ")[0]
        let found = numbers.matches(in: body, range: NSRange(body.startIndex..., in: body)).map { String(body[Range($0.range, in: body)!]) }
        XCTAssertGreaterThan(found.count, 10)
        for n in found {
            let mantissa = n.split(separator: "e")[0].filter(\.isNumber).drop { $0 == "0" }
            XCTAssertLessThanOrEqual(mantissa.count, 6, n)
        }
        for line in text.stdout.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 100, String(line)) }
        let doc = try json(lab(["run", "two-valley", "--opt", "gam", "--no-plot", "--out", out.path, "--format", "json"], in: repository))
        let last = try XCTUnwrap((doc["trajectory"] as? [[String: Any]])?.last?["loss"] as? Double)
        let long = try lab(["run", "two-valley", "--opt", "gam", "--no-plot", "--out", out.path, "--digits", "12"], in: repository)
        XCTAssert(long.stdout.contains(String(format: "%.12g", last)), long.stdout)
        XCTAssertFalse(text.stdout.contains(String(format: "%.12g", last)))
        for bad in ["0", "18", "four"] {
            let run = try lab(["run", "two-valley", "--opt", "gam", "--no-plot", "--out", out.path, "--digits", bad], in: repository)
            XCTAssertEqual(run.status, 64)
            XCTAssertEqual(run.stderr, "error: --digits must be a whole number from 1 to 17, got '\(bad)'\n")
        }
    }
}
