/// Values of a function on a rectangular grid: `values[j][i]` at (xs[i], ys[j]).
public struct Grid: Sendable {
    public let xs: [Double]
    public let ys: [Double]
    public let values: [[Double]]

    /// Traps unless `values` has one row per y with one entry per x. `HeatMap` assumes xs and ys
    /// equally spaced; contours do not.
    public init(xs: [Double], ys: [Double], values: [[Double]]) {
        precondition(values.count == ys.count && values.allSatisfy { $0.count == xs.count }, "values[j][i] for each y, x")
        (self.xs, self.ys, self.values) = (xs, ys, values)
    }

}

/// Level sets by marching squares.
public enum Contour {
    /// The line segments where the grid's piecewise-linear interpolant equals `level`, in data
    /// coordinates. Each cell contributes 0, 1 or 2 segments; the saddle cases (corners
    /// alternating above and below) are resolved by the cell's centre value. Cells with a
    /// non-finite corner are skipped.
    public static func segments(_ grid: Grid, level: Double) -> [((Double, Double), (Double, Double))] {
        var out: [((Double, Double), (Double, Double))] = []
        let xs = grid.xs, ys = grid.ys, v = grid.values
        guard xs.count > 1, ys.count > 1 else { return [] }
        for j in 0..<(ys.count - 1) {
            for i in 0..<(xs.count - 1) {
                // Corners counter-clockwise from bottom left: (i,j), (i+1,j), (i+1,j+1), (i,j+1).
                let (c0, c1, c2, c3) = (v[j][i], v[j][i + 1], v[j + 1][i + 1], v[j + 1][i])
                guard c0.isFinite && c1.isFinite && c2.isFinite && c3.isFinite else { continue }
                let index = (c0 >= level ? 1 : 0) | (c1 >= level ? 2 : 0) | (c2 >= level ? 4 : 0) | (c3 >= level ? 8 : 0)
                // Most cells do not cross the level: decided before anything is allocated.
                if index == 0 || index == 15 { continue }
                let c = [c0, c1, c2, c3]
                let p = [(xs[i], ys[j]), (xs[i + 1], ys[j]), (xs[i + 1], ys[j + 1]), (xs[i], ys[j + 1])]
                // The crossing on edge k (from corner k to corner k+1).
                func cross(_ k: Int) -> (Double, Double) {
                    let a = k, b = (k + 1) % 4
                    let t = (level - c[a]) / (c[b] - c[a])
                    return (p[a].0 + t * (p[b].0 - p[a].0), p[a].1 + t * (p[b].1 - p[a].1))
                }
                // Edges whose two corners lie on different sides.
                let edges = (0..<4).filter { ((index >> $0) & 1) != ((index >> (($0 + 1) % 4)) & 1) }
                if edges.count == 2 {
                    out.append((cross(edges[0]), cross(edges[1])))
                } else if edges.count == 4 {
                    let centre = c.reduce(0, +) / 4
                    let centreAbove = centre >= level
                    let corner0Above = (index & 1) == 1
                    if centreAbove == corner0Above {
                        out.append((cross(0), cross(1)))
                        out.append((cross(2), cross(3)))
                    } else {
                        out.append((cross(3), cross(0)))
                        out.append((cross(1), cross(2)))
                    }
                }
            }
        }
        return out
    }
}

extension Contour {
    /// The level set of `level` as polylines in the grid's coordinates (segments joined where they
    /// meet, to a millionth of the grid's spacing): for a page that draws them itself.
    public static func lines(_ grid: Grid, level: Double) -> [[(Double, Double)]] {
        let spacing = min(abs(grid.xs[1] - grid.xs[0]), abs(grid.ys[1] - grid.ys[0]))
        return ContourLines.chains(segments(grid, level: level), resolution: 1e-6 * spacing)
    }
}

