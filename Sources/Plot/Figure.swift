import Foundation

/// A figure: one or more axes in a grid of panels, rendered to a standalone SVG document.
public struct Figure: Sendable {
    public var title: String
    /// Text for the SVG `<desc>`: what the figure shows, for screen readers and file browsers.
    public var description: String
    public var panels: [Axes]
    public var columns: Int
    public var panelWidth: Double = 520
    public var panelHeight: Double = 380

    public init(title: String, description: String, panels: [Axes], columns: Int? = nil) {
        self.title = title
        self.description = description
        self.panels = panels
        self.columns = max(1, min(columns ?? panels.count, panels.count))
    }

    var titleHeight: Double { title.isEmpty ? 0 : 34 }

    /// The SVG document; the same figure always gives the same bytes.
    public func svg() -> String {
        let rows = (panels.count + columns - 1) / columns
        let width = Double(columns) * panelWidth, height = Double(rows) * panelHeight + titleHeight
        var w = SVGWriter()
        if !title.isEmpty {
            w.element("text", [("x", SVGWriter.number(width / 2)), ("y", "23"), ("text-anchor", "middle"),
                               ("font-size", "16"), ("font-weight", "bold"), ("fill", "#222222")], text: title)
        }
        for (k, axes) in panels.enumerated() {
            let x = Double(k % columns) * panelWidth, y = titleHeight + Double(k / columns) * panelHeight
            AxesRenderer(axes: axes, frame: (x, y, panelWidth, panelHeight), id: k).render(into: &w)
        }
        // The document's <title> names the figure even when it has no heading of its own.
        let documentTitle = title.isEmpty ? panels.map(\.title).filter { !$0.isEmpty }.joined(separator: " · ") : title
        return w.document(width: width, height: height, title: documentTitle, description: description)
    }
}

/// Draws one axes into its frame.
struct AxesRenderer {
    let axes: Axes
    let frame: (x: Double, y: Double, w: Double, h: Double)
    let id: Int

    var heatmap: (low: Double, high: Double, label: String)? {
        for s in axes.series { if case .heatmap(_, let lo, let hi, let label) = s { return (lo, hi, label) } }
        return nil
    }

    var hasGrid: Bool {
        axes.series.contains { if case .heatmap = $0 { return true }; if case .contour = $0 { return true }; return false }
    }

    var plot: (left: Double, right: Double, top: Double, bottom: Double) {
        (frame.x + 70, frame.x + frame.w - (heatmap == nil ? 20 : 92), frame.y + 36, frame.y + frame.h - 52)
    }

    func range(_ axis: Int) -> ClosedRange<Double> {
        let fixed = axis == 0 ? axes.xRange : axes.yRange
        if let fixed { return fixed }
        let scale = axis == 0 ? axes.xScale : axes.yScale
        guard let e = axes.extent(axis) else { return scale == .log ? 1...10 : 0...1 }
        if scale == .log {
            let lo = log10(e.lowerBound), hi = log10(e.upperBound)
            let pad = max(hi - lo, 0.5) * 0.04
            return pow(10, lo - pad)...pow(10, hi + pad)
        }
        if e.lowerBound == e.upperBound {
            let d = e.lowerBound == 0 ? 1 : abs(e.lowerBound) * 0.1
            return (e.lowerBound - d)...(e.upperBound + d)
        }
        let pad = hasGrid && axis == 0 ? 0 : (e.upperBound - e.lowerBound) * 0.04
        return (e.lowerBound - pad)...(e.upperBound + pad)
    }

    func map(_ v: Double, _ axis: Int) -> Double {
        let r = range(axis), p = plot
        let scale = axis == 0 ? axes.xScale : axes.yScale
        var t: Double
        if scale == .log {
            t = (log10(max(v, 1e-300)) - log10(r.lowerBound)) / (log10(r.upperBound) - log10(r.lowerBound))
        } else {
            t = (v - r.lowerBound) / (r.upperBound - r.lowerBound)
        }
        if !t.isFinite { t = 0 }
        t = min(max(t, -5), 6)  // keep far-off points finite; the clip path hides them
        return axis == 0 ? p.left + t * (p.right - p.left) : p.bottom - t * (p.bottom - p.top)
    }

