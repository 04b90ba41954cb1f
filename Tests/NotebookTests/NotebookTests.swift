@testable import Notebook
import XCTest

/// The notebook format: parse and write back byte for byte, outputs created and kept, shell
/// words, `...` matching, and errors with their lines.
final class NotebookTests: XCTestCase {
    let sample = """
        # A lesson

        Some prose with a number.

        ```sh
        lab run two-valley --opt gam --out assets/lesson
        ```

        <!-- output -->
        ```text
        two-valley · gam
        ...
        wrote assets/lesson/two-valley-gam.json
        ```

        ![the run](assets/lesson/two-valley-gam.svg)

        ```sh exit=64
        # an error, on purpose
        lab run two-valley --opt gamm
        ```

        The end.

        """

    func testRoundTripIsByteForByte() throws {
        let n = try Notebook(text: sample)
        XCTAssertEqual(n.text, sample)
        XCTAssertEqual(n.title, "A lesson")
        XCTAssertEqual(n.cells.count, 2)
        XCTAssertEqual(n.cells[0].commands, ["lab run two-valley --opt gam --out assets/lesson"])
        XCTAssertEqual(n.cells[0].expectedStatus, 0)
        XCTAssertEqual(n.cells[1].expectedStatus, 64)
        XCTAssertEqual(n.cells[1].commands, ["lab run two-valley --opt gamm"], "comments drop out")
        XCTAssertEqual(n.figuresByCell, [["assets/lesson/two-valley-gam.svg"], []])
        XCTAssertEqual(n.storedOutput(ofCell: 0), "two-valley · gam\n...\nwrote assets/lesson/two-valley-gam.json\n")
        XCTAssertNil(n.storedOutput(ofCell: 1))
        // Without a final newline, and with CRLF-free odd spacing, the text still comes back as given.
        let ragged = "no newline at the end\n```sh\nlab list\n```"
        XCTAssertEqual(try Notebook(text: ragged).text, ragged)
    }

    func testMissingOutputIsCreatedAndAMatchingOneKept() throws {
        let n = try Notebook(text: sample)
        // Cell 1 has no output: the block is added after it, with a blank line.
        let added = n.settingOutput(ofCell: 1, to: "error: unknown optimizer 'gamm'\n")
        XCTAssert(added.text.contains("```sh exit=64\n# an error, on purpose\nlab run two-valley --opt gamm\n```\n\n<!-- output -->\n```text\nerror: unknown optimizer 'gamm'\n```\n\nThe end."),
                  added.text)
        // Setting it again changes no byte (idempotent).
        XCTAssertEqual(try Notebook(text: added.text).settingOutput(ofCell: 1, to: "error: unknown optimizer 'gamm'\n").text, added.text)
        // A stored output whose `...` still matches is kept as stored; one that does not is replaced.
        let full = "two-valley · gam\nline a\nline b\nwrote assets/lesson/two-valley-gam.json\n"
        XCTAssertEqual(n.settingOutput(ofCell: 0, to: full).text, sample)
        let changed = n.settingOutput(ofCell: 0, to: "two-valley · sam\n")
        XCTAssert(changed.text.contains("<!-- output -->\n```text\ntwo-valley · sam\n```\n"), changed.text)
        // Output holding a fence gets a longer fence.
        XCTAssertEqual(Notebook.outputBlock("a ``` b\n").raw, "<!-- output -->\n````text\na ``` b\n````\n")
        XCTAssertEqual(try Notebook(text: "```sh\nlab list\n```\n" + Notebook.outputBlock("a ``` b\n").raw).storedOutput(ofCell: 0), "a ``` b\n")
    }

    /// Other fenced blocks are prose (a ```sh line inside one is code to show, not a cell), even
    /// unclosed at the end of the file.
    func testOtherFencesAreProse() throws {
        let text = "# t\n\n```python\nprint(1)\n```sh\nlab list\n```\n\n```sh\nlab list\n```\n\n~~~\n```swift\nnever closed\n"
        let n = try Notebook(text: text)
        XCTAssertEqual(n.text, text)
        XCTAssertEqual(n.cells.count, 1)
        XCTAssertEqual(n.cells[0].line, 9)
    }

