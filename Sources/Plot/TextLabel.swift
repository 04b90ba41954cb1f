import Foundation

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
