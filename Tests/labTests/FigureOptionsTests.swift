import Foundation
import XCTest

/// Figure options as a paper author uses them: sizes, formats, a style file, and mistakes.
final class FigureOptionsTests: XCTestCase {
    let repository = ProblemCommandTests.repository

    /// The issue's command: a column-wide PDF with embedded fonts and text pdftotext finds, a
    /// PNG 990 pixels wide at 300 dpi, an SVG whose smallest text is 7 pt at its stated width;
    /// a second run writes the same bytes.
    func testAColumnFigureInThreeFormats() throws {
        let out = try temporaryFolder(), again = try temporaryFolder()
        let arguments = ["compare", "two-valley", "--opts", "gd,sam,gam", "--size", "column", "--figure-format", "pdf,png,svg", "--dpi", "300"]
        for folder in [out, again] {
            let run = try lab(arguments + ["--out", folder.path], in: repository)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        for ext in ["pdf", "png", "svg"] {
            let a = try Data(contentsOf: out.appendingPathComponent("two-valley-compare.\(ext)"))
            XCTAssertEqual(a, try Data(contentsOf: again.appendingPathComponent("two-valley-compare.\(ext)")), "\(ext) is the same bytes every run")
        }
        let pdf = out.appendingPathComponent("two-valley-compare.pdf").path
        let info = try tool("pdfinfo", [pdf])
        XCTAssert(info.contains("Page size:       237.6 x"), info)
        let fonts = try tool("pdffonts", [pdf]).split(separator: "\n").dropFirst(2)
        XCTAssertFalse(fonts.isEmpty)
        for line in fonts { XCTAssert(line.contains(" yes yes "), "embedded and subset: \(line)") }
        let text = try tool("pdftotext", [pdf, "-"])
        for word in ["gd", "sam (cycling)", "gam", "loss against step"] { XCTAssert(text.contains(word), "\(word) in \(text)") }
        let png = try [UInt8](Data(contentsOf: out.appendingPathComponent("two-valley-compare.png")))
        XCTAssertEqual(png[16..<20].reduce(0) { $0 << 8 | Int($1) }, 990)
        let svg = try String(contentsOf: out.appendingPathComponent("two-valley-compare.svg"), encoding: .utf8)
        XCTAssert(svg.contains("width=\"3.3in\""))
        let sizes = svg.components(separatedBy: "font-size=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
        XCTAssertEqual(sizes.min(), 7, "the smallest text is 7 pt on a 3.3 in page of 237.6 units")
    }

    /// A style file sets the same values as the flags, and a flag beats it.
    func testAStyleFile() throws {
        let out = try temporaryFolder()
        let style = out.appendingPathComponent("paper.toml")
        try "size = \"page\"\nfont-size = 9\nfigure-format = [\"svg\", \"pdf\"]\n".write(to: style, atomically: true, encoding: .utf8)
        let run = try lab(["run", "two-valley", "--opt", "gd", "--steps", "20", "--style", style.path, "--font-size", "10", "--out", out.path], in: repository)
        XCTAssertEqual(run.status, 0, run.stderr)
        let svg = try String(contentsOf: out.appendingPathComponent("two-valley-gd.svg"), encoding: .utf8)
        XCTAssert(svg.contains("width=\"6.9in\""), "the file's size")
        XCTAssert(svg.contains("font-size=\"10\""), "the flag's font size")
        XCTAssert(FileManager.default.fileExists(atPath: out.appendingPathComponent("two-valley-gd.pdf").path), "the file's formats")
    }

    /// Bad values: exit 64 with one error line naming the flag and the accepted forms; nothing
    /// is written.
    func testMistakes() throws {
        let folder = try temporaryFolder()
        let style = folder.appendingPathComponent("bad.toml")
        try "size = \"column\"\nfontsize = 9\n".write(to: style, atomically: true, encoding: .utf8)
        let forms = "column, page, slide, screen or WIDTHxHEIGHT in inches (as in 5x3.5)"
        let cases: [([String], String)] = [
            (["--size", "0x3"], "error: --size '0x3': width and height must be more than 0 and at most 100 inches; give \(forms)"),
            (["--size", "foo"], "error: --size 'foo' is not \(forms)"),
            (["--dpi", "-1"], "error: --dpi must be from 10 to 2400, not -1"),
            (["--figure-format", "gif"], "error: --figure-format 'gif' is not one of svg, pdf, png (give one or more, comma-separated, as in svg,pdf)"),
            (["--figure-format", "pdf,pdf"], "error: --figure-format names 'pdf' twice"),
            (["--aspect", "round"], "error: --aspect 'round' is not one of equal, auto"),
            (["--style", style.path], "error: --style \(style.path): unknown figure setting 'fontsize' (a style file sets size, font-size, figure-format, dpi, aspect); did you mean 'font-size'?"),
            (["--size", "column", "--font-size", "6"], "error: --font-size 6 makes the smallest text 5.25 pt; on paper it must be at least 7 pt: give a font size of 8 or more"),
            (["--size", "slide", "--font-size", "12"], "error: --font-size 12 makes the smallest text 10.5 pt; on a slide it must be at least 14 pt: give a font size of 16 or more"),
            (["--size", "slide", "--figure-format", "png", "--dpi", "2400"], "error: --dpi 2400 would make a PNG of 31992 × 18000 pixels, more than 16384 a side; choose a smaller --dpi or --size"),
        ]
        for (extra, message) in cases {
            let out = try temporaryFolder()
            for command in [["compare", "two-valley", "--opts", "gd", "--steps", "5"], ["analyze", "covered-valleys"]] {
                let run = try lab(command + extra + ["--out", out.path], in: repository)
                XCTAssertEqual(run.status, 64, "\(extra): \(run.stderr)")
                XCTAssertEqual(run.stderr.split(separator: "\n").map(String.init), [message], "\(command[0]) \(extra)")
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "nothing written")
        }
    }

    /// A size too small for the figure's panels at its font size is refused, saying what it needs.
    func testASizeTooSmallForThePanels() throws {
        let out = try temporaryFolder()
        for size in ["3.3x2.5", "1x1", "40x1"] {
            let run = try lab(["compare", "two-valley", "--opts", "gd,sam", "--steps", "5", "--size", size, "--out", out.path], in: repository)
            XCTAssertEqual(run.status, 64, run.stderr)
            XCTAssert(run.stderr.hasPrefix("error: --size \(size) is too small for this figure (2 panels at "), run.stderr)
            XCTAssert(run.stderr.contains("give a larger --size or a smaller --font-size"), run.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "nothing written")
    }

    /// Runs a command-line tool and returns its standard output.
    func tool(_ name: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(name) \(arguments)")
        return String(decoding: data, as: UTF8.self)
    }
}

/// An interrupt ends a command with 128 + the signal's number and leaves no file, whole or partial.
final class InterruptTests: XCTestCase {
    func testCtrlCLeavesNothing() throws {
        let out = try temporaryFolder()
        let process = Process()
        process.executableURL = labBinary()
        process.arguments = ["basins", "two-valley", "--opts", "sam-exact", "--grid", "40", "--out", out.path]
        process.currentDirectoryURL = ProblemCommandTests.repository
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1.5)
        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [])
    }
}

/// Writers that were killed, and writers that run at once.
final class ConcurrentWriterTests: XCTestCase {
    /// A process id that no process has now: one of a process that has ended.
    func deadPid() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    /// What a SIGKILL leaves (a temporary file, and a backup whose file was already moved away)
    /// is cleared by the next write to the folder: the partial removed, the backup put back; a
    /// live process's temporary and files that merely look alike are left alone.
    func testAKilledWritersLeftoversAreCleared() throws {
        let out = try temporaryFolder()
        let dead = try deadPid()
        let partial = ".two-valley-gd.json.\(dead).12345.partial"
        let backup = "notes.txt.\(dead).777.previous"
        let live = ".other.json.\(getpid()).5.partial"
        for name in [partial, backup, live, "keep.1.2.partial.txt"] { try "x".write(to: out.appendingPathComponent(name), atomically: false, encoding: .utf8) }
        let run = try lab(["run", "two-valley", "--opt", "gd", "--steps", "5", "--no-plot", "--out", out.path], in: ProblemCommandTests.repository)
        XCTAssertEqual(run.status, 0, run.stderr)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        XCTAssertEqual(names, ["two-valley-gd.json", "two-valley-gd.csv", "notes.txt", live, "keep.1.2.partial.txt"])
    }