    func point(_ x: Double, _ y: Double) -> (Double, Double) { (map(x, 0), map(y, 1)) }

    func ticks(_ axis: Int) -> (values: [Double], step: Double?) {
        let r = range(axis)
        if (axis == 0 ? axes.xScale : axes.yScale) == .log { return (Ticks.logarithmic(r.lowerBound, r.upperBound), nil) }
        let t = Ticks.linear(r.lowerBound, r.upperBound, target: axis == 0 ? 6 : 5)
        return (t, t.count > 1 ? t[1] - t[0] : nil)
    }

    func render(into w: inout SVGWriter) {
        let p = plot
        let n = SVGWriter.number
        w.open("g", [("id", "axes\(id)")])
        // Grid lines and tick labels.
        let (xt, xs) = ticks(0), (yt, ys) = ticks(1)
        for (v, label) in axes.xTickLabels ?? xt.map({ ($0, Ticks.label($0, step: xs)) }) {
            let x = map(v, 0)
            w.element("line", [("x1", n(x)), ("y1", n(p.top)), ("x2", n(x)), ("y2", n(p.bottom)), ("stroke", "#e6e6e6"), ("stroke-width", "1")])
            w.element("text", [("x", n(x)), ("y", n(p.bottom + 17)), ("text-anchor", "middle"), ("font-size", "12"), ("fill", "#333333")],
                      text: label)
        }
        for v in yt {
            let y = map(v, 1)
            w.element("line", [("x1", n(p.left)), ("y1", n(y)), ("x2", n(p.right)), ("y2", n(y)), ("stroke", "#e6e6e6"), ("stroke-width", "1")])
            w.element("text", [("x", n(p.left - 6)), ("y", n(y + 4)), ("text-anchor", "end"), ("font-size", "12"), ("fill", "#333333")],
                      text: Ticks.label(v, step: ys))
        }
        // Series, clipped to the plot area.
        w.open("clipPath", [("id", "clip\(id)")])
        w.element("rect", [("x", n(p.left)), ("y", n(p.top)), ("width", n(p.right - p.left)), ("height", n(p.bottom - p.top))])
        w.close("clipPath")
        w.open("g", [("clip-path", "url(#clip\(id))")])
        for s in axes.series { draw(s, into: &w) }
        w.close("g")
        // Frame, labels, title.
        w.element("rect", [("x", n(p.left)), ("y", n(p.top)), ("width", n(p.right - p.left)), ("height", n(p.bottom - p.top)),
                           ("fill", "none"), ("stroke", "#333333"), ("stroke-width", "1")])
        w.element("text", [("x", n((p.left + p.right) / 2)), ("y", n(p.bottom + 38)), ("text-anchor", "middle"), ("font-size", "14"), ("fill", "#222222")],
                  text: axes.xLabel)
        let cy = (p.top + p.bottom) / 2
        w.element("text", [("x", n(frame.x + 18)), ("y", n(cy)), ("text-anchor", "middle"), ("font-size", "14"), ("fill", "#222222"),
                           ("transform", "rotate(-90 \(n(frame.x + 18)) \(n(cy)))")], text: axes.yLabel)
        w.element("text", [("x", n((p.left + p.right) / 2)), ("y", n(frame.y + 24)), ("text-anchor", "middle"), ("font-size", "15"),
                           ("font-weight", "bold"), ("fill", "#222222")], text: axes.title)
        if let h = heatmap { colorbar(h, into: &w) }
        if axes.legend { legend(into: &w) }
        w.close("g")
    }

    func strokeAttributes(_ s: Stroke) -> [(String, String)] {
        var a: [(String, String)] = [("fill", "none"), ("stroke", s.color.svg), ("stroke-width", SVGWriter.number(s.width)),
                                     ("stroke-linejoin", "round"), ("stroke-linecap", "round")]
        if let d = s.dash { a.append(("stroke-dasharray", d)) }
        return a
    }

