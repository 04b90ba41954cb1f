import Foundation
import XCTest

/// `lab sweep`: the JSON contract, the files, and the refusals with their exact messages.
final class SweepCommandTests: XCTestCase {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testDocumentAndFiles() throws {
        let out = try temporaryFolder()
        let doc = try json(try lab(["sweep", "two-valley", "--opts", "sam,gam", "--vary", "rho=0.3:0.6:4", "--starts", "3", "--steps", "80",
                                    "--out", out.path, "--format", "json"], in: repository))
        XCTAssertEqual(doc["problem"] as? String, "two-valley")
        let vary = try XCTUnwrap(doc["vary"] as? [[String: Any]])
        XCTAssertEqual(vary.first?["setting"] as? String, "rho")
        XCTAssertEqual((vary.first?["values"] as? [Double])?.count, 4)
        XCTAssertEqual((doc["starts"] as? [[Double]])?.count, 3)
        let sweeps = try XCTUnwrap(doc["sweeps"] as? [[String: Any]])
        XCTAssertEqual(sweeps.map { $0["optimizer"] as? String }, ["sam", "gam"])
        for s in sweeps {
            XCTAssertNil((s["hyperparameters"] as? [String: Any])?["rho"], "the varied setting is not a fixed hyperparameter")
            let points = try XCTUnwrap(s["points"] as? [[String: Any]])
            XCTAssertEqual(points.count, 4)
            for point in points {
                let runs = try XCTUnwrap(point["runs"] as? [[String: Any]])
                XCTAssertEqual(runs.count, 3)
                for run in runs { for key in ["status", "theta", "outcome", "loss", "zof", "fof", "lambda_max", "expected_shifted_loss"] { XCTAssertNotNil(run[key], key) } }
                // The mean is the mean of the runs.
                let fofs = runs.compactMap { $0["fof"] as? Double }
                XCTAssertEqual((point["mean"] as? [String: Any])?["fof"] as? Double ?? -1, fofs.reduce(0, +) / Double(fofs.count), accuracy: 1e-12)
            }
        }
        let csv = try String(contentsOf: out.appendingPathComponent("two-valley-sweep.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "optimizer,rho,start,status,x,y,outcome,stalled,cycling,loss,zof,fof,lambda_max,expected_shifted_loss")
        XCTAssertEqual(csv.count, 1 + 2 * 4 * 3)
        XCTAssert(FileManager.default.fileExists(atPath: out.appendingPathComponent("two-valley-sweep.svg").path))
    }

    func testRefusals() throws {
        let cases: [([String], String)] = [
            ([], "error: --vary: give one or two settings to sweep, as in --vary rho=0.05:2:40"),
            (["--vary", "rho=0.1:0.2:2", "--vary", "lr=0.1:0.2:2", "--vary", "alpha=0.1:0.2:2"],
             "error: --vary: give one or two settings to sweep, as in --vary rho=0.05:2:40 (got 3)"),
            (["--vary", "rho=0.1:0.2:2", "--vary", "rho=0.3:0.4:2"], "error: --vary rho is given twice"),
            (["--vary", "rho=0.1:0.2:2", "--rho", "0.3"], "error: --rho is both set and varied; give one of them"),
            (["--vary", "rho=0.1:0.2:2", "--starts", "0"], "error: --starts must be 1 to 100000, got 0"),
            (["--vary", "rho=0.1:0.2:2", "--starts", "2", "--start", "1,0"], "error: --start and --starts both give starts; give one of them"),
            (["--vary", "alpha=0.1:0.2:2"], "error: --alpha changes nothing for sam; it is read by gam, gam-sam, gam-exact"),
        ]
        for (extra, message) in cases {
            let run = try lab(["sweep", "two-valley", "--opts", "sam", "--no-plot", "--out", try temporaryFolder().path] + extra, in: repository)
            XCTAssertEqual(run.status, 64, "\(extra): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").first.map(String.init), message, "\(extra)")
        }
    }
}
