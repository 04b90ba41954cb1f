import Foundation
@testable import Landscape
import Numerics
import XCTest

/// The catalog in problems/: every file loads, and each landscape's checkable claims hold.
final class CatalogTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("problems")

    func load(_ name: String) throws -> Problem {
        try Problem.load(file: Self.folder.appendingPathComponent("\(name).toml").path)
    }

    func testEveryFileLoadsWithTitleDescriptionAndDefaults() throws {
        let names = Catalog(folders: [Self.folder]).names()
        XCTAssertEqual(names, ["covered-valleys", "himmelblau", "logistic-boundary", "rastrigin", "relu-orbit", "rosenbrock", "scale-symmetry", "tiny-regression", "tiny-regression-wn", "trend-valley", "two-valley",
                               "two-valley-2d", "wayburn-seader", "weight-decay"])
        for name in names {
            let p = try load(name)
            XCTAssertEqual(p.name, name)
            XCTAssertFalse(p.title.isEmpty || p.title == name, name)
            // A short paragraph for readers: what the landscape is and what to try.
            XCTAssertGreaterThan(p.summary.count, 100, name)
            XCTAssertLessThanOrEqual(p.summary.count, 700, name)
            // A model starts from its seeded initialisation.
            XCTAssertTrue(p.defaults.vector("start") != nil || p.model?.initialization != nil, name)
            XCTAssertNotNil(p.defaults.number("lr"), name)
            XCTAssertNotNil(p.defaults.number("rho"), name)
        }
    }

    /// A minimum given in closed form: the gradient vanishes there, the loss has the stated
    /// value, and the Hessian is positive definite.
    func assertMinimum(_ p: Problem, at theta: [Double], loss: Double, file: StaticString = #filePath, line: UInt = #line) throws {
        let (l, g) = p.oracle.gradient(theta)
        XCTAssertEqual(l, loss, accuracy: 1e-12, "loss at \(theta)", file: file, line: line)
        XCTAssertLessThan(norm(g), 1e-9, "gradient at \(theta): \(g)", file: file, line: line)
        XCTAssertGreaterThan(try p.oracle.eigenvalues(theta).first!, 0, file: file, line: line)
    }

    func testHimmelblau() throws {
        let p = try load("himmelblau")
        try assertMinimum(p, at: [3, 2], loss: 0)
        // The other three minima are irrational; all have loss 0 (Himmelblau 1972).
        let minima = try p.criticalPoints().filter { $0.kind == .minimum }
        XCTAssertEqual(minima.count, 4)
        for m in minima { XCTAssertLessThan(m.loss, 1e-20) }
        // "the minimum near (-3.78, -3.28) is the sharpest and the one near (-2.81, 3.13) the flattest"
        let sorted = minima.sorted { $0.eigenvalues.last! < $1.eigenvalues.last! }
        XCTAssertLessThan(distance(sorted.first!.theta, [-2.81, 3.13]), 0.01)
        XCTAssertLessThan(distance(sorted.last!.theta, [-3.78, -3.28]), 0.01)
    }

    func testRosenbrock() throws {
        let p = try load("rosenbrock")
        try assertMinimum(p, at: [1, 1], loss: 0)
        // H(1, 1) = [[802, −400], [−400, 200]]: eigenvalues 501 ± √250601 ≈ 0.3994 and 1001.6.
        let e = try p.oracle.eigenvalues([1, 1])
        XCTAssertEqual(e[0], 501 - 250601.0.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(e[1], 501 + 250601.0.squareRoot(), accuracy: 1e-9)
    }

    func testRastrigin() throws {
        let p = try load("rastrigin")
        try assertMinimum(p, at: [0, 0], loss: 0)
        // λ = 2 + 40π² in each direction at the origin.
        let e = try p.oracle.eigenvalues([0, 0])
        XCTAssertEqual(e[1], 2 + 40 * Double.pi * Double.pi, accuracy: 1e-9)
    }

    func testWayburnSeader() throws {
        let p = try load("wayburn-seader")
        try assertMinimum(p, at: [1, 2], loss: 0)
        // The second minimum: 2x + y = 4 and x⁶ + y⁴ = 17, so x⁶ + (4 − 2x)⁴ = 17 for x ≈ 1.597.
        let x = try Roots.brent({ pow($0, 6) + pow(4 - 2 * $0, 4) - 17 }, in: 1.5, 1.7)
        try assertMinimum(p, at: [x, 4 - 2 * x], loss: 0)
        // "their curvatures differ": the second is the sharper.
        XCTAssertGreaterThan(try p.oracle.eigenvalues([x, 4 - 2 * x]).last!, 3 * (try p.oracle.eigenvalues([1, 2]).last!))
    }

    func testScaleSymmetry() throws {
        let p = try load("scale-symmetry")
        // Along a·b = 1 at (t, 1/t): loss 0, gradient 0, eigenvalues 0 and 2(t² + 1/t²); the
        // test loss (ab − 1.1)² is 0.01 everywhere on the curve.
        for t in [0.5, 1.0, 1.7, 2.5] {
            let theta = [t, 1 / t]
            let (l, g) = p.oracle.gradient(theta)
            XCTAssertEqual(l, 0, accuracy: 1e-25)
            XCTAssertLessThan(norm(g), 1e-12)
            let e = try p.oracle.eigenvalues(theta)
            XCTAssertEqual(e[0], 0, accuracy: 1e-12)
            XCTAssertEqual(e[1], 2 * (t * t + 1 / (t * t)), accuracy: 1e-12)
            XCTAssertEqual(try XCTUnwrap(p.oracle.testLoss(theta)), 0.01, accuracy: 1e-14)
        }
        // `lab analyze` finds points along the curve, all degenerate (one zero eigenvalue).
        let critical = try p.criticalPoints()
        XCTAssertGreaterThan(critical.count, 10)
        for c in critical {
            XCTAssertEqual(c.kind, .degenerate)
            XCTAssertEqual(c.theta[0] * c.theta[1], 1, accuracy: 1e-9)
        }
    }

    /// Two-valley: minima at (±1, 0) with loss 0 (to 1e-12: the wells' tails), curvature
    /// 2·0.0144/0.36·(1 − e^(−4/0.36)) along the floor at both, and across it
    /// w·0.1 + (1 − w)·0.62 with w = exp(−e^(−2(x − 0.5))): 0.2601 at A, 0.62 at B; both
    /// profiles are 0.0254 at |y| = 0.5.
    func testTwoValley() throws {
        let p = try load("two-valley")
        try assertMinimum(p, at: [1, 0], loss: 0)
        try assertMinimum(p, at: [-1, 0], loss: 0)
        let floor = 2 * 0.0144 / 0.36 * (1 - exp(-4 / 0.36))
        func w(_ x: Double) -> Double { exp(-exp(-2 * (x - 0.5))) }
        for (x, across) in [(1.0, w(1) * 0.1 + (1 - w(1)) * 0.62), (-1.0, w(-1) * 0.1 + (1 - w(-1)) * 0.62)] {
            let e = try p.oracle.eigenvalues([x, 0])
            XCTAssertEqual(e.sorted()[0], min(floor, across), accuracy: 1e-7, "x = \(x)")
            XCTAssertEqual(e.sorted()[1], max(floor, across), accuracy: 1e-7, "x = \(x)")
        }
        // The rims match at ρ = 0.5: on B's side the loss is the funnel, on A's the mix.
        let funnel = 0.0062 * ((1 + 100 * 0.25).squareRoot() - 1)
        XCTAssertEqual(p.oracle.loss([-1, 0.5]), funnel, accuracy: 1e-9)
        XCTAssertEqual(funnel, 0.0254, accuracy: 1e-4)
        XCTAssertEqual(p.oracle.loss([1, 0.5]), funnel, accuracy: 1e-4)
        // The saddle between them.
        let saddle = try XCTUnwrap(try p.criticalPoints().first { $0.kind == .saddle })
        XCTAssertEqual(distance(saddle.theta, [0, 0]), 0, accuracy: 1e-6)
        XCTAssertEqual(saddle.loss, 0.0144 * pow(1 - exp(-1 / 0.36), 2), accuracy: 1e-9)
    }

    func testTrendValley() throws {
        let p = try load("trend-valley")
        // The soft minimum of rim and rise is within 1e-25 of 0 at both minima.
        for x in [-1.0, 1.0] {
            let (l, g) = p.oracle.gradient([x])
            XCTAssertEqual(l, 0, accuracy: 1e-20)
            XCTAssertLessThan(abs(g[0]), 1e-12)
        }
        // Near each minimum the loss is its own formula: rim at x = −0.5 is 0.1·0.25 + 0.02 = 0.045,
        // rise at x = 1.5 is 0.3·0.25 = 0.075: the ZOF values the description quotes.
        XCTAssertEqual(p.oracle.loss([-0.5]), 0.045, accuracy: 1e-12)
        XCTAssertEqual(p.oracle.loss([1.5]), 0.075, accuracy: 1e-12)
    }

    func testTwoValley2D() throws {
        let p = try load("two-valley-2d")
        try assertMinimum(p, at: [-1.5, 0], loss: 0)
        try assertMinimum(p, at: [1.5, 0], loss: 0)
        // Left: diag(0.5, 16) · (1 − e^{−4.6·9}); right: 9.2 · (1 − e^{−0.25·9}) in both directions.
        let left = try p.oracle.eigenvalues([-1.5, 0]), right = try p.oracle.eigenvalues([1.5, 0])
        let f = 1 - exp(-2.25)
        XCTAssertEqual(left[0], 0.5, accuracy: 1e-9)
        XCTAssertEqual(left[1], 16, accuracy: 1e-9)
        XCTAssertEqual(right[0], 9.2 * f, accuracy: 1e-9)
        XCTAssertEqual(right[1], 9.2 * f, accuracy: 1e-9)
        // "The Hessian traces are equal": within 1%.
        XCTAssertEqual(left.reduce(0, +), right.reduce(0, +), accuracy: 0.01 * 16.5)
    }

    /// The description's numbers: 19 parameters in torch's order, 24 training and 200 test rows,
    /// and "keeps fitting": after the default 2000 gam steps the gradient is still far from 0
    /// and descent from the end finds no stationary point nearby.
    func testTinyRegression() throws {
        let p = try load("tiny-regression")
        let m = try XCTUnwrap(p.model)
        XCTAssertEqual(p.dimension, 19)
        XCTAssertEqual(m.blocks.map(\.name), ["w1", "b1", "w2", "b2"])
        XCTAssertEqual(m.blocks.map(\.shape), [[6, 1], [6], [1, 6], [1]])
        XCTAssertEqual(m.train.rowCount, 24)
        XCTAssertEqual(m.test?.rowCount, 200)
        XCTAssertTrue(m.train.values[0].allSatisfy { (-3...3).contains($0) })
        // The noise: residuals of the rule have about the stated standard deviation.
        let residuals = zip(m.train.values[0], m.train.values[1]).map { $1 - (Foundation.sin(1.7 * $0) + 0.3 * $0) }
        let sd = (residuals.map { $0 * $0 }.reduce(0, +) / 24).squareRoot()
        XCTAssertEqual(sd, 0.1, accuracy: 0.05)
        // "Keeps fitting": plain descent from the torch-like start is still far from stationary
        // after 2000 steps of lr 0.1, and no stationary point lies within 5% of the diagonal.
        var theta = p.defaultStart
        for _ in 0..<2000 { theta = zip(theta, p.oracle.gradient(theta).gradient).map { $0 - 0.1 * $1 } }
        XCTAssertGreaterThan(norm(p.oracle.gradient(theta).gradient), 1e-4)
        XCTAssertNil(try p.stationaryPoint(from: theta))
    }

    /// relu-orbit's numbers against closed forms: the least-squares product c = Σxy/Σx² over the
    /// rows with x > 0, equal losses along a·b = c, and λ_max = 2m(a² + b²) there.
    func testReluOrbit() throws {
        let p = try load("relu-orbit")
        let m = try XCTUnwrap(p.model)
        var xy = 0.0, xx = 0.0
        for (x, y) in zip(m.train.values[0], m.train.values[1]) where x > 0 {
            xy += x * y
            xx += x * x
        }
        let c: Double = xy / xx, second: Double = xx / 24
        XCTAssertEqual(c, 2.005, accuracy: 0.0005)
        let root: Double = c.squareRoot()
        let orbit: [[Double]] = [[root, root], [4, c / 4], [c / 4, 4], [0.5, 2 * c]]
        let train = p.oracle.loss(orbit[0]), test = try XCTUnwrap(p.oracle.testLoss(orbit[0]))
        XCTAssertEqual(train, 0.00826, accuracy: 5e-6)
        XCTAssertEqual(test, 0.00955, accuracy: 5e-6)
        for theta in orbit {
            XCTAssertEqual(p.oracle.loss(theta), train, accuracy: 1e-12)
            XCTAssertEqual(try XCTUnwrap(p.oracle.testLoss(theta)), test, accuracy: 1e-12)
            XCTAssertLessThan(norm(p.oracle.gradient(theta).gradient), 1e-10)
            let lambda: Double = try p.oracle.eigenvalues(theta).last!
            let closedForm: Double = 2 * second * (theta[0] * theta[0] + theta[1] * theta[1])
            XCTAssertEqual(lambda, closedForm, accuracy: 1e-9 * lambda)
        }
        XCTAssertEqual(try p.oracle.eigenvalues(orbit[0]).last!, 4.06, accuracy: 0.005)
        let atStart: Double = 2 * second * 16.25
        XCTAssertEqual(atStart, 16.5, accuracy: 0.05)
        // "ZOF and FOF change with it": threefold from the balanced point to (4, c/4), at ρ = 0.1.
        let balanced = try p.measures(at: orbit[0], rho: 0.1, sigma: 0.1), skewed = try p.measures(at: orbit[1], rho: 0.1, sigma: 0.1)
        XCTAssertGreaterThan(skewed.zof, 3 * balanced.zof)
        XCTAssertGreaterThan(skewed.fof, 3 * balanced.fof)
    }

    /// logistic-boundary: the fit, its λ_max and test loss against the Bayes optimum (the test
    /// loss at the true boundary), and the 1/τ growth with the labels redrawn at other τ.
    func testLogisticBoundary() throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent("logistic-boundary.toml"), encoding: .utf8)
        var products: [Double] = [], fofs: [Double] = [], zofs: [Double] = []
        for (tau, lambda) in [(0.05, 6.31), (0.1, 3.68), (0.2, 1.81), (0.4, 0.80)] {
            let p = try Problem(toml: text.replacingOccurrences(of: "/ 0.1)\"", with: "/ \(tau))\""), file: "logistic-boundary.toml")
            let minima = try p.criticalPoints().filter { $0.kind == .minimum }
            XCTAssertEqual(minima.count, 1, "τ = \(tau)")
            let fit = try XCTUnwrap(minima.first)
            let m = try p.measures(at: fit.theta, rho: 0.05, sigma: 0.1)
            XCTAssertEqual(m.lambdaMax, lambda, accuracy: 0.005, "τ = \(tau)")
            products.append(m.lambdaMax * tau)
            (fofs, zofs) = (fofs + [m.fof], zofs + [m.zof])
            let bayes = try XCTUnwrap(p.oracle.testLoss([1 / tau, 0.5]))
            let test = try XCTUnwrap(m.testLoss)
            XCTAssertLessThan(abs(test - bayes), 0.035 * bayes, "τ = \(tau)")
            if tau == 0.1 {
                XCTAssertEqual(fit.theta[0], 11.8, accuracy: 0.05)
                XCTAssertEqual(fit.theta[1], 0.511, accuracy: 0.0005)
                XCTAssertEqual(test, 0.1062, accuracy: 0.00005)
                XCTAssertEqual(bayes, 0.1057, accuracy: 0.00005)
                XCTAssertLessThan(abs(test - bayes), 0.01 * bayes)
            }
        }
        XCTAssertTrue(products.allSatisfy { (0.31...0.37).contains($0) }, "\(products)")
        // ZOF and FOF fall as τ grows, as λ_max does.
        XCTAssertEqual(fofs, fofs.sorted(by: >))
        XCTAssertEqual(zofs, zofs.sorted(by: >))
    }

    func testWeightDecay() throws {
        let p = try load("weight-decay")
        try assertMinimum(p, at: [0.5], loss: 0)
        try assertMinimum(p, at: [3], loss: 0)
        XCTAssertEqual(try p.oracle.eigenvalues([3])[0], 2 * (1 - exp(-312.5)), accuracy: 1e-9)
        XCTAssertEqual(try p.oracle.eigenvalues([0.5])[0], 100 * (1 - exp(-6.25)), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(p.oracle.testLoss([0.5])), 0.025, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(p.oracle.testLoss([3])), 0.9, accuracy: 1e-12)
        XCTAssertEqual(p.defaults.number("weight-decay"), 0.5)
    }
}
