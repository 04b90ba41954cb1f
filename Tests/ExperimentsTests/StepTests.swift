@testable import Experiments
import Foundation
import Landscape
import Optimizers
import XCTest

/// `lab step` against SAM and GAM written out by hand from their papers, with derivatives by
/// hand, on landscapes no test tuned: Himmelblau's function and a tilted double well; and the
/// ball's worst and steepest points against a brute-force search of the ball.
final class StepTests: XCTestCase {
    /// Himmelblau: L = (x² + y − 11)² + (x + y² − 7)², its gradient and Hessian by hand.
    static func loss(_ t: [Double]) -> Double { let (x, y) = (t[0], t[1]); return pow(x * x + y - 11, 2) + pow(x + y * y - 7, 2) }
    static func gradient(_ t: [Double]) -> [Double] {
        let (x, y) = (t[0], t[1]), a = x * x + y - 11, b = x + y * y - 7
        return [4 * x * a + 2 * b, 2 * a + 4 * y * b]
    }
    static func hessian(_ t: [Double]) -> [[Double]] {
        let (x, y) = (t[0], t[1]), a = x * x + y - 11, b = x + y * y - 7
        return [[4 * a + 8 * x * x + 2, 4 * x + 4 * y], [4 * x + 4 * y, 2 + 4 * b + 8 * y * y]]
    }
    /// Himmelblau's function as a problem of its own (not the catalog's file, whose defaults the
    /// tests do not lean on).
    func himmelblauCopy() throws -> Problem {
        try problem("variables = [\"x\", \"y\"]\nloss = \"(x^2 + y - 11)^2 + (x + y^2 - 7)^2\"\n[domain]\nx = [-5.0, 5.0]\ny = [-5.0, 5.0]\n", "himmelblau-copy")
    }

    func problem(_ toml: String, _ name: String) throws -> Problem {
        try Problem(toml: toml, file: "\(name).toml")
    }

    func norm(_ v: [Double]) -> Double { v.map { $0 * $0 }.reduce(0, +).squareRoot() }
    func times(_ h: [[Double]], _ v: [Double]) -> [Double] { h.map { row in zip(row, v).map { $0 * $1 }.reduce(0, +) } }

