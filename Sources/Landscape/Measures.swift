import Foundation
import Numerics

/// Flatness of the landscape around θ (DESIGN.md, "The science it must show").
public struct Measures: Sendable {
    /// The point measured, in the problem's variable order.
    public let theta: [Double]
    /// L(θ).
    public let loss: Double
    /// ‖∇L(θ)‖.
    public let gradNorm: Double
    /// Zeroth-order flatness: max over the ball B(θ, ρ) of L, minus L(θ).
    public let zof: Double
    /// Where L is highest in the ball; θ itself when no point of the ball is higher.
    public let zofArgmax: [Double]
    /// First-order flatness: ρ · max over the ball of ‖∇L‖.
    public let fof: Double
    /// Where ‖∇L‖ is highest in the ball; θ itself when no point of the ball is steeper.
    public let fofArgmax: [Double]
    /// λ_max(H), the largest Hessian eigenvalue at θ (the last of `eigenvalues`).
    public let lambdaMax: Double
    /// tr H, the sum of the Hessian eigenvalues at θ.
    public let trace: Double
    /// Hessian eigenvalues, ascending.
    public let eigenvalues: [Double]
    /// E[L(θ + δ)] − L(θ), δ ~ N(0, σ² I): exact in 1-D and 2-D, a seeded Monte Carlo mean beyond.
    public let avgSharpness: Double?
    /// The Monte Carlo standard error of `avgSharpness`; nil when it is exact.
    public let avgSharpnessError: Double?
    /// How the eigenvalues were found (`full` or `lanczos`) and the trace (`exact` or
    /// `hutchinson`), with the Hutchinson standard error (nil when exact).
    public let spectrumMethod: String
    public let traceMethod: String
    public let traceError: Double?
    /// The real held-out test loss (`[test] loss`); nil when the problem defines none.
    public let testLoss: Double?
    /// L(θ + shift) for the problem's fixed shift (`[test] shift`); nil without one.
    public let shiftedLoss: Double?
    /// The expected shifted loss E[L(θ + s)], s ~ N(0, σ²I) = L(θ) + `avgSharpness`: a proxy for
    /// generalisation, not independent evidence; nil for more than two variables.
    public var expectedShiftedLoss: Double? { avgSharpness.map { loss + $0 } }
    /// Radius of the ball B(θ, ρ) for ZOF and FOF.
    public let rho: Double
    /// σ of the Gaussian perturbation for `avgSharpness`.
    public let sigma: Double
    /// Second-order estimates at a minimum: ZOF ≈ ρ²λ_max/2, FOF ≈ ρ²λ_max.
    public var zofEstimate: Double { rho * rho * lambdaMax / 2 }
    /// FOF ≈ ρ²λ_max, the second-order estimate beside `fof` (see `zofEstimate`).
    public var fofEstimate: Double { rho * rho * lambdaMax }
    /// True when ZOF and FOF are exact maxima (1-D and 2-D); false when they come from a search
    /// with exact derivatives (more variables) and are lower bounds.
    public let exact: Bool
    /// How the worst and the steepest points were found: "exact", or the search's start and
    /// method beyond 2-D ("flipping the sign of v1_2, v1_5, then ascent").
    public let zofFoundBy: String
    public let fofFoundBy: String
    /// Beyond 2-D, certified upper bounds on ZOF and FOF (`FlatnessCertificate`), so that
    /// zof ≤ ZOF ≤ zofUpperBound; infinite when none could be found, nil when exact or beyond
    /// `Oracle.certificateLimit` variables.
    public let zofUpperBound: Double?
    public let fofUpperBound: Double?
    /// How each upper bound was obtained, or why there is none; nil without them.
    public let zofUpperBoundMethod: String?
    public let fofUpperBoundMethod: String?
}

extension Problem {
    /// All measures at θ for radius ρ and noise scale σ.
    public func measures(at theta: [Double], rho: Double, sigma: Double) throws -> Measures {
        try oracle.measures(at: theta, rho: rho, sigma: sigma)
    }

