import Foundation

/// A polyline through (xs[i], ys[i]), broken where a point cannot be drawn.
public struct Line: Artist {
    public let xs: [Double], ys: [Double]
    public let stroke: Stroke
    /// Legend text; nil for no legend row.
    public let label: String?

    public init(xs: [Double], ys: [Double], stroke: Stroke, label: String? = nil) {
        (self.xs, self.ys, self.stroke, self.label) = (xs, ys, stroke, label)
    }

    public func dataLimits(_ axis: Int) -> [Double] { axis == 0 ? xs : ys }
    public var legendEntry: LegendEntry? { label.map { LegendEntry(swatch: .line(stroke), label: $0) } }
    public func obstacles(_ t: Transform) -> [Obstacle] { t.trace(xs, ys) }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        for piece in t.pieces(xs, ys) { w.element("path", [("d", SVGWriter.path(piece))] + stroke.attributes) }
    }
}

/// A path with arrowheads along it showing its direction: one every `spacing` pixels of path,
/// wherever the samples fall, so a path of many short steps shows its direction as well as one
/// of few long ones.
public struct Arrows: Artist {
    public let xs: [Double], ys: [Double]
    public let stroke: Stroke
    /// Pixels of path between arrowheads; the first sits half a spacing from the start of each
    /// drawn piece.
    public let spacing: Double
    /// Legend text; nil for no legend row.
    public let label: String?

    public init(xs: [Double], ys: [Double], stroke: Stroke, spacing: Double = 60, label: String? = nil) {
        (self.xs, self.ys, self.stroke, self.spacing, self.label) = (xs, ys, stroke, spacing, label)
    }

    public func dataLimits(_ axis: Int) -> [Double] { axis == 0 ? xs : ys }
    public var legendEntry: LegendEntry? { label.map { LegendEntry(swatch: .line(stroke), label: $0) } }
    public func obstacles(_ t: Transform) -> [Obstacle] { t.trace(xs, ys) }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        for piece in t.pieces(xs, ys) {
            w.element("path", [("d", SVGWriter.path(piece))] + stroke.attributes)
            var next = spacing / 2, walked = 0.0
            for i in 1..<piece.count {
                let (a, b) = (piece[i - 1], piece[i])
                let len = hypot(b.0 - a.0, b.1 - a.1)
                guard len > 0 else { continue }
                while next <= walked + len {
                    let s = (next - walked) / len
                    let (ux, uy) = ((b.0 - a.0) / len, (b.1 - a.1) / len)
                    let m = (a.0 + s * (b.0 - a.0), a.1 + s * (b.1 - a.1))
                    let tip = (m.0 + 5 * ux, m.1 + 5 * uy)
                    let l = (m.0 - 4 * ux - 3.8 * uy, m.1 - 4 * uy + 3.8 * ux), r = (m.0 - 4 * ux + 3.8 * uy, m.1 - 4 * uy - 3.8 * ux)
                    w.element("path", [("d", SVGWriter.path([tip, l, r]) + " Z"), ("fill", stroke.color.svg),
                                       ("stroke", "#222222"), ("stroke-width", "0.5")])
                    next += spacing
                }
                walked += len
            }
        }
    }
}

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

/// A vertical (x = value) or horizontal (y = value) line across the plot area.
public struct Rule: Artist {
    public enum Direction: Sendable { case vertical, horizontal }
    public let direction: Direction
    public let value: Double
    public let stroke: Stroke
    /// Legend text; nil for no legend row.
    public let label: String?

    public init(_ direction: Direction, at value: Double, stroke: Stroke, label: String? = nil) {
        (self.direction, self.value, self.stroke, self.label) = (direction, value, stroke, label)
    }

    public func dataLimits(_ axis: Int) -> [Double] { (axis == 0) == (direction == .vertical) ? [value] : [] }
    public var legendEntry: LegendEntry? { label.map { LegendEntry(swatch: .line(stroke), label: $0) } }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        let points = direction == .vertical ? [(t.x(value), t.top), (t.x(value), t.bottom)] : [(t.left, t.y(value)), (t.right, t.y(value))]
        w.element("path", [("d", SVGWriter.path(points))] + stroke.attributes)
    }
}

/// Text at a data point.
public struct TextLabel: Artist {
    /// The text's anchor point on its baseline, in data coordinates.
    public let x: Double, y: Double
    public let text: String
    public let color: Color
    /// SVG text-anchor: start, middle or end.
    public let anchor: String

    public init(x: Double, y: Double, text: String, color: Color = .black, anchor: String = "start") {
        (self.x, self.y, self.text, self.color, self.anchor) = (x, y, text, color, anchor)
    }

    public func dataLimits(_ axis: Int) -> [Double] { [axis == 0 ? x : y] }
    public func obstacles(_ t: Transform) -> [Obstacle] {
        let c = t.point(x, y)
        return [Obstacle(x: c.0, y: c.1, weight: Legend.heavy)]
    }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        let c = t.point(x, y), n = SVGWriter.number
        w.element("text", [("x", n(c.0)), ("y", n(c.1)), ("text-anchor", anchor), ("font-size", "12"), ("fill", color.svg)], text: text)
    }
}
