@testable import Experiments
import Foundation
import Landscape
import Optimizers
import XCTest

/// Basin maps against the runs they stand for, against symmetry, and against the thread count.
final class BasinsTests: XCTestCase {
    /// Every pixel's lane run ends on the bits of the scalar run from its start, and sampled pixels
    /// agree with `lab run --start` (the whole run: basin, convergence, stall).
    func testPixelsAgreeWithRuns() throws {
        let p = try load("two-valley")
        let optimizers = try ["gd", "sam", "gam", "momentum"].map(Optimizer.lookup)
        let flags: [String: SettingValue] = ["steps": .integer(150)]
        let maps = try BasinMaps(problem: p, optimizers: optimizers, given: flags, grid: (9, 7))
        XCTAssertEqual(maps.x, Vary.linspace(-2, 2, 9))
        XCTAssertEqual(maps.y.first, -0.6)
        XCTAssertEqual(maps.y.last, 0.6)
        var sampled = 0
        for map in maps.maps {
            let s = map.settings[0]
            let starts = maps.y.flatMap { y in maps.x.map { [$0, y] } }
            let lanes = try LaneRuns(problem: p, optimizer: map.optimizer, hyper: s.hyper).endings(Array(starts.prefix(Lanes.width)))
            for (k, start) in starts.enumerated() {
                let scalar = try RunConfiguration(problem: p, optimizer: map.optimizer, hyper: s.hyper, start: start).ending()
                XCTAssertEqual(lanes[k].theta.map(\.bitPattern), scalar.theta.map(\.bitPattern), "\(map.optimizer) from \(start)")
                XCTAssertEqual(lanes[k].status, scalar.status)
                XCTAssertEqual(lanes[k].updates, scalar.updates)
                // The whole run at every fifth start.
                guard k % 5 == 0 else { continue }
                sampled += 1
                let r = try RunConfiguration(problem: p, optimizer: map.optimizer, hyper: s.hyper, start: start).run(criticalPoints: maps.critical)
                let expected: Outcome
                if r.status == .diverged {
                    expected = Outcome.diverged
                } else if zip(r.final.theta, p.domain).contains(where: { !$1.contains($0) }) {
                    expected = Outcome.leftDomain
                } else if let b = r.final.basin, b.kind == .minimum {
                    expected = .minimum(b.index!)
                } else if let b = r.final.basin, b.kind == .saddle, !b.reached {
                    expected = Outcome.atSaddle
                } else {
                    expected = Outcome.noMinimum
                }
                XCTAssertEqual(map.outcome[k], expected, "\(map.optimizer) from \(start)")
                XCTAssertEqual(map.steps[k], r.status == .converged ? Int32(r.trajectory.last!.step) : -1, "\(map.optimizer) from \(start)")
                XCTAssertEqual(map.stalled[k], r.stalled, "\(map.optimizer) from \(start)")
                XCTAssertEqual(map.cycling[k], r.cycling, "\(map.optimizer) from \(start)")
            }
        }
        XCTAssertGreaterThan(sampled, 40)
        // The story at a glance: from the problem's start region gd and sam stay in A, gam reaches B.
        let a = try XCTUnwrap(maps.critical.firstIndex { $0.kind == .minimum && $0.theta[0] > 0 })
        let b = try XCTUnwrap(maps.critical.firstIndex { $0.kind == .minimum && $0.theta[0] < 0 })
        XCTAssertNotEqual(a, b)
    }

    /// A landscape symmetric under x → −x gives its two minima the same share, start for start
    /// mirrored; a landscape with one minimum gives it every start.
    func testSymmetryAndOneMinimum() throws {
        let symmetric = try Problem(toml: """
            variables = ["x", "y"]
            loss = "(x^2 - 1)^2 + 0.5 * y^2 + 0.3 * x^2 * y"
            [domain]
            x = [-2, 2]
            y = [-1.5, 1.5]
            """, file: "symmetric.toml")
        let maps = try BasinMaps(problem: symmetric, optimizers: try ["gd", "gam"].map(Optimizer.lookup),
                                 given: ["lr": .number(0.05), "rho": .number(0.1), "steps": .integer(200)], grid: (16, 11))
        let minima = maps.minima
        XCTAssertEqual(minima.count, 2)
        for map in maps.maps {
            XCTAssertEqual(map.share(Outcome.minimum(minima[0])), map.share(Outcome.minimum(minima[1])), "\(map.optimizer)")
            XCTAssertGreaterThan(map.share(Outcome.minimum(minima[0])), 0.3, "\(map.optimizer)")
            // Mirrored starts (the grid is symmetric: 16 columns) reach mirrored minima.
            let left = minima.first { maps.critical[$0].theta[0] < 0 }!, right = minima.first { maps.critical[$0].theta[0] > 0 }!
            for r in 0..<maps.y.count {
                for c in 0..<maps.x.count {
                    let o = map.outcome[r * 16 + c], mirrored = map.outcome[r * 16 + 15 - c]
                    if o == Outcome.minimum(left) { XCTAssertEqual(mirrored, Outcome.minimum(right)) }
                }
            }
        }
        let bowl = try Problem(toml: """
            variables = ["x", "y"]
            loss = "x^2 + 2 * y^2 + 0.1 * x * y"
            [domain]
            x = [-1, 1]
            y = [-1, 1]
            """, file: "bowl.toml")
        let one = try BasinMaps(problem: bowl, optimizers: try ["gd", "sam"].map(Optimizer.lookup),
                                given: ["lr": .number(0.1), "steps": .integer(300)], grid: (8, 8))
        XCTAssertEqual(one.minima.count, 1)
        for map in one.maps { XCTAssertEqual(map.share(Outcome.minimum(one.minima[0])), 1, "\(map.optimizer)") }
        XCTAssertEqual(one.maps[0].convergedShare, 1, "gd converges from every start of a convex bowl")
    }

