import Foundation
import Optimizers
import Plot
import Render

extension LabFigures {
    /// Plot's style for the figure settings of a command.
    public static func style(_ f: FigureSettings) -> Style {
        let size: Style.Size = switch f.size {
        case .screen: .screen
        case .column: Style.column
        case .page: Style.page
        case .slide: Style.slide
        case .inches(let w, let h): .inches(width: w, height: h)
        }
        return Style(size: size, fontSize: f.fontSize, equalAspect: f.equalAspect)
    }

    /// The files of a figure, BASE.svg, .pdf and .png as the settings ask, all rendered before
    /// any is written (PDF and PNG by librsvg and Cairo, in process).
    public static func files(_ figure: Figure, base: String, settings f: FigureSettings) throws -> [(contents: Data, path: String)] {
        let drawn = figure.rendered(style(f))
        if f.formats.contains("png") {
            let (w, h) = ((drawn.inches.width * Double(f.dpi)).rounded(), (drawn.inches.height * Double(f.dpi)).rounded())
            if max(w, h) > maxPixels {
                throw SettingError("--dpi \(f.dpi) would make a PNG of \(Int(w)) × \(Int(h)) pixels, more than \(Int(maxPixels)) a side; choose a smaller --dpi or --size")
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

    /// A series against step: a line, or, when it alternates (most successive changes flip sign,
    /// as a run bouncing across a valley), the band between its lowest and highest value over
    /// windows of steps with their mean as the line, so it reads as an oscillation rather than a
    /// solid block. The legend says which.
    static func series(_ xs: [Double], _ ys: [Double], stroke: Stroke, label: String?) -> [any Artist] {
        guard let window = oscillationWindow(ys) else {
            // A line needs no more points than the panel has pixels across.
            let keep = thin(xs.count, to: 800)
            return [Line(xs: keep.map { xs[$0] }, ys: keep.map { ys[$0] }, stroke: stroke, label: label)]
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
        let rule = label.map { "\($0) (oscillating: mean and range)" }
        return [Band(xs: cx, lower: lo, upper: hi, color: stroke.color, opacity: 0.3),
                Line(xs: cx, ys: mean, stroke: stroke, label: rule)]
    }

    /// Points per window when a series alternates somewhere: at least 60 points, and some
    /// stretch of 20 successive changes of which at least 14 flip sign (a run bouncing across a
    /// valley, for a while or for good); nil otherwise. An even number, about 150 windows across,
    /// so each window holds both sides of a two-step cycle.
    static func oscillationWindow(_ ys: [Double]) -> Int? {
        guard ys.count >= 60 else { return nil }
        let d = (1..<ys.count).map { ys[$0] - ys[$0 - 1] }
        let flips = (1..<d.count).map { k -> Int in d[k].isFinite && d[k - 1].isFinite && d[k] * d[k - 1] < 0 ? 1 : 0 }
        var inWindow = flips.prefix(20).reduce(0, +), most = inWindow
        for k in 20..<max(flips.count, 20) where k < flips.count {
            inWindow += flips[k] - flips[k - 20]
            most = max(most, inWindow)
        }
        guard most >= 14 else { return nil }
        return max(2, 2 * Int((Double(ys.count) / 300).rounded(.up)))
    }
}
