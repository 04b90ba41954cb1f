import Foundation

/// A grid of cells coloured one by one from a palette (a categorical map: which minimum each
/// start reaches), drawn as one embedded palette PNG with crisp cells. `cells[row][column]`
/// indexes `palette`; row 0 is at `ys[0]`, the bottom.
public struct ImageGrid: Artist {
    public let xs: [Double], ys: [Double]
    public let cells: [[UInt8]]
    public let palette: [Color]

    /// Axes given in descending order are turned round, cells with them.
    public init(xs: [Double], ys: [Double], cells: [[UInt8]], palette: [Color]) {
        precondition(cells.count == ys.count && cells.allSatisfy { $0.count == xs.count } && palette.count <= 256)
        var (xs, ys, cells) = (xs, ys, cells)
        if let f = xs.first, let l = xs.last, f > l { xs.reverse(); cells = cells.map { $0.reversed() } }
        if let f = ys.first, let l = ys.last, f > l { ys.reverse(); cells.reverse() }
        (self.xs, self.ys, self.cells, self.palette) = (xs, ys, cells, palette)
    }

    /// Half a cell beyond the first and last grid points, where the image's edge pixels end.
    func edges(_ v: [Double]) -> (Double, Double) {
        guard v.count > 1 else { return (v[0] - 0.5, v[0] + 0.5) }
        let d = (v.last! - v.first!) / Double(v.count - 1)
        return (v.first! - d / 2, v.last! + d / 2)
    }

    public func dataLimits(_ axis: Int) -> [Double] {
        let e = edges(axis == 0 ? xs : ys)
        return [e.0, e.1]
    }
    public var fillsItsRange: Bool { true }

    /// The image is data everywhere: a coarse lattice of its cells, so a legend prefers empty space.
    public func obstacles(_ t: Transform) -> [Obstacle] {
        let stepX = max(1, xs.count / 24), stepY = max(1, ys.count / 24)
        return stride(from: 0, to: ys.count, by: stepY).flatMap { j in
            stride(from: 0, to: xs.count, by: stepX).map { i in
                let c = t.point(xs[i], ys[j])
                return Obstacle(x: c.0, y: c.1, weight: 1)
            }
        }
    }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        let (x0, x1) = edges(xs), (y0, y1) = edges(ys)
        let a = t.point(x0, y1), b = t.point(x1, y0)
        if xs.count <= HeatMap.cellLimit && ys.count <= HeatMap.cellLimit {
            ImageGrid.drawCells(t, x: (x0, x1), y: (y0, y1), columns: xs.count, rows: ys.count, into: &w) { palette[Int(cells[$1][$0])] }
            return
        }
        // Small grids are enlarged cell by cell (to about 160 pixels a side), so a viewer that
        // smooths images anyway (librsvg) blurs only the edges of cells, not whole cells.
        let factor = max(1, 160 / max(xs.count, ys.count, 1))
        let rows = cells.reversed().map { row in row.flatMap { [UInt8](repeating: $0, count: factor) } }
        let png = PNG.indexed(rows.flatMap { [[UInt8]](repeating: $0, count: factor) }, palette: palette)
        let n = SVGWriter.number
        w.element("image", [("x", n(min(a.0, b.0))), ("y", n(min(a.1, b.1))), ("width", n(abs(b.0 - a.0))), ("height", n(abs(b.1 - a.1))),
                            // Crisp cells: nearest-neighbour scaling (librsvg reads optimizeSpeed, browsers pixelated).
                            ("preserveAspectRatio", "none"), ("image-rendering", "optimizeSpeed"), ("style", "image-rendering:pixelated"),
                            ("xlink:href", "data:image/png;base64," + png.base64EncodedString())])
    }
}

extension ImageGrid {
    /// A few cells as one rectangle each (crisp in every viewer and every format): `columns` ×
    /// `rows` equal cells spanning x and y, cell (i, j) coloured `color(i, j)`, row 0 at the bottom.
    static func drawCells(_ t: Transform, x: (Double, Double), y: (Double, Double), columns: Int, rows: Int, into w: inout SVGWriter,
                          color: (Int, Int) -> Color) {
        let n = SVGWriter.number
        let dx = (x.1 - x.0) / Double(columns), dy = (y.1 - y.0) / Double(rows)
        w.open("g", [("shape-rendering", "crispEdges"), ("class", "cells")])
        for j in 0..<rows {
            for i in 0..<columns {
                let p = t.point(x.0 + Double(i) * dx, y.0 + Double(j + 1) * dy), q = t.point(x.0 + Double(i + 1) * dx, y.0 + Double(j) * dy)
                w.element("rect", [("x", n(min(p.0, q.0))), ("y", n(min(p.1, q.1))), ("width", n(abs(q.0 - p.0))), ("height", n(abs(q.1 - p.1))),
                                   ("fill", color(i, j).svg)])
            }
        }
        w.close("g")
    }
}

/// A legend row with nothing drawn: a colour patch and its text (what a categorical image's colours mean).
public struct LegendPatch: Artist {
    public let color: Color
    public let label: String
    public init(color: Color, label: String) { (self.color, self.label) = (color, label) }
    public func dataLimits(_ axis: Int) -> [Double] { [] }
    public var legendEntry: LegendEntry? { LegendEntry(swatch: .patch(color, opacity: 1), label: label) }
    public func draw(_ t: Transform, into w: inout SVGWriter) {}
}