    func marker(_ shape: MarkerShape, at c: (Double, Double), size r: Double, color: Color, into w: inout SVGWriter) {
        let n = SVGWriter.number
        let style: [(String, String)] = [("fill", color.svg), ("stroke", "#222222"), ("stroke-width", "0.8")]
        switch shape {
        case .circle:
            w.element("circle", [("cx", n(c.0)), ("cy", n(c.1)), ("r", n(r))] + style)
        case .square:
            w.element("rect", [("x", n(c.0 - r)), ("y", n(c.1 - r)), ("width", n(2 * r)), ("height", n(2 * r))] + style)
        case .triangle:
            w.element("path", [("d", SVGWriter.path([(c.0, c.1 - 1.2 * r), (c.0 + 1.1 * r, c.1 + 0.8 * r), (c.0 - 1.1 * r, c.1 + 0.8 * r)]) + " Z")] + style)
        case .diamond:
            w.element("path", [("d", SVGWriter.path([(c.0, c.1 - 1.3 * r), (c.0 + 1.3 * r, c.1), (c.0, c.1 + 1.3 * r), (c.0 - 1.3 * r, c.1)]) + " Z")] + style)
        case .cross:
            w.element("path", [("d", "M\(n(c.0 - r)) \(n(c.1 - r)) L\(n(c.0 + r)) \(n(c.1 + r)) M\(n(c.0 - r)) \(n(c.1 + r)) L\(n(c.0 + r)) \(n(c.1 - r))"),
                               ("stroke", color.svg), ("stroke-width", "2.2")])
        }
    }

    /// Polylines split at non-finite points.
    func pieces(_ xs: [Double], _ ys: [Double]) -> [[(Double, Double)]] {
        var out: [[(Double, Double)]] = [[]]
        for (x, y) in zip(xs, ys) {
            let ok = x.isFinite && y.isFinite && (axes.xScale == .linear || x > 0) && (axes.yScale == .linear || y > 0)
            if ok { out[out.count - 1].append(point(x, y)) } else if !out.last!.isEmpty { out.append([]) }
        }
        return out.filter { $0.count > 1 }
    }

