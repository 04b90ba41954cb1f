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
        var out: [UInt8] = []
        write(into: &out, indent: Array(indent.utf8))
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the rendering's UTF-8 to `out`: one growing byte buffer, not a string per value
    /// (a basin map's document holds hundreds of thousands of numbers).
    private func write(into out: inout [UInt8], indent: [UInt8]) {
        switch self {
        case .null: put("null", &out)
        case .bool(let b): put(b ? "true" : "false", &out)
        case .number(let x): JSON.appendNumber(x, to: &out)
        case .string(let s): JSON.appendQuoted(s, to: &out)
        case .array(let items):
            if items.isEmpty { put("[]", &out); return }
            if items.allSatisfy({ $0.isScalar }) {
                out.append(UInt8(ascii: "["))
                for (k, item) in items.enumerated() {
                    if k > 0 { put(", ", &out) }
                    item.write(into: &out, indent: JSON.noIndent)
                }
                out.append(UInt8(ascii: "]"))
                return
            }
            let inner = indent + "  ".utf8
            put("[\n", &out)
            for (k, item) in items.enumerated() {
                if k > 0 { put(",\n", &out) }
                out += inner
                item.write(into: &out, indent: inner)
            }
            out.append(UInt8(ascii: "\n"))
            out += indent
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            if fields.isEmpty { put("{}", &out); return }
            let inner = indent + "  ".utf8
            put("{\n", &out)
            for (k, field) in fields.enumerated() {
                if k > 0 { put(",\n", &out) }
                out += inner
                JSON.appendQuoted(field.0, to: &out)
                put(": ", &out)
                field.1.write(into: &out, indent: inner)
            }
            out.append(UInt8(ascii: "\n"))
            out += indent
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let noIndent: [UInt8] = []

    /// A literal's bytes appended (no String in between).
    @inline(__always) private func put(_ s: StaticString, _ out: inout [UInt8]) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
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

    /// `format(x)` appended as UTF-8: an integral value's digits written directly.
    static func appendNumber(_ x: Double, to out: inout [UInt8]) {
        // Integral below 1e15 (the test `format` makes, without a call to round): the value
        // survives truncation to Int64.
        guard abs(x) < 1e15, Double(Int64(x)) == x else { out += format(x).utf8; return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            let p = d.baseAddress!.assumingMemoryBound(to: UInt8.self)
            out.append(contentsOf: UnsafeBufferPointer(start: p, count: writeInteger(Int64(x), to: p)))
        }
    }

    /// `n`'s decimal digits (with a minus sign when negative) written at `p`, as `String(n)`
    /// spells them; returns how many bytes (at most 20, |n| below 1e19).
    static func writeInteger(_ n: Int64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if n == 0 { p[0] = UInt8(ascii: "0"); return 1 }
        var rest = n.magnitude, count = n < 0 ? 1 : 0
        while rest > 0 { count += 1; rest /= 10 }
        if n < 0 { p[0] = UInt8(ascii: "-") }
        rest = n.magnitude
        for k in stride(from: count - 1, through: n < 0 ? 1 : 0, by: -1) { p[k] = UInt8(ascii: "0") + UInt8(rest % 10); rest /= 10 }
        return count
    }

    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped, other characters as is.
    public static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        appendQuoted(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `quote(s)` appended as UTF-8; a string with nothing to escape (every key) is copied whole.
    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\"".utf8
            case UInt8(ascii: "\\"): out += "\\\\".utf8
            case UInt8(ascii: "\n"): out += "\\n".utf8
            case UInt8(ascii: "\r"): out += "\\r".utf8
            case UInt8(ascii: "\t"): out += "\\t".utf8
            case ..<0x20: out += String(format: "\\u%04x", byte).utf8
            default: out.append(byte)  // bytes of other characters, UTF-8 as they are
            }
        }
        out.append(UInt8(ascii: "\""))
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
