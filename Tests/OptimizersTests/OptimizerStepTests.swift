import Foundation
import Landscape
@testable import Optimizers
import XCTest

/// First steps of every rule against values derived by hand on a quadratic and a quartic.
final class OptimizerStepTests: XCTestCase {
    /// L = x² + 3y²: ∇L = (2x, 6y), H = diag(2, 6).
    nonisolated(unsafe) static let quadratic = try! Problem(toml: """
        variables = ["x", "y"]
        loss = "x^2 + 3 * y^2"
        [domain]
        x = [-2, 2]
        y = [-2, 2]
        """, file: "quadratic.toml")

    /// L = x⁴ + y⁴/4 + x·y: ∇L = (4x³ + y, y³ + x), H = [[12x², 1], [1, 3y²]].
    nonisolated(unsafe) static let quartic = try! Problem(toml: """
        variables = ["x", "y"]
        loss = "x^4 + y^4 / 4 + x * y"
        [domain]
        x = [-2, 2]
        y = [-2, 2]
        """, file: "quartic.toml")

    static func quarticGradient(_ t: [Double]) -> [Double] { [4 * pow(t[0], 3) + t[1], pow(t[1], 3) + t[0]] }
    static func quarticHessian(_ t: [Double]) -> [[Double]] { [[12 * t[0] * t[0], 1], [1, 3 * t[1] * t[1]]] }

    func step(_ name: String, _ p: Problem, from theta: [Double], configure: (inout Hyperparameters) -> Void = { _ in }) throws -> [Double] {
        var h = Hyperparameters()
        h.lr = 0.1
        h.rho = 0.2
        h.alpha = 0.7
        configure(&h)
        let optimizer = try Optimizer.lookup(name)
        var base = LaneBaseRule(BaseRule(kind: optimizer.impliedBase ?? h.base, momentum: h.momentum, weightDecay: h.weightDecay), dimension: theta.count)
        var t = theta
        base.step(&t, direction: try direction(name, h, p.oracle, at: theta).result.direction, lr: h.lr)
        return t
    }

    /// One direction as a run's first step takes it (a block of one lane).
    func direction(_ name: String, _ h: Hyperparameters, _ o: Oracle, at theta: [Double]) throws -> (result: DirectionResult, evaluations: Evaluations) {
        try Optimizer.lookup(name).firstDirection(h, oracle: o, at: theta)
    }

