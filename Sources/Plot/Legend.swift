import Foundation

/// The legend of an axes: its entries in a box, placed where it hides the least.
enum Legend {
    /// The weight of a lone marker or a text label: hiding one costs as much as a long stretch
    /// of line.
    static let heavy = 40.0
    static let rowHeight = 18.0

    /// The legend box's size in pixels.
    static func size(_ entries: [LegendEntry]) -> (width: Double, height: Double) {
        // 7.8 px a character covers the widest common sans-serif fallbacks at 12 px.
        (48 + 7.8 * Double(entries.map(\.label.count).max() ?? 0), Double(entries.count) * rowHeight + 8)
    }

    /// Tries eight positions (corners, edge midpoints) and takes the one that covers the least
    /// obstacle weight; ties go to the first, the top right. Returns the position and its cost.
    static func placement(_ entries: [LegendEntry], obstacles: [Obstacle], in t: Transform) -> (x: Double, y: Double, cost: Double) {
        let (width, height) = size(entries)
        let midX = (t.left + t.right - width) / 2, midY = (t.top + t.bottom - height) / 2
        let candidates = [(t.right - width - 8, t.top + 8), (t.left + 8, t.top + 8), (t.right - width - 8, t.bottom - height - 8),
                          (t.left + 8, t.bottom - height - 8), (midX, t.top + 8), (midX, t.bottom - height - 8),
                          (t.left + 8, midY), (t.right - width - 8, midY)]
        let costs = candidates.map { c in
            obstacles.reduce(0.0) { sum, o in
                o.x >= c.0 && o.x <= c.0 + width && o.y >= c.1 && o.y <= c.1 + height ? sum + o.weight : sum
            }
        }
        let k = costs.indices.min { costs[$0] < costs[$1] }!
        return (candidates[k].0, candidates[k].1, costs[k])
    }

    static func draw(_ entries: [LegendEntry], obstacles: [Obstacle], in t: Transform, into w: inout SVGWriter) {
        guard !entries.isEmpty else { return }
        let n = SVGWriter.number
        let (width, height) = size(entries)
        let placed = placement(entries, obstacles: obstacles, in: t)
        let best = (placed.x, placed.y)
        w.open("g", [("class", "legend")])
        w.element("rect", [("x", n(best.0)), ("y", n(best.1)), ("width", n(width)), ("height", n(height)), ("fill", "#ffffff"),
                           ("fill-opacity", "0.9"), ("stroke", "#999999"), ("rx", "3")])
        for (k, entry) in entries.enumerated() {
            let y = best.1 + 4 + rowHeight * (Double(k) + 0.5), x = best.0 + 8
            switch entry.swatch {
            case .line(let stroke):
                if stroke.color.luminance > 0.8 {
                    // A white line (a circle drawn over a heat map) needs a dark ground to show.
                    w.element("rect", [("x", n(x - 2)), ("y", n(y - 6)), ("width", "30"), ("height", "12"), ("fill", "#555555")])
                }
                w.element("path", [("d", SVGWriter.path([(x, y), (x + 26, y)]))] + stroke.attributes)
            case .marker(let shape, let color, let size):
                Markers.draw(shape, at: (x + 13, y), size: size, color: color, into: &w)
            case .patch(let color, let opacity):
                w.element("rect", [("x", n(x)), ("y", n(y - 6)), ("width", "26"), ("height", "12"), ("fill", color.svg), ("fill-opacity", n(max(opacity, 0.3)))])
            }
            w.element("text", [("x", n(x + 34)), ("y", n(y + 4)), ("font-size", "12"), ("fill", "#222222")], text: entry.label)
        }
        w.close("g")
    }
}

/// The colour bar beside a heat map: the viridis scale with ticks over [low, high].
enum Colorbar {
    static func draw(_ h: ColorScale, in t: Transform, into w: inout SVGWriter) {
        let n = SVGWriter.number
        let x = t.right + 14, width = 14.0
        let steps = 48
        w.open("g", [("shape-rendering", "crispEdges")])
        for k in 0..<steps {
            let y0 = t.bottom - Double(k + 1) * (t.bottom - t.top) / Double(steps)
            w.element("rect", [("x", n(x)), ("y", n(y0)), ("width", n(width)), ("height", n((t.bottom - t.top) / Double(steps) + 0.5)),
                               ("fill", Viridis.color((Double(k) + 0.5) / Double(steps)).svg)])
        }
        w.close("g")
        w.element("rect", [("x", n(x)), ("y", n(t.top)), ("width", n(width)), ("height", n(t.bottom - t.top)), ("fill", "none"), ("stroke", "#333333")])
        let ticks = Ticks.linear(h.low, h.high, target: 5)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : nil
        for v in ticks {
            let y = t.bottom - (v - h.low) / (h.high - h.low) * (t.bottom - t.top)
            w.element("line", [("x1", n(x + width)), ("y1", n(y)), ("x2", n(x + width + 4)), ("y2", n(y)), ("stroke", "#333333")])
            w.element("text", [("x", n(x + width + 6)), ("y", n(y + 4)), ("font-size", "11"), ("fill", "#333333")], text: Ticks.label(v, step: step))
        }
        let cx = x + width + 50, cy = (t.top + t.bottom) / 2
        w.element("text", [("x", n(cx)), ("y", n(cy)), ("text-anchor", "middle"), ("font-size", "12"), ("fill", "#222222"),
                           ("transform", "rotate(-90 \(n(cx)) \(n(cy)))")], text: h.label)
    }
}