    /// ZOF_ρ(θ) with its argmax.
    public func zof(at theta: [Double], rho: Double) throws -> (value: Double, argmax: [Double]) {
        try oracle.zof(at: theta, rho: rho)
    }

    /// FOF_ρ(θ) with its argmax.
    public func fof(at theta: [Double], rho: Double) throws -> (value: Double, argmax: [Double]) {
        try oracle.fof(at: theta, rho: rho)
    }
}

// The measures need only the compiled oracle, so they live on it: it is Sendable, and the
// analysis measures many points in parallel.
extension Oracle {
    /// All measures at θ for radius ρ and noise scale σ.
    public func measures(at theta: [Double], rho: Double, sigma: Double) throws -> Measures {
        let o = self
        let (loss, gradient) = o.gradient(theta)
        let worst = try maximizeOverBall(center: theta, rho: rho, kind: .loss, oracle: o)
        let steepest = try maximizeOverBall(center: theta, rho: rho, kind: .gradientNorm, oracle: o)
        let certificate = regime.isExact ? nil : o.certificate(at: theta, rho: rho)
        let spectrum = try o.spectrum(at: theta)
        let shifted = try o.gaussianExpectationEstimate(at: theta, sigma: sigma)
        return Measures(
            theta: theta, loss: loss, gradNorm: norm(gradient),
            zof: worst.value - loss, zofArgmax: worst.argmax, fof: rho * steepest.value, fofArgmax: steepest.argmax,
            lambdaMax: spectrum.lambdaMax, trace: spectrum.trace, eigenvalues: spectrum.eigenvalues,
            avgSharpness: shifted.value - loss, avgSharpnessError: shifted.error,
            spectrumMethod: spectrum.method, traceMethod: spectrum.traceMethod, traceError: spectrum.traceError,
            testLoss: o.testLoss(theta), shiftedLoss: o.shiftedLoss(theta), rho: rho, sigma: sigma, exact: regime.isExact,
            zofFoundBy: worst.foundBy, fofFoundBy: steepest.foundBy,
            zofUpperBound: certificate?.zof, fofUpperBound: certificate?.fof,
            zofUpperBoundMethod: certificate?.zofMethod, fofUpperBoundMethod: certificate?.fofMethod)
    }

    /// ZOF_ρ(θ) with its argmax.
    public func zof(at theta: [Double], rho: Double) throws -> (value: Double, argmax: [Double]) {
        let m = try maximizeOverBall(center: theta, rho: rho, kind: .loss, oracle: self)
        return (m.value - loss(theta), m.argmax)
    }

    /// FOF_ρ(θ) with its argmax.
    public func fof(at theta: [Double], rho: Double) throws -> (value: Double, argmax: [Double]) {
        let m = try maximizeOverBall(center: theta, rho: rho, kind: .gradientNorm, oracle: self)
        return (rho * m.value, m.argmax)
    }

    enum BallObjective { case loss, gradientNorm }

    /// Points per side of the 2-D seed grid over the ball.
    static let ballGridSize = 65

    /// The local maxima of L (or ‖∇L‖) on a `ballGridSize`² grid over the 2-D ball, and the grid
    /// spacing. The grid is evaluated in one batch on the tape. On a plateau of equal values
    /// only the first point in scan order counts, so a flat region gives one seed, not hundreds;
    /// cells on the rim are left to the boundary search.
    func gridPeaks(center: [Double], rho: Double, kind: BallObjective) -> (peaks: [[Double]], spacing: Double) {
        let n = Self.ballGridSize, h = 2 * rho / Double(n - 1)
        var xs: [Double] = [], ys: [Double] = [], cells: [Int] = []
        // Plain arithmetic in these loops: they run for every exact ZOF/FOF, and a debug build
        // pays for every generic call.
        for i in 0..<n {
            let dx = -rho + Double(i) * h
            for j in 0..<n {
                let dy = -rho + Double(j) * h
                if dx * dx + dy * dy <= rho * rho {
                    xs.append(center[0] + dx)
                    ys.append(center[1] + dy)
                    cells.append(i * n + j)
                }
            }
        }
        let out = kind == .loss ? lossTape.evaluate(batch: [xs, ys]) : gradientTape.evaluate(batch: [xs, ys])
        var grid = [Double](repeating: -.infinity, count: n * n)
        for (k, cell) in cells.enumerated() {
            let v = kind == .loss ? out[0][k] : (out[1][k] * out[1][k] + out[2][k] * out[2][k]).squareRoot()
            if !v.isNaN { grid[cell] = v }
        }
        var peaks: [[Double]] = []
        // A cell on the rim (a neighbour outside the ball) is the circle scan's job.
        for k in cells.indices where grid[cells[k]] > -.infinity && isLocalMaximum(grid, width: n, at: cells[k], rimDisqualifies: true) {
            peaks.append([xs[k], ys[k]])
        }
        return (peaks, h)
    }

