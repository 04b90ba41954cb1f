import Foundation
import Symbolic
import XCTest

final class IntervalTests: XCTestCase {
    /// Every function and operator over seeded random boxes: the interval must contain the value
    /// at every one of 400 points of the box (the graph's own point evaluation, ends included),
    /// and must not be much wider than what the points show, so an answer of "anything" fails.
    func testIntervalsContainEveryValueAndAreTight() throws {
        let expressions = Function.allCases.map { "\($0.rawValue)(x)" }
            + ["x^2", "x^3", "x^-2", "x^0.5", "x^-1.5", "x^y", "x / y", "x * y", "x - y", "-x + 2 * y", "exp(x) * sin(3 * y)"]
        var rng = SeededGenerator(seed: 17)
        for text in expressions {
            let g = Graph()
            let x = g.variable("x"), y = g.variable("y")
            let root = try g.parse(text, scope: NameScope(variables: ["x", "y"]))
            let program = IntervalProgram(graph: g, outputs: [root], inputs: [x, y])
            for _ in 0..<80 {
                let centre = (Double.random(in: -4...4, using: &rng), Double.random(in: -4...4, using: &rng))
                let width = [1e-6, 0.01, 0.3, 2, 7].randomElement(using: &rng)!
                let box = [Interval(centre.0 - width, centre.0 + width), Interval(centre.1 - width / 2, centre.1 + width / 2)]
                let bound = program.bounds(box).values[0]
                var seen = (lo: Double.infinity, hi: -Double.infinity), outsideDomain = false
                // The four corners, the points where a function has an interior extremum (0 for
                // abs, cosh and x², multiples of π/2 for sin and cos), then random points.
                let special = (-6...6).map { Double($0) * Double.pi / 2 }.filter { box[0].contains($0) }
                for k in 0..<(204 + special.count) {
                    let (t, s) = k < 4 ? (Double(k % 2), Double(k / 2)) : (Double.random(in: 0...1, using: &rng), Double.random(in: 0...1, using: &rng))
                    // Clipped: lo + 1 · (hi − lo) can round past hi.
                    var point = [min(box[0].lo + t * (box[0].hi - box[0].lo), box[0].hi), min(box[1].lo + s * (box[1].hi - box[1].lo), box[1].hi)]
                    if k >= 204 { point[0] = special[k - 204] }
                    let v = g.evaluate([root], variables: point)[0]
                    guard !v.isNaN else { outsideDomain = true; continue }
                    XCTAssert(bound.contains(v), "\(text) over \(box): \(v) at \(point) is outside \(bound)")
                    seen = (min(seen.lo, v), max(seen.hi, v))
                }
                // Tight where each variable is used once (no dependency problem): within 1% of
                // the range the points show (they may miss a sin peak between them by less). Not
                // where the box leaves the domain: the edge (sqrt's 0) is then between the points.
                guard text != "exp(x) * sin(3 * y)", !outsideDomain, seen.lo.isFinite, seen.hi.isFinite, bound.isFinite else { continue }
                let slack = 0.01 * (seen.hi - seen.lo) + 1e-12 * max(abs(seen.lo), abs(seen.hi), 1)
                XCTAssertGreaterThanOrEqual(bound.lo, seen.lo - slack, "\(text) over \(box): \(bound) vs \(seen)")
                XCTAssertLessThanOrEqual(bound.hi, seen.hi + slack, "\(text) over \(box): \(bound) vs \(seen)")
            }
        }
    }

    /// The closed forms a sampler cannot pin down: the peaks of sin and cos, tan's poles, a
    /// division by an interval around 0, and the jump flag of sign and step.
    func testPeaksPolesAndJumps() {
        XCTAssertEqual(Interval(1, 2).apply(.sin).hi, 1)  // π/2 inside
        XCTAssertEqual(Interval(3, 3.5).apply(.sin).lo, sin(3.5), accuracy: 1e-14)
        XCTAssertEqual(Interval(3, 3.5).apply(.cos).lo, -1)  // π inside
        XCTAssertEqual(Interval(-7, -6).apply(.cos).hi, 1)  // −2π inside
        XCTAssertEqual(Interval(1.5, 1.6).apply(.tan), .entire)  // π/2 inside
        XCTAssertEqual(Interval(1, 1.5).apply(.tan).hi, tan(1.5), accuracy: 1e-12)
        XCTAssertEqual(Interval(1) / Interval(-1, 1), .entire)
        XCTAssertEqual(Interval(-2, 3).power(2).lo, 0)
        XCTAssertEqual(Interval(-2, 3).power(2).hi, 9, accuracy: 1e-12)
        XCTAssertEqual(Interval(-1, -0.5).apply(.log), .entire)
        XCTAssertEqual(Interval(-1, 4).apply(.sqrt).hi, 2, accuracy: 1e-15)
        let g = Graph()
        let x = g.variable("x")
        let kink = IntervalProgram(graph: g, outputs: [g.gradient(of: g.apply(.relu, x), wrt: [x])[0]], inputs: [x])
        XCTAssertFalse(kink.bounds([Interval(-1, 1)]).smooth)
        XCTAssertTrue(kink.bounds([Interval(0.5, 1)]).smooth)
        XCTAssertEqual(kink.bounds([Interval(-1, 1)]).values[0], Interval(0, 1))
    }
}
