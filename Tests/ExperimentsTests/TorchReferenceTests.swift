import Experiments
import Foundation
import Landscape
import Optimizers
import XCTest

/// flatlab's base rules, SAM and ASAM against trajectories computed by PyTorch
/// (`Reference/make_torch_reference.py`, float64): every step to 1e-10 relative.
final class TorchReferenceTests: XCTestCase {
    struct Reference: Decodable {
        let torch_version: String
        let runs: [Run]
        struct Run: Decodable {
            let name: String
            let loss: String
            let optimizer: String
            let base: String
            let hyperparameters: [String: Double]
            let start: [Double]
            let trajectory: [[Double]]
        }
    }

    func testMatchesPyTorch() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/torch_reference.json")
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        XCTAssertEqual(reference.runs.count, 11)
        for run in reference.runs {
            let problem = try Problem(toml: """
                variables = ["x", "y"]
                loss = "\(run.loss)"
                [domain]
                x = [-3.0, 3.0]
                y = [-3.0, 3.0]
                """, file: "\(run.name).toml")
            let name = try Optimizer.lookup(run.optimizer)
            var h = Hyperparameters()
            h.steps = run.trajectory.count - 1
            h.base = try XCTUnwrap(BaseRuleKind(rawValue: run.base))
            for (key, value) in run.hyperparameters {
                switch key {
                case "lr": h.lr = value
                case "rho": h.rho = value
                case "momentum": h.momentum = value
                case "weight_decay": h.weightDecay = value
                case "eta": h.eta = value
                default: XCTFail("unknown hyperparameter \(key)")
                }
            }
            let record = try RunConfiguration(problem: problem, optimizer: name, hyper: h, start: run.start).run(criticalPoints: [])
            XCTAssertEqual(record.trajectory.count, run.trajectory.count, run.name)
            var worst = 0.0
            for (ours, theirs) in zip(record.trajectory.map(\.theta), run.trajectory) {
                for (a, b) in zip(ours, theirs) { worst = max(worst, abs(a - b) / max(abs(b), 1e-300)) }
            }
            XCTAssertLessThanOrEqual(worst, 1e-10, "\(run.name): worst relative difference \(worst)")
        }
    }
}
