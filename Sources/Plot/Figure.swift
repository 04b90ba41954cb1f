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
        /// At a size in inches, the least width and height at which every plot keeps 4 ems
        /// either way at this font size (nil on screen): a caller refuses a smaller size.
        public let minimumInches: (width: Double, height: Double)?
    }

    /// The panels' arrangement at a style: panels a row, each panel's width and plan.
    func layout(_ style: Style) -> (columns: Int, width: Double, cellWidth: Double, plans: [Axes.Plan]) {
        guard let w = style.widthUnits else { return layout(style, columns: columns) }
        let wide = max(1, min(columns, Int(w / (Figure.panelEms * style.fontSize))))
        guard let h = style.heightUnits else { return layout(style, columns: wide) }
        // A fixed height (a slide): the most panels a row, down to 12 ems each, that lets every
        // plot keep its least height; else the fewest rows.
        let most = max(1, min(columns, Int(w / (12 * style.fontSize))))
        var fewestRows: (columns: Int, width: Double, cellWidth: Double, plans: [Axes.Plan])?
        for c in stride(from: most, through: 1, by: -1) {
            let l = layout(style, columns: c)
            let wideEnough = l.cellWidth >= leastCellWidth(style, l)
            if wideEnough && minimumHeight(style, l) <= h { return l }
            if wideEnough && fewestRows == nil { fewestRows = l }
        }
        return fewestRows ?? layout(style, columns: 1)
    }

    /// The plans with each row's plots starting at one height (the row's tallest title).
    func aligned(_ plans: [Axes.Plan], columns: Int) -> [Axes.Plan] {
        var out = plans
        for start in stride(from: 0, to: plans.count, by: columns) {
            let row = start..<min(start + columns, plans.count)
            let top = row.map { plans[$0].top }.max()!
            for k in row { out[k].top = top }
        }
        return out
    }

    func layout(_ style: Style, columns: Int) -> (columns: Int, width: Double, cellWidth: Double, plans: [Axes.Plan]) {
        let look = style.look
        let width = style.widthUnits ?? Double(columns) * panelWidth
        let cellWidth = width / Double(columns)
        // On screen the plot's preferred height follows the classic panel (520 × 380: a plot
        // of about 430 × 292); in print, 2:3.
        let preferred = style.widthUnits == nil ? (panelHeight - 88) / (panelWidth - 90) : 0.66
        let plans = aligned(panels.map {
            $0.plan(width: cellWidth, look: look, preferredRatio: preferred, preferredHeight: style.widthUnits == nil ? panelHeight : nil,
                    equalAspect: style.equalAspect)
        }, columns: columns)
        return (columns, width, cellWidth, plans)
    }

    /// The narrowest panel a row at a size in inches may hold, in ems of the font size.
    static let panelEms = 20.0
    /// The smallest plot a panel may keep, in ems either way.
    static let plotEms = 4.0

    /// The narrowest cell of a layout that leaves every plot 4 ems wide.
    func leastCellWidth(_ style: Style, _ l: (columns: Int, width: Double, cellWidth: Double, plans: [Axes.Plan])) -> Double {
        l.plans.map { $0.left + $0.right + Figure.plotEms * style.fontSize }.max() ?? 0
    }

    /// The least height of a layout: each row its tallest panel's margins and 4 ems of plot.
    func minimumHeight(_ style: Style, _ l: (columns: Int, width: Double, cellWidth: Double, plans: [Axes.Plan])) -> Double {
        let rows = (panels.count + l.columns - 1) / l.columns
        var height = title.isEmpty ? 0 : 34 * style.look.scale
        for r in 0..<rows {
            var tallest = 0.0
            for k in r * l.columns..<min((r + 1) * l.columns, panels.count) {
                tallest = max(tallest, l.plans[k].top + l.plans[k].bottom + Figure.plotEms * style.fontSize)
            }
            height += tallest
        }
        return height
    }

    /// The SVG document at a style's size. On screen, panels are `panelWidth` wide, in the
    /// figure's `columns`; at a size in inches the width is the page's, with as many panels a
    /// row as leave each at least 20 ems (so a column stacks them), and each row as tall as its
    /// tallest panel wants (an equal-aspect landscape its data's aspect, the others about 2:3),
    /// unless the size fixes the height, which the rows then share.
    public func rendered(_ style: Style) -> Rendered {
        let look = style.look, s = look.scale
        let chosen = layout(style)
        var (columns, width, cellWidth, plans) = chosen
        let minimum = style.widthUnits == nil ? nil
            : (width: Double(columns) * leastCellWidth(style, chosen) / 72, height: minimumHeight(style, chosen) / 72)
        let rows = (panels.count + columns - 1) / columns
        let titleHeight = title.isEmpty ? 0 : 34 * s
        var rowHeights = (0..<rows).map { r in
            (r * columns..<min((r + 1) * columns, panels.count)).map { plans[$0].height(width: cellWidth) }.max() ?? 0
        }
        if let h = style.heightUnits {
            rowHeights = rowHeights.map { _ in max(h - titleHeight, 1) / Double(rows) }
            // Each panel planned again for the height it gets, so its legend goes where it
            // fits at the size it is drawn.
            for k in panels.indices {
                plans[k] = panels[k].plan(width: cellWidth, look: look, preferredRatio: 0.66, preferredHeight: rowHeights[k / columns],
                                          fixedHeight: rowHeights[k / columns], equalAspect: style.equalAspect)
            }
            plans = aligned(plans, columns: columns)
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
        return Rendered(svg: svg, inches: (width / perInch, height / perInch), minimumInches: minimum)
    }
}
