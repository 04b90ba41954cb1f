import Foundation

/// An executable lesson: plain GitHub markdown whose cells are fenced ```` ```sh ```` blocks of
/// `lab ...` commands, each followed by its output (an HTML comment `<!-- output -->` and a
/// ```` ```text ```` fence) and by the figures it writes (`![what](assets/NOTEBOOK/NAME.svg)`).
/// Everything else is prose, kept byte for byte: `Notebook(text:).text` is the text it was given.
public struct Notebook: Equatable, Sendable {
    /// One part of the file, in order.
    public enum Part: Equatable, Sendable {
        /// Prose: any lines that are neither a cell nor an output block, verbatim.
        case prose(String)
        case cell(Cell)
        /// The output block of the cell before it (only blank prose may stand between them).
        case output(Output)
    }

    /// A fenced `sh` block: its info string and its command lines.
    public struct Cell: Equatable, Sendable {
        /// The whole block as written, fences included, ending with a newline.
        public var raw: String
        /// The words after the fence's opening: `sh`, then attributes such as `exit=64`.
        public let info: String
        /// The command lines (continuations joined; blank lines and `#` comments dropped).
        public let commands: [String]
        /// The exit status the cell expects: 0, or the `exit=N` attribute (to teach an error).
        public let expectedStatus: Int32
        /// 1-based line of the opening fence, for messages.
        public let line: Int
    }

    /// An output block: the marker line, a `text` fence and the output between.
    public struct Output: Equatable, Sendable {
        public var raw: String
        /// The output as stored; a line `...` matches any lines.
        public var text: String
    }

    public static let outputMarker = "<!-- output -->"

    public var parts: [Part]

    /// The markdown, as the parts spell it.
    public var text: String {
        parts.map { part in
            switch part {
            case .prose(let s): s
            case .cell(let c): c.raw
            case .output(let o): o.raw
            }
        }.joined()
    }

