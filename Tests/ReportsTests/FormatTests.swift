import Foundation
import Landscape
import Reports
import XCTest

final class FormatTests: XCTestCase {
    /// One formatter, three precisions; no "-0", and the edge values spelled plainly. Tables
    /// print the reader's digits: 4 unless a command was given --digits.
    func testPrecisions() {
        XCTAssertEqual(format(1.0 / 3), "0.3333")
        XCTAssertEqual(format(199.999977493), "200")
        XCTAssertEqual(format(-4.88671e-37), "-4.887e-37")
        Precision.$readerDigits.withValue(12) {
            XCTAssertEqual(format(1.0 / 3), "0.333333333333")
            XCTAssertEqual(format(point: [-1.5e-11], ["x"]), "x=-1.5e-11")
        }
        XCTAssertEqual(format(1.0 / 3, .sentence), "0.3333")
        XCTAssertEqual(format(1.0 / 3, .label), "0.333")
        XCTAssertEqual(format(-1e-20, .label), "-1e-20")
        XCTAssertEqual(format(-0.0), "0")
        XCTAssertEqual(format(Double.nan), "nan")
        XCTAssertEqual(format(-Double.infinity), "-inf")
        XCTAssertEqual(format(point: [1.5, 3e-16], ["x", "y"]), "(x=1.5, y=0)")
        XCTAssertEqual(format(point: [-2], ["x"], .sentence), "x=-2")
        XCTAssertEqual(format(point: [-1.5e-11], ["x"]), "x=0")
        XCTAssertEqual(format(point: [-1.5e-11], ["x"], .sentence), "x=0")
    }

    /// A table that fits is padded and left alone; one a little too wide wraps the cell with the
    /// most room to give, at a space; one that would take many wrapped lines splits into tables of
    /// balanced width, each repeating the first column. No line is over the width.
    func testTablesFitTheWidth() {
        XCTAssertEqual(table(header: ["", "a"], rows: [["x", "1"], ["yy", "2"]]), "    a\n--  -\nx   1\nyy  2")
        let wrapped = table(header: ["", "one", "two"], rows: [["r", "short", "a long cell of words"]], width: 20)
        XCTAssertEqual(wrapped, """
               one    two
            -  -----  ----------
            r  short  a long
                      cell of
                      words
            """)
        // A header much wider than its cells wraps into two lines at its best split, before any
        // body cell wraps.
        XCTAssertEqual(table(header: ["x", "stalled at a saddle", "b"], rows: [["1", "23%", "a long cell"]], width: 30), """
            x  stalled at  b
               a saddle
            -  ----------  -----------
            1  23%         a long cell
            """)
        let rows = (0..<8).map { i in ["#\(i)"] + (1...6).map { "value\(i)\($0)" } }
        let split = table(header: ["", "c1", "c2", "c3", "c4", "c5", "c6"], rows: rows, width: 40)
        let parts = split.components(separatedBy: "\n\n")
        XCTAssertEqual(parts.count, 2)
        XCTAssertEqual(parts.map { $0.split(separator: "\n")[0].split(separator: " ").map(String.init) }, [["c1", "c2", "c3"], ["c4", "c5", "c6"]])
        XCTAssertEqual(parts[1].split(separator: "\n").last, "#7  value74  value75  value76")
        for line in split.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 40, String(line)) }
    }

    /// JSON numbers read back as the same doubles; non-finite numbers become null.
    func testJSONNumbersRoundTrip() throws {
        var rng = SplitMix64(seed: 11)
        let values = (0..<200).map { _ in Double(bitPattern: rng.next() & 0x7fef_ffff_ffff_ffff) * (Bool.random(using: &rng) ? 1 : -1) } + [0.1, 1e300, Double.leastNonzeroMagnitude, 3]
        // (Foundation's JSONSerialization on Linux rounds some doubles; strtod does not.)
        let text = JSON.numbers(values + [.nan, .infinity]).rendered()
        let back = text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for (v, b) in zip(values, back) { XCTAssertEqual(Double(b), v, b) }
        XCTAssertEqual(Array(back.suffix(2)), ["null", "null"])
        XCTAssertEqual(JSON.format(3), "3")
    }

    /// Strings and keys read back as written, through Foundation's JSON reader: plain ones (copied
    /// whole), and ones with quotes, backslashes, line breaks, tabs, other control characters
    /// and characters beyond ASCII.
    func testJSONStringsRoundTrip() throws {
        let strings = ["gam", "", "ρ-ball at step 40", "say \"hi\"", "C:\\path", "two\nlines\r\n", "tab\there", "bell\u{07}\u{1f}", "θ ∈ B(θ, ρ) 🙂"]
        for s in strings {
            let text = JSON.object([(s, .string(s))]).rendered()
            let back = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String], text)
            XCTAssertEqual(back, [s: s], text)
        }
        XCTAssertEqual(JSON.quote("a\"b\\c\u{01}"), #""a\"b\\c\u0001""#)
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
