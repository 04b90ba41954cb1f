/// The candidate closest to `name` by edit distance, if it is close enough to be a plausible
/// typo: at most 2 edits, and at most half the characters of the longer string (so a one-letter
/// name is never "corrected" to another).
public func nearest(to name: String, among candidates: [String]) -> String? {
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(name.lowercased(), c.lowercased())
        // On a tie, a candidate of the same length wins: `tahn` is `tanh` with two letters
        // swapped, more likely than `tan` with a letter added.
        if best == nil || d < best!.1 || (d == best!.1 && c.count == name.count && best!.0.count != name.count) { best = (c, d) }
    }
    guard let (c, d) = best else { return nil }
    let limit = min(2, max(name.count, c.count) / 2)
    return d <= limit ? c : nil
}

/// Edit distance with insertions, deletions, substitutions and transpositions of neighbours,
/// each cost 1 (optimal string alignment), so the common typo `sma` for `sam` is one edit.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}
