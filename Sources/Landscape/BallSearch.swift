import Foundation
import Numerics
import Symbolic

// Beyond two variables ZOF and FOF cannot be computed exactly. The search below gives a lower
// bound with the point that attains it (`BallMaximum`); the interval certificate gives an upper
// bound (`FlatnessCertificate`), so the report brackets the truth.

/// The best point of a search over the ball: the objective's value there, the point, and in
/// words how it was found ("exact" in 1-D and 2-D).
struct BallMaximum {
    var value: Double
    var argmax: [Double]
    var foundBy: String
}

/// A twice-differentiable objective for `trustRegionAscent`: f, ∇f and the Hessian of f.
struct TrustRegionModel {
    let value: ([Double]) -> Double
    let gradient: ([Double]) -> [Double]
    let hessian: ([Double]) -> [[Double]]
}

extension Oracle {
    /// Variables up to which the search also runs the second-order trust-region ascent (each of
    /// its steps needs the whole n × n Hessian of the objective and its eigenvectors).
    static let trustRegionLimit = 64

    /// Second-order ascent of f over the ball B(center, ρ): trust-region steps on f's quadratic
    /// model (the step that maximises the model within the region, `trustRegionStep`), projected
    /// onto the ball; once a step reaches the sphere with ∇f pointing out, Riemannian trust-region
    /// steps on the sphere (the model in the tangent space, the point retracted by normalising).
    /// A step counts only if f rises, so the result is never worse than `start`.
    func trustRegionAscent(_ model: TrustRegionModel, from start: [Double], center: [Double], rho: Double) -> [Double] {
        guard rho.isFinite, rho > 0 else { return start }
        var x = start, fx = model.value(start)
        guard fx.isFinite else { return start }
        var radius = rho / 2
        var onSphere = false
        // The model at x, made again only when x moves (a rejected step only shrinks the region).
        var g = model.gradient(x)
        var local: (h: [[Double]], eigen: (values: [Double], vectors: [[Double]]))?
        for _ in 0..<60 {
            if local == nil {
                // Symmetrised: the FOF model's Jacobian is symmetric only up to rounding.
                let raw = model.hessian(x)
                let h = raw.indices.map { i in raw.indices.map { j in 0.5 * (raw[i][j] + raw[j][i]) } }
                guard g.allSatisfy(\.isFinite), h.allSatisfy({ $0.allSatisfy(\.isFinite) }),
                      let eigen = try? SymmetricEigen.symmv(h) else { return x }
                local = (h, eigen)
            }
            let (h, eigen) = local!
            let d = trustRegionStep(gradient: g, eigen: eigen, radius: radius)
            var y = zip(x, d).map { $0 + $1 }
            let r = distance(y, center)
            let projected = r > rho
            if projected { y = zip(center, y).map { $0 + ($1 - $0) * rho / r } }
            let s = zip(y, x).map { $0 - $1 }
            let predicted = dot(g, s) + 0.5 * dot(s, matrixVector(h, s)), fy = model.value(y)
            if fy > fx {
                if fy - fx > 0.75 * predicted && norm(d) > 0.99 * radius { radius = min(2 * radius, 2 * rho) }
                (x, fx) = (y, fy)
                g = model.gradient(x)
                local = nil
                if projected && dot(g, zip(x, center).map { $0 - $1 }) > 0 { onSphere = true; break }
            } else {
                radius /= 4
            }
            if radius < 1e-12 * rho { break }
        }
        guard onSphere else { return x }
        // On the sphere x = c + ρu: F(u) = f(c + ρu) has Euclidean gradient ρ∇f and Hessian ρ²H;
        // on the unit sphere the Riemannian gradient is P ρ∇f and the Hessian P ρ²H P − (u·ρ∇f) P,
        // P = I − uuᵀ. The normal direction gets a large negative curvature so no step takes it.
        var u = zip(x, center).map { ($0 - $1) / rho }
        radius = 0.5
        // The Riemannian model at u, made again only when u moves.
        var sphere: (rg: [Double], hr: [[Double]], eigen: (values: [Double], vectors: [[Double]]))?
        for _ in 0..<60 {
            if sphere == nil {
                let g = model.gradient(x).map { rho * $0 }, h = model.hessian(x)
                guard g.allSatisfy(\.isFinite), h.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { break }
                let n = u.count, gu = dot(g, u)
                let rg = zip(g, u).map { $0 - gu * $1 }
                // P A P with A = ρ²H, written out: A − u(Au)ᵀ − (Au)uᵀ + (uᵀAu) uuᵀ.
                let au = h.map { rho * rho * dot($0, u) }, uau = dot(u, au)
                let scale = 1 + h.map { $0.map(abs).reduce(0, +) }.max()! * rho * rho + abs(gu)
                let hr = (0..<n).map { i in
                    (0..<n).map { j in
                        rho * rho * 0.5 * (h[i][j] + h[j][i]) - u[i] * au[j] - au[i] * u[j] + uau * u[i] * u[j]
                            - gu * ((i == j ? 1 : 0) - u[i] * u[j]) - 10 * scale * u[i] * u[j]
                    }
                }
                guard let eigen = try? SymmetricEigen.symmv(hr) else { break }
                sphere = (rg, hr, eigen)
            }
            let (rg, hr, eigen) = sphere!
            func project(_ v: [Double]) -> [Double] { let c = dot(v, u); return zip(v, u).map { $0 - c * $1 } }
            let d = project(trustRegionStep(gradient: rg, eigen: eigen, radius: radius))
            let moved = zip(u, d).map { $0 + $1 }, length = norm(moved)
            let v = moved.map { $0 / length }
            let y = zip(center, v).map { $0 + rho * $1 }
            let predicted = dot(rg, d) + 0.5 * dot(d, matrixVector(hr, d)), fy = model.value(y)
            if fy > fx {
                if fy - fx > 0.75 * predicted && norm(d) > 0.99 * radius { radius = min(2 * radius, 1) }
                (x, fx, u) = (y, fy, v)
                sphere = nil
            } else {
                radius /= 4
            }
            if radius < 1e-12 { break }
        }
        return x
    }

