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
    /// In drawing order, later on top; see `add` and `addBelow`.
    public private(set) var artists: [any Artist] = []
    /// Whether to draw the legend: one row per artist with a label, placed where it covers the least
    /// of the data.
    public var legend = true
    /// Categorical x ticks (value and label) replacing the numeric ones.
    public var xTickLabels: [(Double, String)]?
    /// Ticks with their own labels on the y axis (categories), replacing the automatic ones.
    public var yTickLabels: [(Double, String)]?

    public init(title: String = "", xLabel: String = "", yLabel: String = "") {
        (self.title, self.xLabel, self.yLabel) = (title, xLabel, yLabel)
    }

    /// Adds an artist; artists are drawn in the order they were added.
    public mutating func add(_ a: any Artist) { artists.append(a) }
    /// Adds an artist below the others.
    public mutating func addBelow(_ a: any Artist) { artists.insert(a, at: 0) }

    var colorScale: ColorScale? { artists.lazy.compactMap(\.colorScale).first }
    var hasGrid: Bool { artists.contains(where: \.fillsItsRange) }

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

    /// The transform for a frame (x, y, width, height) of the figure: the plot area leaves room
    /// for tick labels, the title and, with a heat map, the colour bar.
    func transform(frame f: (x: Double, y: Double, w: Double, h: Double)) -> Transform {
        Transform(left: f.x + 70, right: f.x + f.w - (colorScale == nil ? 20 : 92), top: f.y + 36, bottom: f.y + f.h - 52,
                  xRange: range(0), yRange: range(1), xScale: xScale, yScale: yScale)
    }

    func ticks(_ axis: Int, _ t: Transform) -> (values: [Double], step: Double?) {
        let r = axis == 0 ? t.xRange : t.yRange
        if (axis == 0 ? xScale : yScale) == .log { return (Ticks.logarithmic(r.lowerBound, r.upperBound), nil) }
        let v = Ticks.linear(r.lowerBound, r.upperBound, target: axis == 0 ? 6 : 5)
        return (v, v.count > 1 ? v[1] - v[0] : nil)
    }

    func render(frame: (x: Double, y: Double, w: Double, h: Double), id: Int, into w: inout SVGWriter) {
        // When every place for the legend would hide data, make room above the data instead:
        // the y range grows at the top by the legend's height (once; a fixed range is kept).
        if legend, yRange == nil, !hasGrid {
            let entries = artists.compactMap(\.legendEntry)
            let t = transform(frame: frame)
            if !entries.isEmpty, Legend.placement(entries, obstacles: artists.flatMap { $0.obstacles(t) }, in: t).cost > 0 {
                let r = range(1), plot = t.bottom - t.top
                let share = min(0.6, (Legend.size(entries).height + 16) / plot)
                var roomy = self
                if yScale == .log {
                    let lo = log10(r.lowerBound), hi = log10(r.upperBound)
                    roomy.yRange = r.lowerBound...pow(10, lo + (hi - lo) / (1 - share))
                } else {
                    roomy.yRange = r.lowerBound...(r.lowerBound + (r.upperBound - r.lowerBound) / (1 - share))
                }
                roomy.render(frame: frame, id: id, into: &w)
                return
            }
        }
        let t = transform(frame: frame)
        let n = SVGWriter.number
        w.open("g", [("id", "axes\(id)")])
        // Grid lines and tick labels.
        let (xt, xs) = ticks(0, t), (yt, ys) = ticks(1, t)
        for (v, label) in xTickLabels ?? xt.map({ ($0, Ticks.label($0, step: xs)) }) {
            let x = t.x(v)
            w.element("line", [("x1", n(x)), ("y1", n(t.top)), ("x2", n(x)), ("y2", n(t.bottom)), ("stroke", "#e6e6e6"), ("stroke-width", "1")])
            w.element("text", [("x", n(x)), ("y", n(t.bottom + 17)), ("text-anchor", "middle"), ("font-size", "12"), ("fill", "#333333")],
                      text: label)
        }
        for (v, label) in yTickLabels ?? yt.map({ ($0, Ticks.label($0, step: ys)) }) {
            let y = t.y(v)
            w.element("line", [("x1", n(t.left)), ("y1", n(y)), ("x2", n(t.right)), ("y2", n(y)), ("stroke", "#e6e6e6"), ("stroke-width", "1")])
            w.element("text", [("x", n(t.left - 6)), ("y", n(y + 4)), ("text-anchor", "end"), ("font-size", "12"), ("fill", "#333333")],
                      text: label)
        }
        // Artists, clipped to the plot area.
        w.open("clipPath", [("id", "clip\(id)")])
        w.element("rect", [("x", n(t.left)), ("y", n(t.top)), ("width", n(t.right - t.left)), ("height", n(t.bottom - t.top))])
        w.close("clipPath")
        w.open("g", [("clip-path", "url(#clip\(id))")])
        for a in artists { a.draw(t, into: &w) }
        w.close("g")
        // Frame, labels, title.
        w.element("rect", [("x", n(t.left)), ("y", n(t.top)), ("width", n(t.right - t.left)), ("height", n(t.bottom - t.top)),
                           ("fill", "none"), ("stroke", "#333333"), ("stroke-width", "1")])
        w.element("text", [("x", n((t.left + t.right) / 2)), ("y", n(t.bottom + 38)), ("text-anchor", "middle"), ("font-size", "14"), ("fill", "#222222")],
                  text: xLabel)
        let cy = (t.top + t.bottom) / 2
        w.element("text", [("x", n(frame.x + 18)), ("y", n(cy)), ("text-anchor", "middle"), ("font-size", "14"), ("fill", "#222222"),
                           ("transform", "rotate(-90 \(n(frame.x + 18)) \(n(cy)))")], text: yLabel)
        w.element("text", [("x", n((t.left + t.right) / 2)), ("y", n(frame.y + 24)), ("text-anchor", "middle"), ("font-size", "15"),
                           ("font-weight", "bold"), ("fill", "#222222")], text: title)
        if let scale = colorScale { Colorbar.draw(scale, in: t, into: &w) }
        if legend {
            Legend.draw(artists.compactMap(\.legendEntry), obstacles: artists.flatMap { $0.obstacles(t) }, in: t, into: &w)
        }
        w.close("g")
    }
}