    func assertClose(_ a: [Double]?, _ b: [Double], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let a else { return XCTFail("\(message): nil", file: file, line: line) }
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: 1e-9 * max(1, abs(v)), message, file: file, line: line) }
    }

    /// One SAM and one GAM step at several points of Himmelblau's function, against Foret et
    /// al.'s probe θ + ρ g/‖g‖ and Algorithm 1 of Zhang et al., computed here by hand.
    func testSAMAndGAMStepsAgainstTheirAlgorithms() throws {
        let p = try himmelblauCopy()
        let (L, grad, hess) = (StepTests.loss, StepTests.gradient, StepTests.hessian)
        let xi = 1e-12
        for (theta, rho, lr, alpha) in [([0.3, -1.2], 0.3, 0.004, 0.3), ([-2.1, 2.7], 0.15, 0.002, 0.8), ([3.4, 1.6], 0.5, 0.001, 0.5)] {
            let g = grad(theta)
            let flags: [String: SettingValue] = ["start": .vector(theta), "rho": .number(rho), "lr": .number(lr), "alpha": .number(alpha)]
            // SAM: e = ρ g/(‖g‖ + ξ), direction ∇L(θ + e), next θ − lr·direction.
            let sam = try Optimizer.lookup("sam")
            let s = try RunConfiguration(problem: p, optimizer: sam, settings: RunSettings.resolve(problem: p, optimizer: sam, given: flags)).explainStep(0)
            let probe = zip(theta, g).map { $0 + rho * $1 / (norm(g) + xi) }
            assertClose(s.theta, theta, "θ")
            assertClose(s.gradient, g, "g")
            assertClose(s.probe, probe, "SAM's probe at \(theta)")
            assertClose(s.direction, grad(probe), "SAM's direction at \(theta)")
            assertClose(s.next, zip(theta, grad(probe)).map { $0 - lr * $1 }, "SAM's next θ at \(theta)")
            XCTAssertEqual(s.zofEstimate!, L(probe) - L(theta), accuracy: 1e-9 * max(1, L(theta)))
            XCTAssertNil(s.correction)
            // GAM, Algorithm 1: f = H g/(‖g‖ + ξ), θ_adv = θ + ρ f/(‖f‖ + ξ),
            // h = ρ H(θ_adv) ∇L(θ_adv)/(‖∇L(θ_adv)‖ + ξ), direction g + α h.
            let gam = try Optimizer.lookup("gam")
            let t = try RunConfiguration(problem: p, optimizer: gam, settings: RunSettings.resolve(problem: p, optimizer: gam, given: flags)).explainStep(0)
            let f = times(hess(theta), g).map { $0 / (norm(g) + xi) }
            let adv = zip(theta, f).map { $0 + rho * $1 / (norm(f) + xi) }
            let ga = grad(adv)
            let h = times(hess(adv), ga).map { rho * $0 / (norm(ga) + xi) }
            let direction = zip(g, h).map { $0 + alpha * $1 }
            assertClose(t.probe, adv, "GAM's θ_adv at \(theta)")
            assertClose(t.correction, h.map { alpha * $0 }, "GAM's α·h_norm at \(theta)")
            assertClose(t.direction, direction, "GAM's direction at \(theta)")
            assertClose(t.next, zip(theta, direction).map { $0 - lr * $1 }, "GAM's next θ at \(theta)")
            XCTAssertEqual(t.fofEstimate!, rho * norm(ga), accuracy: 1e-9 * max(1, rho * norm(ga)))
            // Plain gd probes nowhere; its direction is g.
            let gd = try Optimizer.lookup("gd")
            let d = try RunConfiguration(problem: p, optimizer: gd, settings: RunSettings.resolve(problem: p, optimizer: gd,
                                                                                                   given: ["start": .vector(theta), "lr": .number(lr)])).explainStep(0)
            XCTAssertNil(d.probe)
            assertClose(d.direction, g, "gd")
        }
    }

    /// The worst and steepest points attain the ball's maxima of L and ‖∇L‖, found here by a
    /// brute-force polar grid of the disc (2-D) and a fine grid of the interval (1-D).
    func testWorstAndSteepestPointsAgainstBruteForce() throws {
        let p = try himmelblauCopy()
        let (L, grad) = (StepTests.loss, StepTests.gradient)
        let gd = try Optimizer.lookup("gd")
        for (theta, rho) in [([0.3, -1.2], 0.4), ([2.9, 2.1], 0.25)] {
            let s = try RunConfiguration(problem: p, optimizer: gd, settings: RunSettings.resolve(problem: p, optimizer: gd,
                                                                                                   given: ["start": .vector(theta), "rho": .number(rho)])).explainStep(0)
            var worst = -Double.infinity, steepest = -Double.infinity
            for i in 0...200 {
                let r = rho * Double(i) / 200
                for j in 0..<720 {
                    let phi = 2 * Double.pi * Double(j) / 720
                    let q = [theta[0] + r * cos(phi), theta[1] + r * sin(phi)]
                    worst = max(worst, L(q))
                    steepest = max(steepest, norm(grad(q)))
                }
            }
            XCTAssertLessThanOrEqual(hypot(s.zofArgmax[0] - theta[0], s.zofArgmax[1] - theta[1]), rho * (1 + 1e-9))
            XCTAssertLessThanOrEqual(hypot(s.fofArgmax[0] - theta[0], s.fofArgmax[1] - theta[1]), rho * (1 + 1e-9))
            XCTAssertEqual(L(s.zofArgmax) - L(theta), s.zof, accuracy: 1e-9 * max(1, s.zof))
            XCTAssertEqual(rho * norm(grad(s.fofArgmax)), s.fof, accuracy: 1e-9 * max(1, s.fof))
            // No point of the grid beats them (the grid's spacing bounds how close it gets).
            XCTAssertGreaterThanOrEqual(s.zof + L(theta), worst - 1e-9 * abs(worst))
            XCTAssertLessThan(s.zof + L(theta) - worst, 1e-3 * max(1, abs(worst)))
            XCTAssertGreaterThanOrEqual(s.fof, rho * steepest - 1e-9 * steepest)
            XCTAssertLessThan(s.fof - rho * steepest, 1e-3 * max(1, rho * steepest))
        }
    }

    /// 1-D, a tilted double well L = x⁴/4 − x² + 0.3x: SAM's probe is θ + ρ sign(L′), GAM's
    /// θ + ρ sign(L″ L′), and the interval's worst point beats a fine grid.
    func testOneDimensionalStep() throws {
        let p = try problem("""
            variables = ["x"]
            loss = "x^4 / 4 - x^2 + 0.3 * x"
            [domain]
            x = [-2.5, 2.5]
            """, "tilted-well")
        let L = { (x: Double) in pow(x, 4) / 4 - x * x + 0.3 * x }
        let d1 = { (x: Double) in pow(x, 3) - 2 * x + 0.3 }, d2 = { (x: Double) in 3 * x * x - 2 }
        let (theta, rho, lr, alpha) = (0.45, 0.6, 0.05, 0.4)
        let flags: [String: SettingValue] = ["start": .vector([theta]), "rho": .number(rho), "lr": .number(lr), "alpha": .number(alpha)]
        let sam = try Optimizer.lookup("sam"), gam = try Optimizer.lookup("gam")
        let s = try RunConfiguration(problem: p, optimizer: sam, settings: RunSettings.resolve(problem: p, optimizer: sam, given: flags)).explainStep(0)
        let probe = theta + rho * d1(theta) / (abs(d1(theta)) + 1e-12)
        assertClose(s.probe, [probe], "SAM's probe")
        assertClose(s.next, [theta - lr * d1(probe)], "SAM's next θ")
        let t = try RunConfiguration(problem: p, optimizer: gam, settings: RunSettings.resolve(problem: p, optimizer: gam, given: flags)).explainStep(0)
        let f = d2(theta) * d1(theta) / (abs(d1(theta)) + 1e-12)
        let adv = theta + rho * f / (abs(f) + 1e-12)
        let h = rho * d2(adv) * d1(adv) / (abs(d1(adv)) + 1e-12)
        assertClose(t.probe, [adv], "GAM's θ_adv")
        assertClose(t.next, [theta - lr * (d1(theta) + alpha * h)], "GAM's next θ")
        let grid = (0...20000).map { theta - rho + 2 * rho * Double($0) / 20000 }
        XCTAssertEqual(s.zof + L(theta), grid.map(L).max()!, accuracy: 1e-6)
        XCTAssertEqual(s.fof, rho * grid.map { abs(d1($0)) }.max()!, accuracy: 1e-6)
    }

    /// Step K of a run is the run's own step K: the same θ and next θ, bit for bit, with
    /// momentum's buffer carried; a step beyond the run is refused.
    func testRunToIsTheRunsStep() throws {
        let p = try himmelblauCopy()
        let gam = try Optimizer.lookup("gam")
        let settings = try RunSettings.resolve(problem: p, optimizer: gam, given: ["start": .vector([0.5, 0.5]), "lr": .number(0.002),
                                                                                   "base": .word("momentum"), "steps": .integer(30), "rho": .number(0.2)])
        let config = RunConfiguration(problem: p, optimizer: gam, settings: settings)
        let run = try config.run()
        let s = try config.explainStep(12)
        XCTAssertEqual(s.theta.map(\.bitPattern), run.trajectory[12].theta.map(\.bitPattern))
        XCTAssertEqual(s.next.map(\.bitPattern), run.trajectory[13].theta.map(\.bitPattern))
        XCTAssertEqual(s.probe!.map(\.bitPattern), run.trajectory[12].probe!.map(\.bitPattern))
        XCTAssertThrowsError(try config.explainStep(30)) { e in
            XCTAssertEqual("\(e)", "--run-to 30 is beyond the run: it takes 30 steps (0 to 29); give a larger --steps")
        }
    }
}
