import Foundation

/// A minimal, deterministic SVG 1.1 writer: elements are appended as text with attributes in
/// the order given, numbers are written compactly, and text is escaped.
public struct SVGWriter {
    private(set) var body: [String] = []
    private var indent = 1

    public init() {}

    /// Starts `<tag>` with the attributes in the order given (values escaped); end it with
    /// `close(_:)`.
    public mutating func open(_ tag: String, _ attributes: [(String, String)] = []) {
        body.append(String(repeating: "  ", count: indent) + "<\(tag)\(SVGWriter.attributes(attributes))>")
        indent += 1
    }

    /// Ends the innermost open element; `tag` is written as given, not checked against it.
    public mutating func close(_ tag: String) {
        indent -= 1
        body.append(String(repeating: "  ", count: indent) + "</\(tag)>")
    }

    /// An element without children: `<tag/>`, or `<tag>text</tag>` with `text` escaped.
    public mutating func element(_ tag: String, _ attributes: [(String, String)], text: String? = nil) {
        let pad = String(repeating: "  ", count: indent)
        if let text {
            body.append(pad + "<\(tag)\(SVGWriter.attributes(attributes))>\(SVGWriter.escape(text))</\(tag)>")
        } else {
            body.append(pad + "<\(tag)\(SVGWriter.attributes(attributes))/>")
        }
    }

    /// Text with `MathText` markup: `<text>` at `size` with the attributes given, subscripts as
    /// `tspan`s at the look's small size, shifted to the subscript baseline.
    public mutating func text(_ attributes: [(String, String)], _ content: String, size: Double, look: Look) {
        let pad = String(repeating: "  ", count: indent)
        let head = "<text\(SVGWriter.attributes(attributes + [("font-size", SVGWriter.number(size))]))>"
        let runs = MathText.runs(content)
        let body = runs.map { run in
            run.sub ? "<tspan baseline-shift=\"sub\" font-size=\"\(SVGWriter.number(max(look.small, size * 0.8)))\">\(SVGWriter.escape(run.text))</tspan>"
                : SVGWriter.escape(run.text)
        }.joined()
        body.isEmpty ? self.body.append(pad + head.dropLast() + "/>") : self.body.append(pad + head + body + "</text>")
    }

    /// The whole document: XML declaration, `<svg>` with a viewBox, `<title>` and `<desc>`. With
    /// `inches`, the document states its size on paper and the viewBox units are points.
    public func document(width: Double, height: Double, title: String, description: String, inches: Bool = false) -> String {
        let n = SVGWriter.number
        let size = inches ? "width=\"\(String(format: "%.6g", width / 72))in\" height=\"\(String(format: "%.6g", height / 72))in\""
            : "width=\"\(n(width))\" height=\"\(n(height))\""
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" \(size) viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">",
            "  <title>\(SVGWriter.escape(title))</title>",
            "  <desc>\(SVGWriter.escape(description))</desc>",
            "  <rect x=\"0\" y=\"0\" width=\"\(SVGWriter.number(width))\" height=\"\(SVGWriter.number(height))\" fill=\"#ffffff\"/>",
        ]
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func attributes(_ list: [(String, String)]) -> String {
        list.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// XML escaping for text and attribute values.
    public static func escape(_ s: String) -> String {
        // Most text (numbers, path data, base64 images) has nothing to escape: scan the bytes
        // once and return it as it is.
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return s }
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals and no trailing zeros ("12.5", "3", "-0.25"),
    /// rounded half away from zero; "0" for a value that rounds to zero or is not finite.
    /// Written with integer arithmetic: figures write tens of thousands of coordinates.
    public static func number(_ x: Double) -> String {
        let r = (x * 100).rounded()
        guard r.isFinite else { return "0" }
        guard abs(r) < 9e15 else { return String(format: "%.0f", r / 100) }
        let v = Int(r)
        if v == 0 { return "0" }
        let (whole, fraction) = (abs(v) / 100, abs(v) % 100)
        var s = v < 0 ? "-" + String(whole) : String(whole)
        if fraction != 0 {
            s += fraction % 10 == 0 ? "." + String(fraction / 10) : (fraction < 10 ? ".0" : ".") + String(fraction)
        }
        return s
    }

    /// The points of a polyline that matter at `tolerance` (Ramer–Douglas–Peucker): every point
    /// left out lies within `tolerance` of the segment that replaces it, so at a tenth of a pixel the
    /// drawing is the same while a smooth contour or curve needs far fewer numbers.
    public static func simplified(_ points: [(Double, Double)], tolerance: Double) -> [(Double, Double)] {
        guard points.count > 2 else { return points }
        var keep = [Bool](repeating: false, count: points.count)
        keep[0] = true
        keep[points.count - 1] = true
        var stack = [(0, points.count - 1)]
        while let (a, b) = stack.popLast() {
            guard b > a + 1 else { continue }
            let (ax, ay) = points[a], (bx, by) = points[b]
            let (dx, dy) = (bx - ax, by - ay)
            let squared = dx * dx + dy * dy
            var worst = -1.0, index = a
            for i in (a + 1)..<b {
                // Distance to the segment (not its line: a path may turn back on itself).
                let (px, py) = points[i]
                let t = squared > 0 ? max(0, min(1, ((px - ax) * dx + (py - ay) * dy) / squared)) : 0
                let d = hypot(px - ax - t * dx, py - ay - t * dy)
                if d > worst { (worst, index) = (d, i) }
            }
            if worst > tolerance {
                keep[index] = true
                stack.append((a, index))
                stack.append((index, b))
            }
        }
        return points.indices.filter { keep[$0] }.map { points[$0] }
    }

    /// Points as an SVG `points` / path list.
    static func path(_ points: [(Double, Double)]) -> String {
        points.enumerated().map { i, p in (i == 0 ? "M" : "L") + number(p.0) + " " + number(p.1) }.joined(separator: " ")
    }
}
