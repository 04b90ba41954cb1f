@testable import Landscape
import XCTest

/// The basin rule against what is known in closed form.
final class BasinRuleTests: XCTestCase {
    /// L = (x² − 1)² + y²: minima at (±1, 0), a saddle at the origin. Gradient flow keeps the sign
    /// of x and sends y to 0, so a start's basin is the minimum on its side, and a start on x = 0
    /// flows to the saddle; each is checked in a block of many lanes and alone.
    func testFlowFollowsTheSignOfX() throws {
        let p = try Problem(toml: "variables = [\"x\", \"y\"]\nloss = \"(x^2 - 1)^2 + y^2\"\n[domain]\nx = [-2, 2]\ny = [-1, 1]", file: "w.toml")
        let critical = try p.criticalPoints()
        let rule = BasinRule(problem: p, critical: critical)
        var r = SplitMix64(seed: 11)
        let points = (0..<300).map { _ in [-2 + 4 * r.uniform(), -1 + 2 * r.uniform()] } + [[0, 0.7], [1, 0], [-0.05, -0.9]]
        let basins = rule.basins(of: points)
        for (x, b) in zip(points, basins) {
            let basin = try XCTUnwrap(b, "\(x)")
            let expected = x[0] == 0 ? [0.0, 0] : [x[0] > 0 ? 1.0 : -1, 0]
            XCTAssertEqual(basin.theta[0], expected[0], accuracy: 1e-6, "\(x)")
            XCTAssertEqual(basin.theta[1], expected[1], accuracy: 1e-6, "\(x)")
            XCTAssertEqual(basin.kind, x[0] == 0 ? .saddle : .minimum, "\(x)")
            XCTAssertEqual(basin.distance, distance(basin.theta, x), accuracy: 1e-12)
            XCTAssertEqual(basin.reached, basin.distance < 1e-3 * p.diagonal)
        }
        // A lane computes the same alone as among others.
        for i in [0, 7, 300] { XCTAssertEqual(rule.basins(of: [points[i]])[0]?.index, basins[i]?.index) }
    }

    /// The end-of-run rules on hand-made ends: a stall, a two-step cycle, a trap at the saddle.
    func testStalledCyclingTrapped() throws {
        let p = try Problem(toml: "variables = [\"x\", \"y\"]\nloss = \"(x^2 - 1)^2 + y^2\"\n[domain]\nx = [-2, 2]\ny = [-1, 1]", file: "w.toml")
        let rule = BasinRule(problem: p, critical: try p.criticalPoints())
        let minimum = Basin(index: 0, theta: [1, 0], kind: .minimum, distance: 0.5, reached: false)
        // Moved 0.004 over the window, less than 1% of the 0.5 left: stalled, not cycling.
        let stall = PathEnd(ranAllSteps: true, end: [0.5, 0], windowStart: [0.496, 0], previous: [0.4999, 0], twoBack: [0.4998, 0])
        XCTAssertTrue(BasinRule.stalled(stall, basin: minimum))
        XCTAssertFalse(BasinRule.cycling(stall, basin: minimum))
        // Steps of 0.1 back and forth: cycling, so not stalled; a converged run is neither.
        let cycle = PathEnd(ranAllSteps: true, end: [0.5, 0.05], windowStart: [0.5, 0.05], previous: [0.5, -0.05], twoBack: [0.5, 0.05])
        XCTAssertTrue(BasinRule.cycling(cycle, basin: minimum))
        XCTAssertFalse(BasinRule.stalled(cycle, basin: minimum))
        let converged = PathEnd(ranAllSteps: false, end: [0.5, 0.05], windowStart: [0.5, 0.05], previous: [0.5, -0.05], twoBack: [0.5, 0.05])
        XCTAssertFalse(BasinRule.cycling(converged, basin: minimum))
        // Within 2% of the diagonal (√20 · 0.02 ≈ 0.089) of the saddle at both ends of the window: trapped.
        let trap = rule.trapped(PathEnd(ranAllSteps: true, end: [0.05, 0.02], windowStart: [-0.06, 0], previous: nil, twoBack: nil))
        XCTAssertEqual(trap?.kind, .saddle)
        XCTAssertEqual(trap?.distance ?? 0, distance([0.05, 0.02], [0, 0]), accuracy: 1e-6)
        XCTAssertNil(rule.trapped(PathEnd(ranAllSteps: true, end: [0.05, 0.02], windowStart: [-0.1, 0], previous: nil, twoBack: nil)))
        XCTAssertEqual(BasinRule.stallWindowStart(points: 301), 270)
        XCTAssertNil(BasinRule.stallWindowStart(points: 10))
    }
}
