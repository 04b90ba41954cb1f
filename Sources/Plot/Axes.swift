import Foundation

/// A panel (matplotlib's Axes): it owns its artists, its scales and ranges, its ticks, labels
/// and legend, and draws itself into a frame of the figure.
public struct Axes: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Linear or log₁₀ scales; on a log axis non-positive data are left out of the automatic range
    /// and lines break there.
    public var xScale: Scale = .linear
    public var yScale: Scale = .linear
    /// Fixed ranges; nil means the data's range with a 4% margin (none along x for a grid).
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// One unit of x drawn as long as one unit of y (a landscape, where a ball must look round),
    /// unless the style says otherwise or the ranges are more elongated than `maxElongation`; then
    /// the title says how much y is stretched.
    public var equalAspect = false
    /// In drawing order, later on top; see `add` and `addBelow`.
    public private(set) var artists: [any Artist] = []
    /// Whether to draw the legend: one row per artist with a label, in a free corner of the plot,
    /// else beside or below it.
    public var legend = true
    /// Categorical x ticks (value and label) replacing the numeric ones.
    public var xTickLabels: [(Double, String)]?
    /// Ticks with their own labels on the y axis (categories), replacing the automatic ones.
    public var yTickLabels: [(Double, String)]?

    /// Equal aspect holds up to ranges of 1:4 (either way); beyond, the panel would be a strip.
    public static let maxElongation = 4.0

    public init(title: String = "", xLabel: String = "", yLabel: String = "") {
        (self.title, self.xLabel, self.yLabel) = (title, xLabel, yLabel)
    }

    /// Adds an artist; artists are drawn in the order they were added.
    public mutating func add(_ a: any Artist) { artists.append(a) }
    /// Adds an artist below the others.
    public mutating func addBelow(_ a: any Artist) { artists.insert(a, at: 0) }
    /// Adds an artist just above those that fill the plot (a heat map), below lines and marks.
    public mutating func addAboveFills(_ a: any Artist) {
        artists.insert(a, at: (artists.lastIndex(where: \.fillsItsRange) ?? -1) + 1)
    }

    var colorScale: ColorScale? { artists.lazy.compactMap(\.colorScale).first }
    var hasGrid: Bool { artists.contains(where: \.fillsItsRange) }
    var legendEntries: [LegendEntry] { legend ? artists.flatMap(\.legendEntries) : [] }

    /// Data extent over all artists (positive values only on a log axis).
    func extent(_ axis: Int) -> ClosedRange<Double>? {
        let scale = axis == 0 ? xScale : yScale
        var lo = Double.infinity, hi = -Double.infinity
        for a in artists {
            for v in a.dataLimits(axis) where v.isFinite && (scale == .linear || v > 0) {
                lo = min(lo, v)
                hi = max(hi, v)
            }
        }
        return lo <= hi ? lo...hi : nil
    }

    /// The range shown along an axis: fixed, or the data's with a margin.
    func range(_ axis: Int) -> ClosedRange<Double> {
        if let fixed = axis == 0 ? xRange : yRange { return fixed }
        let scale = axis == 0 ? xScale : yScale
        guard let e = extent(axis) else { return scale == .log ? 1...10 : 0...1 }
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

    /// The ratio of y's span to x's when both are linear, else nil.
    var dataAspect: Double? {
        guard xScale == .linear, yScale == .linear else { return nil }
        let x = range(0), y = range(1)
        let r = (y.upperBound - y.lowerBound) / (x.upperBound - x.lowerBound)
        return r.isFinite && r > 0 ? r : nil
    }

    /// How a panel is laid out in a frame of a given width: margins, the plot's height over its
    /// width, where the legend goes, the title's lines.
    struct Plan {
        var left: Double, right: Double, top: Double, bottom: Double
        /// Plot height over plot width: fixed with equal aspect, preferred otherwise.
        var ratio: Double
        var equal: Bool
        var titleLines: [String]
        /// The axis labels in lines: x wrapped to the panel's width, y to the plot's height.
        var xLabelLines: [String]
        var yLabelLines: [String]
        enum LegendSpot { case inside, right, below }
        var legendSpot: LegendSpot = .inside
        var legendColumns = 1

        /// The panel's height at its preferred plot height.
        func height(width: Double) -> Double { max(width - left - right, 1) * ratio + top + bottom }
    }

    /// The layout in a frame `width` wide. `preferredRatio` is the plot's height over its width
    /// when the aspect is free. `fixedHeight`: the frame's height when the size fixes it (a
    /// slide), so an outside legend goes where it leaves the larger plot.
    func plan(width: Double, look: Look, preferredRatio: Double, preferredHeight: Double? = nil, fixedHeight: Double? = nil,
              equalAspect allowEqual: Bool) -> Plan {
        let s = look.scale
        var fullTitle = title
        var ratio = preferredRatio, equal = false
        if equalAspect, allowEqual, let r = dataAspect {
            if r <= Axes.maxElongation && r >= 1 / Axes.maxElongation {
                ratio = r
                equal = true
            } else {
                // Too elongated for equal aspect: drawn at the preferred ratio, which stretches
                // one axis; the title says which and how much.
                let stretch = preferredRatio / r
                let note = stretch > 1 ? "y stretched \(String(format: "%.2g", stretch))×" : "x stretched \(String(format: "%.2g", 1 / stretch))×"
                fullTitle = fullTitle.isEmpty ? note : fullTitle + " (\(note))"
            }
        }
        // Bold letters run about a tenth wider than the 0.6 em of plain text.
        let titleLines = Axes.wrap(fullTitle, width: (width - 8 * s) / 1.1, size: look.title, look: look)
        let top = titleLines.isEmpty ? 14 * s : 18 * s + 1.2 * look.title * Double(titleLines.count)
        // Left of the plot: the widest y tick label, then the y label in as many lines as the
        // plot's preferred height needs.
        let right = colorScale.map { Colorbar.width($0, look: look) } ?? 20 * s
        let yTicks = yTickLabels?.map(\.1) ?? Axes.tickLabels(range(1), scale: yScale)
        let widest = yTicks.map { look.textWidth($0, size: look.tick) }.max() ?? 0
        let xLabelLines = Axes.wrap(xLabel, width: width - 8 * s, size: look.label, look: look)
        var left = 6 * s + 1.15 * widest + 8 * s
        let roughHeight = max(width - left - right - 1.2 * look.label, 1) * ratio
        let yLabelLines = Axes.wrap(yLabel, width: roughHeight, size: look.label, look: look)
        left += yLabelLines.isEmpty ? 4 * s : 1.2 * look.label * Double(yLabelLines.count) + 2 * s
        let bottom = xLabelLines.isEmpty ? 30 * s : 9 * s + look.tick + 1.2 * look.label * Double(xLabelLines.count) + 12 * s
        // On screen a free panel keeps the classic height.
        if !equal, let h = preferredHeight { ratio = max(h - top - bottom, 1) / max(width - left - right, 1) }
        var plan = Plan(left: left, right: right, top: top, bottom: bottom, ratio: ratio, equal: equal, titleLines: titleLines,
                        xLabelLines: xLabelLines, yLabelLines: yLabelLines)
        // The legend: in a free corner of the plot at its preferred size, else outside it:
        // below a wide plot (in as many columns as fit), right of a tall one; in a frame of fixed
        // height, wherever it leaves the larger plot (a tall legend below a slide's plot would
        // squeeze it).
        let entries = legendEntries
        if !entries.isEmpty {
            let pw = max(width - left - right, 1), ph = pw * ratio
            let t = transform(plot: (left, top, pw, ph), look: look)
            if Legend.freeCorner(entries, obstacles: artists.flatMap { $0.obstacles(t) }, in: t) == nil {
                let column = Legend.columnWidth(entries, look: look)
                let columns = max(1, min(entries.count, Int(pw / column)))
                let below = Legend.size(entries, look: look, columns: columns, maxWidth: width - 4 * s).height + 8 * s
                let beside = Legend.size(entries, look: look).width + 10 * s
                var goesBelow = pw >= ph || pw - column - 10 * s < 0.5 * pw
                if let fixedHeight {
                    // The plot's area as drawn: an equal-aspect plot as large as its box allows.
                    func area(_ w: Double, _ h: Double) -> Double {
                        let (w, h) = (max(w, 1), max(h, 1))
                        guard equal else { return w * h }
                        let drawnWidth = min(w, h / ratio)
                        return drawnWidth * drawnWidth * ratio
                    }
                    let h = fixedHeight - top - bottom
                    goesBelow = area(pw, h - below) >= area(pw - beside, h)
                }
                if goesBelow {
                    plan.legendSpot = .below
                    plan.legendColumns = columns
                    plan.bottom += below
                } else {
                    plan.legendSpot = .right
                    plan.right += beside
                }
            }
        }
        return plan
    }

    /// The tick labels of a range as an axis of the usual size writes them (for margins).
    static func tickLabels(_ r: ClosedRange<Double>, scale: Scale) -> [String] {
        if scale == .log { return Ticks.logarithmic(r.lowerBound, r.upperBound).map { Ticks.label($0) } }
        let v = Ticks.linear(r.lowerBound, r.upperBound, target: 5)
        return v.map { Ticks.label($0, step: v.count > 1 ? v[1] - v[0] : nil) }
    }

    /// Words of `text` in lines no wider than `width` (a single long word stays whole).
    static func wrap(_ text: String, width: Double, size: Double, look: Look) -> [String] {
        guard !text.isEmpty else { return [] }
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if !line.isEmpty && look.textWidth(candidate, size: size) > width {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        lines.append(line)
        return lines
    }

    func transform(plot p: (x: Double, y: Double, w: Double, h: Double), look: Look) -> Transform {
        Transform(left: p.x, right: p.x + p.w, top: p.y, bottom: p.y + p.h, xRange: range(0), yRange: range(1), xScale: xScale, yScale: yScale,
                  look: look)
    }

    func ticks(_ axis: Int, _ t: Transform) -> (values: [Double], step: Double?) {
        let r = axis == 0 ? t.xRange : t.yRange
        if (axis == 0 ? xScale : yScale) == .log { return (Ticks.logarithmic(r.lowerBound, r.upperBound), nil) }
        // About one tick per five characters' room along x, so labels never run into each other.
        let length = axis == 0 ? t.right - t.left : t.bottom - t.top
        let room = axis == 0 ? length / (t.look.tick * 3.6) : length / (t.look.tick * 2.2)
        let v = Ticks.atLeastTwo(r.lowerBound, r.upperBound, target: max(2, min(axis == 0 ? 6 : 5, Int(room))))
        return (v, v.count > 1 ? v[1] - v[0] : nil)
    }

    /// Draws the panel into `frame` as `plan` lays it out. An equal-aspect plot is as large as
    /// the frame allows at its aspect, at the top of the room it has and centred across it.
    func render(frame f: (x: Double, y: Double, w: Double, h: Double), plan: Plan, id: Int, look: Look, into w: inout SVGWriter) {
        let s = look.scale
        var pw = max(f.w - plan.left - plan.right, 1), ph = max(f.h - plan.top - plan.bottom, 1)
        var px = f.x + plan.left, py = f.y + plan.top
        if plan.equal {
            if ph > pw * plan.ratio {
                // Top-aligned, so panels of one row line up whatever their legends' heights.
                ph = pw * plan.ratio
            } else {
                px += (pw - ph / plan.ratio) / 2
                pw = ph / plan.ratio
            }
        }
        let t = transform(plot: (px, py, pw, ph), look: look)
        let n = SVGWriter.number
        w.open("g", [("id", "axes\(id)")])
        // Grid lines and tick labels.
        let (xt, xs) = ticks(0, t), (yt, ys) = ticks(1, t)
        let gridWidth = n(look.width(1))
        for (v, label) in xTickLabels ?? xt.map({ ($0, Ticks.label($0, step: xs)) }) {
            let x = t.x(v)
            w.element("line", [("x1", n(x)), ("y1", n(t.top)), ("x2", n(x)), ("y2", n(t.bottom)), ("stroke", "#e6e6e6"), ("stroke-width", gridWidth)])
            w.text([("x", n(x)), ("y", n(t.bottom + 5 * s + look.tick)), ("text-anchor", "middle"), ("fill", "#333333")], label, size: look.tick, look: look)
        }
        for (v, label) in yTickLabels ?? yt.map({ ($0, Ticks.label($0, step: ys)) }) {
            let y = t.y(v)
            w.element("line", [("x1", n(t.left)), ("y1", n(y)), ("x2", n(t.right)), ("y2", n(y)), ("stroke", "#e6e6e6"), ("stroke-width", gridWidth)])
            w.text([("x", n(t.left - 6 * s)), ("y", n(y + 0.35 * look.tick)), ("text-anchor", "end"), ("fill", "#333333")], label, size: look.tick, look: look)
        }
        // Artists, clipped to the plot area.
        w.open("clipPath", [("id", "clip\(id)")])
        w.element("rect", [("x", n(t.left)), ("y", n(t.top)), ("width", n(t.right - t.left)), ("height", n(t.bottom - t.top))])
        w.close("clipPath")
        w.open("g", [("clip-path", "url(#clip\(id))")])
        for a in artists where a.clipped { a.draw(t, into: &w) }
        w.close("g")
        // Frame, labels, title.
        w.element("rect", [("x", n(t.left)), ("y", n(t.top)), ("width", n(t.right - t.left)), ("height", n(t.bottom - t.top)),
                           ("fill", "none"), ("stroke", "#333333"), ("stroke-width", gridWidth)])
        // Marks shown whole at the edge, over the frame.
        for a in artists where !a.clipped { a.draw(t, into: &w) }
        // A line centred over the plot, moved in where it would leave the panel.
        func centre(_ width: Double) -> Double { min(max((t.left + t.right) / 2, f.x + width / 2 + 2 * s), f.x + f.w - width / 2 - 2 * s) }
        for (k, line) in plan.xLabelLines.enumerated() {
            let cx = centre(look.textWidth(line, size: look.label))
            w.text([("x", n(cx)), ("y", n(t.bottom + 9 * s + look.tick + look.label * (1 + 1.2 * Double(k)))), ("text-anchor", "middle"), ("fill", "#222222")],
                   line, size: look.label, look: look)
        }
        if !plan.yLabelLines.isEmpty {
            let cy = (t.top + t.bottom) / 2
            // Left of the widest y tick label; the last line nearest the axis.
            let labels = yTickLabels?.map(\.1) ?? yt.map { Ticks.label($0, step: ys) }
            let widest = labels.map { look.textWidth($0, size: look.tick) }.max() ?? 0
            let nearest = t.left - 6 * s - 1.15 * widest - 6 * s - 0.25 * look.label
            for (k, line) in plan.yLabelLines.enumerated() {
                let cx = max(f.x + look.label, nearest - 1.2 * look.label * Double(plan.yLabelLines.count - 1 - k))
                w.text([("x", n(cx)), ("y", n(cy)), ("text-anchor", "middle"), ("fill", "#222222"), ("transform", "rotate(-90 \(n(cx)) \(n(cy)))")],
                       line, size: look.label, look: look)
            }
        }
        let lineHeight = 1.2 * look.title
        for (k, line) in plan.titleLines.enumerated() {
            let y = t.top - 9 * s - lineHeight * Double(plan.titleLines.count - 1 - k) - 0.25 * look.title
            let cx = centre(1.1 * look.textWidth(line, size: look.title))  // bold runs a tenth wider
            w.text([("x", n(cx)), ("y", n(y)), ("text-anchor", "middle"), ("font-weight", "bold"), ("fill", "#222222")],
                   line, size: look.title, look: look)
        }
        if let scale = colorScale { Colorbar.draw(scale, in: t, into: &w) }
        let entries = legendEntries
        if !entries.isEmpty {
            switch plan.legendSpot {
            case .inside:
                let obstacles = artists.flatMap { $0.obstacles(t) }
                // The plan found a free corner at the preferred size; at the drawn size the
                // first free corner, else the top right.
                let spot = Legend.freeCorner(entries, obstacles: obstacles, in: t)
                    ?? (t.right - Legend.size(entries, look: look).width - 6 * s, t.top + 6 * s)
                Legend.draw(entries, at: spot, columns: 1, look: look, into: &w)
            case .right:
                let x = f.x + f.w - plan.right + (colorScale.map { Colorbar.width($0, look: look) } ?? 0) + 10 * s
                Legend.draw(entries, at: (x, t.top), columns: 1, look: look, into: &w)
            case .below:
                let y = t.bottom + (plan.xLabelLines.isEmpty ? 5 * s + look.tick + 6 * s
                    : 9 * s + look.tick + look.label * (1 + 1.2 * Double(plan.xLabelLines.count - 1)) + 8 * s)
                // Under the plot, moved left as far as the frame allows when it is wider.
                let room = f.w - 4 * s
                let width = Legend.size(entries, look: look, columns: plan.legendColumns, maxWidth: room).width
                Legend.draw(entries, at: (max(f.x + 2 * s, min(t.left, f.x + f.w - width - 2 * s)), y), columns: plan.legendColumns, look: look,
                            maxWidth: room, into: &w)
            }
        }
        w.close("g")
    }
}