    /// The first `# ` heading, or "" without one.
    public var title: String {
        for part in parts {
            guard case .prose(let s) = part else { continue }
            for line in s.split(separator: "\n", omittingEmptySubsequences: false) where line.hasPrefix("# ") {
                return String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)
            }
        }
        return ""
    }

    /// The cells in order.
    public var cells: [Cell] { parts.compactMap { if case .cell(let c) = $0 { c } else { nil } } }

    /// Parses a notebook. Errors name the line: an unclosed fence, an output block with no cell
    /// before it, a cell whose attribute or command cannot be read.
    public init(text: String) throws {
        var parts: [Part] = []
        var prose = ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // A final newline gives an empty last element: the lines are rejoined with "\n" between.
        func rejoin(_ range: Range<Int>) -> String {
            range.map { lines[$0] + ($0 < lines.count - 1 ? "\n" : "") }.joined()
        }
        func flushProse() {
            if !prose.isEmpty { parts.append(.prose(prose)); prose = "" }
        }
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if let (fence, info) = Notebook.openingFence(line), info.split(separator: " ").first == "sh" {
                guard let end = Notebook.closingFence(lines, from: i + 1, fence: fence) else {
                    throw NotebookError(line: i + 1, "the ```sh block opened here is never closed")
                }
                flushProse()
                let body = Array(lines[(i + 1)..<end])
                parts.append(.cell(try Notebook.cell(raw: rejoin(i..<(end + 1)), info: info, body: body, line: i + 1)))
                i = end + 1
                continue
            }
            if line == Notebook.outputMarker {
                guard i + 1 < lines.count, let (_, info) = Notebook.openingFence(lines[i + 1]), info == "text" else {
                    throw NotebookError(line: i + 1, "an \(Notebook.outputMarker) marker must be followed by a ```text block")
                }
            }
            if line == Notebook.outputMarker, i + 1 < lines.count, let (fence, info) = Notebook.openingFence(lines[i + 1]), info == "text" {
                guard let end = Notebook.closingFence(lines, from: i + 2, fence: fence) else {
                    throw NotebookError(line: i + 2, "the ```text block of the output opened here is never closed")
                }
                // Only blank prose may stand between a cell and its output.
                guard prose.allSatisfy(\.isNewline), case .cell? = parts.last else {
                    throw NotebookError(line: i + 1, "an output block must follow a ```sh cell (only blank lines between)")
                }
                flushProse()
                let content = lines[(i + 2)..<end].map { $0 + "\n" }.joined()
                parts.append(.output(Output(raw: rejoin(i..<(end + 1)), text: content)))
                i = end + 1
                continue
            }
            // Any other fenced block (```python, ```text without a marker) is prose, kept whole:
            // a ```sh line inside it is code to show, not a cell.
            if let (fence, _) = Notebook.openingFence(line) {
                let end = Notebook.closingFence(lines, from: i + 1, fence: fence) ?? (lines.count - 1)
                prose += rejoin(i..<(end + 1))
                i = end + 1
                continue
            }
            prose += line + (i < lines.count - 1 ? "\n" : "")
            i += 1
        }
        flushProse()
        self.parts = parts
        if case .prose(let first)? = parts.first, let link = Notebook.figureLinks(first).first {
            throw NotebookError(line: 1, "the figure \(link) is linked before any cell; link a figure after the cell that writes it")
        }
    }

    /// A fence line: its backticks (three or more) and info string.
    static func openingFence(_ line: String) -> (String, String)? {
        let ticks = line.prefix { $0 == "`" }
        guard ticks.count >= 3 else { return nil }
        return (String(ticks), line.dropFirst(ticks.count).trimmingCharacters(in: .whitespaces))
    }

    static func closingFence(_ lines: [String], from start: Int, fence: String) -> Int? {
        (start..<lines.count).first { k in
            let l = lines[k]
            return l.hasPrefix(fence) && l.drop { $0 == "`" }.trimmingCharacters(in: .whitespaces).isEmpty
        }
    }

    static func cell(raw: String, info: String, body: [String], line: Int) throws -> Cell {
        var status: Int32 = 0
        for attribute in info.split(separator: " ").dropFirst() {
            let pair = attribute.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0] == "exit", let n = Int32(pair[1]), (1...255).contains(n) else {
                throw NotebookError(line: line, "unknown cell attribute '\(attribute)'; a cell may say exit=N (N from 1 to 255) to expect a failure")
            }
            status = n
        }
        // Continuation lines (ending in a backslash) join the next; comments and blanks drop out.
        // The pieces of a continued command are kept apart and joined once, so a cell of many
        // continuation lines reads in linear time.
        var commands: [String] = []
        var pieces: [Substring] = []
        for (k, text) in body.enumerated() {
            if text.hasSuffix("\\") { pieces.append(text.dropLast()); continue }
            let joined = (pieces + [Substring(text)]).joined(separator: " ")
            pieces = []
            let trimmed = joined.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let words = try shellWords(trimmed, line: line + 1 + k)
            guard words.first == "lab" else {
                throw NotebookError(line: line + 1 + k, "a cell runs lab commands only; this line starts with '\(words.first ?? "")'")
            }
            commands.append(trimmed)
        }
        if !pieces.isEmpty { throw NotebookError(line: line + body.count, "the last command line ends with a backslash") }
        return Cell(raw: raw, info: info, commands: commands, expectedStatus: status, line: line)
    }

    /// Splits a command line into words as a POSIX shell would: whitespace separates, single
    /// quotes keep everything literally, double quotes keep all but `\"` and `\\`, a backslash
    /// escapes the next character. Shell features (pipes, redirections, variables, `;`, `&`,
    /// command substitution) are refused: a cell is one program run with its arguments.
    public static func shellWords(_ line: String, line number: Int = 0) throws -> [String] {
        var words: [String] = []
        var word = "", inWord = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            switch c {
            case " ", "\t":
                if inWord { words.append(word); word = ""; inWord = false }
            case "'":
                inWord = true
                guard let close = chars.firstIndex(of: "'") else { throw NotebookError(line: number, "a single quote is never closed") }
                word += String(chars[chars.startIndex..<close])
                chars = chars[(close + 1)...]
            case "\"":
                inWord = true
                var closed = false
                while let d = chars.popFirst() {
                    if d == "\"" { closed = true; break }
                    if d == "\\", let e = chars.first, e == "\"" || e == "\\" { word.append(e); chars = chars.dropFirst(); continue }
                    if d == "$" || d == "`" { throw NotebookError(line: number, "'\(d)' inside double quotes is a shell feature; cells run no shell") }
                    word.append(d)
                }
                if !closed { throw NotebookError(line: number, "a double quote is never closed") }
            case "\\":
                inWord = true
                if let e = chars.popFirst() { word.append(e) }
            case "#" where !inWord:
                // A comment runs to the end of the line, as in a shell.
                return words
            case _ where "*?{}".contains(c) || (c == "~" && !inWord):
                throw NotebookError(line: number, "'\(c)' is a shell pattern; a cell runs no shell, so quote it if lab should see it")
            case "|", ">", "<", ";", "&", "$", "`", "(", ")":
                throw NotebookError(line: number, "'\(c)' is a shell feature; a cell runs one lab command per line, with no shell")
            default:
                inWord = true
                word.append(c)
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// The figures the notebook links after each cell, up to the next cell: paths under `assets/`.
    public var figuresByCell: [[String]] {
        var result: [[String]] = []
        for part in parts {
            switch part {
            case .cell: result.append([])
            case .prose(let s) where !result.isEmpty: result[result.count - 1] += Notebook.figureLinks(s)
            default: break
            }
        }
        return result
    }

    /// `![alt](path)` links to files under `assets/` in the text.
    static func figureLinks(_ s: String) -> [String] {
        var links: [String] = []
        var rest = s[...]
        while let start = rest.range(of: "![") {
            rest = rest[start.upperBound...]
            guard let close = rest.range(of: "]("), let end = rest[close.upperBound...].firstIndex(of: ")") else { break }
            let path = String(rest[close.upperBound..<end])
            if path.hasPrefix("assets/") { links.append(path) }
            rest = rest[end...]
        }
        return links
    }

    /// `text` without spaces or tabs at the ends of its lines: tables pad their columns, and an
    /// editor that trims trailing whitespace must not make a lesson drift.
    public static func trimmingLineEnds(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var l = Substring(line)
            while let last = l.last, last == " " || last == "\t" { l = l.dropLast() }
            return String(l)
        }.joined(separator: "\n")
    }

    /// The output block for `text` (line ends trimmed), with a fence longer than any run of backticks inside.
    public static func outputBlock(_ text: String) -> Output {
        let text = trimmingLineEnds(text)
        var longest = 0, run = 0
        for c in text { if c == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let body = text.isEmpty || text.hasSuffix("\n") ? text : text + "\n"
        return Output(raw: "\(outputMarker)\n\(fence)text\n\(body)\(fence)\n", text: body)
    }

    /// Where cell k stands among the parts, and its output block's index when it has one (the
    /// part right after it, or after the blank prose that follows it).
    func locate(cell k: Int) -> (cell: Int, output: Int?)? {
        let cellIndices = parts.indices.filter { if case .cell = parts[$0] { true } else { false } }
        guard k < cellIndices.count else { return nil }
        let index = cellIndices[k]
        var j = index + 1
        if j < parts.count, case .prose(let p) = parts[j], p.allSatisfy(\.isNewline) { j += 1 }
        if j < parts.count, case .output = parts[j] { return (index, j) }
        return (index, nil)
    }

    /// The notebook with cell k's output set to `text` (kept as stored when the stored output,
    /// with its `...` lines, still matches), adding the block when the cell has none.
    public func settingOutput(ofCell k: Int, to text: String) -> Notebook {
        var copy = self
        guard let (cell, output) = locate(cell: k) else { return copy }
        if let output {
            if case .output(let stored) = parts[output], !Notebook.matches(stored: stored.text, actual: text) {
                copy.parts[output] = .output(Notebook.outputBlock(text))
            }
        } else {
            copy.parts.insert(contentsOf: [.prose("\n"), .output(Notebook.outputBlock(text))], at: cell + 1)
        }
        return copy
    }

    /// The stored output of cell k, or nil when it has none.
    public func storedOutput(ofCell k: Int) -> String? {
        guard let output = locate(cell: k)?.output, case .output(let stored) = parts[output] else { return nil }
        return stored.text
    }

    /// Whether `actual` is what `stored` says, where a stored line `...` stands for any lines
    /// (none included), as in trycmd and cram.
    public static func matches(stored: String, actual: String) -> Bool {
        let s = trimmingLineEnds(stored).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let a = trimmingLineEnds(actual).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Wildcard matching with `...` as the star, iteratively (a recursion per line once
        // overflowed the stack on 60 000 lines): on a mismatch, go back to the last `...` and let
        // it take one more line.
        var (i, j) = (0, 0)
        var star: (pattern: Int, line: Int)?
        while j < a.count {
            if i < s.count && s[i] == "..." {
                star = (i, j)
                i += 1
            } else if i < s.count && s[i] == a[j] {
                i += 1
                j += 1
            } else if let last = star {
                star = (last.pattern, last.line + 1)
                (i, j) = (last.pattern + 1, last.line + 1)
            } else {
                return false
            }
        }
        while i < s.count && s[i] == "..." { i += 1 }
        return i == s.count
    }

    /// The shortest edit script from `a` to `b` by Myers' O(ND) algorithm ("An O(ND) difference
    /// algorithm and its variations", 1986): (kind, index in a, index in b) with kind " " for a
    /// kept line, "-" for a line of `a` removed, "+" for a line of `b` inserted. Time and memory
    /// grow with the number of differences D, not with the texts' product; nil when D > `limit`.
    static func shortestEdit(_ a: [String], _ b: [String], limit: Int) -> [(Character, Int, Int)]? {
        let n = a.count, m = b.count, maxD = min(n + m, limit), offset = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        // trace[d]: the furthest x on each diagonal k = x − y before step d.
        var trace: [[Int]] = []
        var found: Int?
        search: for d in 0...maxD {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n && y < m && a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n && y >= m { found = d; break search }
            }
        }
        guard let total = found else { return nil }
        var ops: [(Character, Int, Int)] = []
        var (x, y) = (n, m)
        for d in stride(from: total, to: 0, by: -1) {
            let before = trace[d], k = x - y
            let down = k == -d || (k != d && before[offset + k - 1] < before[offset + k + 1])
            let prevK = down ? k + 1 : k - 1
            let prevX = before[offset + prevK], prevY = prevX - prevK
            let (midX, midY) = down ? (prevX, prevY + 1) : (prevX + 1, prevY)
            while x > midX && y > midY { x -= 1; y -= 1; ops.append((" ", x, y)) }
            ops.append(down ? ("+", prevX, prevY) : ("-", prevX, prevY))
            (x, y) = (prevX, prevY)
        }
        while x > 0 && y > 0 { x -= 1; y -= 1; ops.append((" ", x, y)) }
        return ops.reversed()
    }

    /// A unified diff of two texts (line based), with `name` in its header: hunks of the changed
    /// lines with three lines of context around each.
    public static func unifiedDiff(stored: String, actual: String, name: String) -> String {
        func lines(_ t: String) -> [String] {
            var l = t.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if l.last == "" { l.removeLast() }  // the final newline ends the last line
            return l
        }
        let s = lines(stored), a = lines(actual)
        // The common head and tail are context; only the middle needs the edit script.
        var head = 0
        while head < s.count && head < a.count && s[head] == a[head] { head += 1 }
        var tail = 0
        while tail < s.count - head && tail < a.count - head && s[s.count - 1 - tail] == a[a.count - 1 - tail] { tail += 1 }
        let sm = Array(s[head..<(s.count - tail)]), am = Array(a[head..<(a.count - tail)])
        // (kind, line, old index, new index): kind " ", "-" or "+".
        var script: [(Character, String, Int, Int)] = (0..<head).map { (" ", s[$0], $0, $0) }
        if let ops = shortestEdit(sm, am, limit: 1000) {
            script += ops.map { kind, i, j in (kind, kind == "+" ? am[j] : sm[i], head + i, head + j) }
        } else {
            // More than a thousand lines changed: every stored line of the middle out, every new one in.
            script += sm.indices.map { ("-", sm[$0], head + $0, head) }
            script += am.indices.map { ("+", am[$0], head + sm.count, head + $0) }
        }
        script += (0..<tail).map { (" ", s[s.count - tail + $0], s.count - tail + $0, a.count - tail + $0) }
        var out = ["--- \(name) (stored)", "+++ \(name) (now)"]
        let changed = script.indices.filter { script[$0].0 != " " }
        var k = 0
        while k < changed.count {
            // A hunk: changes closer than seven lines apart, with three lines of context.
            var last = k
            while last + 1 < changed.count && changed[last + 1] - changed[last] <= 7 { last += 1 }
            let from = max(0, changed[k] - 3), to = min(script.count - 1, changed[last] + 3)
            let hunk = script[from...to]
            let oldCount = hunk.filter { $0.0 != "+" }.count, newCount = hunk.filter { $0.0 != "-" }.count
            out.append("@@ -\(script[from].2 + 1),\(oldCount) +\(script[from].3 + 1),\(newCount) @@")
            out += hunk.map { String($0.0) + $0.1 }
            k = last + 1
        }
        return out.joined(separator: "\n")
    }
}

/// A notebook that cannot be read, with the line.
public struct NotebookError: Error, CustomStringConvertible, Equatable {
    public let line: Int
    public let message: String
    public init(line: Int, _ message: String) { (self.line, self.message) = (line, message) }
    public var description: String { "line \(line): \(message)" }
}