    /// One thread and two give the same maps, bit for bit.
    func testThreadsDoNotChangeTheResult() throws {
        let p = try load("two-valley")
        let optimizers = try ["gam", "asam"].map(Optimizer.lookup)  // lanes, and one by one
        let flags: [String: SettingValue] = ["steps": .integer(60)]
        let one = try BasinMaps(problem: p, optimizers: optimizers, given: flags, grid: (6, 5), threads: 1)
        let two = try BasinMaps(problem: p, optimizers: optimizers, given: flags, grid: (6, 5), threads: 2)
        for (a, b) in zip(one.maps, two.maps) {
            XCTAssertEqual(a.outcome, b.outcome)
            XCTAssertEqual(a.steps, b.steps)
            XCTAssertEqual(a.stalled, b.stalled)
        }
    }

    /// A 1-D problem varies a setting along the second axis; each row is that setting's runs.
    func testOneDimensionalWithVary() throws {
        let p = try Problem(toml: """
            variables = ["x"]
            loss = "(x^2 - 1)^2 + 0.2 * x"
            [domain]
            x = [-2, 2]
            """, file: "tilted.toml")
        let maps = try BasinMaps(problem: p, optimizers: [try Optimizer.lookup("gd")], given: ["steps": .integer(400)], grid: (11, 0),
                                 vary: Vary(key: "lr", values: [0.01, 0.05]))
        XCTAssertEqual(maps.axes, ["x", "lr"])
        XCTAssertEqual(maps.maps[0].settings.map(\.hyper.lr), [0.01, 0.05])
        for (r, lr) in [0.01, 0.05].enumerated() {
            var h = maps.maps[0].settings[r].hyper
            XCTAssertEqual(h.lr, lr)
            h.steps = 400
            for c in [0, 4, 7, 10] {
                let run = try RunConfiguration(problem: p, optimizer: maps.maps[0].optimizer, hyper: h, start: [maps.x[c]])
                    .run(criticalPoints: maps.critical)
                XCTAssertEqual(maps.maps[0].outcome[r * 11 + c], Outcome.minimum(run.final.basin!.index!), "lr \(lr) from \(maps.x[c])")
            }
        }
        XCTAssertThrowsError(try BasinMaps(problem: try load("two-valley"), optimizers: [try Optimizer.lookup("gd")], given: [:],
                                           grid: (4, 4), vary: Vary(key: "lr", values: [0.1]))) { error in
            XCTAssertEqual("\(error)", "--vary lr: a 2-D problem's map has its two variables as axes; lab sweep varies settings")
        }
    }

