import CGSL

/// One-dimensional minimisation with GSL.
public enum Minimize {
    /// A local minimum of f in [a, b] by `gsl_min_fminimizer_brent` (golden section with
    /// parabolic interpolation). GSL requires a bracketing guess: f(guess) < f(a) and
    /// f(guess) < f(b); otherwise GSL fails with GSL_EINVAL ("endpoints do not enclose a
    /// minimum" in its message, "invalid argument supplied by user" from gsl_strerror). Stops when
    /// the bracket is narrower than epsAbs + epsRel·|x| (`gsl_min_test_interval`).
    public static func brent(_ f: (Double) -> Double, in a: Double, _ b: Double, guess: Double,
                             epsAbs: Double = 1e-10, epsRel: Double = 1e-10,
                             maxIterations: Int = 200) throws -> (x: Double, value: Double) {
        prepareGSL()
        return try withoutActuallyEscaping(f) { f in
            let box = ClosureBox<Scalar>(f)
            var function = gslFunction(box)
            guard let s = gsl_min_fminimizer_alloc(flatlab_min_fminimizer_brent()) else {
                throw NumericsError.gsl(routine: "gsl_min_fminimizer_alloc", status: Int32(GSL_ENOMEM), reason: "out of memory")
            }
            defer { gsl_min_fminimizer_free(s) }
            try check(gsl_min_fminimizer_set(s, &function, guess, a, b), "gsl_min_fminimizer_brent")
            for _ in 0..<maxIterations {
                try check(gsl_min_fminimizer_iterate(s), "gsl_min_fminimizer_brent")
                if gsl_min_test_interval(gsl_min_fminimizer_x_lower(s), gsl_min_fminimizer_x_upper(s), epsAbs, epsRel) == Int32(GSL_SUCCESS) {
                    break
                }
            }
            return (gsl_min_fminimizer_x_minimum(s), gsl_min_fminimizer_f_minimum(s))
        }
    }

    /// The global minimum of f on [a, b], as far as a `samples`-point scan can see it: the best
    /// sample is polished by Brent between its neighbours; a minimum at an end of the interval
    /// is returned at the end itself.
    public static func brentGlobal(_ f: (Double) -> Double, in a: Double, _ b: Double,
                                   samples: Int = 400) throws -> (x: Double, value: Double) {
        guard a < b, samples >= 2 else {
            throw NumericsError.invalidArgument(routine: "Minimize.brentGlobal", reason: "need a < b and at least 2 samples")
        }
        let h = (b - a) / Double(samples)
        let xs = (0...samples).map { $0 == samples ? b : a + Double($0) * h }
        let ys = xs.map(f)
        guard let k = ys.indices.filter({ ys[$0].isFinite }).min(by: { ys[$0] < ys[$1] }) else {
            throw NumericsError.nonFinite(routine: "Minimize.brentGlobal")
        }
        if k == 0 || k == samples { return (xs[k], ys[k]) }
        if ys[k] < ys[k - 1], ys[k] < ys[k + 1],
           let polished = try? brent(f, in: xs[k - 1], xs[k + 1], guess: xs[k]), polished.value <= ys[k] {
            return polished
        }
        return (xs[k], ys[k])
    }

    /// The global maximum, as `brentGlobal` of −f.
    public static func brentGlobalMax(_ f: (Double) -> Double, in a: Double, _ b: Double,
                                      samples: Int = 400) throws -> (x: Double, value: Double) {
        let m = try brentGlobal({ -f($0) }, in: a, b, samples: samples)
        return (m.x, -m.value)
    }
}
