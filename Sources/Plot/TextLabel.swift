import Foundation

/// Text at a data point.
public struct TextLabel: Artist {
    /// The text's anchor point on its baseline, in data coordinates.
    public let x: Double, y: Double
    public let text: String
    public let color: Color
    /// SVG text-anchor: start, middle or end.
    public let anchor: String
    /// A white outline under the letters, so the text reads on dark backgrounds too.
    public let halo: Bool

    public init(x: Double, y: Double, text: String, color: Color = .black, anchor: String = "start", halo: Bool = false) {
        (self.x, self.y, self.text, self.color, self.anchor, self.halo) = (x, y, text, color, anchor, halo)
    }

    public func dataLimits(_ axis: Int) -> [Double] { [axis == 0 ? x : y] }
    public func obstacles(_ t: Transform) -> [Obstacle] {
        let c = t.point(x, y)
        return [Obstacle(x: c.0, y: c.1, weight: Legend.heavy)]
    }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        let c = t.point(x, y), n = SVGWriter.number
        var attributes = [("x", n(c.0)), ("y", n(c.1)), ("text-anchor", anchor), ("fill", color.svg)]
        if halo { attributes += [("stroke", "#ffffff"), ("stroke-width", n(t.look.width(3))), ("stroke-linejoin", "round"), ("paint-order", "stroke")] }
        w.text(attributes, text, size: t.look.tick, look: t.look)
    }
}