    /// SAM on two-valley: about a quarter of the starts end cycling at the saddle (0, 0), and the
    /// map says so instead of counting them in the basin their flow would reach. The share
    /// matches an independent numpy/sympy count (Reference/make_sam_saddle_reference.py: runs
    /// within 0.05 of the saddle at step 450 and at the end) within half a percent; chaotic runs
    /// near the saddle may go either way on another machine, hence the margin. The same with
    /// one thread and with two.
    func testRunsTrappedAtTheSaddleAreReportedThere() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/sam_saddle_reference.json")
        let reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let share = try XCTUnwrap(reference["share_at_saddle"] as? Double)
        let p = try load("two-valley")
        let sam = try Optimizer.lookup("sam")
        let one = try BasinMaps(problem: p, optimizers: [sam], given: [:], grid: (101, 101), threads: 1)
        let two = try BasinMaps(problem: p, optimizers: [sam], given: [:], grid: (101, 101), threads: 2)
        XCTAssertEqual(one.maps[0].outcome, two.maps[0].outcome)
        let map = one.maps[0]
        XCTAssertEqual(map.share(Outcome.atSaddle), share, accuracy: 0.005)
        XCTAssertGreaterThan(share, 0.2)
        // Every trapped run is stalled, and none of them is counted at a minimum.
        for k in map.outcome.indices where map.outcome[k] == Outcome.atSaddle { XCTAssertTrue(map.stalled[k]); XCTAssertFalse(map.reached[k]) }
        // gd and gam are not trapped there.
        let others = try BasinMaps(problem: p, optimizers: try ["gd", "gam"].map(Optimizer.lookup), given: [:], grid: (101, 101))
        for m in others.maps { XCTAssertEqual(m.share(Outcome.atSaddle), 0, m.optimizer.name) }
        // A single run from a trapped start, five thousand steps: still at the saddle, and reported there.
        let r = try RunConfiguration(problem: p, optimizer: sam, settings: RunSettings.resolve(problem: p, optimizer: sam, given: ["start": .vector([0, -0.42]), "steps": .integer(5000)])).run()
        let b = try XCTUnwrap(r.final.basin)
        XCTAssertEqual(b.kind, .saddle)
        XCTAssertEqual(b.theta[0], 0, accuracy: 1e-9)
        XCTAssertLessThan(b.distance, 0.05)
        XCTAssertTrue(r.stalled)
    }

    /// A long run keeps a bounded trajectory: at most `limit` points, evenly spaced (the
    /// multiples of a power of two) plus the last; each kept point is the point of the whole run
    /// at its step, probes included; the end, status and stall and cycle verdicts are those of
    /// the whole run, judged from the loop's ending, whose window start and last three points are
    /// the whole trajectory's at their steps.
    func testLongRunsKeepAThinnedTrajectory() throws {
        let p = try load("two-valley")
        let sam = try Optimizer.lookup("sam")
        var whole = RunConfiguration(problem: p, optimizer: sam, settings: try RunSettings.resolve(problem: p, optimizer: sam, given: ["steps": .integer(1000)]))
        whole.trajectoryLimit = 10_000
        var thin = whole
        thin.trajectoryLimit = 100
        let a = try whole.run(), b = try thin.run()
        XCTAssertEqual(a.trajectory.count, 1001)
        XCTAssertEqual(a.trajectoryStride, 1)
        XCTAssertEqual(b.trajectoryStride, 16)
        XCTAssertLessThanOrEqual(b.trajectory.count, 101 + 4)
        // The multiples of 16 and the last.
        XCTAssertEqual(b.trajectory.map(\.step), Array(Swift.stride(from: 0, through: 1000, by: 16)) + [1000])
        XCTAssertEqual(b.pathEnd.windowStart, a.trajectory[900].theta, "the stall window starts at step 900")
        XCTAssertEqual(b.pathEnd.previous, a.trajectory[999].theta)
        XCTAssertEqual(b.pathEnd.twoBack, a.trajectory[998].theta)
        XCTAssertEqual(b.pathEnd.end, a.trajectory[1000].theta)
        XCTAssertEqual(b.cycling, a.cycling)
        for q in b.trajectory {
            let full = a.trajectory[q.step]
            XCTAssertEqual(q.theta, full.theta)
            XCTAssertEqual(q.probe, full.probe)
        }
        XCTAssertEqual(b.final.theta, a.final.theta)
        XCTAssertEqual(b.status, a.status)
        XCTAssertEqual(b.stalled, a.stalled)
    }

    /// SAM from two-valley's start ends in a two-step cycle across A's floor: every second point
    /// of its last steps is the same, neighbours 0.088 apart. It is reported cycling, not
    /// stalled, and gd from the same start (which converges) is neither.
    func testSAMEndsInATwoStepCycle() throws {
        let p = try load("two-valley")
        func run(_ name: String) throws -> RunRecord {
            let o = try Optimizer.lookup(name)
            return try RunConfiguration(problem: p, optimizer: o, settings: try RunSettings.resolve(problem: p, optimizer: o, given: [:])).run()
        }
        let sam = try run("sam")
        let last = sam.trajectory.suffix(6).map(\.theta)
        for k in 2..<6 { XCTAssertLessThan(distance(last[k], last[k - 2]), 1e-9) }
        for k in 1..<6 { XCTAssertGreaterThan(distance(last[k], last[k - 1]), 0.05) }
        XCTAssertTrue(sam.cycling)
        XCTAssertFalse(sam.stalled)
        XCTAssertFalse(try XCTUnwrap(sam.final.basin).reached)
        let gd = try run("gd")
        XCTAssertEqual(gd.status, .converged)
        XCTAssertFalse(gd.cycling || gd.stalled)
    }
}