    func draw(_ s: Series, into w: inout SVGWriter) {
        let p = plot, n = SVGWriter.number
        switch s {
        case .line(let xs, let ys, let stroke, _):
            for piece in pieces(xs, ys) { w.element("path", [("d", SVGWriter.path(piece))] + strokeAttributes(stroke)) }
        case .arrows(let xs, let ys, let stroke, let every, _):
            for piece in pieces(xs, ys) {
                w.element("path", [("d", SVGWriter.path(piece))] + strokeAttributes(stroke))
                // An arrowhead every `spacing` pixels of path, wherever the samples fall, so a
                // path of many short steps shows its direction as well as one of few long ones.
                let spacing = 20.0 * Double(max(every, 1)) / 2
                var next = spacing / 2, walked = 0.0
                for i in 1..<piece.count {
                    let (a, b) = (piece[i - 1], piece[i])
                    let len = hypot(b.0 - a.0, b.1 - a.1)
                    guard len > 0 else { continue }
                    while next <= walked + len {
                        let t = (next - walked) / len
                        let (ux, uy) = ((b.0 - a.0) / len, (b.1 - a.1) / len)
                        let m = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
                        let tip = (m.0 + 5 * ux, m.1 + 5 * uy)
                        let l = (m.0 - 4 * ux - 3.8 * uy, m.1 - 4 * uy + 3.8 * ux), r = (m.0 - 4 * ux + 3.8 * uy, m.1 - 4 * uy - 3.8 * ux)
                        w.element("path", [("d", SVGWriter.path([tip, l, r]) + " Z"), ("fill", stroke.color.svg),
                                           ("stroke", "#222222"), ("stroke-width", "0.5")])
                        next += spacing
                    }
                    walked += len
                }
            }
        case .markers(let xs, let ys, let colors, let shape, let size, _):
            for (i, (x, y)) in zip(xs, ys).enumerated() where x.isFinite && y.isFinite {
                marker(shape, at: point(x, y), size: size, color: colors.isEmpty ? .black : colors[min(i, colors.count - 1)], into: &w)
            }
        case .band(let xs, let lower, let upper, let color, let opacity, _):
            let top = zip(xs, upper).map { point($0, $1) }, bottom = zip(xs, lower).map { point($0, $1) }.reversed()
            w.element("path", [("d", SVGWriter.path(top + bottom) + " Z"), ("fill", color.svg), ("fill-opacity", n(opacity)), ("stroke", "none")])
        case .span(let x0, let x1, let color, let opacity, _):
            let (a, b) = (map(x0, 0), map(x1, 0))
            w.element("rect", [("x", n(min(a, b))), ("y", n(p.top)), ("width", n(abs(b - a))), ("height", n(p.bottom - p.top)),
                               ("fill", color.svg), ("fill-opacity", n(opacity))])
        case .verticalRule(let x, let stroke, _):
            w.element("path", [("d", SVGWriter.path([(map(x, 0), p.top), (map(x, 0), p.bottom)]))] + strokeAttributes(stroke))
        case .horizontalRule(let y, let stroke, _):
            w.element("path", [("d", SVGWriter.path([(p.left, map(y, 1)), (p.right, map(y, 1))]))] + strokeAttributes(stroke))
        case .text(let x, let y, let text, let color, let anchor):
            let c = point(x, y)
            w.element("text", [("x", n(c.0)), ("y", n(c.1)), ("text-anchor", anchor), ("font-size", "12"), ("fill", color.svg)], text: text)
        case .contour(let grid, let levels, let stroke, let labels):
            var placed: [(Double, Double)] = []
            var labelTexts: [((Double, Double), String)] = []
            for level in levels {
                let segments = Contour.segments(grid, level: level)
                guard !segments.isEmpty else { continue }
                let d = segments.map { s in
                    let a = point(s.0.0, s.0.1), b = point(s.1.0, s.1.1)
                    return "M\(n(a.0)) \(n(a.1)) L\(n(b.0)) \(n(b.1))"
                }.joined(separator: " ")
                w.element("path", [("d", d)] + strokeAttributes(stroke))
                // One label per level, on a segment away from the frame and from other labels.
                let candidates = segments.map { point(($0.0.0 + $0.1.0) / 2, ($0.0.1 + $0.1.1) / 2) }.filter { c in
                    c.0 > p.left + 24 && c.0 < p.right - 24 && c.1 > p.top + 14 && c.1 < p.bottom - 8
                        && placed.allSatisfy { abs($0.0 - c.0) > 44 || abs($0.1 - c.1) > 16 }
                }
                if labels, let c = candidates.isEmpty ? nil : candidates[candidates.count / 2] {
                    placed.append(c)
                    labelTexts.append((c, Ticks.levelLabel(level)))
                }
            }
            // Labels after every line, so no later contour crosses one; the halo is a separate
            // white-stroked copy underneath (SVG 1.1 has no paint-order).
            for (c, text) in labelTexts {
                let at: [(String, String)] = [("x", n(c.0)), ("y", n(c.1 - 3)), ("text-anchor", "middle"), ("font-size", "10")]
                w.element("text", at + [("fill", "#ffffff"), ("stroke", "#ffffff"), ("stroke-width", "3"), ("stroke-linejoin", "round")], text: text)
                w.element("text", at + [("fill", "#222222")], text: text)
            }
        case .heatmap(let grid, let low, let high, _):
            w.open("g", [("shape-rendering", "crispEdges")])
            let xs = grid.xs, ys = grid.ys
            for j in ys.indices {
                for i in xs.indices {
                    // Each value fills the cell around its grid point.
                    let x0 = i == 0 ? xs[0] : (xs[i - 1] + xs[i]) / 2, x1 = i == xs.count - 1 ? xs[i] : (xs[i] + xs[i + 1]) / 2
                    let y0 = j == 0 ? ys[0] : (ys[j - 1] + ys[j]) / 2, y1 = j == ys.count - 1 ? ys[j] : (ys[j] + ys[j + 1]) / 2
                    let a = point(x0, y0), b = point(x1, y1)
                    let v = grid.values[j][i]
                    let color = v.isFinite ? Viridis.color((v - low) / (high - low)).svg : "#ffffff"
                    w.element("rect", [("x", n(min(a.0, b.0))), ("y", n(min(a.1, b.1))), ("width", n(abs(b.0 - a.0) + 0.5)),
                                       ("height", n(abs(b.1 - a.1) + 0.5)), ("fill", color)])
                }
            }
            w.close("g")
        }
    }

