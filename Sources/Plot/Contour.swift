/// Values of a function on a rectangular grid: `values[j][i]` at (xs[i], ys[j]).
public struct Grid: Sendable {
    public let xs: [Double]
    public let ys: [Double]
    public let values: [[Double]]

    public init(xs: [Double], ys: [Double], values: [[Double]]) {
        precondition(values.count == ys.count && values.allSatisfy { $0.count == xs.count }, "values[j][i] for each y, x")
        (self.xs, self.ys, self.values) = (xs, ys, values)
    }

    /// Finite values, for ranges and quantiles.
    public var finiteValues: [Double] { values.flatMap { $0 }.filter(\.isFinite) }
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
                let c = [v[j][i], v[j][i + 1], v[j + 1][i + 1], v[j + 1][i]]
                guard c.allSatisfy(\.isFinite) else { continue }
                let p = [(xs[i], ys[j]), (xs[i + 1], ys[j]), (xs[i + 1], ys[j + 1]), (xs[i], ys[j + 1])]
                var index = 0
                for k in 0..<4 where c[k] >= level { index |= 1 << k }
                if index == 0 || index == 15 { continue }
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