    /// max over the closed ball B(center, ρ) of L or of ‖∇L‖, where it is attained, and how that
    /// point was found (`BallMaximum`).
    ///
    /// A maximum is attained at an interior critical point of the objective or on the boundary.
    /// 1-D: the candidates are the endpoints and the sign changes of the objective's derivative
    /// (L′ for L, L″ for L′; an extremum of |L′| is one of L′), found by a 2000-point scan and
    /// Brent, so only a pair of critical points closer than ρ/1000 could be missed. 2-D: interior
    /// critical points by `hybridsj` on ∇L = 0 (Jacobian H) or on H∇L = 0 (the gradient of
    /// ‖∇L‖²/2, with its exact Jacobian) started from every local maximum of a 65 × 65 grid over
    /// the ball (spacing ρ/32), plus the maximum over the boundary circle by a 720-angle scan
    /// with every local maximum polished by Brent. More variables: the best of projected ascent
    /// with exact derivatives from 2 + `ascentStarts` + 1 starts, of the best three sign flips of
    /// small coordinates (`signFlips`), each climbed, and of second-order trust-region ascent
    /// (`trustRegionAscent`) from the centre and from the best point so far: a lower bound.
    func maximizeOverBall(center: [Double], rho: Double, kind: BallObjective, oracle o: Oracle) throws -> BallMaximum {
        let objective: ([Double]) -> Double = kind == .loss ? { o.loss($0) } : { norm(o.gradient($0).gradient) }
        var best = BallMaximum(value: objective(center), argmax: center, foundBy: regime.isExact ? "exact" : "the centre")
        func consider(_ p: [Double], _ how: @autoclosure () -> String = "exact") {
            let v = objective(p)
            if v > best.value || (v.isNaN == false && best.value.isNaN) { best = BallMaximum(value: v, argmax: p, foundBy: how()) }
        }
        switch regime {
        case .curve:
            let c = center[0]
            consider([c - rho])
            consider([c + rho])
            let derivative: (Double) -> Double = kind == .loss
                ? { o.gradient([$0]).gradient[0] }
                : { o.hessian([$0])[0][0] }
            // At |θ| ~ 1e300 a small ball has no interior in floating point.
            if c - rho < c + rho {
                for x in try Roots.all(derivative, in: c - rho, c + rho, samples: 2000) { consider([x]) }
            }
        case .surface:
            let system: ([Double]) -> [Double] = kind == .loss ? { o.gradient($0).gradient } : { o.gradientNormGradient($0) }
            let jacobian: ([Double]) -> [[Double]] = kind == .loss ? { o.hessian($0) } : { o.gradientNormJacobian($0) }
            // Seeds: the centre and every local maximum of the objective on a grid over the
            // ball, each climbed first so the root finder starts next to the maximum rather than
            // next to a saddle of the objective (41 fixed seeds missed the ridges of rastrigin).
            var seeds = [center]
            let (peaks, h) = gridPeaks(center: center, rho: rho, kind: kind)
            for p in peaks {
                consider(p)
                let climbed = ascend(objective, direction: system, from: p, step: h, center: center, rho: rho)
                consider(climbed)
                seeds.append(climbed)
            }
            for seed in seeds {
                if let root = try? MultiRoots.hybridsj(system, jacobian: jacobian, from: seed, epsAbs: 1e-12, maxIterations: 100),
                   distance(root, center) <= rho {
                    consider(root)
                }
            }
            let onCircle: (Double) -> [Double] = { [center[0] + rho * Foundation.cos($0), center[1] + rho * Foundation.sin($0)] }
            // The circle's samples in one batch on the tape; only the polishing is scalar.
            let phis = (0..<720).map { 2 * Double.pi * Double($0) / 720 }
            let xs = phis.map { center[0] + rho * Foundation.cos($0) }, ys = phis.map { center[1] + rho * Foundation.sin($0) }
            let samples: [Double]
            if kind == .loss {
                samples = o.lossTape.evaluate(batch: [xs, ys])[0]
            } else {
                let out = o.gradientTape.evaluate(batch: [xs, ys])
                samples = xs.indices.map { (out[1][$0] * out[1][$0] + out[2][$0] * out[2][$0]).squareRoot() }
            }
            let phi = try maximizePeriodic({ objective(onCircle($0)) }, samples: samples)
            consider(onCircle(phi))
            // An interior maximum just inside the rim, between the grid's last row and the
            // circle, is reached by climbing from the boundary's best point.
            let climbed = ascend(objective, direction: system, from: onCircle(phi), step: h, center: center, rho: rho)
            consider(climbed)
            if let root = try? MultiRoots.hybridsj(system, jacobian: jacobian, from: climbed, epsAbs: 1e-12, maxIterations: 100),
               distance(root, center) <= rho {
                consider(root)
            }
        case .space:
            // Projected ascent with exact derivatives (∇L for L; H∇L, the gradient of ‖∇L‖²/2,
            // for ‖∇L‖) from the centre, from half-way out along ±∇L and from seeded random
            // directions: a lower bound on the maximum.
            let direction: ([Double]) -> [Double] = kind == .loss ? { o.gradient($0).gradient } : { o.gradientNormGradient($0) }
            var rng = SplitMix64(seed: 7)
            var starts = [(center, "the centre")]
            let g = o.gradient(center).gradient, gn = norm(g)
            if gn > 0, gn.isFinite {
                for (s, name) in [(0.5, "+∇L"), (-0.5, "−∇L")] { starts.append((zip(center, g).map { $0 + s * rho * $1 / gn }, "ρ/2 along \(name)")) }
            }
            for k in 0..<Oracle.ascentStarts {
                let d = center.map { _ in rng.gaussian() }
                starts.append((zip(center, d).map { $0 + 0.5 * rho * $1 / max(norm(d), 1e-300) }, "random start \(k + 1)"))
            }
            for (start, name) in starts {
                consider(start, name)
                consider(ascend(objective, direction: direction, from: start, step: rho / 4, center: center, rho: rho), "ascent from \(name)")
            }
            // Sign flips: a parametrisation symmetric under a sign change (weight norm's v → −v)
            // can put the worst point on the far side of a small coordinate, where no gradient
            // from the centre points; the best of them are climbed too.
            let flips = signFlips(center: center, rho: rho, objective: objective)
            for (p, set) in flips.prefix(3) {
                let name = "flipping the sign of \(set.map { variables[$0] }.joined(separator: ", "))"
                consider(p, name)
                consider(ascend(objective, direction: direction, from: p, step: rho / 4, center: center, rho: rho), name + ", then ascent")
            }
            // Second order: from the centre (where a minimum's zero gradient gives first-order
            // ascent no direction, the model's top eigenvector does) and from the best so far.
            guard dimension <= Oracle.trustRegionLimit else { break }
            let model = kind == .loss
                ? TrustRegionModel(value: { o.loss($0) }, gradient: { o.gradient($0).gradient }, hessian: { o.hessian($0) })
                : TrustRegionModel(value: { let g = o.gradient($0).gradient; return 0.5 * dot(g, g) }, gradient: { o.gradientNormGradient($0) },
                                   hessian: { o.gradientNormJacobian($0) })
            let previous = best
            consider(trustRegionAscent(model, from: center, center: center, rho: rho), "trust-region ascent from the centre")
            if previous.argmax != center {
                consider(trustRegionAscent(model, from: previous.argmax, center: center, rho: rho), "\(previous.foundBy), then trust-region ascent")
            }
        }
        return best
    }

