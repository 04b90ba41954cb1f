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

    /// `lab compare --at-step K`, the still counterpart of --animate (and the live page's export
    /// at its step slider): each run's θ at step K is the end of the same run stopped after K
    /// steps; in the figure, θ's ring, the probe's cross and the ρ-ball sit where one map from
    /// data to pixels (found from the start and one ring) puts θ, the JSON's probe and θ ± ρ; a
    /// run that stopped before K is marked where it stopped; mistakes are named.
    func testTheFigureMarksOneStep() throws {
        let out = try temporaryFolder()
        let compare = try lab(["compare", "two-valley", "--opts", "gd,sam,gam", "--start", "0.2,0.3", "--at-step", "40", "--out", out.path], in: repository)
        XCTAssertEqual(compare.status, 0, compare.stderr)
        let svg = try String(contentsOf: out.appendingPathComponent("two-valley-compare.svg"), encoding: .utf8)
        // θ as the JSON prints it, read by Double(String): Foundation's JSONSerialization on
        // Linux can read a 17-digit number one ulp off.
        func finalTheta(_ text: String) throws -> [Double] {
            let m = try XCTUnwrap(text.firstMatch(of: /"final": \{\s*"theta": \[([^\]]*)\]/))
            return m.output.1.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces))! }
        }
        func numbers(_ text: Substring) -> [Double] { text.matches(of: /-?[0-9]+(\.[0-9]+)?/).map { Double($0.output.0)! } }
        struct Marks { let step: Int, theta: [Double], ring: (Double, Double), probe: (Double, Double)?, ball: (x: ClosedRange<Double>, y: ClosedRange<Double>) }
        func marks(_ svg: String, _ opt: String) throws -> Marks {
            let group = try XCTUnwrap(svg.firstMatch(of: try Regex(#"<g data-optimizer="\#(opt)" data-role="at-step" data-step="([0-9]+)" data-theta="([^"]*)">((.|\n)*?)</g>"#)))
            let body = try XCTUnwrap(group.output[3].substring)
            let ring = try XCTUnwrap(body.firstMatch(of: /<circle cx="([-0-9.]+)" cy="([-0-9.]+)"/))
            // The dashed circle in 2-D (in 1-D a segment: not looked at here).
            let ball = body.firstMatch(of: /<path d="([^"]*)"[^>]*stroke-dasharray/).map { numbers($0.output.1) } ?? [0, 0]
            let xs = stride(from: 0, to: ball.count, by: 2).map { ball[$0] }, ys = stride(from: 1, to: ball.count, by: 2).map { ball[$0] }
            let cross = body.firstMatch(of: /<path d="(M[^"]*M[^"]*)" stroke=/).map { numbers($0.output.1) }
            return Marks(step: Int(try XCTUnwrap(group.output[1].substring))!, theta: try XCTUnwrap(group.output[2].substring).split(separator: ",").map { Double($0)! },
                         ring: (Double(ring.output.1)!, Double(ring.output.2)!), probe: cross.map { (($0[0] + $0[2]) / 2, ($0[1] + $0[3]) / 2) },
                         ball: (xs.min()!...xs.max()!, ys.min()!...ys.max()!))
        }
        let start = try XCTUnwrap(svg.firstMatch(of: /<rect x="([-0-9.]+)" y="([-0-9.]+)" width="11" height="11"/))
        let startPx = (Double(start.output.1)! + 5.5, Double(start.output.2)! + 5.5)
        let byOptimizer = try ["gd", "sam", "gam"].map { try marks(svg, $0) }
        // The map from data to pixels, from the start (0.2, 0.3) and gam's ring.
        let gam = byOptimizer[2]
        let scale = ((gam.ring.0 - startPx.0) / (gam.theta[0] - 0.2), (gam.ring.1 - startPx.1) / (gam.theta[1] - 0.3))
        func px(_ theta: [Double]) -> (Double, Double) { (startPx.0 + scale.0 * (theta[0] - 0.2), startPx.1 + scale.1 * (theta[1] - 0.3)) }
        for (opt, m) in zip(["gd", "sam", "gam"], byOptimizer) {
            XCTAssertEqual(m.step, 40, opt)
            let short = try lab(["run", "two-valley", "--opt", opt, "--start", "0.2,0.3", "--steps", "40", "--no-plot", "--format", "json",
                                 "--out", try temporaryFolder().path], in: repository)
            XCTAssertEqual(m.theta, try finalTheta(short.stdout), "\(opt): θ at step 40 is the end of 40 steps")
            XCTAssertEqual(m.ring.0, px(m.theta).0, accuracy: 0.25, opt)
            XCTAssertEqual(m.ring.1, px(m.theta).1, accuracy: 0.25, opt)
            // The ball: θ ± ρ (two-valley's ρ, 0.5) on both axes.
            let run = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("two-valley-\(opt).json"))) as! [String: Any]
            let rho = try XCTUnwrap((run["hyperparameters"] as? [String: Any])?["rho"] as? Double)
            let corners = (px([m.theta[0] - rho, m.theta[1] - rho]), px([m.theta[0] + rho, m.theta[1] + rho]))
            XCTAssertEqual(m.ball.x.lowerBound, min(corners.0.0, corners.1.0), accuracy: 0.25, opt)
            XCTAssertEqual(m.ball.x.upperBound, max(corners.0.0, corners.1.0), accuracy: 0.25, opt)
            XCTAssertEqual(m.ball.y.lowerBound, min(corners.0.1, corners.1.1), accuracy: 0.25, opt)
            XCTAssertEqual(m.ball.y.upperBound, max(corners.0.1, corners.1.1), accuracy: 0.25, opt)
            // The probe: the JSON's at step 40 (gd probes nowhere).
            let point = try XCTUnwrap((run["trajectory"] as? [[String: Any]])?.first { $0["step"] as? Int == 40 })
            if let probe = point["probe"] as? [Double] {
                let at = try XCTUnwrap(m.probe, opt)
                XCTAssertEqual(at.0, px(probe).0, accuracy: 0.25, opt)
                XCTAssertEqual(at.1, px(probe).1, accuracy: 0.25, opt)
            } else {
                XCTAssertEqual(opt, "gd")
                XCTAssertNil(m.probe)
            }
        }
        XCTAssert(svg.contains(">θ at step 40<") && svg.contains(">ρ-ball at step 40<") && svg.contains(">probe at step 40<") && svg.contains(">step 40<"))
        // 1-D: gam stops (converges) before step 200, and is marked where it stopped.
        let curve = try temporaryFolder()
        XCTAssertEqual(try lab(["compare", "covered-valleys", "--opts", "gd,gam", "--at-step", "200", "--out", curve.path], in: repository).status, 0)
        let curveSVG = try String(contentsOf: curve.appendingPathComponent("covered-valleys-compare.svg"), encoding: .utf8)
        let gamRun = try JSONSerialization.jsonObject(with: Data(contentsOf: curve.appendingPathComponent("covered-valleys-gam.json"))) as! [String: Any]
        let last = try XCTUnwrap((gamRun["trajectory"] as? [[String: Any]])?.last)
        XCTAssertEqual(gamRun["status"] as? String, "converged")
        XCTAssertLessThan(try XCTUnwrap(last["step"] as? Int), 200)
        // A probe beyond the curve's domain is not drawn, and the ρ-interval is cut to the domain.
        XCTAssertEqual(try lab(["compare", "covered-valleys", "--opts", "sam", "--rho", "4", "--start", "4", "--at-step", "0", "--out", curve.path], in: repository).status, 0)
        let wide = try marks(try String(contentsOf: curve.appendingPathComponent("covered-valleys-compare.svg"), encoding: .utf8), "sam")
        XCTAssertNil(wide.probe, "sam's probe at x = 8, beyond the domain [-5, 5]")
        let stopped = try marks(curveSVG, "gam")
        XCTAssertEqual(stopped.step, last["step"] as? Int)
        XCTAssertEqual(stopped.theta, try finalTheta(try String(contentsOf: curve.appendingPathComponent("covered-valleys-gam.json"), encoding: .utf8)))
        for (arguments, message) in [
            (["--at-step", "x"], "error: --at-step must be a whole number of steps, 0 or more, not 'x'"),
            (["--at-step=-1"], "error: --at-step must be a whole number of steps, 0 or more, not '-1'"),
            (["--at-step", "2.5"], "error: --at-step must be a whole number of steps, 0 or more, not '2.5'"),
            (["--at-step", "501"], "error: --at-step 501 is past the runs' last step, 500"),
            // sam's 200001 steps keep one in 4 (TrajectoryRecorder); gd converges and keeps all of its.
            (["--steps", "200001", "--at-step", "3"], "error: --at-step 3 is not a step the runs kept: sam's run of 200001 steps keeps one step in 4; give a multiple of 4"),
            (["--at-step", "3", "--no-plot"], "error: --at-step marks a step on the figure, which --no-plot leaves out"),
            (["--at-step", "3", "--animate"], "error: --at-step marks one step; an animated figure (--animate) shows every step"),
            (["--basins-of", "gd", "--no-plot"], "error: --basins-of draws a map under the figure's paths, which --no-plot leaves out"),
        ] {
            let refused = try lab(["compare", "two-valley", "--opts", "gd,sam"] + arguments + ["--out", out.path], in: repository)
            XCTAssertEqual(refused.status, 64, message)
            XCTAssertEqual(refused.stderr.trimmingCharacters(in: .whitespacesAndNewlines), message)
        }
    }
}
