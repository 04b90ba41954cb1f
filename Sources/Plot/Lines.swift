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
        for piece in t.pieces(xs, ys) { stroke.draw(polylines: [piece], t.look, into: &w) }
    }
}

/// A path with arrowheads along it showing its direction: one every `spacing` pixels of path,
/// wherever the samples fall, so a path of many short steps shows its direction as well as one
/// of few long ones; a head within half a spacing of the previous one is left out.
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
        let spacing = t.look.length(self.spacing), head = t.look.scale
        for piece in t.pieces(xs, ys) {
            stroke.draw(polylines: [piece], t.look, into: &w)
            var next = spacing / 2, walked = 0.0
            // A path that zig-zags in place (an optimizer oscillating across a valley) is long
            // but goes nowhere: a head within half a spacing of the last one is left out.
            var lastHead: (Double, Double)?
            for i in 1..<piece.count {
                let (a, b) = (piece[i - 1], piece[i])
                let len = hypot(b.0 - a.0, b.1 - a.1)
                guard len > 0 else { continue }
                while next <= walked + len {
                    let s = (next - walked) / len
                    let (ux, uy) = ((b.0 - a.0) / len, (b.1 - a.1) / len)
                    let m = (a.0 + s * (b.0 - a.0), a.1 + s * (b.1 - a.1))
                    next += spacing
                    if let h = lastHead, hypot(m.0 - h.0, m.1 - h.1) < spacing / 2 { continue }
                    lastHead = m
                    let tip = (m.0 + 5 * head * ux, m.1 + 5 * head * uy)
                    let (a4, a38) = (4 * head, 3.8 * head)
                    let l = (m.0 - a4 * ux - a38 * uy, m.1 - a4 * uy + a38 * ux), r = (m.0 - a4 * ux + a38 * uy, m.1 - a4 * uy - a38 * ux)
                    w.element("path", [("d", SVGWriter.path([tip, l, r]) + " Z"), ("fill", stroke.color.svg),
                                       ("stroke", "#222222"), ("stroke-width", SVGWriter.number(t.look.width(0.5)))])
                }
                walked += len
            }
        }
    }
}

/// A shaded band between a lower and an upper line over the same xs (the range of an
/// oscillating series), broken where either bound cannot be drawn.
public struct Band: Artist {
    public let xs: [Double], lower: [Double], upper: [Double]
    public let color: Color, opacity: Double
    /// Legend text; nil for no legend row.
    public let label: String?

    public init(xs: [Double], lower: [Double], upper: [Double], color: Color, opacity: Double = 0.3, label: String? = nil) {
        (self.xs, self.lower, self.upper, self.color, self.opacity, self.label) = (xs, lower, upper, color, opacity, label)
    }

    public func dataLimits(_ axis: Int) -> [Double] { axis == 0 ? xs : lower + upper }
    public var legendEntry: LegendEntry? { label.map { LegendEntry(swatch: .patch(color, opacity: opacity), label: $0) } }
    public func obstacles(_ t: Transform) -> [Obstacle] { t.trace(xs, lower) + t.trace(xs, upper) }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        var piece: [Int] = []
        func flush() {
            defer { piece = [] }
            guard piece.count > 1 else { return }
            let top = piece.map { t.point(xs[$0], upper[$0]) }, bottom = piece.reversed().map { t.point(xs[$0], lower[$0]) }
            w.element("path", [("d", SVGWriter.path(top + bottom) + " Z"), ("fill", color.svg), ("fill-opacity", SVGWriter.number(opacity)),
                               ("stroke", "none")])
        }
        for i in xs.indices {
            if t.isDrawable(xs[i], lower[i]) && t.isDrawable(xs[i], upper[i]) { piece.append(i) } else { flush() }
        }
        flush()
    }
}

/// An arrow from one point to another, its head at the second (a vector drawn from where it acts).
public struct Vector: Artist {
    public let from: (Double, Double), to: (Double, Double)
    public let stroke: Stroke
    /// Legend text; nil for no legend row.
    public let label: String?

    public init(from: (Double, Double), to: (Double, Double), stroke: Stroke, label: String? = nil) {
        (self.from, self.to, self.stroke, self.label) = (from, to, stroke, label)
    }

    public func dataLimits(_ axis: Int) -> [Double] { axis == 0 ? [from.0, to.0] : [from.1, to.1] }
    public var legendEntry: LegendEntry? { label.map { LegendEntry(swatch: .line(stroke), label: $0) } }
    public func obstacles(_ t: Transform) -> [Obstacle] { t.trace([from.0, to.0], [from.1, to.1]) }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        guard t.isDrawable(from.0, from.1), t.isDrawable(to.0, to.1) else { return }
        let a = t.point(from.0, from.1), b = t.point(to.0, to.1)
        let length = hypot(b.0 - a.0, b.1 - a.1)
        guard length > 0 else { return }
        let (ux, uy) = ((b.0 - a.0) / length, (b.1 - a.1) / length)
        // The head is at most half the arrow, so a short vector still shows its shaft.
        let head = min(t.look.length(9), length / 2), half = head * 0.45
        let base = (b.0 - head * ux, b.1 - head * uy)
        stroke.draw(SVGWriter.path([a, base]), t.look, into: &w)
        w.element("path", [("d", SVGWriter.path([b, (base.0 - half * uy, base.1 + half * ux), (base.0 + half * uy, base.1 - half * ux)]) + " Z"),
                           ("fill", stroke.color.svg), ("stroke", stroke.color.svg), ("stroke-width", SVGWriter.number(t.look.width(0.5)))])
    }
}
