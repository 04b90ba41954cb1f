/// Whether `grid[cell]` (row-major, `width` columns) is a local maximum among its 8 neighbours;
/// of equal neighbours the first in scan order counts, so a plateau gives one point, not many.
/// With `rimDisqualifies`, a cell on the grid's edge or next to a −∞ cell (outside the region
/// the grid covers) is not one; otherwise missing neighbours are ignored and −∞ is just low.
func isLocalMaximum(_ grid: [Double], width: Int, at cell: Int, rimDisqualifies: Bool) -> Bool {
    let height = grid.count / width, (row, column) = (cell / width, cell % width), v = grid[cell]
    for dr in -1...1 {
        for dc in -1...1 where dr != 0 || dc != 0 {
            let (r, c) = (row + dr, column + dc)
            guard r >= 0, r < height, c >= 0, c < width else {
                if rimDisqualifies { return false }
                continue
            }
            let neighbour = r * width + c, w = grid[neighbour]
            if rimDisqualifies && w == -.infinity { return false }
            if !(w < v || (w == v && neighbour > cell)) { return false }
        }
    }
    return true
}
