import Foundation

/// A 2-D slice through parameter space for figures beyond 2-D: θ(a, b) = origin + a·u + b·v with
/// u and v orthonormal. Points are projected onto it with their distance off the plane.
public struct Plane: Sendable {
    public let origin: [Double]
    public let u: [Double]
    public let v: [Double]
    /// What spans it, for titles: "start, middle and end of the run" or "filter-normalised random directions".
    public let spanned: String

    /// θ at plane coordinates (a, b).
    public func point(_ a: Double, _ b: Double) -> [Double] {
        (0..<origin.count).map { origin[$0] + a * u[$0] + b * v[$0] }
    }

    /// Plane coordinates of θ and its distance from the plane.
    public func project(_ theta: [Double]) -> (a: Double, b: Double, off: Double) {
        let d = zip(theta, origin).map { $0 - $1 }
        let a = dot(d, u), b = dot(d, v)
        let rest = (0..<d.count).map { d[$0] - a * u[$0] - b * v[$0] }
        return (a, b, dot(rest, rest).squareRoot())
    }

    /// Columns for the batch tapes: the plane's points at `as` × `bs` (a fastest).
    public func columns(_ aValues: [Double], _ bValues: [Double]) -> [[Double]] {
        var columns = [[Double]](repeating: [], count: origin.count)
        for i in columns.indices { columns[i].reserveCapacity(aValues.count * bValues.count) }
        for b in bValues {
            for a in aValues {
                for i in columns.indices { columns[i].append(origin[i] + a * u[i] + b * v[i]) }
            }
        }
        return columns
    }
}

extension Problem {
    /// The plane through three points of a run (Gram–Schmidt on middle − start and end − start),
    /// with the origin at the start. Where they are (nearly) on one line, the missing direction
    /// is a filter-normalised random one.
    public func trajectoryPlane(start: [Double], middle: [Double], end: [Double], named: String = "start, middle and end of the run") -> Plane {
        let e = zip(end, start).map { $0 - $1 }, m = zip(middle, start).map { $0 - $1 }
        let scale = max(dot(e, e).squareRoot(), dot(m, m).squareRoot())
        guard scale > 0 else { return randomPlane(at: start, seed: 1) }
        // u along the longer of the two, v from the other.
        let longer = dot(e, e) >= dot(m, m)
        let u = normalised(longer ? e : m)
        var w = longer ? m : e
        let c = dot(w, u)
        w = zip(w, u).map { $0 - c * $1 }
        if dot(w, w).squareRoot() < 1e-6 * scale {
            w = randomDirection(at: start, seed: 1)
            for _ in 0..<2 { let c = dot(w, u); w = zip(w, u).map { $0 - c * $1 } }
            return Plane(origin: start, u: u, v: normalised(w), spanned: "the paths (one line) and a random direction")
        }
        return Plane(origin: start, u: u, v: normalised(w), spanned: named)
    }

    /// Two filter-normalised random directions at θ (Li et al. 2018): Gaussian, then each row
    /// of a layer's weight (a filter) and each bias block rescaled to the norm of θ's own, so the
    /// slice is as wide as the weights are large; made orthonormal for the plot's axes. Without a
    /// model every variable is its own filter.
    public func randomPlane(at theta: [Double], seed: UInt64) -> Plane {
        let d1 = randomDirection(at: theta, seed: seed)
        var d2 = randomDirection(at: theta, seed: seed &+ 1)
        let u = normalised(d1)
        for _ in 0..<2 { let c = dot(d2, u); d2 = zip(d2, u).map { $0 - c * $1 } }
        return Plane(origin: theta, u: u, v: normalised(d2), spanned: "filter-normalised random directions")
    }

    func randomDirection(at theta: [Double], seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        var d = theta.map { _ in rng.gaussian() }
        // Filters: rows of each weight block, whole bias blocks; scalar parameters alone.
        var filters: [Range<Int>] = []
        if let model {
            for b in model.blocks {
                if b.shape.count == 2 {
                    for r in 0..<b.shape[0] { filters.append((b.range.lowerBound + r * b.shape[1])..<(b.range.lowerBound + (r + 1) * b.shape[1])) }
                } else {
                    filters.append(b.range)
                }
            }
        } else {
            filters = theta.indices.map { $0..<($0 + 1) }
        }
        for f in filters {
            let dn = f.map { d[$0] * d[$0] }.reduce(0, +).squareRoot()
            let tn = f.map { theta[$0] * theta[$0] }.reduce(0, +).squareRoot()
            // A zero filter of θ gets a unit-scale direction rather than none.
            let target = tn > 0 ? tn : 1
            for i in f { d[i] *= target / max(dn, 1e-300) }
        }
        return d
    }

    private func normalised(_ x: [Double]) -> [Double] {
        let n = dot(x, x).squareRoot()
        return x.map { $0 / max(n, 1e-300) }
    }
}