    /// Points of the ball that negate some of the centre's coordinates, best first by the
    /// objective: each coordinate small enough to flip (|θ_i| ≤ ρ/2, the `flipCandidates`
    /// smallest), every pair of the best `flipCombined` of those, and the best k together for
    /// every k that stays in the ball.
    func signFlips(center: [Double], rho: Double, objective: ([Double]) -> Double) -> [(point: [Double], flipped: [Int])] {
        let small = center.indices.filter { center[$0] != 0 && 2 * abs(center[$0]) <= rho }
            .sorted { abs(center[$0]) < abs(center[$1]) }.prefix(Oracle.flipCandidates)
        guard !small.isEmpty else { return [] }
        func flipped(_ set: [Int]) -> [Double]? {
            var p = center
            for i in set { p[i] = -p[i] }
            return distance(p, center) <= rho ? p : nil
        }
        var scored = small.compactMap { i in flipped([i]).map { (set: [i], value: objective($0)) } }.sorted { $0.value > $1.value }
        let top = scored.prefix(Oracle.flipCombined).map { $0.set[0] }
        for a in top.indices { for b in top.indices where b > a { if let p = flipped([top[a], top[b]]) { scored.append(([top[a], top[b]], objective(p))) } } }
        for k in Swift.stride(from: 3, through: top.count, by: 1) { if let p = flipped(Array(top.prefix(k))) { scored.append((Array(top.prefix(k)), objective(p))) } }
        return scored.sorted { $0.value > $1.value }.compactMap { s in flipped(s.set).map { ($0, s.set) } }
    }

