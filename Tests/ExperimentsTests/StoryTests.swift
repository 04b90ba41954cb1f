import Experiments
import Foundation
import Landscape
import Optimizers
import XCTest

/// The stories the catalog tells, run from the problems' own defaults.
final class StoryTests: XCTestCase {
    func load(_ name: String) throws -> Problem {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("problems")
        return try Problem.load(file: folder.appendingPathComponent("\(name).toml").path)
    }

    func basin(_ p: Problem, _ name: String, critical: [CriticalPoint], tweak: (inout Hyperparameters) -> Void = { _ in },
               start: [Double]? = nil) throws -> [Double]? {
        var h = try RunSettings.resolve(problem: p, optimizer: Optimizer.lookup(name), flags: [:]).hyper
        tweak(&h)
        let r = try RunConfiguration(problem: p, optimizer: try Optimizer.lookup(name), hyper: h, start: start ?? p.defaults.vector("start")!)
            .run(criticalPoints: critical)
        return r.final.basin?.theta
    }

    /// Two-valley: gd and sam end in the sharp minimum at 0, gam in the flat one at 2.3 (within
    /// 0.02, loss below 0.01, not stalled on the plateau); the outcome survives ±20% changes of
    /// the learning rate and of α, and a start moved by ±0.005.
    func testTwoValley() throws {
        let p = try load("two-valley")
        let critical = try p.criticalPoints()
        func end(_ name: String, tweak: (inout Hyperparameters) -> Void = { _ in }, start: [Double]? = nil) throws -> (Double, Double) {
            var h = try RunSettings.resolve(problem: p, optimizer: Optimizer.lookup(name), flags: [:]).hyper
            tweak(&h)
            let r = try RunConfiguration(problem: p, optimizer: try Optimizer.lookup(name), hyper: h, start: start ?? p.defaults.vector("start")!)
                .run(criticalPoints: critical)
            return (r.final.theta[0], r.final.loss)
        }
        for (dlr, dalpha, dx) in [(1.0, 1.0, 0.0), (0.8, 1.0, 0.0), (1.2, 1.0, 0.0), (1.0, 0.8, 0.0), (1.0, 1.2, 0.0),
                                  (1.0, 1.0, -0.005), (1.0, 1.0, 0.005)] {
            let start = [p.defaults.vector("start")![0] + dx]
            let tweak: (inout Hyperparameters) -> Void = { $0.lr *= dlr; $0.alpha *= dalpha }
            let label = "lr ×\(dlr), α ×\(dalpha), start \(start[0])"
            let gd = try end("gd", tweak: tweak, start: start), sam = try end("sam", tweak: tweak, start: start)
            let gam = try end("gam", tweak: tweak, start: start)
            XCTAssertEqual(gd.0, 0, accuracy: 1e-3, label)
            XCTAssertEqual(sam.0, 0, accuracy: 0.01, label)
            XCTAssertEqual(gam.0, 2.3, accuracy: 0.02, label)
            XCTAssertLessThan(gam.1, 0.01, label)
        }
    }

    /// Sharp-flat: gd and sam end in the sharp minimum at −1, gam in the flat one at 0.5; and
    /// the outcome survives ±20% changes of the learning rate and of α, and a start moved by ±0.03.
    func testSharpFlat() throws {
        let p = try load("sharp-flat")
        let critical = try p.criticalPoints()
        func at(_ theta: [Double]?) -> Double? { theta.map { ($0[0] * 1e6).rounded() / 1e6 } }
        XCTAssertEqual(at(try basin(p, "gd", critical: critical)), -1)
        XCTAssertEqual(at(try basin(p, "sam", critical: critical)), -1)
        XCTAssertEqual(at(try basin(p, "gam", critical: critical)), 0.5)
        for (dlr, dalpha, dx) in [(0.8, 1.0, 0.0), (1.2, 1.0, 0.0), (1.0, 0.8, 0.0), (1.0, 1.2, 0.0), (1.0, 1.0, -0.03), (1.0, 1.0, 0.03)] {
            let start = [p.defaults.vector("start")![0] + dx]
            let tweak: (inout Hyperparameters) -> Void = { $0.lr *= dlr; $0.alpha *= dalpha }
            XCTAssertEqual(at(try basin(p, "gd", critical: critical, tweak: tweak, start: start)), -1, "\(dlr) \(dalpha) \(dx)")
            XCTAssertEqual(at(try basin(p, "sam", critical: critical, tweak: tweak, start: start)), -1, "\(dlr) \(dalpha) \(dx)")
            XCTAssertEqual(at(try basin(p, "gam", critical: critical, tweak: tweak, start: start)), 0.5, "\(dlr) \(dalpha) \(dx)")
        }
    }

    /// With the file's weight decay gd ends in the sharp minimum (lower test loss); without it,
    /// in the flat one (higher test loss).
    func testWeightDecay() throws {
        let p = try load("weight-decay")
        let critical = try p.criticalPoints()
        var h = try RunSettings.resolve(problem: p, optimizer: Optimizer.lookup("gd"), flags: [:]).hyper
        let start = p.defaults.vector("start")!
        let regularised = try RunConfiguration(problem: p, optimizer: Optimizer.named("gd")!, hyper: h, start: start).run(criticalPoints: critical)
        h.weightDecay = 0
        let plain = try RunConfiguration(problem: p, optimizer: Optimizer.named("gd")!, hyper: h, start: start).run(criticalPoints: critical)
        XCTAssertEqual(try XCTUnwrap(regularised.final.basin).theta[0], 0.5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(plain.final.basin).theta[0], 3, accuracy: 1e-9)
        let sharp = try p.oracle.eigenvalues([0.5])[0], flat = try p.oracle.eigenvalues([3])[0]
        XCTAssertGreaterThan(sharp, 10 * flat)
        XCTAssertLessThan(try XCTUnwrap(regularised.final.testLoss), try XCTUnwrap(plain.final.testLoss))
    }

    /// A large learning rate on Rosenbrock diverges, keeping a finite trajectory.
    func testRosenbrockDiverges() throws {
        let p = try load("rosenbrock")
        var h = try RunSettings.resolve(problem: p, optimizer: Optimizer.lookup("gd"), flags: [:]).hyper
        h.lr = 0.01
        let r = try RunConfiguration(problem: p, optimizer: Optimizer.named("gd")!, hyper: h, start: p.defaults.vector("start")!).run(criticalPoints: [])
        XCTAssertEqual(r.status, .diverged)
        XCTAssert(r.trajectory.allSatisfy { $0.loss.isFinite && $0.theta.allSatisfy(\.isFinite) })
        XCTAssertEqual(r.divergence?.step, r.trajectory.count)
        XCTAssertNil(r.final.basin)
        // The default learning rate converges towards (1, 1).
        let ok = try RunConfiguration(problem: p, optimizer: Optimizer.named("gd")!, hyper: try RunSettings.resolve(problem: p, optimizer: Optimizer.lookup("gd"), flags: [:]).hyper,
                                      start: p.defaults.vector("start")!).run(criticalPoints: [])
        XCTAssertNotEqual(ok.status, .diverged)
    }
}
