import Foundation
import XCTest

/// `--animate`: an SVG that plays a run step by step in a real browser, shows the whole run where
/// nothing animates, and follows the recorded trajectory.
final class AnimateTests: XCTestCase {
    let repository = ProblemCommandTests.repository

    /// The `values` of every `<animateTransform>` in the optimizer's group, as (dx, dy) lists.
    func translations(_ svg: String) throws -> [[(Double, Double)]] {
        let pattern = try NSRegularExpression(pattern: #"<animateTransform attributeName="transform" type="translate" values="([^"]*)""#)
        return pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { m in
            String(svg[Range(m.range(at: 1), in: svg)!]).split(separator: ";").map { pair in
                let xy = pair.split(separator: " ").map { Double($0)! }
                return (xy[0], xy[1])
            }
        }
    }

    /// θ's marker moves through the trajectory of the JSON: its offset from the end at every
    /// frame is the trajectory point's offset from the end times one scale a coordinate (the
    /// panel's), to the rounding of the SVG's numbers; a 500-step run is thinned to 300 frames;
    /// the same command gives the same bytes.
    func testTheMarkerFollowsTheTrajectory() throws {
        let out = try temporaryFolder()
        let run = try lab(["run", "two-valley", "--opt", "gam", "--animate", "--out", out.path, "--format", "json"], in: repository)
        let doc = try json(run)
        let thetas = try XCTUnwrap((doc["trajectory"] as? [[String: Any]])?.map { $0["theta"] as! [Double] })
        let svg = try String(contentsOf: out.appendingPathComponent("two-valley-gam.svg"), encoding: .utf8)
        XCTAssertEqual(thetas.count, 501)
        // The ball, θ's marker and the probe each follow the run.
        let moves = try translations(svg)
        XCTAssertEqual(moves.count, 3)
        let ball = moves[0], marker = moves[1]
        for (a, b) in zip(ball, marker) { XCTAssertEqual(a.0, b.0, accuracy: 0.01); XCTAssertEqual(a.1, b.1, accuracy: 0.01) }
        // 300 frames of 0.04 s, then the last one held for 1.5 s (38 frames).
        XCTAssertEqual(marker.count, 338)
        XCTAssertEqual(Set(marker[299...].map { "\($0)" }).count, 1)
        XCTAssert(svg.contains(#"dur="13.52s" calcMode="discrete" repeatCount="indefinite""#))
        let frames = (0..<300).map { $0 * 500 / 299 }
        let end = thetas[500]
        // The panel's scales, fitted by least squares over the frames (the SVG rounds to 0.01).
        func scale(_ c: Int, _ part: ((Double, Double)) -> Double) -> Double {
            let d = frames.map { thetas[$0][c] - end[c] }, m = (0..<300).map { part(marker[$0]) }
            return zip(m, d).map { $0 * $1 }.reduce(0, +) / d.map { $0 * $0 }.reduce(0, +)
        }
        let sx = scale(0, \.0), sy = scale(1, \.1)
        XCTAssertGreaterThan(sx, 0)
        XCTAssertLessThan(sy, 0)  // y grows downward on the page
        for (f, step) in frames.enumerated() {
            XCTAssertEqual(marker[f].0, sx * (thetas[step][0] - end[0]), accuracy: 0.02, "frame \(f)")
            XCTAssertEqual(marker[f].1, sy * (thetas[step][1] - end[1]), accuracy: 0.02, "frame \(f)")
        }
        // The probe: GAM's recorded probe of the frame's step, drawn relative to the last one
        // shown (step 498's, of the last frame but one: the run's last point takes no step).
        let probes = try XCTUnwrap((doc["trajectory"] as? [[String: Any]])?.map { $0["probe"] as? [Double] })
        XCTAssertNil(probes[500])
        let lastProbe = try XCTUnwrap(probes[frames[298]])
        for (f, step) in frames.enumerated() where f % 7 == 0 && step < 500 {
            let q = try XCTUnwrap(probes[step])
            XCTAssertEqual(moves[2][f].0, sx * (q[0] - lastProbe[0]), accuracy: 0.02, "frame \(f)")
            XCTAssertEqual(moves[2][f].1, sy * (q[1] - lastProbe[1]), accuracy: 0.02, "frame \(f)")
        }
        // 299 pieces of path, each appearing at its frame.
        XCTAssertEqual(svg.components(separatedBy: #"values="hidden;visible""#).count - 1, 299)
        let again = try temporaryFolder()
        try lab(["run", "two-valley", "--opt", "gam", "--animate", "--out", again.path], in: repository)
        XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent("two-valley-gam.svg")), try Data(contentsOf: out.appendingPathComponent("two-valley-gam.svg")))
    }

    /// Headless Chromium plays it: screenshots at two moments differ. Without --animate
    /// nothing animates.
    func testItPlaysInABrowser() throws {
        let chromium = try XCTUnwrap(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                     "Chromium is missing; `make deps` installs it")
        let out = try temporaryFolder()
        XCTAssertEqual(try lab(["run", "two-valley", "--opt", "gam", "--animate", "--out", out.path], in: repository).status, 0)
        let svg = out.appendingPathComponent("two-valley-gam.svg")
        func screenshot(at ms: Int) throws -> Data {
            let png = out.appendingPathComponent("shot-\(ms).png")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: chromium)
            p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(out.appendingPathComponent("profile").path)",
                           "--window-size=1100,420", "--virtual-time-budget=\(ms)", "--screenshot=\(png.path)", svg.absoluteString]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
            return try Data(contentsOf: png)
        }
        let early = try screenshot(at: 800), late = try screenshot(at: 5000)
        XCTAssertGreaterThan(early.count, 10000)
        XCTAssertNotEqual(early, late)
        let plain = try temporaryFolder()
        XCTAssertEqual(try lab(["run", "two-valley", "--opt", "gam", "--out", plain.path], in: repository).status, 0)
        XCTAssertFalse(try String(contentsOf: plain.appendingPathComponent("two-valley-gam.svg"), encoding: .utf8).contains("<animate"))
    }

    /// Commands that draw no path have no --animate (their help does not offer it); compare
    /// animates every run.
    func testWhereItApplies() throws {
        for command in [["basins", "two-valley", "--opts", "gd"], ["sweep", "two-valley", "--opts", "gd", "--vary", "lr=0.1:0.2:2"], ["step", "two-valley", "--opt", "gam"]] {
            let run = try lab(command + ["--animate", "--out", try temporaryFolder().path], in: repository)
            XCTAssertEqual(run.status, 64, command[0])
            XCTAssertEqual(run.stderr.split(separator: "\n").first, "error: Unknown option '--animate'")
        }
        let out = try temporaryFolder()
        XCTAssertEqual(try lab(["compare", "two-valley", "--opts", "gd,sam,gam", "--animate", "--out", out.path], in: repository).status, 0)
        let svg = try String(contentsOf: out.appendingPathComponent("two-valley-compare.svg"), encoding: .utf8)
        // gd has no probe: a ball and θ for each run, a probe for sam and gam.
        XCTAssertEqual(try translations(svg).count, 3 + 3 + 2)
    }
}
