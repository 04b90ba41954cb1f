@testable import Experiments
import Foundation
import Landscape
import Optimizers
import Symbolic
import XCTest

/// Every optimizer is one rule over a block of lanes; a single run is a block of one. A lane's
/// arithmetic must depend on that lane alone: a block of many starts ends, start by start, on
/// the bits of the run from that start alone, for every optimizer, with and without gradient
/// noise, on a landscape and on a network fitted to data.
final class LanesTests: XCTestCase {
    func assertBlockEqualsSingleRuns(_ p: Problem, _ optimizer: Optimizer, _ hyper: Hyperparameters, starts: [[Double]],
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let block = try LaneRuns(problem: p, optimizer: optimizer, hyper: hyper).endings(starts)
        for (k, start) in starts.enumerated() {
            let single = try RunConfiguration(problem: p, optimizer: optimizer, hyper: hyper, start: start).ending()
            XCTAssertEqual(block[k].theta.map(\.bitPattern), single.theta.map(\.bitPattern), "\(optimizer) from \(start)", file: file, line: line)
            XCTAssertEqual(block[k].status, single.status, "\(optimizer) from \(start)", file: file, line: line)
            XCTAssertEqual(block[k].updates, single.updates, "\(optimizer) from \(start)", file: file, line: line)
            XCTAssertNotEqual(block[k].theta, start, "\(optimizer) from \(start) did not move", file: file, line: line)
        }
        XCTAssertEqual(Set(block.map(\.theta)).count, starts.count, "\(optimizer): two lanes ended alike", file: file, line: line)
    }

    /// The lane oracle's loss alone (a tape of one output, beside the gradient tapes' 1 + n) over
    /// a block of a 19-parameter network: each lane the oracle's loss at that point.
    func testLaneLossOnANetwork() throws {
        let p = try load("tiny-regression")
        let n = p.dimension, w = Lanes.width, m = 9
        let oracle = LaneOracle(p.oracle)
        let theta = LaneBuffer(dimension: n), loss = LaneBuffer(count: w)
        var points: [[Double]] = []
        for lane in 0..<m {
            let point = (0..<n).map { i in p.defaultStart[i] + 0.01 * Double(lane) * Double(i % 5 - 2) }
            for i in 0..<n { theta[i * w + lane] = point[i] }
            points.append(point)
        }
        oracle.loss(theta.pointer, count: m, into: loss.pointer)
        for (lane, point) in points.enumerated() { XCTAssertEqual(loss[lane].bitPattern, p.oracle.loss(point).bitPattern, "lane \(lane)") }
    }

    /// Every first-order optimizer over 12 starts of two-valley (some converge, some diverge at
    /// a large learning rate, the rest run all their steps), and again with gradient noise.
    func testEveryOptimizerOnALandscape() throws {
        let p = try load("two-valley")
        let starts: [[Double]] = (0..<12).map { (k: Int) -> [Double] in
            let t = Double(k)
            return [-2 + 4 * t / 11, 0.55 - 0.1 * t]
        }
        for optimizer in Optimizer.all where !optimizer.searchesBall {
            for (lr, noise) in [(0.1, 0.0), (1.9, 0.0), (0.1, 0.05)] {
                var h = try RunSettings.resolve(problem: p, optimizer: optimizer, given: ["steps": .integer(60)]).hyper
                (h.lr, h.noise) = (lr, noise)
                try assertBlockEqualsSingleRuns(p, optimizer, h, starts: starts)
            }
        }
    }

    /// The exact variants (the ball searched lane by lane) over a few starts and steps.
    func testExactVariants() throws {
        let p = try load("two-valley")
        for optimizer in Optimizer.all where optimizer.searchesBall {
            var h = try RunSettings.resolve(problem: p, optimizer: optimizer, given: ["steps": .integer(4)]).hyper
            h.lr = 0.1
            try assertBlockEqualsSingleRuns(p, optimizer, h, starts: [[-1.5, 0.2], [0.3, -0.4], [1.2, 0.1]])
        }
    }

    /// A 19-parameter network fitted to data: its tapes are means over rows, and GAM's H∇L comes
    /// from a gradient pass and an HVP along it.
    func testEveryOptimizerOnANetwork() throws {
        let p = try load("tiny-regression")
        let starts = try (0..<3).map { try XCTUnwrap(p.model?.initialization(seed: UInt64($0))) }
        for optimizer in Optimizer.all where !optimizer.searchesBall {
            var h = try RunSettings.resolve(problem: p, optimizer: optimizer, given: ["steps": .integer(15)]).hyper
            h.noise = optimizer.name == "sgd" ? 0.1 : 0
            try assertBlockEqualsSingleRuns(p, optimizer, h, starts: starts)
        }
    }
}
