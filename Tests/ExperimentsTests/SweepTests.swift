@testable import Experiments
import Foundation
import Landscape
import Optimizers
import XCTest

/// Sweeps against the runs they stand for, and the two-valley story across ρ.
final class SweepTests: XCTestCase {
    /// Each point is the run `lab run --rho V` makes: the same end point, bit for bit, its basin,
    /// and the exact measures there.
    func testPointsAreRuns() throws {
        let p = try load("two-valley")
        let gam = try Optimizer.lookup("gam")
        let sweep = try Sweep(problem: p, optimizers: [gam], given: ["steps": .integer(200)], varies: [Vary(key: "rho", values: [0.3, 0.5])])
        XCTAssertEqual(sweep.starts, [[1, 0.1]], "the problem's start")
        for point in sweep.lines[0].points {
            let settings = try RunSettings.resolve(problem: p, optimizer: gam, given: ["rho": .number(point.values[0]), "steps": .integer(200)])
            let run = try RunConfiguration(problem: p, optimizer: gam, settings: settings).run(criticalPoints: sweep.critical)
            let end = point.ends[0]
            XCTAssertEqual(end.theta.map(\.bitPattern), run.final.theta.map(\.bitPattern), "ρ = \(point.values[0])")
            XCTAssertEqual(end.outcome, Outcome.minimum(run.final.basin!.index!))
            XCTAssertEqual(end.stalled, run.stalled)
            XCTAssertEqual(end.measures!.fof, run.final.fof, accuracy: 1e-12)
            XCTAssertEqual(end.measures!.zof, run.final.zof, accuracy: 1e-12)
            XCTAssertEqual(end.measures!.lambdaMax, run.final.lambdaMax, accuracy: 1e-12)
            XCTAssertEqual(end.measures!.expectedShiftedLoss!, run.final.expectedShiftedLoss!, accuracy: 1e-12)
        }
    }

    /// Two varied settings: every combination, the first setting slowest; random starts are
    /// seeded, inside the domain, and each start's run is the lane that `LaneRuns` computes.
    func testTwoSettingsAndRandomStarts() throws {
        let p = try load("himmelblau")
        let starts = Sweep.randomStarts(5, in: p.domain, seed: 3)
        XCTAssertEqual(starts.map { $0.map(\.bitPattern) }, Sweep.randomStarts(5, in: p.domain, seed: 3).map { $0.map(\.bitPattern) })
        XCTAssertNotEqual(starts, Sweep.randomStarts(5, in: p.domain, seed: 4))
        for s in starts { for (v, r) in zip(s, p.domain) { XCTAssert(r.contains(v)) } }
        let sweep = try Sweep(problem: p, optimizers: [try Optimizer.lookup("momentum")], given: ["steps": .integer(100)],
                              varies: [Vary(key: "lr", values: [0.001, 0.01]), Vary(key: "momentum", values: [0.5, 0.9])], starts: starts)
        XCTAssertEqual(sweep.lines[0].points.map(\.values), [[0.001, 0.5], [0.001, 0.9], [0.01, 0.5], [0.01, 0.9]])
        // Each point's ends are the runs from those starts with those settings, and its shares
        // count them.
        let momentum = try Optimizer.lookup("momentum")
        for point in sweep.lines[0].points {
            XCTAssertEqual(point.ends.count, 5)
            for (end, start) in zip(point.ends, starts) {
                var h = try RunSettings.resolve(problem: p, optimizer: momentum, given: ["steps": .integer(100)]).hyper
                (h.lr, h.momentum) = (point.values[0], point.values[1])
                XCTAssertEqual(end.theta, try RunConfiguration(problem: p, optimizer: momentum, hyper: h, start: start).ending().theta)
            }
            for code in Set(point.ends.map(\.outcome)) {
                XCTAssertEqual(point.share(code), Double(point.ends.filter { $0.outcome == code }.count) / 5)
            }
        }
    }