    func testEllipsisMatching() {
        XCTAssertTrue(Notebook.matches(stored: "a\n...\nd\n", actual: "a\nb\nc\nd\n"))
        XCTAssertTrue(Notebook.matches(stored: "a\n...\nd\n", actual: "a\nd\n"), "... matches no lines too")
        XCTAssertTrue(Notebook.matches(stored: "...\n", actual: "anything\nat all\n"))
        XCTAssertFalse(Notebook.matches(stored: "a\n...\nd\n", actual: "a\nb\nc\n"))
        XCTAssertFalse(Notebook.matches(stored: "a\nb\n", actual: "a\nB\n"))
        XCTAssertFalse(Notebook.matches(stored: "0.0315\n", actual: "0.0316\n"), "a changed digit")
        XCTAssertTrue(Notebook.matches(stored: "x\n...\ny\n...\nz\n", actual: "x\n1\ny\n2\n3\nz\n"))
        // Trailing spaces (tables pad their columns) do not count: an editor may trim them.
        XCTAssertTrue(Notebook.matches(stored: "a  b\nc\n", actual: "a  b   \nc \n"))
        XCTAssertEqual(Notebook.outputBlock("a   \nb\t\n").text, "a\nb\n")
        // A `...` must give back lines it took when a later literal line needs them.
        XCTAssertTrue(Notebook.matches(stored: "...\nb\nc\n", actual: "b\nx\nb\nc\n"))
        XCTAssertFalse(Notebook.matches(stored: "...\nb\nc\n", actual: "b\nc\nx\n"))
        // 300 000 stored `...` lines and 60 000 output lines: matched without recursion (it once
        // overflowed the stack), against the same rule checked by brute force on small cases.
        let many = String(repeating: "...\n", count: 300_000)
        XCTAssertTrue(Notebook.matches(stored: many, actual: (1...60_000).map { "line \($0)" }.joined(separator: "\n") + "\n"))
        XCTAssertTrue(Notebook.matches(stored: "head\n...\n", actual: "head\n" + (1...60_000).map { "\($0)" }.joined(separator: "\n") + "\n"))
        func brute(_ s: [String], _ a: [String]) -> Bool {
            guard let first = s.first else { return a.isEmpty }
            if first == "..." { return (0...a.count).contains { brute(Array(s.dropFirst()), Array(a.dropFirst($0))) } }
            return a.first == first && brute(Array(s.dropFirst()), Array(a.dropFirst()))
        }
        var rng = Seeded(state: 11)
        for _ in 0..<2000 {
            let s = (0..<Int.random(in: 0...5, using: &rng)).map { _ in ["a", "b", "..."].randomElement(using: &rng)! }
            let a = (0..<Int.random(in: 0...6, using: &rng)).map { _ in ["a", "b"].randomElement(using: &rng)! }
            XCTAssertEqual(Notebook.matches(stored: s.joined(separator: "\n"), actual: a.joined(separator: "\n")), brute(s, a), "\(s) against \(a)")
        }
    }