    func colorbar(_ h: (low: Double, high: Double, label: String), into w: inout SVGWriter) {
        let p = plot, n = SVGWriter.number
        let x = p.right + 14, width = 14.0
        let steps = 48
        w.open("g", [("shape-rendering", "crispEdges")])
        for k in 0..<steps {
            let y0 = p.bottom - Double(k + 1) * (p.bottom - p.top) / Double(steps)
            w.element("rect", [("x", n(x)), ("y", n(y0)), ("width", n(width)), ("height", n((p.bottom - p.top) / Double(steps) + 0.5)),
                               ("fill", Viridis.color((Double(k) + 0.5) / Double(steps)).svg)])
        }
        w.close("g")
        w.element("rect", [("x", n(x)), ("y", n(p.top)), ("width", n(width)), ("height", n(p.bottom - p.top)), ("fill", "none"), ("stroke", "#333333")])
        let t = Ticks.linear(h.low, h.high, target: 5)
        let step = t.count > 1 ? t[1] - t[0] : nil
        for v in t {
            let y = p.bottom - (v - h.low) / (h.high - h.low) * (p.bottom - p.top)
            w.element("line", [("x1", n(x + width)), ("y1", n(y)), ("x2", n(x + width + 4)), ("y2", n(y)), ("stroke", "#333333")])
            w.element("text", [("x", n(x + width + 6)), ("y", n(y + 4)), ("font-size", "11"), ("fill", "#333333")], text: Ticks.label(v, step: step))
        }
        let cx = x + width + 50, cy = (p.top + p.bottom) / 2
        w.element("text", [("x", n(cx)), ("y", n(cy)), ("text-anchor", "middle"), ("font-size", "12"), ("fill", "#222222"),
                           ("transform", "rotate(-90 \(n(cx)) \(n(cy)))")], text: h.label)
    }