    /// A storm of SIGKILLs and SIGINTs at set moments of `lab basins` (a small map, so some
    /// land while it writes): after the next run into the folder, only that run's files are there.
    func testAKillStormLeavesNothingAfterTheNextRun() throws {
        let out = try temporaryFolder()
        let arguments = ["basins", "two-valley", "--opts", "gd", "--grid", "128", "--steps", "40", "--out", out.path]
        for (k, delay) in [0.05, 0.3, 0.12, 0.45, 0.2, 0.55, 0.08, 0.35].enumerated() {
            let p = Process()
            p.executableURL = labBinary()
            p.arguments = arguments
            p.currentDirectoryURL = ProblemCommandTests.repository
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, k % 2 == 0 ? SIGKILL : SIGINT)
            p.waitUntilExit()
        }
        XCTAssertEqual(try lab(arguments, in: ProblemCommandTests.repository).status, 0)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out.path)),
                       ["two-valley-basins.json", "two-valley-basins.csv", "two-valley-basins.svg"])
    }

    /// A run onto a full disk (a 64 KB tmpfs) exits 1 with one error line and leaves nothing,
    /// neither its files nor temporaries. (Mounting needs root, as CI's machine has; elsewhere
    /// the test is skipped and says why.)
    func testAFullDiskLeavesNothing() throws {
        let disk = try temporaryFolder()
        func sh(_ args: [String]) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: args[0])
            p.arguments = Array(args.dropFirst())
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        guard try sh(["/bin/mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.path]) == 0 else {
            throw XCTSkip("cannot mount a small tmpfs here (not root)")
        }
        defer { _ = try? sh(["/bin/umount", disk.path]) }
        let run = try lab(["run", "two-valley", "--opt", "sam", "--out", disk.path], in: ProblemCommandTests.repository)
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.hasPrefix("error: cannot write \(disk.path)/two-valley-sam."), run.stderr)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk.path), [])
    }

    /// Three runs with different learning rates into one folder at once, round after round:
    /// the JSON and the CSV in place always come from the same run (each CSV row is the JSON's
    /// trajectory point), and no writer fails.
    func testConcurrentWritersLeaveOneWholeSet() throws {
        let out = try temporaryFolder()
        for round in 0..<24 {
            let processes = try ["0.1", "0.2", "0.3"].map { lr -> Process in
                let p = Process()
                p.executableURL = labBinary()
                p.arguments = ["run", "two-valley", "--opt", "gd", "--lr", lr, "--steps", "40", "--no-plot", "--out", out.path]
                p.currentDirectoryURL = ProblemCommandTests.repository
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                return p
            }
            for p in processes { p.waitUntilExit(); XCTAssertEqual(p.terminationStatus, 0, "round \(round)") }
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("two-valley-gd.json"))) as? [String: Any])
            let lr = try XCTUnwrap((doc["hyperparameters"] as? [String: Any])?["lr"] as? Double)
            let thetas = try XCTUnwrap((doc["trajectory"] as? [[String: Any]])?.map { $0["theta"] as! [Double] })
            let csv = try String(contentsOf: out.appendingPathComponent("two-valley-gd.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            XCTAssertEqual(csv.count, thetas.count, "round \(round)")
            for (row, theta) in zip(csv, thetas) {
                let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                // (Foundation's JSON reader on Linux may round the last bit.)
                XCTAssertEqual(Double(cells[1])!, theta[0], accuracy: 1e-12, "round \(round), lr \(lr)")
                XCTAssertEqual(Double(cells[2])!, theta[1], accuracy: 1e-12, "round \(round), lr \(lr)")
            }
            XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out.path)), ["two-valley-gd.json", "two-valley-gd.csv"])
        }
    }
}

