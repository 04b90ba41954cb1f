import Foundation

/// A figure: one or more axes in a grid of panels, rendered to a standalone SVG document.
public struct Figure: Sendable {
    /// Heading above all panels; when empty, no heading is drawn and the SVG `<title>` joins the
    /// panel titles.
    public var title: String
    /// Text for the SVG `<desc>`: what the figure shows, for screen readers and file browsers.
    public var description: String
    /// Panels in reading order, filled row by row.
    public var panels: [Axes]
    /// Panels per row; `init` clamps it to 1...panels.count (default: all in one row). It must stay
    /// ≥ 1 if set later.
    public var columns: Int
    /// Size of each panel on screen, in pixels; a figure title adds 34 to the figure's height.
    public var panelWidth: Double = 520
    public var panelHeight: Double = 380

    public init(title: String, description: String, panels: [Axes], columns: Int? = nil) {
        self.title = title
        self.description = description
        self.panels = panels
        self.columns = max(1, min(columns ?? panels.count, panels.count))
    }

    /// The SVG document at the screen size; the same figure always gives the same bytes.
    public func svg() -> String { svg(Style()) }

    /// The SVG document at a style's size.
    public func svg(_ style: Style) -> String { rendered(style).svg }

    /// A figure drawn at a size: the SVG and its size on paper in inches (on screen, at CSS's
    /// 96 pixels an inch).
    public struct Rendered: Sendable {
        public let svg: String
        public let inches: (width: Double, height: Double)
    }

    /// The SVG document at a style's size. On screen, panels are `panelWidth` wide, in the
    /// figure's `columns`; at a size in inches the width is the page's, with as many panels a
    /// row as leave each at least 16 ems (so a column stacks them), and each row as tall as its
    /// tallest panel wants (an equal-aspect landscape its data's aspect, the others about 2:3),
    /// unless the size fixes the height, which the rows then share.
    public func rendered(_ style: Style) -> Rendered {
        let look = style.look, s = look.scale
        var columns = self.columns
        let width: Double
        if let w = style.widthUnits {
            columns = max(1, min(columns, Int(w / (16 * look.font))))
            width = w
        } else {
            width = Double(columns) * panelWidth
        }
        let cellWidth = width / Double(columns)
        let rows = (panels.count + columns - 1) / columns
        // On screen the plot's preferred height follows the classic panel (520 × 380: a plot
        // of about 430 × 292); in print, 2:3.
        let preferred = style.widthUnits == nil ? (panelHeight - 88) / (panelWidth - 90) : 0.66
        let plans = panels.map { $0.plan(width: cellWidth, look: look, preferredRatio: preferred, equalAspect: style.equalAspect) }
        let titleHeight = title.isEmpty ? 0 : 34 * s
        var rowHeights = (0..<rows).map { r in
            (r * columns..<min((r + 1) * columns, panels.count)).map { plans[$0].height(width: cellWidth) }.max() ?? 0
        }
        if let h = style.heightUnits {
            rowHeights = rowHeights.map { _ in max(h - titleHeight, 1) / Double(rows) }
        }
        let height = rowHeights.reduce(0, +) + titleHeight
        var w = SVGWriter()
        if !title.isEmpty {
            w.text([("x", SVGWriter.number(width / 2)), ("y", SVGWriter.number(23 * s)), ("text-anchor", "middle"), ("font-weight", "bold"),
                    ("fill", "#222222")], title, size: look.title * 16 / 15, look: look)
        }
        var y = titleHeight
        for r in 0..<rows {
            for k in r * columns..<min((r + 1) * columns, panels.count) {
                let x = Double(k % columns) * cellWidth
                panels[k].render(frame: (x, y, cellWidth, rowHeights[r]), plan: plans[k], id: k, look: look, into: &w)
            }
            y += rowHeights[r]
        }
        // The document's <title> names the figure even when it has no heading of its own.
        let documentTitle = title.isEmpty ? panels.map { MathText.plain($0.title) }.filter { !$0.isEmpty }.joined(separator: " · ") : MathText.plain(title)
        let svg = w.document(width: width, height: height, title: documentTitle, description: MathText.plain(description), inches: style.widthUnits != nil)
        let perInch = style.widthUnits == nil ? 96.0 : 72.0
        return Rendered(svg: svg, inches: (width / perInch, height / perInch))
    }
}