    /// The step d that maximises the model g·d + ½ dᵀHd over ‖d‖ ≤ Δ, from H's eigensystem
    /// (values ascending, unit vectors): d = (λI − H)⁻¹g with λ ≥ max(λ_max(H), 0) and ‖d‖ = Δ
    /// unless the Newton step −H⁻¹g of a negative definite H is shorter. λ by bisection on the
    /// secular equation; in the hard case (g has no part along the top eigenvectors) the rest of
    /// the step goes along the top eigenvector, which is how a zero gradient at a minimum still
    /// gives a step towards the rim.
    func trustRegionStep(gradient g: [Double], eigen: (values: [Double], vectors: [[Double]]), radius: Double) -> [Double] {
        let (values, vectors) = eigen
        let n = values.count
        let coefficients = vectors.map { dot($0, g) }
        let top = values[n - 1]
        func step(_ lambda: Double) -> [Double] {
            var d = [Double](repeating: 0, count: n)
            for k in 0..<n where lambda - values[k] > 0 {
                let c = coefficients[k] / (lambda - values[k])
                for i in 0..<n { d[i] += c * vectors[k][i] }
            }
            return d
        }
        if top < 0 {
            let newton = step(0)
            if norm(newton) <= radius { return newton }
        }
        let floor = max(top, 0)
        // The hard case: no part of g along the eigenvalues at the top, and the rest too short.
        let tolerance = 1e-12 * max(abs(top), 1)
        let topIndices = (0..<n).filter { values[$0] >= top - tolerance }
        let gScale = max(norm(g), 1e-300)
        if topIndices.allSatisfy({ abs(coefficients[$0]) <= 1e-12 * gScale }) || norm(g) == 0 {
            let rest = (0..<n).filter { !topIndices.contains($0) }
            var d = [Double](repeating: 0, count: n)
            for k in rest where floor - values[k] > 0 {
                let c = coefficients[k] / (floor - values[k])
                for i in 0..<n { d[i] += c * vectors[k][i] }
            }
            let length = norm(d)
            if length <= radius {
                let tau = (radius * radius - length * length).squareRoot()
                let q = vectors[topIndices.last!]
                return zip(d, q).map { $0 + tau * $1 }
            }
        }
        // ‖d(λ)‖ falls from ∞ (or the hard case's length) at λ = floor to ≤ Δ at floor + ‖g‖/Δ.
        var lo = floor, hi = floor + gScale / radius
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            guard mid > lo && mid < hi else { break }
            if norm(step(mid)) > radius { lo = mid } else { hi = mid }
        }
        return step(hi)
    }
}

func matrixVector(_ m: [[Double]], _ v: [Double]) -> [Double] { m.map { dot($0, v) } }

