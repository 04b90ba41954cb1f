import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// `lab serve` as a script or a page uses it: the command line's documents over HTTP, its
/// mistakes as 400s in the same words, nothing outside the catalog, many requests at once.
final class ServeTests: XCTestCase {
    let repository = ProblemCommandTests.repository

    /// A running `lab serve --port 0` and the address it printed on its first line.
    final class Server: @unchecked Sendable {
        let process = Process()
        let url: URL

        init(in directory: URL) throws {
            process.executableURL = labBinary()
            process.arguments = ["serve", "--port", "0"]
            process.currentDirectoryURL = directory
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while true {
                let byte = out.fileHandleForReading.readData(ofLength: 1)
                guard !byte.isEmpty, byte != Data("\n".utf8) else { break }
                line += byte
            }
            url = try XCTUnwrap(URL(string: String(decoding: line, as: UTF8.self)))
        }

        /// Stops it as Ctrl-C does; the exit status.
        func interrupt() -> Int32 {
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
            return process.terminationStatus
        }

        deinit { if process.isRunning { process.terminate() } }
    }

    /// GET `path` (with its query, as typed): the status and the body.
    func get(_ server: Server, _ path: String) throws -> (status: Int, body: String) { try Self.get(server.url, path) }

    static func get(_ base: URL, _ path: String) throws -> (status: Int, body: String) {
        let url = try XCTUnwrap(URL(string: base.absoluteString + path))
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, String)?
        URLSession.shared.dataTask(with: url) { data, response, _ in
            result = ((response as? HTTPURLResponse)?.statusCode ?? -1, String(decoding: data ?? Data(), as: UTF8.self))
            done.signal()
        }.resume()
        done.wait()
        return try XCTUnwrap(result)
    }

    func testTheAPIAnswersWithTheCommandLinesDocuments() throws {
        let server = try Server(in: repository)
        let out = try temporaryFolder().path
        // The same document, byte for byte, as the command line prints.
        for (path, command) in [
            ("api/run?problem=two-valley&opt=gam&steps=40&lr=0.1", ["run", "two-valley", "--opt", "gam", "--steps", "40", "--lr", "0.1"]),
            ("api/compare?problem=himmelblau&opts=gd,sam&start=-1,0.5&steps=30", ["compare", "himmelblau", "--opts", "gd,sam", "--start", "-1,0.5", "--steps", "30"]),
            ("api/step?problem=two-valley&opt=sam&at=0.5,0.2", ["step", "two-valley", "--opt", "sam", "--at", "0.5,0.2"]),
            ("api/measure?problem=two-valley&at=-1,0&rho=0.3", ["measure", "two-valley", "--at", "-1,0", "--rho", "0.3"]),
            ("api/basins?problem=two-valley&opts=gd,gam&grid=9&steps=50", ["basins", "two-valley", "--opts", "gd,gam", "--grid", "9", "--steps", "50"]),
            ("api/list", ["list"]),
            ("api/show?problem=tiny-regression", ["show", "tiny-regression"]),
            ("api/show?problem=two-valley&latex=true", ["show", "two-valley", "--latex"]),
        ] {
            let answer = try get(server, path)
            let noFiles = ["run", "compare", "step", "basins"].contains(command[0]) ? ["--no-plot", "--out", out] : []
            let cli = try lab(command + noFiles + ["--format", "json"], in: repository)
            XCTAssertEqual(cli.status, 0, cli.stderr)
            XCTAssertEqual(answer.status, 200, path)
            XCTAssertEqual(answer.body, cli.stdout, path)
        }
        // The comparison's figure as one file, by the command line's figure code.
        let pdf = try get(server, "api/figure?problem=two-valley&opts=gd,gam&steps=40&figure-format=pdf&size=column")
        XCTAssertEqual(pdf.status, 200)
        XCTAssertTrue(pdf.body.hasPrefix("%PDF"))
        // With a basin map under the paths: the bytes of lab compare --basins-of.
        let underlay = try get(server, "api/figure?problem=two-valley&opts=gd,gam&steps=40&start=0.2,0.3&basins-of=sam&basins-grid=12&figure-format=svg")
        XCTAssertEqual(underlay.status, 200)
        let cliFigure = try lab(["compare", "two-valley", "--opts", "gd,gam", "--steps", "40", "--start", "0.2,0.3", "--basins-of", "sam", "--basins-grid", "12",
                                 "--figure-format", "svg", "--out", out], in: repository)
        XCTAssertEqual(cliFigure.status, 0, cliFigure.stderr)
        XCTAssertEqual(underlay.body, try String(contentsOfFile: out + "/two-valley-compare.svg", encoding: .utf8))
        XCTAssertTrue(underlay.body.contains(#"<g data-role="basins" data-optimizer="sam""#))
        // A step marked: the bytes of lab compare --at-step.
        let marked = try get(server, "api/figure?problem=two-valley&opts=sam,gam&steps=40&start=0.2,0.3&at-step=12&figure-format=svg")
        XCTAssertEqual(marked.status, 200)
        XCTAssertEqual(try lab(["compare", "two-valley", "--opts", "sam,gam", "--steps", "40", "--start", "0.2,0.3", "--at-step", "12",
                                "--figure-format", "svg", "--out", out], in: repository).status, 0)
        XCTAssertEqual(marked.body, try String(contentsOfFile: out + "/two-valley-compare.svg", encoding: .utf8))
        XCTAssertEqual(marked.body.matches(of: /data-role="at-step" data-step="12"/).count, 2)
        // A map's progress, in blocks of at most 256 starts: 40 × 40 starts are 7 blocks, twice.
        XCTAssertEqual(try get(server, "api/basins?problem=two-valley&opts=gd,gam&grid=40&steps=20&progress=t-1").status, 200)
        let progress = try get(server, "api/progress?token=t-1")
        XCTAssertEqual(progress.status, 200)
        let counted = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(progress.body.utf8)) as? [String: Any])
        XCTAssertEqual(counted["done"] as? Int, 14)
        XCTAssertEqual(counted["total"] as? Int, 14)
        XCTAssertEqual(counted["finished"] as? Bool, true)
        XCTAssertEqual(counted["failed"] as? Bool, false)
        // A map refused after it was asked for: finished, failed, nothing done.
        XCTAssertEqual(try get(server, "api/basins?problem=two-valley&opts=gd&grid=5000&progress=t-2").status, 400)
        let refused = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try get(server, "api/progress?token=t-2").body.utf8)) as? [String: Any])
        XCTAssertEqual(refused["failed"] as? Bool, true)
        XCTAssertEqual(refused["done"] as? Int, 0)
        XCTAssertEqual(server.interrupt(), 130, "Ctrl-C stops it")
    }

    /// The page's contours are the figures' (the same levels and labels as `lab run`'s figure),
    /// and `lab measure` finds each level's loss on its lines, to the grid's interpolation.
    func testTheLandscapesContours() throws {
        let server = try Server(in: repository)
        let out = try temporaryFolder()
        let land = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try get(server, "api/landscape?problem=two-valley").body.utf8)) as? [String: Any])
        let contours = try XCTUnwrap(land["contours"] as? [[String: Any]])
        let labels = contours.compactMap { $0["label"] as? String }
        let run = try lab(["run", "two-valley", "--opt", "gd", "--steps", "5", "--figure-format", "svg", "--out", out.path], in: repository)
        XCTAssertEqual(run.status, 0, run.stderr)
        let svg = try String(contentsOf: out.appendingPathComponent("two-valley-gd.svg"), encoding: .utf8)
        let drawn = svg.matches(of: /class="contour-label"[^>]*>([^<]+)</).map { String($0.output.1) }
        XCTAssertFalse(drawn.isEmpty)
        XCTAssertTrue(Set(drawn).isSubset(of: Set(labels)), "\(drawn) among \(labels)")
        let loss = try XCTUnwrap(land["loss"] as? [Double])
        let range = loss.max()! - loss.min()!
        var points: [(level: Double, at: [Double])] = []
        for c in contours {
            let line = try XCTUnwrap((c["lines"] as? [[Double]])?.max { $0.count < $1.count })
            let k = 2 * (line.count / 4)
            points.append((try XCTUnwrap(c["level"] as? Double), [line[k], line[k + 1]]))
        }
        for p in points.prefix(4) {
            let m = try json(try lab(["measure", "two-valley", "--at", "\(p.at[0]),\(p.at[1])", "--format", "json"], in: repository))
            XCTAssertEqual(try XCTUnwrap(m["loss"] as? Double), p.level, accuracy: 0.01 * range, "level \(p.level) at \(p.at)")
        }
    }

    /// Bad parameters: 400 with the command line's words, naming the parameter; anything but a
    /// catalog problem by name, or a path outside the API: 404; work beyond the command line's
    /// limits: 400; and the server keeps serving.
    func testMistakesAndPaths() throws {
        let server = try Server(in: repository)
        let cases: [(String, Int, String)] = [
            ("api/run?problem=two-valley&opt=gam&lr=0", 400, "lr must be a positive number, not 0.0"),
            ("api/run?problem=two-valley&opt=gam&lrr=1", 400, "unknown setting 'lrr'; did you mean 'lr'?"),
            ("api/run?problem=two-valley&opt=sma", 400, "opt 'sma' is not one of gd, sgd, momentum, nesterov, adam, adamw, sam, asam, gam, gam-sam, gam-fast, lookahead, sam-exact, gam-exact; did you mean 'sam'?"),
            ("api/step?problem=two-valley&opt=gam&at=1,0&start=1,0", 400, "at is where the step starts; give it or start, not both"),
            ("api/basins?problem=two-valley&opts=gd&grid=5000", 400, "grid: starts per axis must be 2 to 4096, got '5000'"),
            ("api/basins?problem=two-valley&opts=gd&grid=1024&vary=lr=0.1:0.2:3", 400, "vary lr: a 2-D problem's map has its two variables as axes; lab sweep varies settings"),
            ("api/run?problem=two-valley&opt=gam&steps=20000000", 400, "steps must be from 1 to 10000000, not 20000000"),
            ("api/run?opt=gam", 400, "give the problem, as in problem=two-valley"),
            ("api/run?problem=../problems/two-valley&opt=gam", 404, "no problem named '../problems/two-valley' in the catalog"),
            ("api/run?problem=/etc/passwd&opt=gam", 404, "no problem named '/etc/passwd' in the catalog"),
            ("api/run?problem=%2e%2e%2fproblems%2ftwo-valley&opt=gam", 404, "no problem named '../problems/two-valley' in the catalog"),
            ("../../etc/passwd", 404, "not found"),
            ("%2e%2e/%2e%2e/etc/passwd", 404, "not found"),
            ("api/nothing", 404, "not found"),
            ("api/show?problem=two-valley&latex=yes", 400, "latex must be true or false, not 'yes'"),
            ("api/figure?problem=two-valley&opts=gd&figure-format=gif", 400, "figure-format 'gif' is not one of svg, pdf, png (give one or more, comma-separated, as in svg,pdf)"),
            ("api/figure?problem=two-valley&opts=gd&figure-format=svg,pdf", 400, "figure-format: give one of svg, pdf, png"),
            ("api/figure?problem=nowhere&opts=gd", 404, "no problem named 'nowhere' in the catalog"),
            ("api/figure?problem=tiny-regression&opts=gd&basins-of=gd", 400, "basins-of: a basin map needs a problem of 1 or 2 variables; tiny-regression has 19"),
            ("api/figure?problem=two-valley&opts=gd&basins-of=gd,gam", 400, "basins-of takes one optimizer, not 'gd,gam'"),
            ("api/figure?problem=two-valley&opts=gd&at-step=soon", 400, "at-step must be a whole number of steps, 0 or more, not 'soon'"),
            ("api/figure?problem=two-valley&opts=gd&steps=30&at-step=31", 400, "at-step 31 is past the runs' last step, 30"),
            ("api/basins?problem=two-valley&opts=gd&grid=8&progress=a%20b", 400, "progress must be 1 to 64 letters, digits, '-' or '_', not 'a b'"),
            ("api/progress?token=nothing-here", 404, "no basin map with the token 'nothing-here'"),
            ("api/compare?problem=two-valley&opts=gd,sam-exact,gam-exact&steps=15000", 400,
             "sam-exact, gam-exact search the ball exactly at every step (a millisecond or more each); here their runs take at most 20000 steps in all, not 30000; the command line runs more"),
            ("api/step?problem=two-valley&opt=sam-exact&run-to=50000", 400,
             "sam-exact searches the ball exactly at every step (a millisecond or more each); here run-to is at most 20000, not 50000; the command line runs more"),
            ("api/basins?problem=two-valley&opts=gd,gam-exact&grid=9", 400,
             "gam-exact searches the ball exactly at every step of each start (about a second a start); here a map takes at most 64 such starts, not 81; lab basins maps more"),
            ("api/figure?problem=two-valley&opts=gd&basins-of=sam-exact&basins-grid=300", 400,
             "sam-exact searches the ball exactly at every step of each start (about a second a start); here a map takes at most 64 such starts, not 90000; lab basins maps more"),
            ("api/progress", 400, "give the token the basin map was asked with, as in token=map-1"),
        ]
        for (path, status, message) in cases {
            let answer = try get(server, path)
            XCTAssertEqual(answer.status, status, path)
            let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: String]
            XCTAssertEqual(object?["error"], message, path)
        }
        XCTAssertEqual(try get(server, "api/list").status, 200, "still serving")
    }

    /// 64 requests at once, light and heavy, are all answered, each correctly.
    func testManyRequestsAtOnce() throws {
        let server = try Server(in: repository)
        let expected = try get(server, "api/measure?problem=himmelblau&at=3,2").body
        let list = try get(server, "api/list").body
        let answers = (0..<64).map { _ in LockedAnswer() }
        let base = server.url
        DispatchQueue.concurrentPerform(iterations: 64) { k in
            let path = k % 2 == 0 ? "api/measure?problem=himmelblau&at=3,2" : "api/list"
            answers[k].value = try? Self.get(base, path)
        }
        for (k, answer) in answers.enumerated() {
            XCTAssertEqual(answer.value?.status, 200, "request \(k)")
            XCTAssertEqual(answer.value?.body, k % 2 == 0 ? expected : list, "request \(k)")
        }
    }

    final class LockedAnswer: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: (status: Int, body: String)?
        var value: (status: Int, body: String)? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    /// The live page in headless Chromium, driving itself with real DOM events (`#selftest`: a
    /// click on the landscape, the ρ slider moved, the cursor over a point, the basin-map button,
    /// an export): one path per ticked optimizer, each ending where `lab run` from the clicked
    /// start ends, and different paths after ρ moves; each run's ρ-ball and the sharpness-aware
    /// probes drawn; the cursor's measures and the basin maps those of `lab measure` and `lab
    /// basins`; the exported SVG parses. A screenshot goes to out/lab-serve-page.png.
    /// Headless Chromium on `address` with `options` (`--dump-dom`, `--screenshot=...`): what it
    /// prints. Each call has its own profile in `folder`.
    func chromium(_ address: String, _ options: [String], in folder: URL) throws -> String {
        let chromium = try XCTUnwrap(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                     "Chromium is missing; `make deps` installs it")
        let p = Process(), out = Pipe()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(folder.appendingPathComponent("profile-\(UUID())").path)",
                       "--window-size=1000,760", "--virtual-time-budget=60000"] + options + [address]
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let printed = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: printed, as: UTF8.self)
    }

    func testThePageInABrowser() throws {
        let server = try Server(in: repository)
        let folder = try temporaryFolder()
        let selftest = server.url.absoluteString + "#selftest"
        let dom = try chromium(selftest, ["--dump-dom"], in: folder)
        let text = try XCTUnwrap(dom.range(of: #"<pre id="test-result"[^>]*>([^<]*)</pre>"#, options: .regularExpression).map { String(dom[$0]) })
        // The DOM is HTML: the element's text with its entities read back.
        let payload = String(text[text.index(after: text.firstIndex(of: ">")!)...].dropLast("</pre>".count))
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any], dom)
        let clicked = try XCTUnwrap(result["clicked"] as? [String: Any]), moved = try XCTUnwrap(result["moved"] as? [String: Any])
        let start = try XCTUnwrap(clicked["start"] as? [Double])
        XCTAssertEqual(start[0], 0.5, accuracy: 0.01)
        XCTAssertEqual(start[1], 0.2, accuracy: 0.01)
        let out = try temporaryFolder().path
        func ends(_ paths: Any?, rho: String?) throws -> [String: String] {
            let list = try XCTUnwrap(paths as? [[String: Any]])
            XCTAssertEqual(list.compactMap { $0["optimizer"] as? String }, ["gd", "sam", "gam"], "one path per ticked optimizer")
            var d: [String: String] = [:]
            for path in list {
                let name = try XCTUnwrap(path["optimizer"] as? String)
                let run = try json(try lab(["run", "two-valley", "--opt", name, "--start", start.map { "\($0)" }.joined(separator: ","),
                                            "--lr", "\(result["lr"]!)", "--steps", "\(result["steps"]!)", "--no-plot", "--format", "json", "--out", out]
                                           + (name == "gd" ? [] : ["--rho", rho ?? "0.5"]), in: repository))
                let end = try XCTUnwrap((run["final"] as? [String: Any])?["theta"] as? [Double])
                XCTAssertEqual(path["end"] as? [Double], end, "\(name) ends where lab run ends")
                d[name] = path["d"] as? String
            }
            return d
        }
        let before = try ends(clicked["paths"], rho: nil), after = try ends(moved["paths"], rho: "0.3")
        XCTAssertEqual(moved["rho"] as? Double, 0.3)
        XCTAssertEqual(before["gd"], after["gd"], "gd reads no ρ")
        XCTAssertNotEqual(before["sam"], after["sam"], "the ρ slider changes sam's path")
        XCTAssertNotEqual(before["gam"], after["gam"], "the ρ slider changes gam's path")
        XCTAssertEqual(result["balls"] as? Int, 3)
        let landscape = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try get(server, "api/landscape?problem=two-valley").body.utf8)) as? [String: Any])
        XCTAssertEqual(result["contours"] as? Int, (landscape["contours"] as? [Any])?.count, "every contour drawn")
        XCTAssertEqual(result["probes"] as? Int, 2, "sam's and gam's probes at the current step")
        // The measures under the cursor are lab measure's at that point and the slider's ρ.
        let hover = try XCTUnwrap(result["hover"] as? [String: Any])
        let at = try XCTUnwrap(hover["theta"] as? [Double])
        let measured = try json(try lab(["measure", "two-valley", "--at", at.map { "\($0)" }.joined(separator: ","), "--rho", "0.3", "--format", "json"], in: repository))
        for key in ["loss", "zof", "fof"] { XCTAssertEqual(hover[key] as? Double, measured[key] as? Double, key) }
        // The basin map is lab basins' at the page's settings, drawn cell by cell.
        let basins = try XCTUnwrap(result["basins"] as? [String: Any])
        XCTAssertEqual(basins["cells"] as? Int, 64 * 64)
        let map = try json(try lab(["basins", "two-valley", "--opts", "gd,sam,gam", "--grid", "64", "--lr", "\(result["lr"]!)", "--steps", "\(result["steps"]!)",
                                    "--rho", "0.3", "--alpha", "0.7", "--no-plot", "--format", "json", "--out", out], in: repository))
        let cliMaps = try XCTUnwrap(map["maps"] as? [[String: Any]]), pageMaps = try XCTUnwrap(basins["maps"] as? [[String: Any]])
        XCTAssertEqual(pageMaps.count, 3)
        for (page, cli) in zip(pageMaps, cliMaps) {
            XCTAssertEqual(page["optimizer"] as? String, cli["optimizer"] as? String)
            XCTAssertEqual(page["outcome"] as? [[Int]], cli["outcome"] as? [[Int]], "\(cli["optimizer"]!)'s map")
        }
        // The progress bar ends full: 64 × 64 starts are 16 blocks of 256, for each of 3 optimizers.
        let bar = try XCTUnwrap(basins["progress"] as? [String: Any])
        XCTAssertEqual(bar["max"] as? Int, 48)
        XCTAssertEqual(bar["value"] as? Int, 48)
        // The exported figure is an SVG that parses, with the shown basin map under the paths:
        // the bytes of lab compare --basins-of with the page's settings.
        let export = try XCTUnwrap(result["export"] as? [String: Any])
        XCTAssertEqual(export["root"] as? String, "svg")
        XCTAssertEqual(export["errors"] as? Int, 0)
        XCTAssertGreaterThan(export["bytes"] as? Int ?? 0, 10000)
        let query = try XCTUnwrap(URLComponents(string: try XCTUnwrap(export["query"] as? String))?.queryItems)
        var arguments = ["compare"], options: [String] = []
        for item in query {
            switch item.name {
            case "problem": arguments.append(try XCTUnwrap(item.value))
            case "size": options += ["--size", try XCTUnwrap(item.value)]
            default: options += ["--" + item.name, try XCTUnwrap(item.value)]
            }
        }
        XCTAssertEqual(query.first { $0.name == "basins-of" }?.value, "gd", "the map shown first is exported")
        XCTAssertEqual(query.first { $0.name == "at-step" }?.value, "20", "the step slider's step is exported")
        let exported = try get(server, String(try XCTUnwrap(export["query"] as? String).dropFirst()))
        let cliExport = try lab(arguments + options + ["--out", out], in: repository)
        XCTAssertEqual(cliExport.status, 0, cliExport.stderr)
        XCTAssertEqual(exported.body, try String(contentsOfFile: out + "/two-valley-compare.svg", encoding: .utf8))
        XCTAssertEqual(exported.body.matches(of: /data-role="at-step" data-step="20"/).count, 3, "each run marked at the slider's step")
        // The screenshot goes to out/ (ignored by git), to look at.
        let shots = repository.appendingPathComponent("out", isDirectory: true)
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let shot = shots.appendingPathComponent("lab-serve-page.png")
        _ = try chromium(selftest, ["--screenshot=\(shot.path)"], in: folder)
        XCTAssertGreaterThan(try Data(contentsOf: shot).count, 20000)
    }

    /// The lessons as pages: every lesson listed, its figures inline and served, each command
    /// linked to the live page, which opens with that command's problem, optimizers, start and
    /// settings (checked in headless Chromium against `lab run`); nothing outside the lessons'
    /// assets is served.
    func testLessonsAndTheirLinks() throws {
        let server = try Server(in: repository)
        let index = try get(server, "lessons")
        XCTAssertEqual(index.status, 200)
        let lessons = try FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("notebooks-md").path).filter { $0.hasSuffix(".md") && $0 != "README.md" }
        for file in lessons { XCTAssertTrue(index.body.contains("href=\"/lessons/\(file.dropLast(3))\""), file) }
        let lesson = try get(server, "lessons/03-gam-step-by-step")
        XCTAssertEqual(lesson.status, 200)
        XCTAssertTrue(lesson.body.contains("<h1>3. One step of SAM and of GAM, drawn</h1>"))
        XCTAssertTrue(lesson.body.contains("<img src=\"/lessons/assets/03-gam-step-by-step/two-valley-sam-step.svg\""))
        XCTAssertTrue(lesson.body.contains("<a href=\"/#problem=two-valley&amp;opts=sam\">open this in the live page</a>"))
        let figure = try get(server, "lessons/assets/03-gam-step-by-step/two-valley-sam-step.svg")
        XCTAssertEqual(figure.status, 200)
        XCTAssertTrue(figure.body.contains("<svg"))
        for path in ["lessons/nope", "lessons/assets/../../Package.swift", "lessons/assets/%2e%2e/%2e%2e/Package.swift", "lessons/assets/03-gam-step-by-step/.hidden.svg",
                     "lessons/../Package.swift"] {
            XCTAssertEqual(try get(server, path).status, 404, path)
        }
        // A lesson's link opens the page with the command's settings: one run, where lab run ends.
        let folder = try temporaryFolder()
        let dom = try chromium(server.url.absoluteString + "#problem=himmelblau&opts=adam&lr=0.01&start=-1,1&steps=100", ["--dump-dom"], in: folder)
        let ends = dom.matches(of: /data-optimizer="([a-z-]+)" data-end="([^"]+)"/).map { (String($0.1), String($0.2)) }
        XCTAssertEqual(ends.map(\.0), ["adam"], dom)
        let run = try json(try lab(["run", "himmelblau", "--opt", "adam", "--lr", "0.01", "--start", "-1,1", "--steps", "100", "--no-plot", "--format", "json",
                                    "--out", folder.path], in: repository))
        let end = try XCTUnwrap((run["final"] as? [String: Any])?["theta"] as? [Double])
        let shown = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ends[0].1.replacingOccurrences(of: "&quot;", with: "\"").utf8)) as? [Double])
        XCTAssertEqual(shown, end)
    }

    /// Beyond 2-D the page draws lab compare's plane: `/api/plane` holds lab compare's document and
    /// the plane through the start and the first two ends (orthonormal, those points on it), with
    /// the loss on it as `lab measure` gives it at those points; in Chromium, a model's page shows
    /// one path per optimizer, each ending where lab compare's run ends.
    func testAModelOnItsPlane() throws {
        let server = try Server(in: repository)
        let out = try temporaryFolder()
        let answer = try get(server, "api/plane?problem=tiny-regression&opts=gd,gam&steps=60&n=3")
        XCTAssertEqual(answer.status, 200, answer.body)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
        let cli = try lab(["compare", "tiny-regression", "--opts", "gd,gam", "--steps", "60", "--no-plot", "--format", "json", "--out", out.path], in: repository)
        let compared = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? NSDictionary)
        XCTAssertEqual(doc["comparison"] as? NSDictionary, compared, "lab compare's document")
        let land = try XCTUnwrap(doc["landscape"] as? [String: Any]), plane = try XCTUnwrap(land["plane"] as? [String: Any])
        let origin = try XCTUnwrap(plane["origin"] as? [Double]), u = try XCTUnwrap(plane["u"] as? [Double]), v = try XCTUnwrap(plane["v"] as? [Double])
        func dot(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
        XCTAssertEqual(dot(u, u), 1, accuracy: 1e-12)
        XCTAssertEqual(dot(v, v), 1, accuracy: 1e-12)
        XCTAssertEqual(dot(u, v), 0, accuracy: 1e-12)
        let runs = try XCTUnwrap(compared["runs"] as? [[String: Any]])
        let start = try XCTUnwrap(compared["start"] as? [Double])
        XCTAssertEqual(origin, start)
        for r in runs {
            // Each end is on the plane: nothing of it is left off u and v.
            let end = try XCTUnwrap((r["final"] as? [String: Any])?["theta"] as? [Double]), d = zip(end, origin).map { $0 - $1 }
            let a = dot(d, u), b = dot(d, v)
            XCTAssertEqual(dot(d, d) - a * a - b * b, 0, accuracy: 1e-9 * dot(d, d))
        }
        // The loss on the 3 × 3 grid, against lab measure at the same points.
        let axes = try XCTUnwrap(land["axes"] as? [[Double]]), loss = try XCTUnwrap(land["loss"] as? [Double])
        XCTAssertEqual(axes.map(\.count), [3, 3])
        for (k, (j, i)) in [(0, 0), (1, 2), (2, 1)].enumerated() {
            let theta = (0..<origin.count).map { origin[$0] + axes[0][i] * u[$0] + axes[1][j] * v[$0] }
            let m = try json(try lab(["measure", "tiny-regression", "--at", theta.map { "\($0)" }.joined(separator: ","), "--format", "json"], in: repository))
            XCTAssertEqual(loss[j * 3 + i], try XCTUnwrap(m["loss"] as? Double), accuracy: 1e-12, "point \(k)")
        }
        // Its contours: levels a figure of this plane would draw, the loss on each line near its level.
        let contours = try XCTUnwrap(land["contours"] as? [[String: Any]])
        XCTAssertFalse(contours.isEmpty)
        // The runs of a comparison go one a thread: any number of threads gives the same document.
        let oneThread = try lab(["compare", "tiny-regression", "--opts", "gd,gam", "--steps", "60", "--no-plot", "--format", "json", "--threads", "1",
                                 "--out", out.path], in: repository)
        XCTAssertEqual(oneThread.stdout, cli.stdout)
        let twoD = try get(server, "api/plane?problem=two-valley&opts=gd")
        XCTAssertEqual(twoD.status, 400)
        XCTAssertTrue(twoD.body.contains("two-valley has 2 variables: the page draws its own landscape (/api/landscape)"), twoD.body)
        // The page on a model: one path per optimizer, ending where lab compare's runs end.
        let dom = try chromium(server.url.absoluteString + "#problem=tiny-regression&opts=gd,gam&steps=60", ["--dump-dom"], in: out)
        let ends = dom.matches(of: /data-optimizer="([a-z-]+)" data-end="([^"]+)"/).map { (String($0.1), String($0.2)) }
        XCTAssertEqual(ends.map(\.0), ["gd", "gam"], dom)
        for ((_, shown), r) in zip(ends, runs) {
            let seen = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(shown.replacingOccurrences(of: "&quot;", with: "\"").utf8)) as? [Double])
            XCTAssertEqual(seen, (r["final"] as? [String: Any])?["theta"] as? [Double])
        }
        XCTAssertTrue(dom.contains("on the plane through the start and the ends of gd and gam"), "the status names the plane")
    }
}
