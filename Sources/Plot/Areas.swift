import Foundation

/// A filled band between `lower` and `upper` over xs.
public struct Band: Artist {
    /// The band's edges at each x. Values are not checked: a non-finite one is drawn at an edge of
    /// the plot area, so pass finite values.
    public let xs: [Double], lower: [Double], upper: [Double]
    /// Fill colour and opacity in 0...1 (the legend patch shows at least 0.3).
    public let color: Color, opacity: Double
    /// Legend text; nil for no legend row.
    public let label: String?

    public init(xs: [Double], lower: [Double], upper: [Double], color: Color, opacity: Double, label: String? = nil) {
        (self.xs, self.lower, self.upper, self.color, self.opacity, self.label) = (xs, lower, upper, color, opacity, label)
    }

    public func dataLimits(_ axis: Int) -> [Double] { axis == 0 ? xs : lower + upper }
    public var legendEntry: LegendEntry? { label.map { LegendEntry(swatch: .patch(color, opacity: opacity), label: $0) } }
    public func obstacles(_ t: Transform) -> [Obstacle] { t.trace(xs, lower) + t.trace(xs, upper) }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        let top = zip(xs, upper).map { t.point($0, $1) }, bottom = zip(xs, lower).map { t.point($0, $1) }.reversed()
        w.element("path", [("d", SVGWriter.path(top + bottom) + " Z"), ("fill", color.svg), ("fill-opacity", SVGWriter.number(opacity)), ("stroke", "none")])
    }
}

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