/// Upper bounds on ZOF and FOF at θ that hold for certain: interval arithmetic over the box
/// [θ − ρ, θ + ρ], which contains the ball, bounds L, ∇L and H there. Two bounds each, the
/// smaller kept:
/// - direct: ZOF ≤ max_box L − L(θ), FOF ≤ ρ · ‖max_box |∇L|‖;
/// - Taylor, when L is twice differentiable over the box (no `abs` or `relu` kink inside), with
///   M ≥ ‖H‖₂ over the box: ZOF ≤ ρ‖∇L(θ)‖ + Mρ²/2 and FOF ≤ ρ(‖∇L(θ)‖ + ρM).
/// An infinite bound means interval arithmetic could not bound the landscape over the box (a
/// weight-normalised unit whose v may be 0 there, a log whose argument reaches 0).
public struct FlatnessCertificate: Sendable {
    public let zof: Double
    public let fof: Double
    /// How each bound was obtained, in words, or why there is none.
    public let zofMethod: String
    public let fofMethod: String
}

extension Oracle {
    /// Variables up to which `certificate` is computed (the interval program holds the n²
    /// Hessian entries).
    public static let certificateLimit = 64

    /// Certified upper bounds on ZOF_ρ(θ) and FOF_ρ(θ) (`FlatnessCertificate`); nil beyond
    /// `certificateLimit` variables.
    public func certificate(at theta: [Double], rho: Double) -> FlatnessCertificate? {
        let n = dimension
        guard n <= Oracle.certificateLimit else { return nil }
        let program = lazy.intervalProgram()
        let box = theta.map { Interval($0 - rho, $0 + rho) }.map { Interval($0.lo.nextDown, $0.hi.nextUp) }
        let (over, smooth, defined) = program.bounds(box)
        let here = program.bounds(theta.map { Interval($0) }).values
        guard defined else {
            let why = "none: the loss is not defined all over the box θ ± ρ (a log, square root or power of a negative number)"
            return FlatnessCertificate(zof: .infinity, fof: .infinity, zofMethod: why, fofMethod: why)
        }
        // A sum of n rounded terms is off by up to about n ulps: the bounds below are widened by
        // 4n ulps besides the last one.
        let widen = 1 + Double(4 * (n + 4)) * Double.ulpOfOne
        let up = { (x: Double) in x.isNaN ? Double.infinity : (x * (x > 0 ? widen : 1 / widen)).nextUp }
        // ‖∇L(θ)‖ from above, and max over the box of each |∂L/∂θ_i|.
        let gradientHere = up(here[1...n].map { $0.magnitude * $0.magnitude }.reduce(0, +).squareRoot())
        let gradientBox = up(over[1...n].map { $0.magnitude * $0.magnitude }.reduce(0, +).squareRoot())
        var zof = up(over[0].hi - here[0].lo), fof = up(rho * gradientBox)
        let direct = "interval arithmetic over the box θ ± ρ"
        var (zofMethod, fofMethod) = (direct, direct)
        if smooth {
            // ‖H‖₂ ≤ λ_max(B) for B_ij = max |H_ij| over the box (B ≥ 0 and symmetric), and
            // λ_max(B) ≤ max_i (Bx)_i / x_i for any x > 0 (Collatz–Wielandt); x is B's computed
            // Perron vector, so the bound is tight but does not depend on its accuracy.
            let b = (0..<n).map { i in (0..<n).map { j in max(over[1 + n + i * n + j].magnitude, over[1 + n + j * n + i].magnitude) } }
            if b.allSatisfy({ $0.allSatisfy(\.isFinite) }) {
                let perron = (try? SymmetricEigen.symmv(b))?.vectors.last ?? [Double](repeating: 1, count: n)
                let sign: Double = perron.reduce(0, +) < 0 ? -1 : 1
                let x = perron.map { max(sign * $0, 1e-8) }
                let m = up((0..<n).map { i in up(dot(b[i], x)) / x[i] }.max()! * (1 + 1e-12))
                let taylor = "interval bounds on the Hessian over the box θ ± ρ and Taylor's theorem"
                let taylorZof = up(rho * gradientHere + 0.5 * m * rho * rho), taylorFof = up(rho * (gradientHere + rho * m))
                if taylorZof < zof { (zof, zofMethod) = (taylorZof, taylor) }
                if taylorFof < fof { (fof, fofMethod) = (taylorFof, taylor) }
            }
        }
        let none = "none: interval arithmetic cannot bound %@ over the box θ ± ρ (a weight-normalised unit's v, or a log's argument, may reach 0 there)"
        if !zof.isFinite { zofMethod = none.replacingOccurrences(of: "%@", with: "L") }
        if !fof.isFinite { fofMethod = none.replacingOccurrences(of: "%@", with: "∇L") }
        return FlatnessCertificate(zof: max(zof, 0), fof: max(fof, 0), zofMethod: zofMethod, fofMethod: fofMethod)
    }
}
