import Foundation
import Landscape

/// How many significant digits a number gets where people read it. One formatter for the whole
/// lab: tables and text output, sentences, figure labels. (JSON and CSV use `JSON.format`, the
/// shortest text that reads back as the same double.)
public struct Precision: Sendable, Equatable {
    /// Significant digits, 1 to 17.
    public let digits: Int
    public init(digits: Int) { self.digits = digits }

    /// Figure labels and titles.
    public static let label = Precision(digits: 3)
    /// Sentences of findings (the lessons quote them).
    public static let sentence = Precision(digits: 4)
    /// Tables and text output for people: the reader's digits (`--digits`, 4 unless asked).
    public static var table: Precision { Precision(digits: readerDigits) }

    /// The digits of `.table` for the command being run: `lab` sets it from `--digits` around
    /// each command (a task-local value, so notebook cells and tests cannot leak it).
    @TaskLocal public static var readerDigits = 4
    /// The most digits that mean anything in a double.
    public static let maxDigits = 17
}

/// `x` with `precision` significant digits and no trailing zeros: "0.5", "1e-05", "nan", "inf".
/// A value that rounds to zero prints as "0", never "-0".
public func format(_ x: Double, _ precision: Precision = .table) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == 0 { return "0" }
    let s = String(format: "%.\(precision.digits)g", x)
    return s.hasPrefix("-") && Double(s) == 0 ? "0" : s
}

/// A vector as `[1, 2.5]`.
/// ZOF or FOF as a value: beyond 2-D the search's lower bound, written "≥ 0.01528" so that no
/// reader takes it for the value (`lab measure` brackets it with an upper bound).
public func format(flatness x: Double, exact: Bool, _ precision: Precision = .table) -> String {
    (exact ? "" : "≥ ") + format(x, precision)
}

public func format(_ v: [Double], _ precision: Precision = .table) -> String {
    "[" + v.map { format($0, precision) }.joined(separator: ", ") + "]"
}

/// θ with its variables' names: `x=1` or `(x=1, y=2)`. A coordinate within 1e-10 of 0 (1e-12
/// when more than 6 digits are asked for) prints as 0: root finding leaves noise such as 3e-16 there.
/// Beyond `maxNamedVariables` a point is summarised by its norm (the JSON and CSV have it whole).
public func format(point theta: [Double], _ variables: [String], _ precision: Precision = .table) -> String {
    if theta.count > maxNamedVariables {
        return "‖θ‖=\(format(theta.map { $0 * $0 }.reduce(0, +).squareRoot(), precision)) (\(theta.count) parameters)"
    }
    let zero = precision.digits > 6 ? 1e-12 : 1e-10
    let parts = zip(variables, theta).map { "\($0)=\(format(abs($1) < zero ? 0 : $1, precision))" }
    return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: ", ") + ")"
}

/// Points with more variables than this print as their norm and count.
public let maxNamedVariables = 8

/// θ without names, for figure labels: `1.5` or `(1.5, 0)`.
public func format(coordinates theta: [Double], _ precision: Precision = .label) -> String {
    let parts = theta.map { format(abs($0) < 1e-12 ? 0 : $0, precision) }
    return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: ", ") + ")"
}

/// The width text output keeps to: tables and wrapped lines fit 100 columns.
public let textWidth = 100

