import Foundation

/// A shaded vertical span [x0, x1] over the whole height.
public struct Span: Artist {
    /// Data x bounds, in either order.
    public let x0: Double, x1: Double
    /// Fill colour and opacity in 0...1 (the legend patch shows at least 0.3).
    public let color: Color, opacity: Double
    /// Legend text; nil for no legend row.
    public let label: String?

    public init(x0: Double, x1: Double, color: Color, opacity: Double, label: String? = nil) {
        (self.x0, self.x1, self.color, self.opacity, self.label) = (x0, x1, color, opacity, label)
    }

    public func dataLimits(_ axis: Int) -> [Double] { axis == 0 ? [x0, x1] : [] }
    public var legendEntry: LegendEntry? { label.map { LegendEntry(swatch: .patch(color, opacity: opacity), label: $0) } }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        let (a, b) = (t.x(x0), t.x(x1)), n = SVGWriter.number
        w.element("rect", [("x", n(min(a, b))), ("y", n(t.top)), ("width", n(abs(b - a))), ("height", n(t.bottom - t.top)),
                           ("fill", color.svg), ("fill-opacity", n(opacity))])
    }
}

/// A vertical line at x over the whole height: a moment marked on a panel against step.
public struct Rule: Artist {
    public let x: Double
    public let stroke: Stroke
    /// Legend text; nil for no legend row.
    public let label: String?

    public init(x: Double, stroke: Stroke, label: String? = nil) { (self.x, self.stroke, self.label) = (x, stroke, label) }

    public func dataLimits(_ axis: Int) -> [Double] { axis == 0 ? [x] : [] }
    public var legendEntry: LegendEntry? { label.map { LegendEntry(swatch: .line(stroke), label: $0) } }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        stroke.draw(SVGWriter.path([(t.x(x), t.top), (t.x(x), t.bottom)]), t.look, into: &w)
    }
}