    /// The legend goes in the corner of the plot area that covers the fewest data points; a lone
    /// marker (start, end, critical point) weighs as much as a long stretch of line.
    func legend(into w: inout SVGWriter) {
        let entries = axes.series.filter { $0.label != nil }
        guard !entries.isEmpty else { return }
        let p = plot, n = SVGWriter.number
        let rowHeight = 18.0
        // 7.8 px a character covers the widest common sans-serif fallbacks at 12 px.
        let width = 48 + 7.8 * Double(entries.map { $0.label!.count }.max()!)
        let height = Double(entries.count) * rowHeight + 8
        // Data as points every few pixels along every line, so a steep segment counts as much
        // as a flat one.
        // Obstacles with weights: points every few pixels along every line (so a steep segment
        // counts as much as a flat one), and heavy single points for what a reader looks for.
        var obstacles: [(x: Double, y: Double, weight: Double)] = []
        func trace(_ xs: [Double], _ ys: [Double]) {
            for piece in pieces(xs, ys) {
                for (a, b) in zip(piece, piece.dropFirst()) {
                    let k = max(1, Int(hypot(b.0 - a.0, b.1 - a.1) / 4))
                    for j in 0..<k {
                        obstacles.append((a.0 + (b.0 - a.0) * Double(j) / Double(k), a.1 + (b.1 - a.1) * Double(j) / Double(k), 1))
                    }
                }
            }
        }
        let heavy = 40.0
        for s in axes.series {
            switch s {
            case .line(let xs, let ys, _, _), .arrows(let xs, let ys, _, _, _):
                trace(xs, ys)
            case .markers(let xs, let ys, _, _, _, _):
                // A lone marker (a start, an end) is hidden at the cost of a long stretch of line.
                for (x, y) in zip(xs, ys) where x.isFinite && y.isFinite {
                    let c = point(x, y)
                    obstacles.append((c.0, c.1, xs.count <= 3 ? heavy : 1))
                }
            case .band(let xs, let lo, let hi, _, _, _):
                trace(xs, lo)
                trace(xs, hi)
            case .text(let x, let y, _, _, _):
                let c = point(x, y)
                obstacles.append((c.0, c.1, heavy))
            case .heatmap(let grid, let low, let high, _):
                // The valleys of a heat map are where its story is: keep them visible.
                for (j, row) in grid.values.enumerated() {
                    for (i, v) in row.enumerated() where v.isFinite && (v - low) / (high - low) < 0.2 {
                        let c = point(grid.xs[i], grid.ys[j])
                        obstacles.append((c.0, c.1, 1))
                    }
                }
            default: break
            }
        }
        let midX = (p.left + p.right - width) / 2, midY = (p.top + p.bottom - height) / 2
        let candidates = [(p.right - width - 8, p.top + 8), (p.left + 8, p.top + 8), (p.right - width - 8, p.bottom - height - 8),
                          (p.left + 8, p.bottom - height - 8), (midX, p.top + 8), (midX, p.bottom - height - 8),
                          (p.left + 8, midY), (p.right - width - 8, midY)]
        let costs = candidates.map { c in
            obstacles.reduce(0.0) { sum, o in
                o.x >= c.0 && o.x <= c.0 + width && o.y >= c.1 && o.y <= c.1 + height ? sum + o.weight : sum
            }
        }
        let best = candidates[costs.indices.min { costs[$0] < costs[$1] }!]
        w.open("g", [("class", "legend")])
        w.element("rect", [("x", n(best.0)), ("y", n(best.1)), ("width", n(width)), ("height", n(height)), ("fill", "#ffffff"),
                           ("fill-opacity", "0.9"), ("stroke", "#999999"), ("rx", "3")])
        for (k, s) in entries.enumerated() {
            let y = best.1 + 4 + rowHeight * (Double(k) + 0.5), x = best.0 + 8
            switch s {
            case .line(_, _, let stroke, _), .arrows(_, _, let stroke, _, _), .verticalRule(_, let stroke, _), .horizontalRule(_, let stroke, _):
                if stroke.color.luminance > 0.8 {
                    // A white line (a circle drawn over a heat map) needs a dark ground to show.
                    w.element("rect", [("x", n(x - 2)), ("y", n(y - 6)), ("width", "30"), ("height", "12"), ("fill", "#555555")])
                }
                w.element("path", [("d", SVGWriter.path([(x, y), (x + 26, y)]))] + strokeAttributes(stroke))
            case .markers(_, _, let colors, let shape, let size, _):
                marker(shape, at: (x + 13, y), size: min(size, 5), color: colors.count == 1 ? colors[0] : Viridis.color(0.5), into: &w)
            case .band(_, _, _, let color, let opacity, _), .span(_, _, let color, let opacity, _):
                w.element("rect", [("x", n(x)), ("y", n(y - 6)), ("width", "26"), ("height", "12"), ("fill", color.svg), ("fill-opacity", n(max(opacity, 0.3)))])
            default: break
            }
            w.element("text", [("x", n(x + 34)), ("y", n(y + 4)), ("font-size", "12"), ("fill", "#222222")], text: s.label!)
        }
        w.close("g")
    }
}
