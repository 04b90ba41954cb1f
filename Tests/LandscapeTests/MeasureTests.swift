import Foundation
@testable import Landscape
import Numerics
import Symbolic
import XCTest

/// Exact ZOF and FOF against brute force, the second-order limits, and critical points.
final class MeasureTests: XCTestCase {
    /// Where gd with weight decay 0.02 ended on tiny-regression-wn (`lab run tiny-regression-wn
    /// --opt gd --weight-decay 0.02 --init-seed 1`), fixed here so no test depends on that chaotic run.
    static let weightNormEnd: [Double] = [-0.02105048285727592, -0.0353070011997976, -0.06459670765499288, 0.049105257940341054, 0.03299002842255609, -0.06433124167618978, 0.3401463991477839, 0.3404555442196337, 1.4772481750680444, 0.3409030729934752, 0.3403947082408379, 1.47546577024281, 0.00032800272268582604, 0.00121116553144002, 0.0023210115621028395, -0.00027418714552951206, -0.00027465290344310197, 0.0012954933248121177, 0.014066735454749828, 2.1429335441442876, -0.41465247682522366, -0.415390424451882, 0.5505382456055921, 0.4162052932095181, 0.41526326982504846, 0.5491819193535228]

    nonisolated(unsafe) static let twoValley1D = try! Problem(toml: """
        variables = ["x"]
        loss = "1 - exp(-(x + 2)^2 / 0.08) - exp(-(x - 2)^2 / 0.8)"
        [domain]
        x = [-4.0, 4.0]
        """, file: "valley.toml")

    nonisolated(unsafe) static let himmelblau = try! Problem(toml: """
        variables = ["x", "y"]
        loss = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
        [domain]
        x = [-5.0, 5.0]
        y = [-5.0, 5.0]
        """, file: "himmelblau.toml")

    nonisolated(unsafe) static let rastrigin = try! Problem(toml: """
        variables = ["x", "y"]
        loss = "20 + x^2 - 10 * cos(2 * pi * x) + y^2 - 10 * cos(2 * pi * y)"
        [domain]
        x = [-5.12, 5.12]
        y = [-5.12, 5.12]
        """, file: "rastrigin.toml")

    /// max of L (or |L′|) over [c − ρ, c + ρ]: a 20 001-point grid by batch evaluation, then
    /// golden-section refinement around the best grid point.
    func bruteForce1D(_ o: Oracle, gradientNorm: Bool, center c: Double, rho: Double) -> (value: Double, x: Double) {
        let n = 20_000
        let xs = (0...n).map { c - rho + 2 * rho * Double($0) / Double(n) }
        let out = o.gradientTape.evaluate(batch: [xs])
        let values = gradientNorm ? out[1].map(abs) : out[0]
        let k = values.indices.max { values[$0] < values[$1] }!
        let g: (Double) -> Double = { gradientNorm ? abs(o.gradient([$0]).gradient[0]) : o.loss([$0]) }
        let h = 2 * rho / Double(n)
        let refined = goldenMax(g, max(c - rho, xs[k] - h), min(c + rho, xs[k] + h))
        return g(refined) > values[k] ? (g(refined), refined) : (values[k], xs[k])
    }

    func goldenMax(_ g: (Double) -> Double, _ lo: Double, _ hi: Double) -> Double {
        var (a, b) = (lo, hi)
        let r = (5.0.squareRoot() - 1) / 2
        for _ in 0..<100 {
            let x1 = b - r * (b - a), x2 = a + r * (b - a)
            if g(x1) > g(x2) { b = x2 } else { a = x1 }
        }
        return (a + b) / 2
    }

    /// max of g over the disk: a 240 × 720 polar grid (batch evaluation), then alternating
    /// golden-section refinement in radius and angle from the best grid point.
    func bruteForce2D(_ o: Oracle, gradientNorm: Bool, center c: [Double], rho: Double) -> (value: Double, argmax: [Double]) {
        let nr = 240, na = 720
        var xs: [Double] = [], ys: [Double] = []
        for i in 0...nr {
            for j in 0..<na {
                let r = rho * Double(i) / Double(nr), phi = 2 * Double.pi * Double(j) / Double(na)
                xs.append(c[0] + r * cos(phi)); ys.append(c[1] + r * sin(phi))
            }
        }
        let out = o.gradientTape.evaluate(batch: [xs, ys])
        let value: (Int) -> Double = { gradientNorm ? (out[1][$0] * out[1][$0] + out[2][$0] * out[2][$0]).squareRoot() : out[0][$0] }
        let k = (0..<xs.count).max { value($0) < value($1) }!
        let g: (Double, Double) -> Double = { r, phi in
            let p = [c[0] + r * cos(phi), c[1] + r * sin(phi)]
            return gradientNorm ? norm(o.gradient(p).gradient) : o.loss(p)
        }
        var r = rho * Double(k / na) / Double(nr), phi = 2 * Double.pi * Double(k % na) / Double(na)
        let dr = rho / Double(nr), dphi = 2 * Double.pi / Double(na)
        for _ in 0..<30 {
            r = goldenMax({ g($0, phi) }, max(0, r - 2 * dr), min(rho, r + 2 * dr))
            phi = goldenMax({ g(r, $0) }, phi - 2 * dphi, phi + 2 * dphi)
        }
        let refined = g(r, phi)
        return refined > value(k) ? (refined, [c[0] + r * cos(phi), c[1] + r * sin(phi)]) : (value(k), [xs[k], ys[k]])
    }

