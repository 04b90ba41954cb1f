/// A marker glyph. `cross` is two strokes in the marker's colour; `ring` a white disc in a thick
/// ring of it (where a run is now, told from the filled end markers); the others are filled,
/// with a dark outline.
public enum MarkerShape: String, Sendable {
    case circle, square, triangle, diamond, cross, ring
}

/// Markers with one colour each (or one for all), e.g. a trajectory coloured by step.
public struct Markers: Artist {
    public let xs: [Double], ys: [Double]
    /// Colour of each point; with fewer colours than points the last repeats (so one colours all),
    /// and none draws black.
    public let colors: [Color]
    public let shape: MarkerShape
    /// Radius in pixels (half the side of a square; triangles and diamonds reach a little further);
    /// the legend swatch caps it at 5.
    public let size: Double
    /// Legend text; nil for no legend row.
    public let label: String?
    /// A shift in marker radii (right, up) from the data point: markers that would hide each
    /// other (several runs ending at one minimum) are set around their point.
    public var offset: (Double, Double) = (0, 0)
    /// False to draw the markers whole at the plot's edge (`Artist.clipped`).
    public var clipped = true

    public init(xs: [Double], ys: [Double], colors: [Color], shape: MarkerShape, size: Double, label: String? = nil) {
        (self.xs, self.ys, self.colors, self.shape, self.size, self.label) = (xs, ys, colors, shape, size, label)
    }

    public func dataLimits(_ axis: Int) -> [Double] { axis == 0 ? xs : ys }

    /// The swatch has the single colour if there is one, else mid-viridis.
    public var legendEntry: LegendEntry? {
        label.map { LegendEntry(swatch: .marker(shape, colors.count == 1 ? colors[0] : Viridis.color(0.5), size: min(size, 5)), label: $0) }
    }

    /// A lone marker (a start, an end) is hidden at the cost of a long stretch of line.
    public func obstacles(_ t: Transform) -> [Obstacle] {
        zip(xs, ys).filter { $0.isFinite && $1.isFinite }.map {
            let c = t.point($0, $1)
            return Obstacle(x: c.0, y: c.1, weight: xs.count <= 3 ? Legend.heavy : 1)
        }
    }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        let r = t.look.length(size)
        for (i, (x, y)) in zip(xs, ys).enumerated() where x.isFinite && y.isFinite {
            let c = t.point(x, y), at = (c.0 + offset.0 * r, c.1 - offset.1 * r)
            if offset != (0, 0) {
                // A thin leader from the true point to the shifted marker.
                w.element("path", [("d", SVGWriter.path([c, at])), ("stroke", "#222222"), ("stroke-width", SVGWriter.number(t.look.width(0.8)))])
            }
            Markers.draw(shape, at: at, size: r, color: colors.isEmpty ? .black : colors[min(i, colors.count - 1)], look: t.look, into: &w)
        }
    }

    /// A marker of radius `r` (in the figure's units) centred at `c`.
    static func draw(_ shape: MarkerShape, at c: (Double, Double), size r: Double, color: Color, look: Look, into w: inout SVGWriter) {
        let n = SVGWriter.number
        let style: [(String, String)] = [("fill", color.svg), ("stroke", "#222222"), ("stroke-width", n(look.width(0.8)))]
        switch shape {
        case .circle:
            w.element("circle", [("cx", n(c.0)), ("cy", n(c.1)), ("r", n(r))] + style)
        case .square:
            w.element("rect", [("x", n(c.0 - r)), ("y", n(c.1 - r)), ("width", n(2 * r)), ("height", n(2 * r))] + style)
        case .triangle:
            w.element("path", [("d", SVGWriter.path([(c.0, c.1 - 1.2 * r), (c.0 + 1.1 * r, c.1 + 0.8 * r), (c.0 - 1.1 * r, c.1 + 0.8 * r)]) + " Z")] + style)
        case .diamond:
            w.element("path", [("d", SVGWriter.path([(c.0, c.1 - 1.3 * r), (c.0 + 1.3 * r, c.1), (c.0, c.1 + 1.3 * r), (c.0 - 1.3 * r, c.1)]) + " Z")] + style)
        case .ring:
            w.element("circle", [("cx", n(c.0)), ("cy", n(c.1)), ("r", n(r)), ("fill", "#ffffff"), ("stroke", "#222222"),
                                 ("stroke-width", n(look.width(0.8) + 2 * look.width(1.6)))])
            w.element("circle", [("cx", n(c.0)), ("cy", n(c.1)), ("r", n(r)), ("fill", "none"), ("stroke", color.svg),
                                 ("stroke-width", n(2 * look.width(1.6)))])
        case .cross:
            w.element("path", [("d", "M\(n(c.0 - r)) \(n(c.1 - r)) L\(n(c.0 + r)) \(n(c.1 + r)) M\(n(c.0 - r)) \(n(c.1 + r)) L\(n(c.0 + r)) \(n(c.1 - r))"),
                               ("stroke", color.svg), ("stroke-width", n(look.width(2.2)))])
        }
    }
}
