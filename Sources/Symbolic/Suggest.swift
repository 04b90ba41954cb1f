/// The candidate closest to `name` by edit distance, if it is close enough to be a plausible
/// typo: at most 2 edits, and at most half the characters of the longer string (so a one-letter
/// name is never "corrected" to another).
public func nearest(to name: String, among candidates: [String]) -> String? {
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(name.lowercased(), c.lowercased())
        if best == nil || d < best!.1 { best = (c, d) }
    }
    guard let (c, d) = best else { return nil }
    let limit = min(2, max(name.count, c.count) / 2)
    return d <= limit ? c : nil
}

/// Levenshtein distance (insertions, deletions, substitutions, each cost 1).
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
