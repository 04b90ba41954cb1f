import Foundation
import XCTest

/// Runs the built `lab` binary as a user would, capturing stdout, stderr and the exit status.
struct LabRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

func labBinary() -> URL {
    // The test bundle sits next to the products of the same build.
    let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }
        .map { $0.bundleURL.deletingLastPathComponent() } ?? Bundle.main.bundleURL
    return products.appendingPathComponent("lab")
}

@discardableResult
func lab(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> LabRun {
    let process = Process()
    process.executableURL = labBinary()
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return LabRun(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                  stderr: String(decoding: e, as: UTF8.self))
}

func json(_ run: LabRun, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
    XCTAssertEqual(run.status, 0, run.stderr, file: file, line: line)
    let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
    return try XCTUnwrap(object as? [String: Any], file: file, line: line)
}

extension XCTestCase {
    /// A fresh folder under the system's temporary directory, removed when the test ends.
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flatlab-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
