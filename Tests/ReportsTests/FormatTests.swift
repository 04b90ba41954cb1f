import Foundation
import Reports
import XCTest

final class FormatTests: XCTestCase {
    /// One formatter, three precisions; no "-0", and the edge values spelled plainly.
    func testPrecisions() {
        XCTAssertEqual(format(1.0 / 3), "0.333333333333")
        XCTAssertEqual(format(1.0 / 3, .sentence), "0.3333")
        XCTAssertEqual(format(1.0 / 3, .label), "0.333")
        XCTAssertEqual(format(-1e-20, .label), "-1e-20")
        XCTAssertEqual(format(-0.0), "0")
        XCTAssertEqual(format(Double.nan), "nan")
        XCTAssertEqual(format(-Double.infinity), "-inf")
        XCTAssertEqual(format(point: [1.5, 3e-16], ["x", "y"]), "(x=1.5, y=0)")
        XCTAssertEqual(format(point: [-2], ["x"], .sentence), "x=-2")
        XCTAssertEqual(format(point: [-1.5e-11], ["x"]), "x=-1.5e-11")
        XCTAssertEqual(format(point: [-1.5e-11], ["x"], .sentence), "x=0")
    }

    /// JSON numbers read back as the same doubles; non-finite numbers become null.
    func testJSONNumbersRoundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        let values = (0..<200).map { _ in Double(bitPattern: rng.next() & 0x7fef_ffff_ffff_ffff) * (Bool.random() ? 1 : -1) } + [0.1, 1e300, Double.leastNonzeroMagnitude, 3]
        // (Foundation's JSONSerialization on Linux rounds some doubles; strtod does not.)
        let text = JSON.numbers(values + [.nan, .infinity]).rendered()
        let back = text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for (v, b) in zip(values, back) { XCTAssertEqual(Double(b), v, b) }
        XCTAssertEqual(Array(back.suffix(2)), ["null", "null"])
        XCTAssertEqual(JSON.format(3), "3")
    }

    /// A failed write leaves neither the new files nor temporaries behind.
    func testAtomicWriteLeavesNothingOnFailure() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("blocked.svg"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try writeAtomically([("a", dir.appendingPathComponent("a.json").path), ("b", dir.appendingPathComponent("blocked.svg").path)])) {
            XCTAssertEqual("\($0)", "cannot write \(dir.appendingPathComponent("blocked.svg").path): a folder of that name is in the way")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["blocked.svg"])
        try writeAtomically([("a", dir.appendingPathComponent("a.json").path)])
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("a.json"), encoding: .utf8), "a")
        try? FileManager.default.removeItem(at: dir)
    }
}