    func testShellWords() throws {
        XCTAssertEqual(try Notebook.shellWords("lab derive 'x^2 * y' --at x=1,y=2"), ["lab", "derive", "x^2 * y", "--at", "x=1,y=2"])
        XCTAssertEqual(try Notebook.shellWords(#"lab derive "1 + \"q\"" a\ b"#), ["lab", "derive", "1 + \"q\"", "a b"])
        XCTAssertEqual(try Notebook.shellWords("lab  list  "), ["lab", "list"])
        XCTAssertEqual(try Notebook.shellWords("lab derive ''"), ["lab", "derive", ""])
        XCTAssertEqual(try Notebook.shellWords("lab list  # the catalog"), ["lab", "list"], "a comment, as in a shell")
        XCTAssertEqual(try Notebook.shellWords("lab derive a#b"), ["lab", "derive", "a#b"], "# inside a word is a character")
        XCTAssertEqual(try Notebook.shellWords("lab derive 'x * y'"), ["lab", "derive", "x * y"])
        for (line, message) in [("lab list | head", "'|' is a shell feature; a cell runs one lab command per line, with no shell"),
                                ("lab list > x", "'>' is a shell feature; a cell runs one lab command per line, with no shell"),
                                ("lab derive $X", "'$' is a shell feature; a cell runs one lab command per line, with no shell"),
                                ("lab derive 'x", "a single quote is never closed"),
                                ("lab derive x * y", "'*' is a shell pattern; a cell runs no shell, so quote it if lab should see it"),
                                ("lab run ~/p.toml", "'~' is a shell pattern; a cell runs no shell, so quote it if lab should see it")] {
            XCTAssertThrowsError(try Notebook.shellWords(line, line: 7)) { XCTAssertEqual("\($0)", "line 7: \(message)") }
        }
    }

    func testErrorsNameTheLine() {
        let cases: [(String, String)] = [
            ("# t\n\n```sh\nlab list\n", "line 3: the ```sh block opened here is never closed"),
            ("prose\n<!-- output -->\n```text\nx\n```\n", "line 2: an output block must follow a ```sh cell (only blank lines between)"),
            ("```sh exit=zero\nlab list\n```\n", "line 1: unknown cell attribute 'exit=zero'; a cell may say exit=N (N from 1 to 255) to expect a failure"),
            ("```sh exit=300\nlab list\n```\n", "line 1: unknown cell attribute 'exit=300'; a cell may say exit=N (N from 1 to 255) to expect a failure"),
            ("```sh\nlab list\n```\n\n<!-- output -->\nno fence\n", "line 5: an <!-- output --> marker must be followed by a ```text block"),
            ("# t\n![x](assets/a/b.svg)\n```sh\nlab list\n```\n", "line 1: the figure assets/a/b.svg is linked before any cell; link a figure after the cell that writes it"),
            ("```sh\nls -l\n```\n", "line 2: a cell runs lab commands only; this line starts with 'ls'"),
            ("```sh\n\nlab derive x \\\n", "line 1: the ```sh block opened here is never closed"),
            ("```sh\nlab derive x \\\n```\n", "line 2: the last command line ends with a backslash"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try Notebook(text: text), message) { XCTAssertEqual("\($0)", message) }
        }
        // A continuation joins lines.
        XCTAssertEqual(try Notebook(text: "```sh\nlab derive x \\\n  --order 2\n```\n").cells[0].commands, ["lab derive x    --order 2"])
    }

    /// Myers' edit script against the longest common subsequence by dynamic programming, on
    /// seeded random texts: it rebuilds the new text from the old, and it is shortest
    /// (n + m − 2·LCS edits).
    func testShortestEditIsShortest() throws {
        var rng = Seeded(state: 12345)
        func next() -> Int { Int(rng.next() >> 33) }
        for _ in 0..<200 {
            let a = (0..<(next() % 30)).map { _ in String(next() % 4) }, b = (0..<(next() % 30)).map { _ in String(next() % 4) }
            let ops = try XCTUnwrap(Notebook.shortestEdit(a, b, limit: 1000))
            XCTAssertEqual(ops.filter { $0.0 != "-" }.map { $0.0 == "+" ? b[$0.2] : a[$0.1] }, b)
            XCTAssertEqual(ops.filter { $0.0 != "+" }.map { a[$0.1] }, a)
            var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) { lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1]) }
            }
            XCTAssertEqual(ops.filter { $0.0 != " " }.count, a.count + b.count - 2 * lcs[0][0], "\(a) → \(b)")
        }
        XCTAssertNil(Notebook.shortestEdit(["a", "b", "c"], ["x", "y", "z"], limit: 5))
    }

    func testUnifiedDiff() {
        let diff = Notebook.unifiedDiff(stored: "a\nb\nc\n", actual: "a\nB\nc\n", name: "lesson.md, cell 2")
        XCTAssertEqual(diff, "--- lesson.md, cell 2 (stored)\n+++ lesson.md, cell 2 (now)\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c")
        // A change in a long output: one hunk with three lines of context, not the whole output.
        let stored = (1...40).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let actual = stored.replacingOccurrences(of: "line 20\n", with: "line twenty\n")
        XCTAssertEqual(Notebook.unifiedDiff(stored: stored, actual: actual, name: "x"),
                       "--- x (stored)\n+++ x (now)\n@@ -17,7 +17,7 @@\n line 17\n line 18\n line 19\n-line 20\n+line twenty\n line 21\n line 22\n line 23")
        // 24 000 lines with one drifted: the same one hunk, quickly (the table once took 4.5 GB).
        let long = (1...24_000).map { "row \($0)" }.joined(separator: "\n") + "\n"
        let drifted = long.replacingOccurrences(of: "row 12000\n", with: "row 12000.\n")
        XCTAssertEqual(Notebook.unifiedDiff(stored: long, actual: drifted, name: "x"),
                       "--- x (stored)\n+++ x (now)\n@@ -11997,7 +11997,7 @@\n row 11997\n row 11998\n row 11999\n-row 12000\n+row 12000.\n row 12001\n row 12002\n row 12003")
        // 100 000 lines changed near both ends and in the middle (the common head and tail do
        // not help): three hunks, at once.
        let big = (1...100_000).map { "row \($0)" }
        var edited = big
        edited[4] = "row five"; edited[99_995] = "row 99996!"; edited.remove(at: 50_000); edited.insert("new", at: 60_000)
        let started = Date()
        let hunks = Notebook.unifiedDiff(stored: big.joined(separator: "\n"), actual: edited.joined(separator: "\n"), name: "x")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertEqual(hunks.split(separator: "\n").filter { $0.hasPrefix("@@") }.count, 4)
        XCTAssertEqual(hunks.split(separator: "\n").filter { $0.hasPrefix("-") && !$0.hasPrefix("---") }, ["-row 5", "-row 50001", "-row 99996"])
        XCTAssertEqual(hunks.split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }, ["+row five", "+new", "+row 99996!"])
        // Two wholly different long outputs: every line out and in, without the table.
        let other = (1...3_000).map { "other \($0)" }.joined(separator: "\n") + "\n"
        let replaced = Notebook.unifiedDiff(stored: long, actual: other, name: "x")
        XCTAssertEqual(replaced.split(separator: "\n").filter { $0.hasPrefix("-row") }.count, 24_000)
        XCTAssertEqual(replaced.split(separator: "\n").filter { $0.hasPrefix("+other") }.count, 3_000)
    }
}

/// A seeded generator (a 64-bit linear congruential one, Knuth's constants), so a failing case recurs.
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state ^ (state >> 29)
    }
}
