import Foundation

/// Text at a data point.
public struct TextLabel: Artist {
    /// The anchor point on the first line's baseline, in data coordinates; later lines ("\n")
    /// follow below it.
    public let x: Double, y: Double
    public let text: String
    public let color: Color
    /// SVG text-anchor: start, middle or end.
    public let anchor: String
    /// A white outline under the letters, so the text reads on dark backgrounds too.
    public let halo: Bool

    /// Lines stack upwards from the anchor (the last line on it) instead of down from it.
    public let stacksUp: Bool

    public init(x: Double, y: Double, text: String, color: Color = .black, anchor: String = "start", halo: Bool = false, stacksUp: Bool = false) {
        (self.x, self.y, self.text, self.color, self.anchor, self.halo, self.stacksUp) = (x, y, text, color, anchor, halo, stacksUp)
    }

    public func dataLimits(_ axis: Int) -> [Double] { [axis == 0 ? x : y] }
    public func obstacles(_ t: Transform) -> [Obstacle] {
        let c = t.point(x, y)
        return [Obstacle(x: c.0, y: c.1, weight: Legend.heavy)]
    }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        let c = t.point(x, y), n = SVGWriter.number
        // Lines ("\n") go downwards from the anchor, a line and a fifth apart at any size.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (k, line) in lines.enumerated() {
            let row = stacksUp ? Double(k - (lines.count - 1)) : Double(k)
            var attributes = [("x", n(c.0)), ("y", n(c.1 + 1.2 * t.look.tick * row)), ("text-anchor", anchor), ("fill", color.svg)]
            if halo { attributes += [("stroke", "#ffffff"), ("stroke-width", n(t.look.width(3))), ("stroke-linejoin", "round"), ("paint-order", "stroke")] }
            w.text(attributes, String(line), size: t.look.tick, look: t.look)
        }
    }
}
