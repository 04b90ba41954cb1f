import Experiments
import Foundation
import Landscape
import Optimizers
import XCTest

/// A 1-6-1 tanh network on CSV data against PyTorch (`Reference/make_torch_mlp_reference.py`,
/// float64, torch's own initialisation): the parameter order, the 30-step trajectories of gd,
/// sam and gam (GAM by double backward) to 1e-9, and train loss, test loss, λ_max and trace
/// against torch's exact Hessian to 1e-8.
final class TorchMLPReferenceTests: XCTestCase {
    struct Reference: Decodable {
        let lr, rho, alpha: Double
        let start: [Double]
        let parameters: [[Parameter]]
        let runs: [Run]
        enum Parameter: Decodable {
            case name(String), shape([Int])
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let s = try? c.decode(String.self) { self = .name(s) } else { self = .shape(try c.decode([Int].self)) }
            }
        }
        struct Run: Decodable {
            let optimizer: String
            let trajectory: [[Double]]
            let start: Judgement
            let end: Judgement
        }
        struct Judgement: Decodable {
            let train_loss, test_loss, lambda_max, trace: Double
        }
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")

    static func problem() throws -> Problem {
        try Problem(toml: """
            [model]
            kind = "mlp"
            layers = [1, 6, 1]
            activation = "tanh"
            loss = "mse"
            [data]
            train = "mlp-train.csv"
            test = "mlp-test.csv"
            """, file: folder.appendingPathComponent("torch-mlp.toml").path)
    }

    func testTrajectoriesAndMeasuresMatchPyTorch() throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.folder.appendingPathComponent("torch_mlp_reference.json")))
        let problem = try Self.problem()
        // PyTorch's parameters() order and shapes.
        let blocks = try XCTUnwrap(problem.model).blocks
        XCTAssertEqual(blocks.map(\.torchName), ["0.weight", "0.bias", "2.weight", "2.bias"])
        XCTAssertEqual(blocks.map(\.shape), reference.parameters.map { p in if case .shape(let s) = p[1] { s } else { [] } })
        XCTAssertEqual(problem.dimension, reference.start.count)
        XCTAssertEqual(reference.runs.map(\.optimizer), ["gd", "sam", "gam"])
        for run in reference.runs {
            var h = Hyperparameters()
            h.steps = run.trajectory.count - 1
            (h.lr, h.rho, h.alpha) = (reference.lr, reference.rho, reference.alpha)
            let record = try RunConfiguration(problem: problem, optimizer: try Optimizer.lookup(run.optimizer), hyper: h, start: reference.start)
                .run()
            XCTAssertEqual(record.trajectory.count, run.trajectory.count)
            for (step, (mine, theirs)) in zip(record.trajectory, run.trajectory).enumerated() {
                for (a, b) in zip(mine.theta, theirs) {
                    XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b)), "\(run.optimizer) step \(step)")
                }
            }
            let o = problem.oracle
            for (theta, judged) in [(reference.start, run.start), (record.final.theta, run.end)] {
                let spectrum = try o.spectrum(at: theta)
                XCTAssertEqual(spectrum.method, "full")
                XCTAssertEqual(o.loss(theta), judged.train_loss, accuracy: 1e-8 * max(1, judged.train_loss))
                XCTAssertEqual(try XCTUnwrap(o.testLoss(theta)), judged.test_loss, accuracy: 1e-8 * max(1, judged.test_loss))
                XCTAssertEqual(spectrum.lambdaMax, judged.lambda_max, accuracy: 1e-8 * max(1, judged.lambda_max))
                XCTAssertEqual(spectrum.trace, judged.trace, accuracy: 1e-8 * max(1, abs(judged.trace)))
            }
            XCTAssertEqual(record.final.lambdaMax, run.end.lambda_max, accuracy: 1e-8 * run.end.lambda_max)
            XCTAssertEqual(try XCTUnwrap(record.final.testLoss), run.end.test_loss, accuracy: 1e-8)
        }
    }
}
