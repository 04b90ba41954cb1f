import Foundation
import Numerics

/// The Hessian's spectrum at a point, and how it was found.
public struct Spectrum: Sendable {
    /// Eigenvalues, ascending: all of them (`method` full), or the top Ritz values (lanczos).
    public let eigenvalues: [Double]
    public var lambdaMax: Double { eigenvalues.last! }
    /// tr H: exact, or Hutchinson's estimate.
    public let trace: Double
    /// The standard error of a Hutchinson trace; nil when the trace is exact.
    public let traceError: Double?
    /// `full`: the whole Hessian and `gsl_eigen_symmv`; `lanczos`: Lanczos on Hessian-vector products.
    public let method: String
    /// `exact` (the sum of the eigenvalues, or of n Hessian-vector products), or `hutchinson`.
    public let traceMethod: String

    /// Parameters up to which the whole Hessian is formed (n Hessian-vector products) and
    /// decomposed; beyond, Lanczos and Hutchinson.
    public static let fullLimit = 200
    /// Rademacher probes of a Hutchinson trace, and Lanczos steps.
    public static let probes = 64, lanczosSteps = 60
}

extension Oracle {
    /// The spectrum at θ: the whole Hessian up to `Spectrum.fullLimit` parameters; beyond,
    /// Lanczos with full reorthogonalisation for the top eigenvalues and a seeded Hutchinson
    /// trace (Rademacher probes) with its standard error.
    public func spectrum(at theta: [Double]) throws -> Spectrum {
        let n = dimension
        if n <= Spectrum.fullLimit {
            let values = try eigenvalues(theta)
            return Spectrum(eigenvalues: values, trace: values.reduce(0, +), traceError: nil, method: "full", traceMethod: "exact")
        }
        let hv: ([Double]) -> [Double] = { self.hvp(theta, $0).hv }
        let top = try lanczos(hv, dimension: n, steps: min(Spectrum.lanczosSteps, n), seed: 3)
        var rng = SplitMix64(seed: 5)
        var samples: [Double] = []
        for _ in 0..<Spectrum.probes {
            let z = (0..<n).map { _ in rng.next() & 1 == 0 ? -1.0 : 1.0 }
            samples.append(dot(z, hv(z)))
        }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count - 1)
        return Spectrum(eigenvalues: Array(top.suffix(10)), trace: mean, traceError: (variance / Double(samples.count)).squareRoot(),
                        method: "lanczos", traceMethod: "hutchinson")
    }
}

/// Ritz values (ascending) of the symmetric operator `apply` after `steps` Lanczos steps from a
/// seeded random start, with full reorthogonalisation: the largest converge first, and with
/// `steps` = n they are the eigenvalues.
public func lanczos(_ apply: ([Double]) -> [Double], dimension n: Int, steps: Int, seed: UInt64) throws -> [Double] {
    var rng = SplitMix64(seed: seed)
    var q = (0..<n).map { _ in rng.gaussian() }
    let q0 = norm(q)
    q = q.map { $0 / q0 }
    var basis: [[Double]] = [q]
    var alpha: [Double] = [], beta: [Double] = []
    for k in 0..<steps {
        var w = apply(basis[k])
        let a = dot(w, basis[k])
        alpha.append(a)
        // Full reorthogonalisation, twice (classical Gram–Schmidt is stable when repeated).
        for _ in 0..<2 {
            for b in basis {
                let c = dot(w, b)
                for i in 0..<n { w[i] -= c * b[i] }
            }
        }
        let length = norm(w)
        if k == steps - 1 || length < 1e-12 * max(1, abs(a)) { break }
        beta.append(length)
        basis.append(w.map { $0 / length })
    }
    let m = alpha.count
    var t = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
    for i in 0..<m {
        t[i][i] = alpha[i]
        if i + 1 < m { t[i][i + 1] = beta[i]; t[i + 1][i] = beta[i] }
    }
    return try SymmetricEigen.symmv(t).values
}