    /// Ascent on `f` along `direction` (its gradient up to a positive factor) with normalised
    /// steps of at most `step`, halved until `f` increases, projected onto the ball.
    private func ascend(_ f: ([Double]) -> Double, direction: ([Double]) -> [Double], from start: [Double],
                        step: Double, center: [Double], rho: Double) -> [Double] {
        var x = start, fx = f(start), t = step
        // A radius near the largest double makes the step infinite (2ρ/64 overflows), and halving
        // infinity never ends: such a ball is only searched where it was sampled.
        guard step.isFinite, step > 0 else { return start }
        for _ in 0..<200 {
            let g = direction(x), gn = norm(g)
            guard gn > 0, gn.isFinite else { break }
            var moved = false
            while t > 1e-13 * rho {
                var y = zip(x, g).map { $0 + t * $1 / gn }
                let d = distance(y, center)
                if d > rho { y = zip(center, y).map { $0 + ($1 - $0) * rho / d } }
                let fy = f(y)
                if fy > fx { (x, fx, moved) = (y, fy, true); t = min(2 * t, step); break }
                t /= 2
            }
            if !moved { break }
        }
        return x
    }

    /// Random starts of the projected ascent beyond 2-D (besides the centre and ±∇L).
    static let ascentStarts = 6
    /// Coordinates tried one at a time for a sign flip (the smallest), and how many of the best
    /// of those are combined in pairs and together.
    static let flipCandidates = 256, flipCombined = 12
}

/// The argmax of a 2π-periodic function f from its values at n equally spaced angles (sample k
/// at 2πk/n): Brent on the bracket around every sampled local maximum (an unpolished sample is
/// kept if Brent cannot improve it).
func maximizePeriodic(_ f: (Double) -> Double, samples values: [Double]) throws -> Double {
    let n = values.count
    let h = 2 * Double.pi / Double(n)
    var best = (phi: 0.0, value: -Double.infinity)
    for k in 0..<n {
        let v = values[k], left = values[(k + n - 1) % n], right = values[(k + 1) % n]
        guard v >= left && v >= right else { continue }
        var candidate = (phi: Double(k) * h, value: v)
        if v > left && v > right,
           let polished = try? Minimize.brent({ -f($0) }, in: Double(k - 1) * h, Double(k + 1) * h, guess: Double(k) * h),
           -polished.value > v {
            candidate = (polished.x, -polished.value)
        }
        if candidate.value > best.value { best = candidate }
    }
    return best.phi
}
