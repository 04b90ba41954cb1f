import Foundation
import Landscape
import XCTest

extension XCTestCase {
    /// A problem of the catalog in problems/, by name.
    func load(_ name: String) throws -> Problem {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("problems")
        return try Problem.load(file: folder.appendingPathComponent("\(name).toml").path)
    }
}
