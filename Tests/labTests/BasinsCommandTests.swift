import Foundation
import XCTest

/// `lab basins`: the JSON contract, the files, and every refusal with its exact message.
final class BasinsCommandTests: XCTestCase {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testDocumentAndFiles() throws {
        let out = try temporaryFolder()
        let run = try lab(["basins", "two-valley", "--opts", "gd,gam", "--grid", "9x5", "--steps", "60", "--out", out.path, "--format", "json"],
                          in: repository)
        let doc = try json(run)
        XCTAssertEqual(doc["problem"] as? String, "two-valley")
        let grid = try XCTUnwrap(doc["grid"] as? [String: Any])
        XCTAssertEqual(grid["axes"] as? [String], ["x", "y"])
        // numpy.linspace(-2, 2, 9) and numpy.linspace(-0.6, 0.6, 5), as numpy prints them
        XCTAssertEqual(grid["x"] as? [Double], [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2])
        XCTAssertEqual(grid["y"] as? [Double], [-0.6, -0.3, 0, 0.29999999999999993, 0.6])
        let minima = try XCTUnwrap(doc["minima"] as? [[String: Any]])
        XCTAssertEqual(minima.map { $0["theta"] as? [Double] }.compactMap { $0?[0] }.map { $0.rounded() }, [-1, 1])
        for m in minima { for key in ["index", "loss", "zof", "fof", "lambda_max", "expected_shifted_loss"] { XCTAssertNotNil(m[key], key) } }
        let maps = try XCTUnwrap(doc["maps"] as? [[String: Any]])
        XCTAssertEqual(maps.map { $0["optimizer"] as? String }, ["gd", "gam"])
        for map in maps {
            let outcome = try XCTUnwrap(map["outcome"] as? [[Double]])
            XCTAssertEqual(outcome.count, 5)
            XCTAssert(outcome.allSatisfy { $0.count == 9 })
            let fractions = try XCTUnwrap(map["fractions"] as? [String: Double])
            XCTAssertEqual(fractions.values.reduce(0, +), 1, accuracy: 1e-12)
            // Each fraction is the share of its code in the outcome rows.
            let codes = outcome.flatMap { $0 }
            let indices = minima.map { Int($0["index"] as! Double) }
            for i in indices { XCTAssertEqual(fractions[String(i)] ?? -1, Double(codes.filter { $0 == Double(i) }.count) / 45, accuracy: 1e-15) }
            XCTAssertEqual((map["hyperparameters"] as? [String: Any])?["steps"] as? Double, 60)
        }
        // Starts left of the saddle reach the left minimum under gd; the map is a map of gd's runs.
        let gd = try XCTUnwrap(maps[0]["outcome"] as? [[Double]])
        XCTAssertEqual(gd[2][2], minima[0]["index"] as? Double)
        XCTAssertEqual(gd[2][6], minima[1]["index"] as? Double)
        for name in ["two-valley-basins.json", "two-valley-basins.csv", "two-valley-basins.svg"] {
            XCTAssert(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
        let csv = try String(contentsOf: out.appendingPathComponent("two-valley-basins.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "optimizer,x,y,outcome,steps,stalled,cycling")
        XCTAssertEqual(csv.count, 1 + 2 * 45)
    }

    /// `lab compare --basins-of`: the map under the paths is `lab basins`' map, cell by cell
    /// (each outcome one colour, different outcomes different colours), its shares in the legend.
    func testCompareDrawsAMapUnderThePaths() throws {
        let out = try temporaryFolder()
        let doc = try json(try lab(["basins", "two-valley", "--opts", "sam", "--grid", "12x6", "--steps", "80", "--no-plot", "--format", "json",
                                    "--out", out.path], in: repository))
        let map = try XCTUnwrap((doc["maps"] as? [[String: Any]])?.first)
        let outcome = try XCTUnwrap(map["outcome"] as? [[Int]]).flatMap { $0 }
        let run = try lab(["compare", "two-valley", "--opts", "gd,gam", "--start", "0.2,0.3", "--steps", "80", "--basins-of", "sam", "--basins-grid", "12x6",
                           "--figure-format", "svg", "--out", out.path], in: repository)
        XCTAssertEqual(run.status, 0, run.stderr)
        let svg = try String(contentsOf: out.appendingPathComponent("two-valley-compare.svg"), encoding: .utf8)
        let group = try XCTUnwrap(svg.range(of: #"<g data-role="basins" data-optimizer="sam"[^>]*>(.|\n)*?</g>"#, options: .regularExpression).map { String(svg[$0]) })
        let fills = group.matches(of: /<rect [^>]*fill="(#[0-9a-f]{6})"/).map { String($0.output.1) }
        XCTAssertEqual(fills.count, 72)
        var colourOf: [Int: String] = [:], outcomeOf: [String: Int] = [:]
        for (o, fill) in zip(outcome, fills) {
            XCTAssertEqual(colourOf[o, default: fill], fill, "outcome \(o) in one colour")
            XCTAssertEqual(outcomeOf[fill, default: o], o, "colour \(fill) for one outcome")
            (colourOf[o], outcomeOf[fill]) = (fill, o)
        }
        XCTAssertGreaterThan(colourOf.count, 1, "a map of more than one outcome")
        // Each outcome's share in the legend, as lab basins counts it.
        let legend = svg.matches(of: />basins of sam: ([^<]*) ([0-9]+)%</).map { (String($0.output.1), String($0.output.2)) }
        let fractions = try XCTUnwrap(map["fractions"] as? [String: Double]).filter { $0.value > 0 }
        XCTAssertEqual(legend.count, fractions.count)
        for (key, share) in fractions {
            let percent = String(format: "%.0f", 100 * share)
            let name = Int(key).map { "#\($0) " } ?? String(key.replacingOccurrences(of: "_", with: " ").prefix(7))
            let row = legend.first { $0.0.hasPrefix(name) }
            XCTAssertEqual(row?.1, percent, key)
        }
        for (arguments, message) in [
            (["tiny-regression", "--opts", "gd", "--basins-of", "gd"], "error: --basins-of: a basin map needs a problem of 1 or 2 variables; tiny-regression has 19"),
            (["two-valley", "--opts", "gd", "--basins-of", "gd,gam"], "error: --basins-of takes one optimizer, not 'gd,gam'"),
            (["two-valley", "--opts", "gd", "--basins-of", "gd", "--basins-grid", "1"], "error: --basins-grid: starts per axis must be 2 to 4096, got '1'"),
            (["two-valley", "--opts", "gd", "--basins-of", "gd", "--basins-grid", "abc"], "error: --basins-grid: expected N or NXxNY (as in 101 or 120x60), got 'abc'"),
        ] {
            let refused = try lab(["compare"] + arguments + ["--out", out.path], in: repository)
            XCTAssertEqual(refused.status, 64, message)
            XCTAssertEqual(refused.stderr.trimmingCharacters(in: .whitespacesAndNewlines), message)
        }
    }

    func testTextShowsSharesAndTheFinding() throws {
        let out = try temporaryFolder()
        let run = try lab(["basins", "two-valley", "--opts", "gd,gam", "--grid", "7", "--steps", "40", "--no-plot", "--out", out.path], in: repository)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssert(run.stdout.contains("optimizer  #0   #2 "), run.stdout)
        XCTAssert(run.stdout.contains("At ρ = 0.5, FOF rates #0 (x=-1, y=0) flattest (FOF 0.03151); ZOF cannot tell it from another minimum"), run.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("two-valley-basins.svg").path), "--no-plot")
    }

    func testRefusals() throws {
        let cases: [([String], String)] = [
            (["--grid", "1"], "error: --grid: starts per axis must be 2 to 4096, got '1'"),
            (["--grid", "12y3"], "error: --grid: expected N or NXxNY (as in 101 or 120x60), got '12y3'"),
            (["--vary", "lr=0.1:0.2:3"], "error: --vary lr: a 2-D problem's map has its two variables as axes; lab sweep varies settings"),
            (["--vary", "rhoo=0.1:0.2:3"], "error: --vary: unknown setting 'rhoo'; did you mean 'rho'?"),
            (["--vary", "rho=0.1:0.2"], "error: --vary: expected name=a:b:n (as in lr=0.01:0.5:20), got 'rho=0.1:0.2'"),
            (["--start", "1,0"], "error: --start: a basin map starts from every point of its --grid; lab run --start runs one start"),
            (["--opt", "gd"], "error: Unknown option '--opt'. Did you mean '--opts'?"),
            (["--threads", "0"], "error: --threads must be at least 1, got 0"),
            (["--alpha", "0.3"], "error: --alpha changes nothing for gd; it is read by gam, gam-sam, gam-exact"),
            (["--vary", "lr=0.1:0.2:2", "--vary", "rho=0.1:0.2:2"], "error: basins takes one --vary (the second axis of a 1-D map); lab sweep varies two settings"),
            (["--vary", "rho=0.1:0.2:5000"], "error: --vary: n must be 1 to 4096, got 'rho=0.1:0.2:5000'"),
        ]
        for (extra, message) in cases {
            let run = try lab(["basins", "two-valley", "--opts", "gd", "--grid", "4", "--no-plot", "--out", try temporaryFolder().path] + extra, in: repository)
            XCTAssertEqual(run.status, 64, "\(extra): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").first.map(String.init), message, "\(extra)")
        }
        // A 1-D problem has one axis of starts; a vector setting cannot be swept.
        let oneD: [([String], String)] = [
            (["--grid", "11x7"], "error: --grid 11x7: a 1-D problem has one axis of starts; give --grid 11 (the second axis is --vary's values)"),
            (["--vary", "start=0:1:3"], "error: --vary start: only a setting that is one number can be varied"),
        ]
        for (extra, message) in oneD {
            let run = try lab(["basins", "covered-valleys", "--opts", "sam", "--no-plot", "--out", try temporaryFolder().path] + extra, in: repository)
            XCTAssertEqual(run.status, 64, "\(extra): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").first.map(String.init), message, "\(extra)")
        }
        // A descending setting draws the same map upside down, without trouble.
        let descending = try lab(["basins", "covered-valleys", "--opts", "sam", "--vary", "rho=0.5:0.1:3", "--steps", "5", "--grid", "9",
                                  "--out", try temporaryFolder().path], in: repository)
        XCTAssertEqual(descending.status, 0, descending.stderr)
        // A value the varied setting refuses, with the setting's own words.
        let run = try lab(["basins", "covered-valleys", "--opts", "gd", "--vary", "lr=-1:1:3", "--out", try temporaryFolder().path], in: repository)
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(run.stderr.split(separator: "\n").first, "error: --vary lr: --lr must be a positive number, not -1.0")
    }

    /// A 1-D problem with a varied setting: the second axis is the setting.
    func testOneDimensionalVary() throws {
        let out = try temporaryFolder()
        let run = try lab(["basins", "covered-valleys", "--opts", "sam", "--grid", "11", "--vary", "rho=0.1:0.5:3", "--steps", "50",
                           "--out", out.path, "--format", "json"], in: repository)
        let doc = try json(run)
        let grid = try XCTUnwrap(doc["grid"] as? [String: Any])
        XCTAssertEqual(grid["axes"] as? [String], ["x", "rho"])
        // numpy.linspace(0.1, 0.5, 3) rounded to 12 digits: 0.30000000000000004 is 0.3, so a row
        // reruns exactly as lab run --rho 0.3.
        XCTAssert(run.stdout.contains("\"y\": [0.1, 0.3, 0.5]"), run.stdout)
        let outcome = try XCTUnwrap((doc["maps"] as? [[String: Any]])?.first?["outcome"] as? [[Double]])
        XCTAssertEqual(outcome.count, 3)
        XCTAssertEqual(outcome[0].count, 11)
    }
}
