import Foundation

/// A grid coloured with viridis over [low, high], drawn as one embedded image (a palette PNG,
/// one pixel per grid point, smoothed by the viewer) rather than one rectangle per cell: a
/// 120 × 120 map is about 20 KB instead of 1 MB. Non-finite values are white. The axes that
/// holds a heat map draws its colour bar.
public struct HeatMap: Artist {
    public let grid: Grid
    /// Values at the ends of the viridis scale (need low < high); values beyond are clamped to the
    /// end colours.
    public let low: Double, high: Double
    /// Text written vertically beside the colour bar.
    public let colorbarLabel: String

    public init(grid: Grid, low: Double, high: Double, colorbarLabel: String) {
        (self.grid, self.low, self.high, self.colorbarLabel) = (grid, low, high, colorbarLabel)
    }

    public func dataLimits(_ axis: Int) -> [Double] { axis == 0 ? [grid.xs.first!, grid.xs.last!] : [grid.ys.first!, grid.ys.last!] }
    public var colorScale: ColorScale? { ColorScale(low: low, high: high, label: colorbarLabel) }
    public var fillsItsRange: Bool { true }

    /// The valleys of a heat map are where its story is: the legend keeps them visible.
    public func obstacles(_ t: Transform) -> [Obstacle] {
        var out: [Obstacle] = []
        for (j, row) in grid.values.enumerated() {
            for (i, v) in row.enumerated() where v.isFinite && (v - low) / (high - low) < 0.2 {
                let c = t.point(grid.xs[i], grid.ys[j])
                out.append(Obstacle(x: c.0, y: c.1, weight: 1))
            }
        }
        return out
    }

    /// Palette index of each grid point, top row first (as an image is stored): 0 is white for
    /// non-finite values, 1...255 the viridis scale.
    var indices: [[UInt8]] {
        grid.values.reversed().map { row in
            row.map { v in
                guard v.isFinite else { return 0 }
                let t = min(max((v - low) / (high - low), 0), 1)
                return UInt8(1 + Int((t * 254).rounded()))
            }
        }
    }

    static let palette: [Color] = [.white] + (0..<255).map { Viridis.color(Double($0) / 254) }

    /// Grids up to this many points a side are drawn cell by cell, crisp in every viewer: a 13 × 11
    /// sweep is 143 values, not a picture to smooth.
    public static let cellLimit = 40

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        let xs = grid.xs, ys = grid.ys
        guard xs.count > 1, ys.count > 1 else { return }
        // Pixel centres sit on the grid points, so the image reaches half a cell beyond them.
        let dx = (xs.last! - xs.first!) / Double(xs.count - 1), dy = (ys.last! - ys.first!) / Double(ys.count - 1)
        let a = t.point(xs.first! - dx / 2, ys.last! + dy / 2), b = t.point(xs.last! + dx / 2, ys.first! - dy / 2)
        if xs.count <= HeatMap.cellLimit && ys.count <= HeatMap.cellLimit {
            ImageGrid.drawCells(t, x: (xs.first! - dx / 2, xs.last! + dx / 2), y: (ys.first! - dy / 2, ys.last! + dy / 2),
                                columns: xs.count, rows: ys.count, into: &w) { i, j in
                let v = grid.values[j][i]
                return v.isFinite ? Viridis.color((v - low) / (high - low)) : .white
            }
            return
        }
        let png = PNG.indexed(indices, palette: HeatMap.palette)
        let n = SVGWriter.number
        w.element("image", [("x", n(min(a.0, b.0))), ("y", n(min(a.1, b.1))), ("width", n(abs(b.0 - a.0))), ("height", n(abs(b.1 - a.1))),
                            ("preserveAspectRatio", "none"), ("xlink:href", "data:image/png;base64," + png.base64EncodedString())])
    }
}