/// A plain text table with columns padded to their widest cell (the last column unpadded), at
/// most `width` columns wide. When the cells do not fit, headers wrap (into two lines where that
/// is enough), then the columns with the most room to give wrap their cells at spaces, a row then
/// taking several lines. When that costs more than a few lines (or even single words do not
/// fit), the columns after the first may be split into tables of balanced width, each repeating
/// the first column, if that takes fewer lines.
public func table(header: [String], rows: [[String]], width: Int = textWidth) -> String {
    let all = [header] + rows
    let natural = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
    func words(_ cell: String) -> Int { cell.split(separator: " ").map(\.count).max() ?? 0 }
    let least = header.indices.map { c in all.map { words($0[c]) }.max() ?? 0 }
    // Header cells may wrap freely; body cells only where it costs few lines.
    let leastHeaderOnly = header.indices.map { c in max(words(header[c]), rows.map { $0[c].count }.max() ?? 0) }
    func span(_ ws: [Int]) -> Int { ws.reduce(0, +) + 2 * (ws.count - 1) }

    var single: String?
    if span(least) <= width {
        // Headers wrap first, into two lines where that is enough, then body cells.
        let widths = shrunk(shrunk(twoLineHeaders(natural, header: header, rows: rows, width: width), least: leastHeaderOnly, width: width),
                            least: least, width: width)
        single = renderTable(all, widths: widths)
    }
    func lines(_ t: String) -> Int { t.split(separator: "\n", omittingEmptySubsequences: false).count }
    if let single, header.count <= 2 || lines(single) <= all.count + 1 + max(3, rows.count / 4) { return single }
    // Split: the columns after the first in contiguous groups whose widest table is narrowest.
    let rest = Array(header.indices.dropFirst())
    func groups(limit: Int) -> [[Int]] {
        var out: [[Int]] = [], current: [Int] = []
        for c in rest {
            if !current.isEmpty && span([leastHeaderOnly[0]] + (current + [c]).map { leastHeaderOnly[$0] }) > limit { out.append(current); current = [] }
            current.append(c)
        }
        return out + [current]
    }
    let fewest = groups(limit: width).count
    var limit = rest.map { span([leastHeaderOnly[0], leastHeaderOnly[$0]]) }.max() ?? width
    while limit < width && groups(limit: limit).count > fewest { limit += 1 }
    let parts = groups(limit: max(limit, 1))
    // One group is the table itself: nothing to split.
    if parts.count < 2 { return single ?? renderTable(all, widths: natural) }
    let tables = parts.map { g in
        let cs = [0] + g
        return table(header: cs.map { header[$0] }, rows: rows.map { r in cs.map { r[$0] } }, width: width)
    }
    // Wrapped cells or split tables, whichever wraps less (lines beyond a header, a rule and a
    // line per row): splitting a table whose long cells wrap anyway only repeats its first column.
    func wrapped(_ t: String) -> Int { lines(t) - rows.count - 2 }
    if let single, wrapped(single) <= tables.map(wrapped).reduce(0, +) { return single }
    return tables.joined(separator: "\n\n")
}

/// Column widths with the fewest headers wrapped into two lines (those that save the most
/// first) that bring the table within `width`, or as close as two-line headers can.
private func twoLineHeaders(_ natural: [Int], header: [String], rows: [[String]], width: Int) -> [Int] {
    var widths = natural
    func span() -> Int { widths.reduce(0, +) + 2 * (widths.count - 1) }
    // The narrowest column that holds the header in two lines (and every body cell whole).
    let twoLine = header.indices.map { c -> Int in
        let words = header[c].split(separator: " ").map(String.init)
        let body = rows.map { $0[c].count }.max() ?? 0
        guard words.count > 1 else { return natural[c] }
        let best = (1..<words.count).map { k in max(words[..<k].joined(separator: " ").count, words[k...].joined(separator: " ").count) }.min()!
        return min(natural[c], max(best, body))
    }
    for c in header.indices.sorted(by: { (natural[$0] - twoLine[$0], $1) > (natural[$1] - twoLine[$1], $0) }) where span() > width {
        widths[c] = twoLine[c]
    }
    return widths
}

/// Column widths shrunk towards `least` to fit `width`: each step narrows the column with the
/// most room to give.
private func shrunk(_ natural: [Int], least: [Int], width: Int) -> [Int] {
    var widths = natural
    while widths.reduce(0, +) + 2 * (widths.count - 1) > width,
          let c = widths.indices.filter({ widths[$0] > least[$0] }).max(by: { widths[$0] - least[$0] < widths[$1] - least[$1] }) {
        widths[c] -= 1
    }
    return widths
}

/// The table's lines: header, rule, rows; a cell wider than its column wraps at spaces.
private func renderTable(_ all: [[String]], widths: [Int]) -> String {
    func line(_ cells: [String]) -> String {
        let pieces = zip(cells, widths).map { cell, w in wrapLines(cell, width: w) }
        let height = pieces.map(\.count).max() ?? 1
        return (0..<height).map { k in
            pieces.enumerated().map { i, lines in
                let s = k < lines.count ? lines[k] : ""
                return i == pieces.count - 1 ? s : s.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }
    return ([line(all[0]), line(widths.map { String(repeating: "-", count: $0) })] + all.dropFirst().map(line)).joined(separator: "\n")
}

/// Greedy word wrap of a paragraph at `width` columns (runs of whitespace collapse; a word
/// longer than the width keeps its own line). Lines after the first start with `indent`.
public func wrap(_ text: String, width: Int = textWidth, indent: String = "") -> String {
    wrapLines(text, width: width, indent: indent).joined(separator: "\n")
}

func wrapLines(_ text: String, width: Int, indent: String = "") -> [String] {
    if text.count <= width && !text.contains("\n") { return [text] }
    var lines: [String] = [], line = ""
    for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
        if !line.isEmpty && line.count + 1 + word.count > width { lines.append(line); line = indent }
        line += (line.isEmpty || line == indent ? "" : " ") + word
    }
    if !line.isEmpty || lines.isEmpty { lines.append(line) }
    return lines
}