/// Long work says so, terminal or not: one line on stderr with its projected length.
final class LongWorkTests: XCTestCase {
    func testLongWorkPrintsOneLine() throws {
        let out = try temporaryFolder()
        let process = Process()
        process.executableURL = labBinary()
        process.arguments = ["basins", "two-valley", "--opts", "gam", "--grid", "300", "--steps", "3000", "--no-plot", "--out", out.path]
        process.currentDirectoryURL = ProblemCommandTests.repository
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while !text.contains("\n") && Date() < deadline {
            text += String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
        }
        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let line = try XCTUnwrap(text.split(separator: "\n").first.map(String.init))
        XCTAssertNotNil(line.range(of: #"^basin map: about \d+ (s|min|\.\d h) of work in all \(\d+% done after \d+ s\); Ctrl-C stops it and writes nothing$"#, options: .regularExpression), line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [])
    }

    /// Work projected past --max-minutes stops before it writes anything, with the projection
    /// and the way to allow more; a limit that is not a positive number is refused.
    func testWorkPastTheLimitStops() throws {
        let out = try temporaryFolder()
        let run = try lab(["basins", "two-valley", "--opts", "gam", "--grid", "300", "--steps", "3000", "--no-plot", "--out", out.path, "--max-minutes", "0.1"],
                          in: ProblemCommandTests.repository)
        XCTAssertEqual(run.status, 64)
        XCTAssertNotNil(run.stderr.range(of: #"^error: this basin map would take about \d+ (s|min) \(projected from its first \d+%\), more than --max-minutes 0.1; give a larger --max-minutes, or a smaller --grid or fewer --steps\n$"#, options: .regularExpression), run.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [])
        for bad in ["0", "-1", "abc"] {
            let run = try lab(["sweep", "two-valley", "--opts", "gd", "--vary", "lr=0.1:0.2:2", "--max-minutes", bad], in: ProblemCommandTests.repository)
            XCTAssertEqual(run.status, 64)
            XCTAssertEqual(run.stderr, "error: --max-minutes must be a positive number of minutes, got '\(bad)'\n")
        }
    }
}

/// Work too large to finish is refused before it starts, with its size and the limit.
final class LimitTests: XCTestCase {
    func testRunawayWorkIsRefused() throws {
        let out = try temporaryFolder()
        let cases: [([String], String)] = [
            (["basins", "two-valley", "--opts", "gd", "--grid", "4096"],
             "error: --grid 4096 and 1 optimizer make 16777216 runs, more than 1048576 (1024 × 1024); a map needs no more starts than it has pixels"),
            (["sweep", "two-valley", "--opts", "sam", "--vary", "lr=0.01:0.1:4096", "--vary", "rho=0.01:1:4096", "--starts", "100000"],
             "error: the sweep makes 1677721600000 runs (4096 values of lr × 4096 values of rho × 100000 starts × 1 optimizer), more than 1048576; sweep fewer values or starts"),
        ]
        for (arguments, message) in cases {
            let run = try lab(arguments + ["--out", out.path], in: ProblemCommandTests.repository)
            XCTAssertEqual(run.status, 64, run.stderr)
            XCTAssertEqual(run.stderr.split(separator: "\n").map(String.init), [message])
        }
        // A network of widths that each pass but whose product does not: 2·10⁴ + 10⁴·10001 + 10001 = 100040001 parameters.
        let file = out.appendingPathComponent("huge.toml")
        try "[model]\nkind = \"mlp\"\nlayers = [1, 10000, 10000, 1]\n[data]\ngenerate = \"x\"\nrange = [0, 1]\nn = 4\n".write(to: file, atomically: true, encoding: .utf8)
        let show = try lab(["show", file.path])
        XCTAssertEqual(show.status, 65)
        XCTAssertEqual(show.stderr, "error: \(file.path): model.layers: makes 100040001 parameters; flatlab's exact derivatives and measures are for small networks, at most 20000\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["huge.toml"])
        // A million generated rows (every step a pass over them) were accepted without a word;
        // steps beyond ten million are refused (a run keeps a bounded, thinned trajectory).
        try "[model]\nkind = \"mlp\"\nlayers = [1, 6, 1]\n[data]\ngenerate = \"x\"\nrange = [0, 1]\nn = 1000000\n".write(to: file, atomically: true, encoding: .utf8)
        let rows = try lab(["show", file.path])
        XCTAssertEqual(rows.status, 65)
        XCTAssertEqual(rows.stderr, "error: \(file.path): data.n: must be a whole number of rows from 1 to 100000 (every step is a pass over the rows)\n")
        let trailing = try lab(["compare", "two-valley", "--opts", "gd,", "--out", out.path], in: ProblemCommandTests.repository)
        XCTAssertEqual(trailing.status, 64)
        XCTAssertEqual(trailing.stderr, "error: --opts 'gd,' has an empty name; give optimizers separated by single commas, as in gd,sam,gam\n")
        let steps = try lab(["run", "two-valley", "--opt", "sam", "--steps", "100000000", "--out", out.path], in: ProblemCommandTests.repository)
        XCTAssertEqual(steps.status, 64)
        XCTAssertEqual(steps.stderr, "error: --steps must be from 1 to 10000000, not 100000000\n")
    }
}