    func test1DAgainstBruteForce() throws {
        let p = Self.twoValley1D, o = p.oracle
        let sharp = try Roots.brent({ o.gradient([$0]).gradient[0] }, in: -2.1, -1.9)
        var interiorFOF = false, boundaryZOF = false, interiorZOF = false
        for (c, rho) in [(sharp, 0.5), (sharp, 1.5), (1.9, 0.7), (-0.3, 1.0), (0.4, 3.0)] {
            let zof = try p.zof(at: [c], rho: rho), fof = try p.fof(at: [c], rho: rho)
            let bz = bruteForce1D(o, gradientNorm: false, center: c, rho: rho)
            let bf = bruteForce1D(o, gradientNorm: true, center: c, rho: rho)
            assertRelative(zof.value, bz.value - o.loss([c]), 1e-6, "ZOF at \(c), ρ \(rho)")
            assertRelative(fof.value, rho * bf.value, 1e-6, "FOF at \(c), ρ \(rho)")
            XCTAssertEqual(zof.argmax[0], bz.x, accuracy: 1e-4)
            XCTAssertEqual(fof.argmax[0], bf.x, accuracy: 1e-4)
            if abs(abs(fof.argmax[0] - c) - rho) > 1e-9 { interiorFOF = true }
            if abs(abs(zof.argmax[0] - c) - rho) < 1e-12 { boundaryZOF = true } else { interiorZOF = true }
        }
        XCTAssert(interiorFOF && boundaryZOF && interiorZOF, "both kinds of argmax are exercised")
    }

    func test2DAgainstBruteForce() throws {
        let p = Self.himmelblau, o = p.oracle
        var interior = (zof: false, fof: false), boundary = (zof: false, fof: false)
        for (c, rho) in [([3.0, 2.0], 0.3), ([0.5, 0.5], 1.0), ([-0.2, -0.8], 1.0), ([-3.0, -0.1], 0.6), ([-1.0, 2.0], 0.8)] {
            let zof = try p.zof(at: c, rho: rho), fof = try p.fof(at: c, rho: rho)
            let bz = bruteForce2D(o, gradientNorm: false, center: c, rho: rho)
            let bf = bruteForce2D(o, gradientNorm: true, center: c, rho: rho)
            assertRelative(zof.value, bz.value - o.loss(c), 1e-6, "ZOF at \(c), ρ \(rho)")
            assertRelative(fof.value, rho * bf.value, 1e-6, "FOF at \(c), ρ \(rho)")
            XCTAssertLessThan(distance(zof.argmax, bz.argmax), 1e-3, "ZOF argmax at \(c)")
            XCTAssertLessThan(distance(fof.argmax, bf.argmax), 1e-3, "FOF argmax at \(c)")
            if distance(zof.argmax, c) < rho * (1 - 1e-9) { interior.zof = true } else { boundary.zof = true }
            if distance(fof.argmax, c) < rho * (1 - 1e-9) { interior.fof = true } else { boundary.fof = true }
        }
        XCTAssert(interior.zof && interior.fof && boundary.zof && boundary.fof,
                  "interior and boundary argmax both exercised: \(interior) \(boundary)")
    }

