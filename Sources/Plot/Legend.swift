import Foundation

/// The legend of an axes: its entries in a box, in a corner of the plot where it hides nothing,
/// else outside the plot (right or below), never over data.
enum Legend {
    /// The weight of a lone marker or a text label: hiding one costs as much as a long stretch
    /// of line.
    static let heavy = 40.0

    static func rowHeight(_ look: Look) -> Double { look.font * 1.5 }

    /// The legend's arrangement: entries in `columns` columns filled row by row, each label in
    /// as many lines as it needs to stay within `maxWidth`.
    struct Layout {
        let columns: Int
        let columnWidth: Double
        let lines: [[String]]
        let look: Look

        init(_ entries: [LegendEntry], look: Look, columns: Int = 1, maxWidth: Double = .infinity) {
            self.look = look
            self.columns = max(columns, 1)
            let swatch = look.length(44)
            let room = max((maxWidth - look.length(4)) / Double(self.columns) - swatch, look.length(60))
            lines = entries.map { Axes.wrap($0.label, width: room, size: look.tick, look: look) }
            let widest = lines.flatMap { $0 }.map { look.textWidth($0, size: look.tick) }.max() ?? 0
            columnWidth = swatch + widest
        }

        /// Height of each row of entries: the row's tallest entry.
        var rowHeights: [Double] {
            stride(from: 0, to: lines.count, by: columns).map { start in
                let most = lines[start..<min(start + columns, lines.count)].map(\.count).max() ?? 1
                return Legend.rowHeight(look) + Double(most - 1) * 1.2 * look.tick
            }
        }

        var size: (width: Double, height: Double) {
            (Double(columns) * columnWidth + look.length(4), rowHeights.reduce(0, +) + look.length(8))
        }
    }

    /// The legend box's size in `columns` columns, in the figure's units.
    static func size(_ entries: [LegendEntry], look: Look, columns: Int = 1, maxWidth: Double = .infinity) -> (width: Double, height: Double) {
        Layout(entries, look: look, columns: columns, maxWidth: maxWidth).size
    }

    static func columnWidth(_ entries: [LegendEntry], look: Look) -> Double { Layout(entries, look: look).columnWidth }

    /// Inside the plot: the four corners, the first that covers nothing (top right, top left,
    /// bottom right, bottom left), or nil when every corner would hide something.
    static func freeCorner(_ entries: [LegendEntry], obstacles: [Obstacle], in t: Transform) -> (x: Double, y: Double)? {
        let (width, height) = size(entries, look: t.look)
        let pad = t.look.length(6)
        guard width + 2 * pad < t.right - t.left, height + 2 * pad < t.bottom - t.top else { return nil }
        let candidates = [(t.right - width - pad, t.top + pad), (t.left + pad, t.top + pad), (t.right - width - pad, t.bottom - height - pad),
                          (t.left + pad, t.bottom - height - pad)]
        // A margin around the box, so it does not touch a line either.
        let m = t.look.length(3)
        return candidates.first { c in
            !obstacles.contains { o in o.x >= c.0 - m && o.x <= c.0 + width + m && o.y >= c.1 - m && o.y <= c.1 + height + m }
        }
    }

