import Foundation
import Optimizers
import Plot
import Render

extension LabFigures {
    /// Plot's style for the figure settings of a command.
    public static func style(_ f: FigureSettings) -> Style {
        Style(size: f.widthInches.map { .inches(width: $0, height: f.heightInches) } ?? .screen, fontSize: f.fontSize, equalAspect: f.equalAspect)
    }

    /// The files of a figure, BASE.svg, .pdf and .png as the settings ask, all rendered before
    /// any is written (PDF and PNG by librsvg and Cairo, in process).
    public static func files(_ figure: Figure, base: String, settings f: FigureSettings) throws -> [(contents: Data, path: String)] {
        let style = style(f)
        let drawn = figure.rendered(style)
        if let least = drawn.minimumInches, let w = f.widthInches {
            let height = f.heightInches
            if w < least.width - 1e-9 || (height.map { $0 < least.height - 1e-9 } ?? false) {
                let needs = String(format: "%.3g × %.3g in", max(w, least.width), max(height ?? 0, least.height))
                throw SettingError("\(setting: "size") \(f.size.text) is too small for this figure (\(figure.panels.count) panel\(figure.panels.count == 1 ? "" : "s") at \(String(format: "%g", style.fontSize)) pt): it needs at least \(needs); give a larger \(setting: "size") or a smaller \(setting: "font-size")")
            }
        }
        if f.formats.contains("png") {
            let (w, h) = ((drawn.inches.width * Double(f.dpi)).rounded(), (drawn.inches.height * Double(f.dpi)).rounded())
            if max(w, h) > maxPixels {
                throw SettingError("\(setting: "dpi") \(f.dpi) would make a PNG of \(Int(w)) × \(Int(h)) pixels, more than \(Int(maxPixels)) a side; choose a smaller \(setting: "dpi") or \(setting: "size")")
            }
        }
        return try f.formats.map { format -> (contents: Data, path: String) in
            switch format {
            case "pdf": (try Render.document(drawn.svg, format: .pdf, inches: drawn.inches, dpi: Double(f.dpi)), base + ".pdf")
            case "png": (try Render.document(drawn.svg, format: .png, inches: drawn.inches, dpi: Double(f.dpi)), base + ".png")
            default: (Data(drawn.svg.utf8), base + ".svg")
            }
        }
    }

    /// The largest side of a PNG figure, in pixels (Cairo's own limit is 32767).
    static let maxPixels = 16384.0

    /// An optimizer's colour, the same in every figure (from the registry).
    public static func color(_ o: Optimizer) -> Color { Color(hex: o.color) }

    /// A series against step: a line, or, when it oscillates visibly (`oscillationWindow`), the
    /// band between its lowest and highest value over windows of about one period, with their
    /// mean as the line, so it reads as an oscillation rather than a solid block. `log`: the
    /// panel's y axis is logarithmic, and the oscillation is judged there. The legend row is the
    /// line's; the panel states the rule once (`oscillationNote`).
    static func series(_ xs: [Double], _ ys: [Double], stroke: Stroke, label: String?, log: Bool = false) -> (artists: [any Artist], oscillates: Bool) {
        guard let window = oscillationWindow(log ? ys.map { $0 > 0 ? log10($0) : .nan } : ys) else {
            // A line needs no more points than the panel has pixels across.
            let keep = thin(xs.count, to: 800)
            return ([Line(xs: keep.map { xs[$0] }, ys: keep.map { ys[$0] }, stroke: stroke, label: label)], false)
        }
        var cx: [Double] = [], lo: [Double] = [], hi: [Double] = [], mean: [Double] = []
        for start in stride(from: 0, to: ys.count, by: window) {
            let part = (start..<min(start + window, ys.count)).filter { ys[$0].isFinite }
            guard !part.isEmpty else { continue }
            let v = part.map { ys[$0] }
            cx.append((xs[part.first!] + xs[part.last!]) / 2)
            lo.append(v.min()!)
            hi.append(v.max()!)
            mean.append(v.reduce(0, +) / Double(v.count))
        }
        return ([Band(xs: cx, lower: lo, upper: hi, color: stroke.color, opacity: 0.22), Line(xs: cx, ys: mean, stroke: stroke, label: label)], true)
    }

    /// The legend row that says how an oscillating series is drawn, once per panel.
    static let oscillationNote = LegendPatch(color: Color(hex: 0x999999), label: "shaded: the range of an oscillating series, its line the mean")

    /// Points per window when a series oscillates visibly, nil otherwise. It oscillates when it
    /// turns back at least 40 times, densely (somewhere 14 of 20 successive changes turn, or one
    /// change in seven turns overall), faster than a line can show, and by a visible amount (a
    /// turn is the smaller of the two changes around it). A window holds about
    /// one period (and at least 1/150 of the series), an even number of points.
    static func oscillationWindow(_ ys: [Double]) -> Int? {
        guard ys.count >= 60 else { return nil }
        let finite = ys.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max(), hi > lo else { return nil }
        let d = (1..<ys.count).map { ys[$0] - ys[$0 - 1] }
        var turns: [Double] = [], flips = [Int](repeating: 0, count: max(d.count - 1, 0))
        for k in 1..<d.count where d[k].isFinite && d[k - 1].isFinite && d[k] * d[k - 1] < 0 {
            flips[k - 1] = 1
            turns.append(min(abs(d[k]), abs(d[k - 1])))
        }
        guard turns.count >= 40 else { return nil }
        var inWindow = flips.prefix(20).reduce(0, +), most = inWindow
        for k in 20..<max(flips.count, 20) where k < flips.count {
            inWindow += flips[k] - flips[k - 20]
            most = max(most, inWindow)
        }
        guard most >= 14 || Double(turns.count) >= Double(ys.count) / 7 else { return nil }
        // Drawn as a line it would be a block: its turns come closer than about 6 pixels of a
        // 400-pixel-wide panel (a period under 1.5% of the series), and the larger turns (a
        // series that wiggles slightly but drops deeply every few steps counts) are at least
        // 0.5% of its range, 1.5 pixels of a 300-pixel-tall panel.
        let period = Int((2 * Double(ys.count) / Double(turns.count)).rounded())
        guard Double(period) < 0.015 * Double(ys.count) else { return nil }
        guard turns.sorted()[turns.count * 9 / 10] >= 0.005 * (hi - lo) else { return nil }
        let window = max(2 * Int((Double(ys.count) / 300).rounded(.up)), period)
        return window + window % 2
    }
}
