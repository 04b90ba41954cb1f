import Numerics

/// A point where ∇L = 0, classified by the eigenvalues of the Hessian there.
public struct CriticalPoint: Sendable, Equatable {
    /// The Hessian's verdict at the point (see `classify`); the raw value is the JSON `kind`.
    public enum Kind: String, Sendable {
        case minimum, maximum, saddle, degenerate
    }

    public let theta: [Double]
    public let kind: Kind
    public let loss: Double
    /// Hessian eigenvalues, ascending.
    public let eigenvalues: [Double]

    /// All eigenvalues clearly positive: minimum; all clearly negative: maximum; both signs:
    /// saddle; otherwise (an eigenvalue within `1e-7 · max(1, max|λ|)` of zero) degenerate.
    public static func classify(_ eigenvalues: [Double]) -> Kind {
        let scale = max(1, eigenvalues.map(abs).max() ?? 0)
        let tolerance = 1e-7 * scale
        let positive = eigenvalues.filter { $0 > tolerance }.count
        let negative = eigenvalues.filter { $0 < -tolerance }.count
        if positive > 0 && negative > 0 { return .saddle }
        if positive == eigenvalues.count { return .minimum }
        if negative == eigenvalues.count { return .maximum }
        return .degenerate
    }
}

extension Problem {
    /// Every critical point inside the domain, sorted by coordinates.
    ///
    /// 1-D: all roots of L′ in the domain (sign changes on a 4000-point scan, bracketed by Brent
    /// and polished by Steffenson with L″), so none is missed unless two lie closer than the scan
    /// step. 2-D: `hybridsj` on ∇L = 0 with the exact Hessian as Jacobian, from every local
    /// minimum of ‖∇L‖ on a (2·`seedsPerAxis`)² grid (every critical point lies in such a
    /// basin) and from a coarse (`seedsPerAxis`/4)² grid besides, keeping solutions inside the
    /// domain and merging those closer than 1e-6 of the domain's diagonal. A continuum of critical points (a valley floor
    /// of equally good minima) comes out as a sample of it, merged at 2% of the diagonal. More
    /// than 2 variables: a sample, the stationary points descent reaches (`stationaryPoint`)
    /// from the default start and from `descentStarts` − 1 seeded starts in the domain.
    public func criticalPoints(seedsPerAxis: Int = 40) throws -> [CriticalPoint] {
        let o = oracle
        var found: [[Double]] = []
        if regime == .curve {
            let d = domain[0]
            found = try Roots.all({ o.gradient([$0]).gradient[0] },
                                  derivative: { o.hessian([$0])[0][0] },
                                  in: d.lowerBound, d.upperBound, samples: 4000).map { [$0] }
        } else if !regime.isExact {
            // A sample, not every critical point: where descent goes from the default start and
            // from seeded starts in the domain (a network has too many to list).
            var rng = SplitMix64(seed: 1)
            let seeds = [defaultStart] + (0..<(Problem.descentStarts - 1)).map { _ in domain.map { Double.random(in: $0, using: &rng) } }
            for seed in seeds {
                if let c = try stationaryPoint(from: seed, reach: .infinity), contains(c.theta) { found.append(c.theta) }
            }
        } else {
            let seeds = seedGrid2D(coarse: seedsPerAxis / 4, fine: 2 * seedsPerAxis)
            for seed in seeds {
                guard let root = try? MultiRoots.hybridsj({ o.gradient($0).gradient }, jacobian: { o.hessian($0) },
                                                          from: seed, epsAbs: 1e-11, maxIterations: 100),
                      contains(root) else { continue }
                found.append(root)
            }
        }
        var points: [CriticalPoint] = []
        for theta in found {
            let eigen = try SymmetricEigen.symmv(o.hessian(theta)).values
            let kind = CriticalPoint.classify(eigen)
            let radius = (kind == .degenerate ? 0.02 : 1e-6) * diagonal
            if points.contains(where: { distance($0.theta, theta) < radius }) { continue }
            points.append(CriticalPoint(theta: theta, kind: kind, loss: o.loss(theta), eigenvalues: eigen))
        }
        // Sort by coordinates rounded to 1e-9 of the diagonal, so rounding noise in a coordinate
        // that is the same for several points does not scramble the order.
        let key: ([Double]) -> [Double] = { $0.map { ($0 / (1e-9 * diagonal)).rounded() } }
        return points.sorted { key($0.theta).lexicographicallyPrecedes(key($1.theta)) }
    }
}

extension Problem {
    /// Starts of the critical-point sample beyond 2-D.
    public static let descentStarts = 16