    /// Rastrigin's ripples put many maxima of L and of ‖∇L‖ inside one ball; a few fixed seeds
    /// miss the interior ones, and FOF then even shrinks as ρ grows.
    func test2DRipplesAgainstBruteForce() throws {
        let p = Self.rastrigin, o = p.oracle
        for (c, rho) in [([2.2, -1.3], 0.5), ([-3.0366, -2.4339], 1.9316), ([0.0, 0.0], 0.5), ([0.0, 0.0], 0.55)] {
            let zof = try p.zof(at: c, rho: rho), fof = try p.fof(at: c, rho: rho)
            let bz = bruteForce2D(o, gradientNorm: false, center: c, rho: rho)
            let bf = bruteForce2D(o, gradientNorm: true, center: c, rho: rho)
            assertRelative(zof.value, bz.value - o.loss(c), 1e-6, "ZOF at \(c), ρ \(rho)")
            assertRelative(fof.value, rho * bf.value, 1e-6, "FOF at \(c), ρ \(rho)")
        }
        // max over a bigger ball can only be larger.
        XCTAssertGreaterThan(try p.fof(at: [0, 0], rho: 0.55).value / 0.55, try p.fof(at: [0, 0], rho: 0.5).value / 0.5 - 1e-9)
    }

    /// Average sharpness in 1-D against a trapezoid rule on 400 001 points over ±10σ, at the
    /// kink of a soft minimum of two valleys, where a fixed 64-point Gauss–Hermite rule was off
    /// by more than 1%.
    func testAverageSharpnessAtAKink() throws {
        let p = try Problem(toml: """
            variables = ["x"]
            loss = "-0.02 * log(exp(-(0.1 * (x + 1)^2 + 0.02 * ((x + 1) / 0.5)^8) / 0.02) + exp(-0.3 * (x - 1)^2 / 0.02))"
            [domain]
            x = [-2.5, 2.5]
            """, file: "kink.toml")
        let o = p.oracle
        for (x, sigma) in [(-0.15, 0.3), (0.3, 0.1), (-1.0, 0.3)] {
            let n = 400_000, h = 20 * sigma / Double(n)
            let ds = (0...n).map { -10 * sigma + Double($0) * h }
            let ls = o.lossTape.evaluate(batch: [ds.map { x + $0 }])[0]
            var e = 0.0
            for (k, d) in ds.enumerated() {
                let w = (k == 0 || k == n) ? 0.5 : 1.0
                e += w * h * exp(-d * d / (2 * sigma * sigma)) / (sigma * (2 * Double.pi).squareRoot()) * ls[k]
            }
            let m = try p.measures(at: [x], rho: 0.1, sigma: sigma)
            assertRelative(m.avgSharpness!, e - o.loss([x]), 1e-7, "average sharpness at \(x), σ \(sigma)")
        }
    }