    func assertClose(_ a: [Double], _ b: [Double], _ tol: Double = 1e-13, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: tol * max(1, abs(y)), "\(a) vs \(b)", file: file, line: line) }
    }

    func testBaseRulesFirstSteps() throws {
        let q = Self.quadratic, theta = [1.0, -0.5]
        let g = [2.0, -3.0]
        assertClose(try step("gd", q, from: theta), [1 - 0.1 * 2, -0.5 + 0.1 * 3])
        // Coupled weight decay: d = g + wd·θ.
        assertClose(try step("gd", q, from: theta) { $0.weightDecay = 0.1 }, [1 - 0.1 * 2.1, -0.5 + 0.1 * 3.05])
        // Momentum's first step is a gd step (buffer = d); Nesterov's is (1 + μ)d.
        assertClose(try step("momentum", q, from: theta), [1 - 0.1 * 2, -0.5 + 0.1 * 3])
        assertClose(try step("nesterov", q, from: theta), [1 - 0.1 * 1.9 * 2, -0.5 + 0.1 * 1.9 * 3])
        // Adam's first step: m̂ = g, v̂ = g², so θ ← θ − lr·g/(|g| + ε).
        let adam = zip(theta, g).map { $0 - 0.1 * $1 / (abs($1) + 1e-8) }
        assertClose(try step("adam", q, from: theta), adam)
        // AdamW: θ(1 − lr·wd) first, then the Adam step of the plain gradient.
        let adamw = zip(theta, g).map { $0 * (1 - 0.1 * 0.5) - 0.1 * $1 / (abs($1) + 1e-8) }
        assertClose(try step("adamw", q, from: theta) { $0.weightDecay = 0.5 }, adamw)
    }

    /// The same first steps on the quartic x⁴ + xy + y⁴/4, whose gradient is (4x³ + y, y³ + x),
    /// and ASAM and GAM+SAM there: every ascent point's gradient by the closed form.
    func testFirstStepsOnTheQuartic() throws {
        let p = Self.quartic, theta = [0.7, -1.1], G = Self.quarticGradient
        let g = G(theta)
        assertClose(try step("gd", p, from: theta), zip(theta, g).map { $0 - 0.1 * $1 })
        assertClose(try step("gd", p, from: theta) { $0.weightDecay = 0.1 }, zip(theta, g).map { $0 - 0.1 * ($1 + 0.1 * $0) })
        assertClose(try step("momentum", p, from: theta), zip(theta, g).map { $0 - 0.1 * $1 })
        assertClose(try step("nesterov", p, from: theta), zip(theta, g).map { $0 - 0.1 * 1.9 * $1 })
        assertClose(try step("adam", p, from: theta), zip(theta, g).map { $0 - 0.1 * $1 / (abs($1) + 1e-8) })
        assertClose(try step("adamw", p, from: theta) { $0.weightDecay = 0.5 },
                    zip(theta, g).map { $0 * (1 - 0.1 * 0.5) - 0.1 * $1 / (abs($1) + 1e-8) })
        // ASAM with η = 0.3: e = ρ T² g / ‖T g‖, T = |θ| + η.
        let rho = 0.2, t = theta.map { abs($0) + 0.3 }
        let tg = zip(t, g).map { $0 * $1 }, tgn = (tg[0] * tg[0] + tg[1] * tg[1]).squareRoot()
        let asamPoint = (0..<2).map { theta[$0] + rho * t[$0] * t[$0] * g[$0] / tgn }
        // (davda54's + 1e-12 in ‖T g‖ moves the ascent point by ~1e-13 on this steep quartic.)
        assertClose(try step("asam", p, from: theta) { $0.eta = 0.3 }, zip(theta, G(asamPoint)).map { $0 - 0.1 * $1 }, 1e-11)
        // GAM+SAM: the gradient term is ∇L(θ + s ĝ); the flatness term as in GAM (checked
        // separately), so here the difference of the two optimizers is the SAM gradient.
        let s = 0.05, gn = (g[0] * g[0] + g[1] * g[1]).squareRoot()
        let samGrad = G((0..<2).map { theta[$0] + s * g[$0] / gn })
        let gam = try step("gam", p, from: theta), gamSam = try step("gam-sam", p, from: theta) { $0.samRho = s }
        // (ξ = 1e-12 in the code's normalisations moves the ascent point by ~1e-14; L″ ≈ 6 here.)
        assertClose((0..<2).map { gamSam[$0] - gam[$0] }, (0..<2).map { -0.1 * (samGrad[$0] - g[$0]) }, 1e-11)
    }

    func testMomentumSecondStep() {
        // b₁ = g₀, b₂ = μb₁ + g₁ (dampening 0); θ₂ = θ₁ − lr·b₂; Nesterov uses g₁ + μb₂.
        var rule = LaneBaseRule(BaseRule(kind: .momentum, momentum: 0.9), dimension: 1)
        var t = [1.0]
        rule.step(&t, direction: [2], lr: 0.1)
        rule.step(&t, direction: [1.6], lr: 0.1)
        XCTAssertEqual(t[0], 1 - 0.2 - 0.1 * (0.9 * 2 + 1.6), accuracy: 1e-15)
        var nesterov = LaneBaseRule(BaseRule(kind: .nesterov, momentum: 0.9), dimension: 1)
        var n = [1.0]
        nesterov.step(&n, direction: [2], lr: 0.1)
        nesterov.step(&n, direction: [1.6], lr: 0.1)
        XCTAssertEqual(n[0], 1 - 0.1 * 3.8 - 0.1 * (1.6 + 0.9 * (0.9 * 2 + 1.6)), accuracy: 1e-15)
        // Dampening τ = 0.25: torch starts the buffer undamped, b₁ = g₀, then b₂ = μb₁ + (1 − τ)g₁.
        var damped = LaneBaseRule(BaseRule(kind: .momentum, momentum: 0.9, dampening: 0.25), dimension: 1)
        var d = [1.0]
        damped.step(&d, direction: [2], lr: 0.1)
        damped.step(&d, direction: [1.6], lr: 0.1)
        XCTAssertEqual(d[0], 1 - 0.2 - 0.1 * (0.9 * 2 + 0.75 * 1.6), accuracy: 1e-15)
    }

    func testSAMAndASAMOnTheQuadratic() throws {
        let q = Self.quadratic, theta = [1.0, -0.5], rho = 0.2
        let g = [2.0, -3.0], gn = 13.0.squareRoot()
        let adv = [1 + rho * 2 / gn, -0.5 - rho * 3 / gn]
        assertClose(try step("sam", q, from: theta), [1 - 0.1 * 2 * adv[0], -0.5 - 0.1 * 6 * adv[1]])
        // ASAM, η = 0 (davda54 adaptive=True): e = ρ θ² g / ‖|θ| g‖.
        let tg = (pow(1 * 2, 2) + pow(0.5 * 3, 2)).squareRoot()
        let e = [rho * 1 * 2 / tg, rho * 0.25 * -3 / tg]
        let a = [1 + e[0], -0.5 + e[1]]
        assertClose(try step("asam", q, from: theta) { $0.eta = 0 }, [1 - 0.1 * 2 * a[0], -0.5 - 0.1 * 6 * a[1]])
        // ASAM, η = 0.3 (Kwon et al.): T = |θ| + η = (1.3, 0.8), e = ρ T² g / ‖T g‖.
        let t = [1.3, 0.8]
        let tgEta = (pow(t[0] * 2, 2) + pow(t[1] * 3, 2)).squareRoot()
        let eEta = [rho * t[0] * t[0] * 2 / tgEta, rho * t[1] * t[1] * -3 / tgEta]
        let aEta = [1 + eEta[0], -0.5 + eEta[1]]
        assertClose(try step("asam", q, from: theta) { $0.eta = 0.3 }, [1 - 0.1 * 2 * aEta[0], -0.5 - 0.1 * 6 * aEta[1]])
        _ = g
    }

    func testGAMOnTheQuadratic() throws {
        let q = Self.quadratic, theta = [1.0, -0.5], rho = 0.2, alpha = 0.7
        // f = Hg/‖g‖ ∝ (4, −18); θ_adv = θ + ρ f/‖f‖; h = ρ H∇L(θ_adv)/‖∇L(θ_adv)‖.
        let fn = (16.0 + 324).squareRoot()
        let adv = [1 + rho * 4 / fn, -0.5 - rho * 18 / fn]
        let ga = [2 * adv[0], 6 * adv[1]]
        let gan = (ga[0] * ga[0] + ga[1] * ga[1]).squareRoot()
        let h = [rho * 2 * ga[0] / gan, rho * 6 * ga[1] / gan]
        assertClose(try step("gam", q, from: theta), [1 - 0.1 * (2 + alpha * h[0]), -0.5 - 0.1 * (-3 + alpha * h[1])])
        // GAM+SAM: the gradient term is the SAM gradient of radius sam-rho.
        let sn = 13.0.squareRoot(), s = 0.05
        let samGrad = [2 * (1 + s * 2 / sn), 6 * (-0.5 - s * 3 / sn)]
        assertClose(try step("gam-sam", q, from: theta) { $0.samRho = s },
                    [1 - 0.1 * (samGrad[0] + alpha * h[0]), -0.5 - 0.1 * (samGrad[1] + alpha * h[1])])
    }

    func testGAMOnTheQuartic() throws {
        let p = Self.quartic, theta = [0.7, -1.1], rho = 0.2, alpha = 0.7
        let G = Self.quarticGradient, H = Self.quarticHessian
        func mv(_ m: [[Double]], _ v: [Double]) -> [Double] { m.map { $0[0] * v[0] + $0[1] * v[1] } }
        func n(_ v: [Double]) -> Double { (v[0] * v[0] + v[1] * v[1]).squareRoot() }
        let g = G(theta)
        let f = mv(H(theta), g.map { $0 / n(g) })
        let adv = [theta[0] + rho * f[0] / n(f), theta[1] + rho * f[1] / n(f)]
        let ga = G(adv)
        let h = mv(H(adv), ga).map { rho * $0 / n(ga) }
        assertClose(try step("gam", p, from: theta), [theta[0] - 0.1 * (g[0] + alpha * h[0]), theta[1] - 0.1 * (g[1] + alpha * h[1])], 1e-12)
        // SAM on the quartic.
        let sadv = [theta[0] + rho * g[0] / n(g), theta[1] + rho * g[1] / n(g)]
        let sg = G(sadv)
        assertClose(try step("sam", p, from: theta), [theta[0] - 0.1 * sg[0], theta[1] - 0.1 * sg[1]], 1e-12)
    }

    /// GAM with exact HVPs against the same algorithm with Hessian-vector products by central
    /// differences of the gradient.
    func testGAMHVPMatchesFiniteDifferences() throws {
        for p in [Self.quartic, Self.quadratic] {
            let o = p.oracle, theta = [0.3, 0.9], rho = 0.15, alpha = 0.4
            func hv(_ x: [Double], _ v: [Double]) -> [Double] {
                let e = 1e-5
                let a = o.gradient(zip(x, v).map { $0 + e * $1 }).gradient, b = o.gradient(zip(x, v).map { $0 - e * $1 }).gradient
                return zip(a, b).map { ($0 - $1) / (2 * e) }
            }
            func n(_ v: [Double]) -> Double { (v[0] * v[0] + v[1] * v[1]).squareRoot() }
            let g = o.gradient(theta).gradient
            let f = hv(theta, g.map { $0 / n(g) })
            let adv = zip(theta, f).map { $0 + rho * $1 / n(f) }
            let ga = o.gradient(adv).gradient
            let h = hv(adv, ga).map { rho * $0 / n(ga) }
            let expected = zip(g, h).map { $0 + alpha * $1 }
            var hyper = Hyperparameters()
            hyper.rho = rho
            hyper.alpha = alpha
            let (d, evaluations) = try direction("gam", hyper, o, at: theta)
            for (a, b) in zip(d.direction, expected) { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b))) }
            // Two passes of the H∇L tape (each L, ∇L and H∇L at once), at θ and at θ_adv; no
            // separate gradient pass.
            XCTAssertEqual(evaluations, { var e = Evaluations(); e.hvp = 2; return e }())
        }
    }

    /// The accelerated GAM of the authors' code, one step by hand on the quartic.
    func testGAMFastFollowsTheAuthorsAlgorithm() throws {
        let G = Self.quarticGradient
        let theta = [0.7, -1.1], r = 0.02, s = 0.2, b1 = 0.6, b2 = 0.5, b3 = 0.4, gamma = 0.03, xi = 1e-12
        func n(_ v: [Double]) -> Double { (v[0] * v[0] + v[1] * v[1]).squareRoot() }
        func plus(_ a: [Double], _ b: [Double], _ c: Double) -> [Double] { [a[0] + c * b[0], a[1] + c * b[1]] }
        let g0 = G(theta)
        let g1 = G(plus(theta, g0, r / (n(g0) + xi)))          // perturb_weights(0)
        let d = [g1[0] - g0[0], g1[1] - g0[1]]                 // grad_norm_ascent: g1 − g0
        let t2 = plus(theta, d, s / (n(d) + xi))
        let g2 = G(t2)
        let g3 = G(plus(t2, g2, r / (n(g2) + xi)))             // perturb_weights(1)
        let pro = plus(g0, g2, abs(b2))                        // gradient_decompose
        let new = plus([b1 * g1[0], b1 * g1[1]], g3, b3)
        let cosine = (pro[0] * new[0] + pro[1] * new[1]) / (n(new) * n(pro) + xi)
        let vertical = [pro[0] - cosine * n(pro) * new[0] / (n(new) + xi), pro[1] - cosine * n(pro) * new[1] / (n(new) + xi)]
        let direction = plus(new, vertical, -gamma)
        var hyper = Hyperparameters()
        hyper.lr = 0.1
        let (result, evaluations) = try self.direction("gam-fast", hyper, Self.quartic.oracle, at: theta)
        assertClose(result.direction, direction, 1e-12)
        XCTAssertEqual(evaluations.gradient, 4)
        XCTAssertEqual(evaluations.hvp, 0)
    }

    /// The exact variants use the exact argmax over the ball (Danskin's gradient).
    func testExactVariants() throws {
        let q = Self.quadratic, theta = [1.0, -0.5], rho = 0.2
        let (_, zArg) = try q.oracle.zof(at: theta, rho: rho)
        assertClose(try step("sam-exact", q, from: theta), [1 - 0.1 * 2 * zArg[0], -0.5 - 0.1 * 6 * zArg[1]])
        // For a quadratic the argmax of ‖∇L‖ = ‖Hθ'‖ lies on the boundary, where the SAM point
        // does not: the exact ascent goes further along the sharp direction than SAM's.
        let (_, fArg) = try q.oracle.fof(at: theta, rho: rho)
        XCTAssertEqual(((fArg[0] - 1) * (fArg[0] - 1) + (fArg[1] + 0.5) * (fArg[1] + 0.5)).squareRoot(), rho, accuracy: 1e-9)
        let ga = [2 * fArg[0], 6 * fArg[1]]
        let gan = (ga[0] * ga[0] + ga[1] * ga[1]).squareRoot()
        let h = [rho * 2 * ga[0] / gan, rho * 6 * ga[1] / gan]
        assertClose(try step("gam-exact", q, from: theta), [1 - 0.1 * (2 + 0.7 * h[0]), -0.5 - 0.1 * (-3 + 0.7 * h[1])], 1e-12)
    }

    func testSchedules() {
        XCTAssertEqual(Schedule.constant.rate(0.1, step: 7, of: 10), 0.1)
        XCTAssertEqual(Schedule.cosine.rate(0.1, step: 0, of: 10), 0.1)
        XCTAssertEqual(Schedule.cosine.rate(0.1, step: 5, of: 10), 0.05, accuracy: 1e-17)
        XCTAssertEqual(Schedule.step.rate(0.1, step: 3, of: 9), 0.01, accuracy: 1e-17)
        XCTAssertEqual(Schedule.step.rate(0.1, step: 2, of: 9), 0.1)
        XCTAssertEqual(Schedule.step.rate(0.1, step: 8, of: 9), 0.001, accuracy: 1e-18)
    }

    func testNoiseIsSeeded() throws {
        var h = Hyperparameters()
        h.noise = 0.1
        h.seed = 42
        let da = try direction("sgd", h, Self.quadratic.oracle, at: [1, 1]).result.direction
        let db = try direction("sgd", h, Self.quadratic.oracle, at: [1, 1]).result.direction
        h.seed = 43
        let dc = try direction("sgd", h, Self.quadratic.oracle, at: [1, 1]).result.direction
        XCTAssertEqual(da, db)
        XCTAssertNotEqual(da, dc)
        XCTAssertNotEqual(da, [2, 6])
    }

    /// Box–Muller variates have mean 0 and variance 1 (10⁵ draws: standard errors 0.003, 0.0045).
    func testGaussianMoments() {
        var g = Gaussian(seed: 9)
        let xs = (0..<100_000).map { _ in g.next() }
        let mean = xs.reduce(0, +) / Double(xs.count)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)
        XCTAssertEqual(mean, 0, accuracy: 0.015)
        XCTAssertEqual(variance, 1, accuracy: 0.025)
    }
}