    /// Draws the box with its top left corner at (x, y), entries filled row by row, labels
    /// wrapped to stay within `maxWidth`.
    static func draw(_ entries: [LegendEntry], at origin: (x: Double, y: Double), columns: Int, look: Look, maxWidth: Double = .infinity,
                     into w: inout SVGWriter) {
        guard !entries.isEmpty else { return }
        let n = SVGWriter.number
        let layout = Layout(entries, look: look, columns: columns, maxWidth: maxWidth)
        let (width, height) = layout.size
        let column = layout.columnWidth, s = look.scale, heights = layout.rowHeights
        w.open("g", [("class", "legend")])
        w.element("rect", [("x", n(origin.x)), ("y", n(origin.y)), ("width", n(width)), ("height", n(height)), ("fill", "#ffffff"),
                           ("fill-opacity", "0.9"), ("stroke", "#999999"), ("stroke-width", n(look.width(1))), ("rx", n(3 * s))])
        for (k, entry) in entries.enumerated() {
            let row = k / layout.columns
            let x = origin.x + 8 * s + Double(k % layout.columns) * column
            let y = origin.y + 4 * s + heights[..<row].reduce(0, +) + rowHeight(look) / 2
            switch entry.swatch {
            case .line(let stroke):
                if stroke.color.luminance > 0.8 {
                    // A white line (a circle drawn over a heat map) needs a dark ground to show.
                    w.element("rect", [("x", n(x - 2 * s)), ("y", n(y - 6 * s)), ("width", n(30 * s)), ("height", n(12 * s)), ("fill", "#555555")])
                }
                stroke.draw(SVGWriter.path([(x, y), (x + 26 * s, y)]), look, into: &w)
            case .marker(let shape, let color, let size):
                Markers.draw(shape, at: (x + 13 * s, y), size: look.length(size), color: color, look: look, into: &w)
            case .patch(let color, let opacity):
                w.element("rect", [("x", n(x)), ("y", n(y - 6 * s)), ("width", n(26 * s)), ("height", n(12 * s)), ("fill", color.svg),
                                   ("fill-opacity", n(max(opacity, 0.3)))])
            }
            for (j, line) in layout.lines[k].enumerated() {
                w.text([("x", n(x + 34 * s)), ("y", n(y + 0.35 * look.tick + Double(j) * 1.2 * look.tick)), ("fill", "#222222")], line,
                       size: look.tick, look: look)
            }
        }
        w.close("g")
    }
}

/// The colour bar beside a heat map: the viridis scale with ticks over [low, high].
enum Colorbar {
    /// Room the colour bar takes right of the plot: gap, bar, ticks, their labels, the label.
    static func width(_ h: ColorScale, look: Look) -> Double {
        let labels = Ticks.linear(h.low, h.high, target: 5).map { Ticks.label($0) }
        let widest = labels.map { look.textWidth($0, size: look.tick) }.max() ?? 0
        return look.length(10 + 12 + 6) + widest + look.length(6) + 1.3 * look.label + look.length(4)
    }

    static func draw(_ h: ColorScale, in t: Transform, into w: inout SVGWriter) {
        let n = SVGWriter.number, look = t.look
        let x = t.right + look.length(10), width = look.length(12)
        // One rectangle filled with viridis as a gradient through its samples, bottom to top.
        let id = "viridis\(Int(x.rounded()))x\(Int(t.top.rounded()))"
        w.open("linearGradient", [("id", id), ("x1", "0"), ("y1", "1"), ("x2", "0"), ("y2", "0")])
        for k in 0...10 {
            w.element("stop", [("offset", n(Double(k) / 10)), ("stop-color", Viridis.color(Double(k) / 10).svg)])
        }
        w.close("linearGradient")
        w.element("rect", [("x", n(x)), ("y", n(t.top)), ("width", n(width)), ("height", n(t.bottom - t.top)), ("fill", "url(#\(id))")])
        w.element("rect", [("x", n(x)), ("y", n(t.top)), ("width", n(width)), ("height", n(t.bottom - t.top)), ("fill", "none"), ("stroke", "#333333"),
                           ("stroke-width", n(look.width(1)))])
        // As many ticks as the bar's height holds, two to five.
        let ticks = Ticks.atLeastTwo(h.low, h.high, target: max(2, min(5, Int((t.bottom - t.top) / (2.2 * look.tick)))))
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : nil
        var widest = 0.0
        for v in ticks {
            let y = t.bottom - (v - h.low) / (h.high - h.low) * (t.bottom - t.top)
            let label = Ticks.label(v, step: step)
            widest = max(widest, look.textWidth(label, size: look.tick))
            w.element("line", [("x1", n(x + width)), ("y1", n(y)), ("x2", n(x + width + look.length(4))), ("y2", n(y)), ("stroke", "#333333"),
                               ("stroke-width", n(look.width(1)))])
            w.text([("x", n(x + width + look.length(6))), ("y", n(y + 0.35 * look.tick)), ("fill", "#333333")], label, size: look.tick, look: look)
        }
        let cx = x + width + look.length(6) + widest + look.length(4) + 0.8 * look.label, cy = (t.top + t.bottom) / 2
        w.text([("x", n(cx)), ("y", n(cy)), ("text-anchor", "middle"), ("fill", "#222222"), ("transform", "rotate(-90 \(n(cx)) \(n(cy)))")],
               h.label, size: look.label, look: look)
    }
}