    /// The expected shifted loss in 2-D against nested adaptive QAGS (GSL, one axis inside the
    /// other), on two-valley, whose ramp is 0.02 wide against σ = 0.4: a 64-point Gauss–Hermite
    /// rule was 0.2% off there.
    func testExpectedShiftedLossIn2DAgainstNestedQuadrature() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("problems")
        let p = try Problem.load(file: folder.appendingPathComponent("two-valley.toml").path)
        let o = p.oracle, sigma = 0.4, reach = 8 * sigma
        for theta in [[1.0, 0.0], [-1.0, 0.0], [0.3, 0.2]] {
            let outer = try Integrate.qags({ dx in
                (try? Integrate.qags({ dy in
                    exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) * o.loss([theta[0] + dx, theta[1] + dy])
                }, from: -reach, to: reach, epsAbs: 1e-15, epsRel: 1e-11).value) ?? .nan
            }, from: -reach, to: reach, epsAbs: 1e-14, epsRel: 1e-10).value / (2 * Double.pi * sigma * sigma)
            let lab = try XCTUnwrap(o.expectedShiftedLoss(theta, sigma: sigma))
            assertRelative(lab, outer, 1e-9, "E[L(θ+s)] at \(theta)")
        }
    }

    /// At a minimum, ZOF → ρ²λ_max/2 and FOF → ρ²λ_max as ρ → 0, with error O(ρ).
    func testSecondOrderLimits() throws {
        for (p, minimum) in [(Self.himmelblau, [3.0, 2.0]), (Self.twoValley1D, [1.9999999985])] {
            var previous = (zof: Double.infinity, fof: Double.infinity)
            for rho in [1e-1, 1e-2, 1e-3] {
                let m = try p.measures(at: minimum, rho: rho, sigma: 0.1)
                let ez = abs(m.zof / m.zofEstimate - 1), ef = abs(m.fof / m.fofEstimate - 1)
                XCTAssertLessThan(ez, previous.zof)
                XCTAssertLessThan(ef, previous.fof)
                previous = (ez, ef)
            }
            XCTAssertLessThan(previous.zof, 1e-2)
            XCTAssertLessThan(previous.fof, 1e-2)
        }
    }

    func testHessianSpectrumAndAverageSharpness() throws {
        // Himmelblau at (3, 2): H = [[74, 20], [20, 34]], eigenvalues 54 ± √800.
        let m = try Self.himmelblau.measures(at: [3, 2], rho: 0.1, sigma: 0.05)
        XCTAssertEqual(m.eigenvalues[0], 54 - 800.0.squareRoot(), accuracy: 1e-10)
        XCTAssertEqual(m.lambdaMax, 54 + 800.0.squareRoot(), accuracy: 1e-10)
        XCTAssertEqual(m.trace, 108, accuracy: 1e-10)
        // A quadratic: E[L(θ+δ)] − L(θ) = σ² tr(H)/2 exactly.
        let q = try Problem(toml: """
            variables = ["x", "y"]
            loss = "3 * x^2 + x * y + 0.5 * y^2 + x"
            [domain]
            x = [-1, 1]
            y = [-1, 1]
            """, file: "q.toml")
        let mq = try q.measures(at: [0.2, -0.4], rho: 0.1, sigma: 0.3)
        XCTAssertEqual(try XCTUnwrap(mq.avgSharpness), 0.09 * 7 / 2, accuracy: 1e-12)
    }

    func testCriticalPointsOfHimmelblau() throws {
        let points = try Self.himmelblau.criticalPoints()
        let kinds = Dictionary(grouping: points, by: \.kind).mapValues(\.count)
        XCTAssertEqual(kinds, [.minimum: 4, .saddle: 4, .maximum: 1])
        // Known minima (Himmelblau 1972), all with loss 0; the maximum at (−0.270845, −0.923039).
        let known = [[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]]
        for k in known {
            let m = try XCTUnwrap(points.first { $0.kind == .minimum && distance($0.theta, k) < 1e-5 }, "\(k)")
            XCTAssertLessThan(m.loss, 1e-20)
        }
        let max = try XCTUnwrap(points.first { $0.kind == .maximum })
        XCTAssertLessThan(distance(max.theta, [-0.270845, -0.923039]), 1e-5)
        XCTAssertEqual(max.loss, 181.617, accuracy: 1e-3)
        for p in points { XCTAssertLessThan(norm(Self.himmelblau.oracle.gradient(p.theta).gradient), 1e-9) }
    }

    func testCriticalPointsIn1D() throws {
        // L′ = 4x³ − 4x: minima ±1, maximum 0 for x⁴ − 2x²; x³ has a degenerate point at 0.
        let p = try Problem(toml: "variables = [\"x\"]\nloss = \"x^4 - 2 * x^2\"\n[domain]\nx = [-2, 2.5]", file: "w.toml")
        let c = try p.criticalPoints()
        XCTAssertEqual(c.map(\.kind), [.minimum, .maximum, .minimum])
        for (point, x) in zip(c, [-1.0, 0, 1]) { XCTAssertEqual(point.theta[0], x, accuracy: 1e-12) }
        let cubic = try Problem(toml: "variables = [\"x\"]\nloss = \"x^3\"\n[domain]\nx = [-1, 1.3]", file: "c.toml")
        XCTAssertEqual(try cubic.criticalPoints().map(\.kind), [.degenerate])
    }

    /// L = x² + 2y² + 3z²: at 0 and ρ = 0.5, ZOF = 3ρ² = 0.75 (along z) and FOF = ρ · 6ρ = 1.5.
    nonisolated(unsafe) static let bowl3 = try! Problem(toml: """
        variables = ["x", "y", "z"]
        loss = "x^2 + 2 * y^2 + 3 * z^2"
        [domain]
        x = [-1, 1]
        y = [-1, 1]
        z = [-1, 1]
        """, file: "bowl3.toml")

    func testMoreThanTwoVariablesGiveLowerBounds() throws {
        let m = try Self.bowl3.measures(at: [0, 0, 0], rho: 0.5, sigma: 0.1)
        XCTAssertFalse(m.exact)
        // True values: ZOF = 3ρ² = 0.75 (along z), FOF = ρ · 6ρ = 1.5.
        XCTAssertLessThanOrEqual(m.zof, 0.75 + 1e-12)
        XCTAssertGreaterThan(m.zof, 0.75 * 0.999)
        XCTAssertLessThanOrEqual(m.fof, 1.5 + 1e-12)
        XCTAssertGreaterThan(m.fof, 1.5 * 0.999)
        // Beyond 2-D the average sharpness is a seeded Monte Carlo mean: σ² tr H / 2 = 0.06 here.
        let error = try XCTUnwrap(m.avgSharpnessError)
        XCTAssertEqual(try XCTUnwrap(m.avgSharpness), 0.06, accuracy: 4 * error)
        XCTAssertLessThan(error, 0.01)
    }

    /// A worst point across sign flips, where no gradient from the centre points: ten
    /// coordinates at 0.01, each term (1 − tanh(v/0.001))² near 0 there and near 4 once v < 0.
    /// The maximum over the ball of radius 0.1 flips all ten (distance 0.063): 10·(1 + tanh(10))²,
    /// just under 40. Random starts and ascent alone flip a few (the terms are flat between).
    func testSignFlipsFindAWorstPointNoGradientShows() throws {
        let names = (0..<10).map { "v\($0)" }
        let p = try Problem(toml: """
            variables = [\(names.map { "\"\($0)\"" }.joined(separator: ", "))]
            loss = "\(names.map { "(1 - tanh(\($0) / 0.001))^2" }.joined(separator: " + "))"
            [domain]
            \(names.map { "\($0) = [-1.0, 1.0]" }.joined(separator: "\n"))
            """, file: "flips.toml")
        let center = [Double](repeating: 0.01, count: 10)
        let (zof, argmax) = try p.oracle.zof(at: center, rho: 0.1)
        let top = 10 * (1 + tanh(10.0)) * (1 + tanh(10.0)) - p.oracle.loss(center)
        XCTAssertEqual(zof, top, accuracy: 1e-6)
        XCTAssertLessThanOrEqual(zof, 40)
        XCTAssert(argmax.allSatisfy { $0 <= -0.01 + 1e-9 }, "\(argmax)")
        XCTAssertLessThanOrEqual(distance(argmax, center), 0.1 + 1e-12)
    }

    /// The critic's point: a weight-normalised network where gd with weight decay 0.02 ended
    /// (`lab run tiny-regression-wn --opt gd --weight-decay 0.02 --init-seed 1`, its end fixed
    /// here so the test does not depend on that chaotic run): flipping the two largest of the
    /// first layer's tiny v raises the loss to about 13, 0.005 away. ZOF and FOF at ρ = 0.05 must
    /// reach what an independent search found there (13.63 and 0.805), and each must be attained
    /// at its argmax, inside the ball.
    func testWeightNormFlipsAreFound() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("problems")
        let p = try Problem.load(file: folder.appendingPathComponent("tiny-regression-wn.toml").path)
        let theta = Self.weightNormEnd
        let zof = try p.oracle.zof(at: theta, rho: 0.05), fof = try p.oracle.fof(at: theta, rho: 0.05)
        XCTAssertGreaterThanOrEqual(zof.value, 13.6)
        XCTAssertGreaterThanOrEqual(fof.value, 0.80)
        XCTAssertEqual(p.oracle.loss(zof.argmax) - p.oracle.loss(theta), zof.value, accuracy: 1e-9)
        XCTAssertEqual(0.05 * norm(p.oracle.gradient(fof.argmax).gradient), fof.value, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(distance(zof.argmax, theta), 0.05 + 1e-12)
        XCTAssertLessThanOrEqual(distance(fof.argmax, theta), 0.05 + 1e-12)
    }

    func testSweepMatchesSinglePoints() throws {
        let s = try Self.twoValley1D.sweep(rhos: [0.2, 0.6, 1.0])
        XCTAssertEqual(s.minima.count, 2)
        for (i, m) in s.minima.enumerated() {
            for (k, rho) in s.rhos.enumerated() {
                XCTAssertEqual(s.zof[i][k], try Self.twoValley1D.zof(at: m, rho: rho).value)
                XCTAssertEqual(s.fof[i][k], try Self.twoValley1D.fof(at: m, rho: rho).value)
            }
        }
    }

    func assertRelative(_ a: Double, _ b: Double, _ tolerance: Double, _ message: String,
                        file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(abs(a - b), tolerance * max(abs(b), 1e-300), "\(message): \(a) vs \(b)", file: file, line: line)
    }

    /// A radius near the largest double once hung the ascent (its step 2ρ/64 overflowed to
    /// infinity, and halving infinity never ends): the measures come back, and the argmax lies
    /// in the ball as far as doubles can say.
    func testAHugeRadiusEnds() throws {
        let p = try Problem(toml: "variables = [\"x\", \"y\"]\nloss = \"(x^2 - 1)^2 + y^2\"\n[domain]\nx = [-2.0, 2.0]\ny = [-1.0, 1.0]\n", file: "bowl.toml")
        let m = try p.measures(at: [0.5, 0.2], rho: 1e308, sigma: 0.1)
        XCTAssertFalse(m.zof.isNaN)
        XCTAssertLessThanOrEqual(abs(m.zofArgmax[0] - 0.5), 1e308)
        XCTAssertLessThanOrEqual(abs(m.fofArgmax[1] - 0.2), 1e308)
    }
}
