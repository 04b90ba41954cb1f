import Landscape
@testable import Optimizers
import Symbolic
import XCTest

/// LaneMath's loops run in C (`ctape_lane_*`, AVX-512 where the processor has it): each must give,
/// lane by lane, the bits of the same operations written out in Swift one number at a time, on
/// ordinary and extreme numbers (±0, subnormals, huge, ±∞, NaN), for every count of lanes up to
/// a block (so every vector tail), with outputs that are also inputs.
final class LaneMathTests: XCTestCase {
    /// Equal bits, or both NaN (a NaN's payload is not part of the contract).
    func same(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    func testTheKernelsAgreeWithScalarSwift() {
        var generator = SplitMix64(seed: 7)
        let specials: [Double] = [0, -0.0, 1, -1, 5e-324, -2.2e-308, 1e300, -1e300, .infinity, -.infinity, .nan, 0.1, 3]
        func value() -> Double {
            generator.next() % 5 == 0 ? specials[Int(generator.next() % UInt64(specials.count))]
                : (Double(generator.next() % 2_000_001) / 1_000_000 - 1) * pow(10, Double(Int(generator.next() % 7) - 3))
        }
        let n = 3, w = Lanes.width
        for m in [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 255, 256] {
            let a = LaneBuffer(dimension: n), b = LaneBuffer(dimension: n), c = LaneBuffer(count: w), out = LaneBuffer(dimension: n)
            for k in 0..<(n * w) { (a[k], b[k]) = (value(), value()) }
            for p in 0..<w { c[p] = value() }
            func check(_ name: String, _ expected: (Int, Int) -> Double, _ got: LaneBuffer, components: Int = n) {
                for i in 0..<components { for p in 0..<m where !same(got[i * w + p], expected(i, p)) {
                    XCTFail("\(name), \(m) lanes: lane \(p) component \(i): \(got[i * w + p]) against \(expected(i, p))")
                    return
                } }
            }
            LaneMath.scaled(b.pointer, c.pointer, dimension: n, count: m, into: out.pointer)
            check("scaled", { i, p in b[i * w + p] * c[p] }, out)
            LaneMath.addScaled(a.pointer, b.pointer, c.pointer, dimension: n, count: m, into: out.pointer)
            check("addScaled", { i, p in a[i * w + p] + b[i * w + p] * c[p] }, out)
            LaneMath.addTimes(a.pointer, b.pointer, 0.7, dimension: n, count: m, into: out.pointer)
            check("addTimes", { i, p in a[i * w + p] + b[i * w + p] * 0.7 }, out)
            LaneMath.guardedRatio(0.2, c.pointer, count: m, into: out.pointer)
            check("guardedRatio", { _, p in 0.2 / (c[p] + xi) }, out, components: 1)
            LaneMath.norm(a.pointer, dimension: n, count: m, into: out.pointer)
            check("norm", { _, p in (((0 + a[p] * a[p]) + a[w + p] * a[w + p]) + a[2 * w + p] * a[2 * w + p]).squareRoot() }, out, components: 1)
            LaneMath.dot(a.pointer, b.pointer, dimension: n, count: m, into: out.pointer)
            check("dot", { _, p in ((0 + a[p] * b[p]) + a[w + p] * b[w + p]) + a[2 * w + p] * b[2 * w + p] }, out, components: 1)
            XCTAssertEqual(LaneMath.countBelow(c.pointer, 0.05, count: m), (0..<m).filter { c[$0] < 0.05 }.count)
            // In place: out is b.
            let before = (0..<(n * w)).map { b[$0] }
            LaneMath.scaled(b.pointer, c.pointer, dimension: n, count: m, into: b.pointer)
            check("scaled in place", { i, p in before[i * w + p] * c[p] }, b)
            // Gradient descent's update, active lanes only.
            let theta = (0..<(n * w)).map { a[$0] }, active = (0..<w).map { _ in generator.next() % 3 != 0 }
            active.withUnsafeBufferPointer { LaneMath.descend(a.pointer, b.pointer, lr: 0.05, active: $0.baseAddress!, dimension: n, count: m) }
            check("descend", { i, p in active[p] ? theta[i * w + p] - 0.05 * b[i * w + p] : theta[i * w + p] }, a)
            // The divergence flags: a loss not finite, or a coordinate outside [low, high] or NaN.
            let (low, high) = ([-5.0, -1e3, -1], [5.0, 1e3, 1])
            let bad = LaneBuffer(count: w)
            let flagged = LaneMath.flagBad(loss: c.pointer, theta: a.pointer, low: low, high: high, dimension: n, count: m, into: bad.pointer)
            let expected = (0..<m).map { p in
                (c[p].isFinite ? 0 : 1) + (0..<n).filter { i in !(a[i * w + p] >= low[i]) }.count + (0..<n).filter { i in !(a[i * w + p] <= high[i]) }.count
            }
            check("flagBad", { _, p in Double(expected[p]) }, bad, components: 1)
            XCTAssertEqual(flagged, expected.filter { $0 > 0 }.count, "\(m) lanes flagged")
        }
    }
}