    /// The stationary point that descent reaches from θ, classified by its Hessian's inertia:
    /// the way a run's end point is judged beyond 2-D, without listing every critical point.
    /// Up to `Spectrum.fullLimit` parameters, saddle-free Newton steps (−Σ (v·∇L)/|λ| v over
    /// the Hessian's eigenpairs, |λ| floored at 1e-6 of the largest, so a saddle is descended,
    /// not climbed), each no longer than a tenth of the domain's diagonal and backtracked until
    /// the loss falls by Armijo's rule; beyond, gradient steps of Barzilai–Borwein length. Stops
    /// at ‖∇L‖ < 1e-9. nil when ‖∇L‖ is still above 1e-6 after `maxIterations`, or once the
    /// path is longer than `reach` of the domain's diagonal (a plateau, or a valley that goes
    /// on, as an over-parametrised network's does: the point found that far away says nothing
    /// about where the run is).
    public func stationaryPoint(from start: [Double], maxIterations: Int = 400, reach: Double = 0.05) throws -> CriticalPoint? {
        let o = oracle, n = dimension, cap = 0.1 * diagonal
        var travelled = 0.0
        var x = start
        var (l, g) = o.gradient(x)
        guard l.isFinite else { return nil }
        var previous: (x: [Double], g: [Double])?
        var t = 1e-3 * diagonal / max(norm(g), 1e-300)
        for _ in 0..<(n <= Spectrum.fullLimit ? maxIterations : 25 * maxIterations) where norm(g) >= 1e-9 {
            var d: [Double]
            if n <= Spectrum.fullLimit {
                let (values, vectors) = try o.eigensystem(x)
                let floor = 1e-6 * max(values.map(abs).max() ?? 0, 1e-300)
                d = [Double](repeating: 0, count: n)
                for (lambda, v) in zip(values, vectors) {
                    let c = dot(v, g) / max(abs(lambda), floor)
                    for i in 0..<n { d[i] -= c * v[i] }
                }
                t = 1
            } else {
                if let p = previous {
                    let s = zip(x, p.x).map { $0 - $1 }, y = zip(g, p.g).map { $0 - $1 }
                    let sy = dot(s, y), ss = dot(s, s)
                    if sy > 0 { t = ss / sy }
                }
                d = g.map { -$0 }
            }
            let dn = norm(d) * t
            if dn > cap { t *= cap / dn }
            let slope = dot(g, d)
            var accepted = false
            while t * norm(d) > 1e-14 * diagonal {
                let y = zip(x, d).map { $0 + t * $1 }
                let (ly, gy) = o.gradient(y)
                if ly.isFinite && ly <= l + 1e-4 * t * slope {
                    travelled += t * norm(d)
                    previous = (x, g)
                    (x, l, g) = (y, ly, gy)
                    accepted = true
                    break
                }
                t /= 2
            }
            // Where the loss can no longer fall in floating point, the point is as stationary as it gets.
            if !accepted || travelled > reach * diagonal { break }
        }
        guard norm(g) < 1e-6, travelled <= reach * diagonal else { return nil }
        let eigen = try o.eigenvalues(x)
        return CriticalPoint(theta: x, kind: CriticalPoint.classify(eigen), loss: l, eigenvalues: eigen)
    }

    /// Seeds for the 2-D critical-point search: the local minima of ‖∇L‖ (8 neighbours, ties
    /// broken by grid order) on a `fine`² grid evaluated in one batch, and a `coarse`² grid.
    func seedGrid2D(coarse: Int, fine: Int) -> [[Double]] {
        let (dx, dy) = (domain[0], domain[1])
        func point(_ u: Double, _ v: Double) -> [Double] {
            [dx.lowerBound + u * (dx.upperBound - dx.lowerBound), dy.lowerBound + v * (dy.upperBound - dy.lowerBound)]
        }
        var seeds: [[Double]] = []
        for i in 0..<coarse {
            for j in 0..<coarse { seeds.append(point((Double(i) + 0.5) / Double(coarse), (Double(j) + 0.5) / Double(coarse))) }
        }
        var xs: [Double] = [], ys: [Double] = []
        for j in 0..<fine {
            for i in 0..<fine {
                let p = point((Double(i) + 0.5) / Double(fine), (Double(j) + 0.5) / Double(fine))
                xs.append(p[0])
                ys.append(p[1])
            }
        }
        let out = oracle.gradientTape.evaluate(batch: [xs, ys])
        // Minima of ‖∇L‖² are maxima of its negative; NaN counts as the highest ‖∇L‖².
        let negated = xs.indices.map { k -> Double in
            let v = out[1][k] * out[1][k] + out[2][k] * out[2][k]
            return v.isNaN ? -.infinity : -v
        }
        for k in negated.indices where negated[k] > -.infinity && isLocalMaximum(negated, width: fine, at: k, rimDisqualifies: false) {
            seeds.append([xs[k], ys[k]])
        }
        return seeds
    }
}

/// Euclidean distance between two points of the same dimension.
public func distance(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
}

/// Euclidean norm.
public func norm(_ v: [Double]) -> Double { v.map { $0 * $0 }.reduce(0, +).squareRoot() }

func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { $0 * $1 }.reduce(0, +) }

/// SplitMix64, the seeded generator for analysis starts (the same seed gives the same starts).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