    /// The README's sweep: from the problem's start, gam ends in A up to ρ = 0.4 and in B from
    /// ρ = 0.45, following the minimum FOF rates flattest at its ρ; sam stays in A throughout.
    func testTwoValleyAcrossRho() throws {
        let p = try load("two-valley")
        let sweep = try Sweep(problem: p, optimizers: try ["sam", "gam"].map(Optimizer.lookup), given: [:],
                              varies: [Vary(key: "rho", values: Vary.linspace(0.05, 1, 20))])
        let a = try XCTUnwrap(sweep.minima.first { sweep.critical[$0].theta[0] > 0 }), b = try XCTUnwrap(sweep.minima.first { sweep.critical[$0].theta[0] < 0 })
        for (samPoint, gamPoint) in zip(sweep.lines[0].points, sweep.lines[1].points) {
            let rho = gamPoint.values[0]
            XCTAssertEqual(samPoint.ends[0].outcome, Outcome.minimum(a), "sam at ρ = \(rho)")
            XCTAssertEqual(gamPoint.ends[0].outcome, Outcome.minimum(rho < 0.425 ? a : b), "gam at ρ = \(rho)")
            // FOF at this ρ rates the minimum gam ends in flattest.
            let fofA = try p.oracle.fof(at: sweep.critical[a].theta, rho: rho).value, fofB = try p.oracle.fof(at: sweep.critical[b].theta, rho: rho).value
            XCTAssertEqual(fofA < fofB, rho < 0.425, "FOF at ρ = \(rho)")
        }
        // The description's crossover: FOF prefers B for ρ above about 0.40.
        for (rho, prefersB) in [(0.39, false), (0.41, true)] {
            let fofA = try p.oracle.fof(at: sweep.critical[a].theta, rho: rho).value, fofB = try p.oracle.fof(at: sweep.critical[b].theta, rho: rho).value
            XCTAssertEqual(fofB < fofA, prefersB, "FOF at ρ = \(rho)")
        }
    }

    /// The window, as lesson 4, the README and the description tell it: ZOF prefers B only from
    /// ρ ≈ 0.50 (it ties the minima at 0.5), FOF from 0.40; sam-exact, which takes ZOF's true
    /// worst point, stays in A while ZOF ties and reaches B's basin once ZOF clearly prefers it;
    /// one-step sam stays in A even there. Values away from the switches, so a run that could go
    /// either way is not pinned; the same with one thread and with two.
    func testTheZOFWindowAndTheExactVariant() throws {
        let p = try load("two-valley")
        let a = [1.0, 0.0], b = [-1.0, 0.0]
        func zof(_ theta: [Double], _ rho: Double) throws -> Double { try p.oracle.zof(at: theta, rho: rho).value }
        XCTAssertLessThan(try zof(a, 0.49), try zof(b, 0.49))
        XCTAssertGreaterThan(try zof(a, 0.51), try zof(b, 0.51))
        XCTAssertTrue(isTie(try zof(a, 0.5), try zof(b, 0.5)))
        let optimizers = try ["sam", "sam-exact"].map(Optimizer.lookup)
        let varies = [Vary(key: "rho", values: [0.45, 0.5, 0.7, 0.9])]
        let one = try Sweep(problem: p, optimizers: optimizers, given: [:], varies: varies, threads: 1)
        let two = try Sweep(problem: p, optimizers: optimizers, given: [:], varies: varies, threads: 2)
        let ia = try XCTUnwrap(one.minima.first { one.critical[$0].theta[0] > 0 }), ib = try XCTUnwrap(one.minima.first { one.critical[$0].theta[0] < 0 })
        let outcomes = { (s: Sweep, line: Int) in s.lines[line].points.map { $0.ends[0].outcome } }
        XCTAssertEqual(outcomes(one, 0), outcomes(two, 0))
        XCTAssertEqual(outcomes(one, 1), outcomes(two, 1))
        XCTAssertEqual(outcomes(one, 0), [Outcome.minimum(ia), Outcome.minimum(ia), Outcome.minimum(ia), Outcome.minimum(ia)], "sam")
        XCTAssertEqual(outcomes(one, 1), [Outcome.minimum(ia), Outcome.minimum(ia), Outcome.minimum(ib), Outcome.minimum(ib)], "sam-exact")
    }
}
