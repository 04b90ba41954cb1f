import Foundation

/// How a figure is sized and lettered (matplotlib's figsize and rcParams, seaborn's contexts):
/// the page it is made for, the type size, and whether equal-aspect panels keep their aspect.
///
/// On screen (the default) a panel is 520 units wide and the units are pixels; at a size in
/// inches the units are points (1/72 in), so a font size is the size on paper, and the SVG
/// states its width in inches. Every length of the design (margins, markers, line widths) is the
/// screen design's times `fontSize / 12`, so a figure reads the same at every size.
public struct Style: Sendable, Equatable {
    public enum Size: Sendable, Equatable {
        /// Panels of 520 × 380 pixels side by side: today's figures.
        case screen
        /// A width in inches and, when given, a height; without one the height follows the panels.
        case inches(width: Double, height: Double?)
    }

    public var size: Size
    /// The base font size (tick labels, legends): pixels on screen, points at a size in inches.
    public var fontSize: Double
    /// False: panels that ask for equal aspect (2-D landscapes) fill their frame instead.
    public var equalAspect: Bool

    public init(size: Size = .screen, fontSize: Double? = nil, equalAspect: Bool = true) {
        self.size = size
        self.fontSize = fontSize ?? Style.defaultFontSize(size)
        self.equalAspect = equalAspect
    }

    /// A single journal column (3.3 in), a full page width (6.9 in) and a 16:9 slide
    /// (13.33 × 7.5 in).
    public static let column = Size.inches(width: 3.3, height: nil)
    public static let page = Size.inches(width: 6.9, height: nil)
    public static let slide = Size.inches(width: 13.33, height: 7.5)

    /// seaborn's contexts in spirit: 12 px on screen, 8 pt on paper, 18 pt on a slide (any
    /// figure 10 in or wider is read from across a room).
    public static func defaultFontSize(_ size: Size) -> Double {
        switch size {
        case .screen: 12
        case .inches(let w, _): w >= 10 ? 18 : 8
        }
    }

    var look: Look { Look(font: fontSize) }

    /// The width in the figure's units, when the size fixes it.
    var widthUnits: Double? { if case .inches(let w, _) = size { return w * 72 } else { return nil } }
    var heightUnits: Double? { if case .inches(_, let h) = size, let h { return h * 72 } else { return nil } }
}

/// Text sizes and lengths of one figure, from its base font size: the screen design (12 px
/// ticks, 14 px axis labels, 15 px titles, 2 px paths) scaled by `font / 12`, with no line
/// thinner than 0.5 units (half a point in print).
public struct Look: Sendable {
    public let font: Double
    public init(font: Double) { self.font = font }

    /// Lengths relative to the screen design.
    public var scale: Double { font / 12 }
    public var tick: Double { font }
    public var label: Double { font * 7 / 6 }
    public var title: Double { font * 1.25 }
    /// Contour labels and subscripts.
    public var small: Double { font * 0.875 }
    /// A length of the screen design, at this figure's size.
    public func length(_ l: Double) -> Double { l * scale }
    /// A line width of the screen design, at this figure's size, at least 0.5.
    public func width(_ w: Double) -> Double { max(w * scale, 0.5) }
    /// About how wide a text is: DejaVu Sans (and Helvetica) average 0.6 em a character.
    public func textWidth(_ text: String, size: Double) -> Double { 0.6 * size * Double(MathText.visibleCount(text)) }
}

/// Labels with a little mathematics: `λ_{max}` writes "max" as a subscript (an SVG `tspan`
/// with a baseline shift, so the text stays text in a PDF); everything else is as written.
public enum MathText {
    /// Runs of plain and subscript text.
    static func runs(_ text: String) -> [(text: String, sub: Bool)] {
        guard text.contains("_{") else { return [(text, false)] }
        var out: [(String, Bool)] = []
        var rest = Substring(text)
        while let open = rest.range(of: "_{") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            if open.lowerBound > rest.startIndex { out.append((String(rest[..<open.lowerBound]), false)) }
            out.append((String(rest[open.upperBound..<close]), true))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { out.append((String(rest), false)) }
        return out
    }

    /// The text as a reader sees it, without markup: "λ_{max}" → "λmax".
    public static func plain(_ text: String) -> String { runs(text).map(\.text).joined() }

    static func visibleCount(_ text: String) -> Int { plain(text).count }
}
