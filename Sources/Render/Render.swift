import CRsvg
import Foundation

/// PDF and PNG from an SVG document, in process: librsvg draws the SVG onto a Cairo surface
/// (the maintained renderer behind rsvg-convert). Text stays text and the fonts are embedded in
/// a PDF; vectors stay vectors. The same SVG gives the same bytes (the PDF's creation date is
/// fixed).
public enum Render {
    public enum Format: String, Sendable, CaseIterable {
        case pdf, png
    }

    /// A document that librsvg or Cairo refused, with their message.
    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// `svg` as a PDF page of `inches` (width, height), or a PNG of that size at `dpi` pixels an inch.
    public static func document(_ svg: String, format: Format, inches: (width: Double, height: Double), dpi: Double) throws -> Data {
        final class Sink { var data = Data() }
        let sink = Sink()
        let (w, h) = format == .pdf ? (inches.width * 72, inches.height * 72)
            : ((inches.width * dpi).rounded(), (inches.height * dpi).rounded())
        var error = [CChar](repeating: 0, count: 512)
        let status = svg.utf8CString.withUnsafeBufferPointer { text -> Int32 in
            withExtendedLifetime(sink) {
                flatlab_render_svg(text.baseAddress, text.count - 1, format == .pdf ? 1 : 0, w, h, { context, bytes, length in
                    let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
                    sink.data.append(bytes!, count: Int(length))
                    return 0
                }, Unmanaged.passUnretained(sink).toOpaque(), &error, error.count)
            }
        }
        guard status == 0 else { throw Failure(message: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)) }
        return sink.data
    }
}
