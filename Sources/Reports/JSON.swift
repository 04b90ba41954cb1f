import Foundation
import Landscape

/// A JSON document with keys in the order they were given, written deterministically: the same
/// value always gives the same bytes. Non-finite numbers have no JSON spelling and become null.
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    /// Equal when rendered alike: field order counts, and a non-finite number equals `null`.
    public static func == (a: JSON, b: JSON) -> Bool { a.rendered() == b.rendered() }

    public static func numbers(_ v: [Double]) -> JSON { .array(v.map { .number($0) }) }
    public static func matrix(_ m: [[Double]]) -> JSON { .array(m.map { numbers($0) }) }
    public static func strings(_ v: [String]) -> JSON { .array(v.map { .string($0) }) }

    /// Pretty-printed with two-space indents; arrays holding only scalars stay on one line.
    public func rendered(indent: String = "") -> String {
        var out = ""
        write(into: &out, indent: indent)
        return out
    }

    /// Appends the rendering to `out`: one growing string, not a string per value (a basin map's
    /// document holds hundreds of thousands of numbers).
    private func write(into out: inout String, indent: String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let x): out += JSON.format(x)
        case .string(let s): JSON.appendQuoted(s, to: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            if items.allSatisfy({ $0.isScalar }) {
                out += "["
                for (k, item) in items.enumerated() {
                    if k > 0 { out += ", " }
                    item.write(into: &out, indent: "")
                }
                out += "]"
                return
            }
            let inner = indent + "  "
            out += "[\n"
            for (k, item) in items.enumerated() {
                if k > 0 { out += ",\n" }
                out += inner
                item.write(into: &out, indent: inner)
            }
            out += "\n" + indent + "]"
        case .object(let fields):
            if fields.isEmpty { out += "{}"; return }
            let inner = indent + "  "
            out += "{\n"
            for (k, field) in fields.enumerated() {
                if k > 0 { out += ",\n" }
                out += inner
                JSON.appendQuoted(field.0, to: &out)
                out += ": "
                field.1.write(into: &out, indent: inner)
            }
            out += "\n" + indent + "}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// Shortest decimal that reads back as the same double; integral values without ".0".
    public static func format(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return x.description
    }

    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped, other characters as is.
    public static func quote(_ s: String) -> String {
        var out = ""
        appendQuoted(s, to: &out)
        return out
    }

    /// `quote(s)` appended to `out`; a string with nothing to escape (every key) is copied whole.
    static func appendQuoted(_ s: String, to out: inout String) {
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}

extension JSON {
    /// A setting's value (`RunSettings.jsonFields(for:)`) as JSON.
    public init(_ value: Defaults.Value) {
        switch value {
        case .number(let x): self = .number(x)
        case .integer(let n): self = .number(Double(n))
        case .vector(let v): self = .numbers(v)
        case .word(let w): self = .string(w)
        case .flag(let b): self = .bool(b)
        }
    }

    /// A number that may be absent: null when it is.
    public static func optional(_ x: Double?) -> JSON { x.map { .number($0) } ?? .null }
}
