import Foundation

/// How a command's figures are sized and written: the `figure` group of the settings table
/// (`--size`, `--font-size`, `--figure-format`, `--dpi`, `--aspect`, `--style`). Plain values;
/// Figures turns them into Plot's style.
public struct FigureSettings: Sendable, Equatable {
    public enum Size: Sendable, Equatable {
        /// Panels of 520 × 380 pixels side by side.
        case screen
        /// 3.3 in wide, panels stacked.
        case column
        /// 6.9 in wide.
        case page
        /// 13.33 × 7.5 in.
        case slide
        /// Width × height in inches.
        case inches(Double, Double)

        /// The named sizes, as `--size` spells them.
        public init?(named name: String) {
            switch name.trimmingCharacters(in: .whitespaces) {
            case "screen": self = .screen
            case "column": self = .column
            case "page": self = .page
            case "slide": self = .slide
            default: return nil
            }
        }

        /// `WxH` in inches, nil for anything else (the settings table checks the range).
        init?(inches text: String) {
            let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let w = parts[0], let h = parts[1] else { return nil }
            self = .inches(w, h)
        }

        /// As `--size` spells it.
        public var text: String {
            switch self {
            case .screen: "screen"
            case .column: "column"
            case .page: "page"
            case .slide: "slide"
            case .inches(let w, let h): String(format: "%gx%g", w, h)
            }
        }
    }

    /// The file kinds a figure can be written as.
    public static let formats = ["svg", "pdf", "png"]

    public var size: Size = .screen
    /// nil: the size's own (12 px on screen, 8 pt on paper, 18 pt on a slide).
    public var fontSize: Double?
    /// In the order given; `svg` alone by default.
    public var formats = ["svg"]
    /// Pixels an inch of a PNG.
    public var dpi = 150
    /// Whether 2-D landscapes keep one unit of x as long as one of y.
    public var equalAspect = true
    /// Whether a run's or a comparison's SVG shows the runs step by step (SMIL animation).
    public var animate = false

    public init() {}

    /// The width in inches, or nil on screen.
    public var widthInches: Double? {
        switch size {
        case .screen: nil
        case .column: 3.3
        case .page: 6.9
        case .slide: 13.33
        case .inches(let w, _): w
        }
    }

    /// The height in inches when the size fixes it (a slide, WxH), else nil.
    public var heightInches: Double? {
        switch size {
        case .slide: 7.5
        case .inches(_, let h): h
        default: nil
        }
    }

    /// The smallest text a figure may have: 7 pt on paper, 14 pt on a slide (any figure 10 in
    /// or wider is read from across a room); on screen, 5 px.
    public var smallestLegibleText: Double {
        guard let w = widthInches else { return 5 }
        return w >= 10 ? 14 : 7
    }

    /// Refuses a font size whose smallest text (7/8 of it: contour labels, subscripts) would be
    /// below `smallestLegibleText`, or above 48.
    public func check() throws {
        guard let f = fontSize else { return }
        let where_ = widthInches == nil ? "on screen" : (widthInches! >= 10 ? "on a slide" : "on paper")
        let unit = widthInches == nil ? "px" : "pt"
        let least = smallestLegibleText / 0.875
        if f * 0.875 < smallestLegibleText - 1e-9 {
            throw SettingError("\(setting: "font-size") \(shown(f)) makes the smallest text \(shown(f * 0.875)) \(unit); \(where_) it must be at least \(shown(smallestLegibleText)) \(unit): give a font size of \(shown(least)) or more")
        }
        if f > 48 { throw SettingError("\(setting: "font-size") \(shown(f)) is more than 48 \(unit); titles would not fit their panels") }
    }

    private func shown(_ x: Double) -> String { abs(x) < 1e15 && x == x.rounded() ? String(Int(x)) : String(format: "%.3g", x) }
}
