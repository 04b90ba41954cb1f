import Foundation
import Landscape

/// How many significant digits a number gets where people read it. One formatter for the whole
/// lab: tables and text output, sentences, figure labels. (JSON and CSV use `JSON.format`, the
/// shortest text that reads back as the same double.)
public enum Precision: Int, Sendable {
    /// Figure labels and titles.
    case label = 3
    /// Sentences of findings.
    case sentence = 4
    /// Wide tables of many measures (the analysis), where twelve digits would not fit.
    case compact = 5
    /// Tables for people.
    case table = 12
}

/// `x` with `precision` significant digits and no trailing zeros: "0.5", "1e-05", "nan", "inf".
/// A value that rounds to zero prints as "0", never "-0".
public func format(_ x: Double, _ precision: Precision = .table) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == 0 { return "0" }
    let s = String(format: "%.\(precision.rawValue)g", x)
    return s.hasPrefix("-") && Double(s) == 0 ? "0" : s
}

/// A vector as `[1, 2.5]`.
public func format(_ v: [Double], _ precision: Precision = .table) -> String {
    "[" + v.map { format($0, precision) }.joined(separator: ", ") + "]"
}

/// θ with its variables' names: `x=1` or `(x=1, y=2)`. A coordinate within 1e-12 of 0 (1e-10
/// in sentences and labels) prints as 0: root finding leaves noise such as 3e-16 there.
/// Beyond `maxNamedVariables` a point is summarised by its norm (the JSON and CSV have it whole).
public func format(point theta: [Double], _ variables: [String], _ precision: Precision = .table) -> String {
    if theta.count > maxNamedVariables {
        return "‖θ‖=\(format(theta.map { $0 * $0 }.reduce(0, +).squareRoot(), precision)) (\(theta.count) parameters)"
    }
    let zero = precision == .table ? 1e-12 : 1e-10
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

/// A plain text table with columns padded to their widest cell (the last column unpadded).
public func table(header: [String], rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, s in i == cells.count - 1 ? s : s.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  ")
    }
    return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
}
