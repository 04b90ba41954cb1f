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
    /// Size of each panel in SVG user units (pixels); a figure title adds 34 to the figure's height.
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
            axes.render(frame: (x, y, panelWidth, panelHeight), id: k, into: &w)
        }
        // The document's <title> names the figure even when it has no heading of its own.
        let documentTitle = title.isEmpty ? panels.map(\.title).filter { !$0.isEmpty }.joined(separator: " · ") : title
        return w.document(width: width, height: height, title: documentTitle, description: description)
    }
}
