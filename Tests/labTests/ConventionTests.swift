import Foundation
import Symbolic
import XCTest

/// The conventions every command shares: help derived from the tables, one error format with
/// its exit statuses, one default ρ per problem.
final class ConventionTests: XCTestCase {
    let repository = ProblemCommandTests.repository

    /// `lab run --help` lists every optimizer: the list comes from the registry (every setting's
    /// option: SettingOptionsTests).
    func testHelpListsEverySettingAndOptimizer() throws {
        let help = try lab(["run", "--help"])
        XCTAssertEqual(help.status, 0)
        for name in ["gd", "sgd", "momentum", "nesterov", "adam", "adamw", "sam", "asam", "gam", "gam-sam", "gam-fast", "lookahead", "sam-exact", "gam-exact"] {
            XCTAssert(help.stdout.contains("\n  \(name) "), "\(name) missing from lab run --help")
        }
        XCTAssert(help.stdout.contains("Exit status: 0 on success; 64"), help.stdout)
        // compare takes --opts, so its help does not offer --opt.
        XCTAssertFalse(try lab(["compare", "--help"]).stdout.contains("\n  --opt "))
    }

    /// `lab --help` names every function of the expression language, and each one derives.
    func testHelpListsEveryFunction() throws {
        let help = try lab(["--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
        for f in Function.allCases {
            XCTAssert(help.contains(" \(f.rawValue) "), "\(f.rawValue) missing from lab --help")
            let run = try lab(["derive", "\(f.rawValue)(x)", "--at", "x=0.5"])
            XCTAssertEqual(run.status, 0, "\(f.rawValue): \(run.stderr)")
        }
    }

    /// Every example in every command's `--help` fits a line of the help (so it can be copied
    /// whole) and runs: the ones that compute, briefly (a few steps, a 5 × 5 grid, no figure,
    /// files into a temporary folder), the notebook ones as check, which only reads.
    func testEveryHelpExampleRuns() throws {
        let out = try temporaryFolder()
        for command in ["show", "derive", "measure", "analyze", "run", "step", "compare", "basins", "sweep", "notebook"] {
            let help = try lab([command, "--help"]).stdout
            let lines = help.components(separatedBy: "Examples:").dropFirst().first?.components(separatedBy: "\n\n").first?
                .split(separator: "\n").map(String.init) ?? []
            XCTAssertFalse(lines.isEmpty, "lab \(command) --help has examples")
            for line in lines {
                XCTAssert(line.hasPrefix("  lab \(command)"), "a whole example on one line: '\(line)'")
                var words = line.split(separator: " ").map(String.init).dropFirst().map { $0.replacingOccurrences(of: "\"", with: "") }
                // The derive examples quote their expressions: rejoin what the shell would.
                if command == "derive" { words = try XCTUnwrap(shellSplit(line)).dropFirst().map { $0 } }
                if command == "notebook" && words.count > 1 && words[1] == "run" { words[1] = "check" }
                // A glob, as the shell would expand it, to one lesson.
                if command == "notebook" { words = words.map { $0.contains("*") ? "notebooks-md/01-zof-and-fof.md" : $0 } }
                switch command {
                case "compare" where words.contains("--basins-of") || words.contains("--at-step"):
                    // These draw on the figure: kept, with a 5 × 5 map and as many steps as the marked one.
                    let marked = words.firstIndex(of: "--at-step").map { words[$0 + 1] } ?? "3"
                    words += ["--steps", marked, "--out", out.path] + (words.contains("--basins-of") ? ["--basins-grid", "5"] : [])
                case "run", "compare", "sweep": words += ["--steps", "3", "--no-plot", "--out", out.path]
                case "step": words += ["--steps", "50", "--no-plot", "--out", out.path]
                case "basins": words += ["--steps", "3", "--grid", "5", "--no-plot", "--out", out.path]
                case "analyze": words += ["--no-plot", "--out", out.path]
                default: break
                }
                let run = try lab(words, in: repository)
                XCTAssertEqual(run.status, 0, "\(line) as \(words): \(run.stderr)")
            }
        }
    }

    /// Words of a command line as a shell splits them (double quotes group).
    func shellSplit(_ line: String) -> [String]? {
        var words: [String] = [], word = "", quoted = false, any = false
        for c in line {
            if c == "\"" { quoted.toggle(); any = true; continue }
            if c == " " && !quoted { if any || !word.isEmpty { words.append(word) }; word = ""; any = false; continue }
            word.append(c)
        }
        if any || !word.isEmpty { words.append(word) }
        return quoted ? nil : words
    }

    /// One format for every failure: argument-parser's own mistakes too.
    func testErrorFormatAndStatuses() throws {
        let missing = try lab(["run"])
        XCTAssertEqual(missing.status, 64)
        XCTAssert(missing.stderr.hasPrefix("error: Missing expected argument '<problem>'\n"), missing.stderr)
        let unknownCommand = try lab(["rnu"])
        XCTAssertEqual(unknownCommand.status, 64)
        XCTAssert(unknownCommand.stderr.hasPrefix("error: "), unknownCommand.stderr)
        // A problem file with a bad setting is bad input data: 65, with the file and the key.
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("bowl.toml")
        try "variables = [\"x\"]\nloss = \"x^2\"\n[domain]\nx = [-1.0, 1.0]\n[defaults]\nlr = -1\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try lab(["run", file.path, "--opt", "gd"])
        XCTAssertEqual(bad.status, 65)
        XCTAssertEqual(bad.stderr, "error: \(file.path): defaults.lr: must be a positive number, not -1.0\n")
        XCTAssertEqual(try lab(["show", file.path]).status, 65, "every command checks the file's settings")
    }

    /// Without a `rho` in the problem, measure, analyze and run use the same built-in ρ, and
    /// ZOF at the end of a run is the ZOF `measure` gives at that point.
    func testOneDefaultRhoForEveryCommand() throws {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("cup.toml")
        try "variables = [\"x\"]\nloss = \"x^2 + x^4\"\n[domain]\nx = [-1.0, 1.0]\n".write(to: file, atomically: true, encoding: .utf8)
        let measure = try json(lab(["measure", file.path, "--at", "0", "--format", "json"]))
        let analyze = try json(lab(["analyze", file.path, "--no-plot", "--format", "json"]))
        let run = try json(lab(["run", file.path, "--opt", "gd", "--steps", "1", "--start", "0", "--no-plot", "--out", folder.path, "--format", "json"]))
        let rho = try XCTUnwrap(measure["rho"] as? Double)
        XCTAssertEqual(rho, 0.05)
        XCTAssertEqual(analyze["rho"] as? Double, rho)
        XCTAssertEqual((run["hyperparameters"] as? [String: Any])?["rho"] as? Double, rho)
        // ZOF of x² + x⁴ at 0 over [−ρ, ρ] is ρ² + ρ⁴, whichever command asks.
        XCTAssertEqual(try XCTUnwrap(measure["zof"] as? Double), rho * rho + pow(rho, 4), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap((run["final"] as? [String: Any])?["zof"] as? Double), rho * rho + pow(rho, 4), accuracy: 1e-12)
    }
}
