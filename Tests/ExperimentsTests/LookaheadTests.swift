@testable import Experiments
import Foundation
import Landscape
import Optimizers
import XCTest

/// Lookahead, the optimizer added as one file and one registry line, against hand computations
/// of Zhang et al. (2019)'s Algorithm 1 as torch-optimizer's `Lookahead` runs it.
final class LookaheadTests: XCTestCase {
    /// L = 1.5 x² + 0.5 y², so a gd step multiplies x by c = 1 − 3 lr and y by 1 − lr.
    nonisolated(unsafe) static let bowl = try! Problem(toml: """
        variables = ["x", "y"]
        loss = "1.5 * x^2 + 0.5 * y^2"
        [domain]
        x = [-2, 2]
        y = [-2, 2]
        """, file: "bowl.toml")

    func trajectory(_ base: String, k: Int, alpha: Double, lr: Double, steps: Int, from start: [Double]) throws -> [[Double]] {
        let lookahead = try Optimizer.lookup("lookahead")
        var flags: [String: SettingValue] = ["lookahead-k": .integer(k), "lookahead-alpha": .number(alpha), "lr": .number(lr),
                                             "steps": .integer(steps), "base": .word(base)]
        flags["start"] = .vector(start)
        let settings = try RunSettings.resolve(problem: Self.bowl, optimizer: lookahead, given: flags)
        let run = try RunConfiguration(problem: Self.bowl, optimizer: lookahead, hyper: settings.hyper, start: start).run()
        return run.trajectory.map(\.theta)
    }

    /// With gd: k = 3 fast steps x ← c x, then φ ← φ + α(x − φ), x ← φ; seven steps in closed form.
    func testGDBaseInClosedForm() throws {
        let (lr, alpha, x0) = (0.1, 0.5, [1.0, -0.8])
        let t = try trajectory("gd", k: 3, alpha: alpha, lr: lr, steps: 7, from: x0)
        for (i, c) in [1 - 3 * lr, 1 - lr].enumerated() {
            let sync = 1 + alpha * (c * c * c - 1)
            let expected = [1, c, c * c, sync, sync * c, sync * c * c, sync * sync, sync * sync * c].map { $0 * x0[i] }
            for s in 0...7 { XCTAssertEqual(t[s][i], expected[s], accuracy: 1e-15, "step \(s), coordinate \(i)") }
        }
    }

    /// With momentum the base rule's buffer carries on across a synchronisation (torch-optimizer's
    /// default): an independent loop of torch.optim.SGD's update with the lookahead rule.
    func testMomentumBaseKeepsItsBuffer() throws {
        let (lr, alpha, mu, k) = (0.05, 0.7, 0.9, 4)
        let start = [1.2, 0.9]
        let t = try trajectory("momentum", k: k, alpha: alpha, lr: lr, steps: 13, from: start)
        var x = start, slow = start, buffer: [Double]? = nil
        for s in 1...13 {
            let g = [3 * x[0], x[1]]
            let b = buffer.map { b in (0..<2).map { mu * b[$0] + g[$0] } } ?? g
            buffer = b
            x = (0..<2).map { x[$0] - lr * b[$0] }
            if s % k == 0 {
                slow = (0..<2).map { slow[$0] + alpha * (x[$0] - slow[$0]) }
                x = slow
            }
            for i in 0..<2 { XCTAssertEqual(t[s][i], x[i], accuracy: 1e-14, "step \(s)") }
        }
    }
}