/// Level sets of a grid as lines, each level labelled once with its value (optional).
public struct ContourLines: Artist {
    /// Joins segments that meet (at the same point to `resolution`: 0.01 px, as written) into
    /// polylines, so each shared point is written once instead of twice.
    static func chains(_ segments: [((Double, Double), (Double, Double))], resolution: Double = 0.01) -> [[(Double, Double)]] {
        struct Key: Hashable { let x: Double, y: Double }
        func key(_ p: (Double, Double)) -> Key { Key(x: (p.0 / resolution).rounded(), y: (p.1 / resolution).rounded()) }
        var at: [Key: [Int]] = [:]
        for (i, s) in segments.enumerated() {
            at[key(s.0), default: []].append(i)
            at[key(s.1), default: []].append(i)
        }
        var used = [Bool](repeating: false, count: segments.count)
        /// Extends a chain from its last point through unused segments.
        func extend(_ chain: inout [(Double, Double)]) {
            while let i = at[key(chain.last!)]?.first(where: { !used[$0] }) {
                used[i] = true
                let s = segments[i]
                chain.append(key(s.0) == key(chain.last!) ? s.1 : s.0)
            }
        }
        var out: [[(Double, Double)]] = []
        for i in segments.indices where !used[i] {
            used[i] = true
            var forward = [segments[i].0, segments[i].1]
            extend(&forward)
            var backward = [segments[i].0]
            extend(&backward)
            out.append(backward.reversed() + forward.dropFirst())
        }
        return out
    }

    public let grid: Grid
    /// Values whose level sets are drawn; a level the grid never crosses draws nothing.
    public let levels: [Double]
    public let stroke: Stroke
    /// Whether each level's value is written once along its line, away from the frame and from
    /// other labels.
    public let labels: Bool

    /// Each level's segments in data coordinates, found once (a figure maps them to pixels
    /// more than once: to place the legend, then to draw).
    let segmentsByLevel: [(level: Double, segments: [((Double, Double), (Double, Double))])]

    public init(grid: Grid, levels: [Double], stroke: Stroke, labels: Bool = true) {
        (self.grid, self.levels, self.stroke, self.labels) = (grid, levels, stroke, labels)
        segmentsByLevel = levels.map { ($0, Contour.segments(grid, level: $0)) }.filter { !$0.1.isEmpty }
    }

    public func dataLimits(_ axis: Int) -> [Double] { axis == 0 ? [grid.xs.first!, grid.xs.last!] : [grid.ys.first!, grid.ys.last!] }
    public var fillsItsRange: Bool { true }

    /// One label per level, on a segment away from the frame and from other labels: where it
    /// goes, in pixels, and its text.
    func labelPlaces(_ t: Transform) -> [((Double, Double), String)] {
        guard labels else { return [] }
        var placed: [((Double, Double), String)] = []
        for (level, segments) in segmentsByLevel {
            let candidates = segments.map { t.point(($0.0.0 + $0.1.0) / 2, ($0.0.1 + $0.1.1) / 2) }.filter { c in
                c.0 > t.left + t.look.length(24) && c.0 < t.right - t.look.length(24) && c.1 > t.top + t.look.length(14)
                    && c.1 < t.bottom - t.look.length(8)
                    && placed.allSatisfy { abs($0.0.0 - c.0) > t.look.length(44) || abs($0.0.1 - c.1) > t.look.length(16) }
            }
            if !candidates.isEmpty { placed.append((candidates[candidates.count / 2], Ticks.levelLabel(level))) }
        }
        return placed
    }

    /// A legend must not hide a contour's label: each label's box counts as a lone marker.
    public func obstacles(_ t: Transform) -> [Obstacle] {
        labelPlaces(t).flatMap { c, text -> [Obstacle] in
            let half = t.look.textWidth(text, size: t.look.small) / 2
            return [-1.0, 0, 1].map { Obstacle(x: c.0 + $0 * half, y: c.1 - t.look.length(6), weight: Legend.heavy) }
        }
    }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        let n = SVGWriter.number
        for (_, segments) in segmentsByLevel {
            stroke.draw(polylines: ContourLines.chains(segments.map { (t.point($0.0.0, $0.0.1), t.point($0.1.0, $0.1.1)) }), t.look, into: &w)
        }
        let labelTexts = labelPlaces(t)
        // Labels after every line, so no later contour crosses one, each on a white halo (its
        // stroke, painted first).
        for (c, text) in labelTexts {
            w.text([("x", n(c.0)), ("y", n(c.1 - t.look.length(3))), ("text-anchor", "middle"), ("class", "contour-label"), ("fill", "#222222"),
                    ("stroke", "#ffffff"), ("stroke-width", n(t.look.width(3))), ("stroke-linejoin", "round"), ("paint-order", "stroke")],
                   text, size: t.look.small, look: t.look)
        }
    }
}
