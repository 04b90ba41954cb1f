import Foundation
import XCTest

/// `lab notebook`: a fresh run checks clean and a second run changes no byte; check fails on a
/// changed digit, a changed figure and a missing figure; errors in a notebook name the line.
final class NotebookCommandTests: XCTestCase {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let lesson = """
        # A small lesson

        ```sh
        lab measure two-valley --at -1,0 --rho 0.5
        ```

        ```sh
        lab basins two-valley --opts gd,gam --grid 7 --steps 30 --out assets/small
        ```

        ![the map](assets/small/two-valley-basins.svg)

        ```sh exit=64
        lab run two-valley --opt gamm
        ```

        """

    func notebookFolder() throws -> URL {
        let folder = try temporaryFolder()
        try lesson.write(to: folder.appendingPathComponent("small.md"), atomically: true, encoding: .utf8)
        return folder
    }

    func notebook(_ arguments: [String], in folder: URL) throws -> LabRun {
        try lab(["notebook"] + arguments, in: folder, environment: ["LAB_PROBLEMS": repository.appendingPathComponent("problems").path])
    }

    /// A notebook writes nowhere but under its own folder: an --out that is absolute or climbs
    /// out, and a figure link that climbs out of assets/, are refused (exit 65) before anything
    /// is written there, in check and in run.
    func testANotebookStaysInItsFolder() throws {
        let outside = try temporaryFolder()
        let target = outside.appendingPathComponent("two-valley-gd.json")
        try "keep me\n".write(to: target, atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            ("```sh\nlab run two-valley --opt gd --steps 3 --out \(outside.path)\n```\n",
             "small.md:1: `lab run two-valley --opt gd --steps 3 --out \(outside.path)` writes to --out \(outside.path), outside the notebook's folder; a cell writes under it, as in --out assets/LESSON"),
            ("```sh\nlab run two-valley --opt gd --steps 3 --out ../../..\n```\n",
             "small.md:1: `lab run two-valley --opt gd --steps 3 --out ../../..` writes to --out ../../.., outside the notebook's folder; a cell writes under it, as in --out assets/LESSON"),
            ("```sh\nlab run two-valley --opt gd --steps 3 --out=assets/../..\n```\n",
             "small.md:1: `lab run two-valley --opt gd --steps 3 --out=assets/../..` writes to --out assets/../.., outside the notebook's folder; a cell writes under it, as in --out assets/LESSON"),
            // The last --out is the one a command uses: every one must stay inside.
            ("```sh\nlab run two-valley --opt gd --steps 3 --out assets/x --out \(outside.path)\n```\n",
             "small.md:1: `lab run two-valley --opt gd --steps 3 --out assets/x --out \(outside.path)` writes to --out \(outside.path), outside the notebook's folder; a cell writes under it, as in --out assets/LESSON"),
            ("```sh\nlab run two-valley --opt gd --steps 3 --out assets/x\n```\n\n![x](assets/../../secret.svg)\n",
             "small.md: links assets/../../secret.svg, which leaves assets/; a figure link names a file under assets/ without .."),
        ]
        for (text, message) in cases {
            let folder = try temporaryFolder()
            try text.write(to: folder.appendingPathComponent("small.md"), atomically: true, encoding: .utf8)
            for verb in ["check", "run"] {
                let result = try notebook([verb, "small.md"], in: folder)
                XCTAssertEqual(result.status, 65, result.stderr)
                XCTAssertEqual(result.stderr.split(separator: "\n").first.map(String.init), "error: \(message)", verb)
            }
        }
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "keep me\n", "the file outside is untouched")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside.path), ["two-valley-gd.json"])
    }

    func testRunThenCheck() throws {
        let folder = try notebookFolder()
        let first = try notebook(["run", "small.md"], in: folder)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, "small.md: 3 cells, 1 figure; outputs written\n")
        let text = try String(contentsOf: folder.appendingPathComponent("small.md"), encoding: .utf8)
        XCTAssert(text.contains("<!-- output -->\n```text\ntwo-valley at (x=-1, y=0), ρ = 0.5"), text)
        XCTAssert(text.contains("```sh exit=64\nlab run two-valley --opt gamm\n```\n\n<!-- output -->\n```text\nerror: --opt 'gamm' is not one of"), text)
        let figure = folder.appendingPathComponent("assets/small/two-valley-basins.svg")
        XCTAssert(FileManager.default.fileExists(atPath: figure.path))
        // Nothing else the cells wrote (JSON, CSV) lands beside the notebook.
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("assets/small/two-valley-basins.json").path))
        // A second run changes no byte; check passes.
        let second = try notebook(["run", "small.md"], in: folder)
        XCTAssertEqual(second.stdout, "small.md: 3 cells, 1 figure; outputs unchanged\n")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("small.md"), encoding: .utf8), text)
        let check = try notebook(["check", "small.md"], in: folder)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertEqual(check.stdout, "small.md: 3 cells and 1 figure as stored\n")
        let list = try notebook(["list", "small.md"], in: folder)
        XCTAssertEqual(list.stdout, "notebook  title           cells\n--------  --------------  -----\nsmall.md  A small lesson  3\n")

        // A changed digit: a unified diff naming the notebook and the cell, exit status 1.
        let changed = text.replacingOccurrences(of: "ρ = 0.5", with: "ρ = 0.6")
        try changed.write(to: folder.appendingPathComponent("small.md"), atomically: true, encoding: .utf8)
        let drift = try notebook(["check", "small.md"], in: folder)
        XCTAssertEqual(drift.status, 1)
        XCTAssert(drift.stdout.contains("--- small.md, cell 1 (line 3) (stored)\n+++ small.md, cell 1 (line 3) (now)"), drift.stdout)
        XCTAssert(drift.stdout.contains("-two-valley at (x=-1, y=0), ρ = 0.6"), drift.stdout)
        XCTAssert(drift.stdout.contains("+two-valley at (x=-1, y=0), ρ = 0.5"), drift.stdout)
        XCTAssertEqual(drift.stderr, "error: 1 of 1 notebook drifted; `lab notebook run FILE` rewrites them\n")
        try text.write(to: folder.appendingPathComponent("small.md"), atomically: true, encoding: .utf8)

        // A changed figure, then a missing one.
        let svg = try Data(contentsOf: figure)
        try (svg + Data("\n".utf8)).write(to: figure)
        let changedFigure = try notebook(["check", "small.md"], in: folder)
        XCTAssertEqual(changedFigure.status, 1)
        XCTAssert(changedFigure.stdout.contains("small.md: the figure assets/small/two-valley-basins.svg differs from what the cell draws now"), changedFigure.stdout)
        try FileManager.default.removeItem(at: figure)
        let missing = try notebook(["check", "small.md"], in: folder)
        XCTAssertEqual(missing.status, 1)
        XCTAssert(missing.stdout.contains("small.md: the figure assets/small/two-valley-basins.svg is missing"), missing.stdout)
    }

    func testNotebookErrors() throws {
        let folder = try temporaryFolder()
        let cases: [(String, String, Int32)] = [
            ("# t\n\n```sh\nlab list | head\n```\n", "error: bad.md:4: '|' is a shell feature; a cell runs one lab command per line, with no shell", 65),
            ("```sh\nlab run two-valley --opt gamm\n```\n", "error: bad.md:1: cell 1 expected exit status 0 from `lab run two-valley --opt gamm` but got 64:", 65),
            ("```sh\nlab list\n```\n\n![x](assets/none/x.svg)\n", "error: bad.md: links assets/none/x.svg, which no cell wrote (a cell writes it with --out assets/none)", 65),
            ("```sh\nlab list\n```\n\n```sh\nlab notebook list\n```\n", "error: bad.md:5: a cell cannot run lab notebook", 65),
        ]
        // Whatever the error, the scratch folder is gone: the temporary directory stays empty.
        let scratch = try temporaryFolder()
        for (text, message, status) in cases {
            try text.write(to: folder.appendingPathComponent("bad.md"), atomically: true, encoding: .utf8)
            for command in ["check", "run"] {
                let run = try lab(["notebook", command, "bad.md"], in: folder,
                                  environment: ["LAB_PROBLEMS": repository.appendingPathComponent("problems").path, "TMPDIR": scratch.path])
                XCTAssertEqual(run.status, status, run.stderr)
                XCTAssertEqual(run.stderr.split(separator: "\n").first.map(String.init), message)
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [], "\(command): \(message)")
            }
        }
    }
}
