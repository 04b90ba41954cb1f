import CGSL

/// An n-point Gauss–Hermite rule for Gaussian expectations, from `gsl_integration_fixed` with
/// the Hermite weight exp(−x²). The rule is exact for E[p(X)] with p a polynomial of degree up
/// to 2n − 1; for smooth functions the error falls quickly with n, but a feature much narrower
/// than σ/√n (a sharp valley) is under-resolved: raise n.
public struct GaussHermite: Sendable {
    /// Nodes tᵢ of ∫ exp(−t²) g(t) dt ≈ Σ wᵢ g(tᵢ), the physicists' Hermite weight: a Gaussian
    /// expectation needs X = mean + √2σt, as `expectation` does.
    public let nodes: [Double]
    /// Weights wᵢ of that rule; they sum to √π.
    public let weights: [Double]

    /// The n-point rule. Throws `NumericsError.invalidArgument` for n < 1, and `.gsl` if GSL cannot
    /// build the rule.
    public init(order n: Int) throws {
        prepareGSL()
        guard n >= 1 else { throw NumericsError.invalidArgument(routine: "gsl_integration_fixed_alloc", reason: "order must be at least 1") }
        // a = 0, b = 1, alpha = 0: weight exp(−x²) over (−∞, ∞); beta is unused for Hermite.
        guard let w = gsl_integration_fixed_alloc(flatlab_integration_fixed_hermite(), n, 0, 1, 0, 0) else {
            throw NumericsError.gsl(routine: "gsl_integration_fixed_alloc", status: Int32(GSL_EFAILED), reason: "could not build the Hermite rule")
        }
        defer { gsl_integration_fixed_free(w) }
        nodes = Array(UnsafeBufferPointer(start: gsl_integration_fixed_nodes(w), count: n))
        weights = Array(UnsafeBufferPointer(start: gsl_integration_fixed_weights(w), count: n))
    }

    /// E[f(X)] for X ~ N(mean, σ²): with X = mean + √2σt, E[f(X)] = π^(−1/2) ∫ exp(−t²) f(mean + √2σt) dt.
    public func expectation(_ f: (Double) -> Double, mean: Double = 0, sigma: Double) -> Double {
        let s = 2.0.squareRoot() * sigma
        var sum = 0.0
        for (t, w) in zip(nodes, weights) { sum += w * f(mean + s * t) }
        return sum / Double.pi.squareRoot()
    }

    /// E[f(X, Y)] for independent X ~ N(mean.0, σ²), Y ~ N(mean.1, σ²), by the tensor-product rule.
    public func expectation2D(_ f: (Double, Double) -> Double, mean: (Double, Double), sigma: Double) -> Double {
        let s = 2.0.squareRoot() * sigma
        var sum = 0.0
        for (t, w) in zip(nodes, weights) {
            for (u, v) in zip(nodes, weights) { sum += w * v * f(mean.0 + s * t, mean.1 + s * u) }
        }
        return sum / Double.pi
    }
}
