import CGSL

/// Roots of f: ℝ → ℝ with GSL's one-dimensional solvers.
public enum Roots {
    /// A root in [a, b] by `gsl_root_fsolver_brent` (bisection, secant and inverse quadratic
    /// interpolation). f(a) and f(b) must differ in sign (a zero at an end is returned as is).
    /// Stops when the bracket is narrower than epsAbs + epsRel·|x| (`gsl_root_test_interval`);
    /// with epsAbs = 0 a root at exactly 0 cannot meet the test and ends in `didNotConverge`.
    public static func brent(_ f: (Double) -> Double, in a: Double, _ b: Double, epsAbs: Double = 0,
                             epsRel: Double = 1e-12, maxIterations: Int = 200) throws -> Double {
        prepareGSL()
        let (fa, fb) = (f(a), f(b))
        guard fa.isFinite, fb.isFinite else { throw NumericsError.nonFinite(routine: "gsl_root_fsolver_brent") }
        if fa == 0 { return a }
        if fb == 0 { return b }
        guard (fa < 0) != (fb < 0) else { throw NumericsError.invalidBracket(a: a, b: b) }
        return try withoutActuallyEscaping(f) { f in
            let box = ClosureBox<Scalar>(f)
            var function = gslFunction(box)
            guard let s = gsl_root_fsolver_alloc(flatlab_root_fsolver_brent()) else {
                throw NumericsError.gsl(routine: "gsl_root_fsolver_alloc", status: Int32(GSL_ENOMEM), reason: "out of memory")
            }
            defer { gsl_root_fsolver_free(s) }
            try check(gsl_root_fsolver_set(s, &function, Swift.min(a, b), Swift.max(a, b)), "gsl_root_fsolver_brent")
            for _ in 0..<maxIterations {
                try check(gsl_root_fsolver_iterate(s), "gsl_root_fsolver_brent")
                let status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s), epsAbs, epsRel)
                if status == Int32(GSL_SUCCESS) { return gsl_root_fsolver_root(s) }
            }
            throw NumericsError.didNotConverge(routine: "gsl_root_fsolver_brent", iterations: maxIterations)
        }
    }

    /// A root near x0 by `gsl_root_fdfsolver_steffenson` (Newton's method with Aitken
    /// acceleration, quadratic near a simple root); stops when successive iterates agree to
    /// epsAbs + epsRel·|x| (`gsl_root_test_delta`). Not guaranteed to converge from a poor start.
    public static func steffenson(_ f: (Double) -> Double, derivative df: (Double) -> Double, from x0: Double,
                                  epsAbs: Double = 1e-14, epsRel: Double = 1e-12, maxIterations: Int = 100) throws -> Double {
        prepareGSL()
        typealias Pair = (Scalar, Scalar)
        return try withoutActuallyEscaping(f) { f in
            try withoutActuallyEscaping(df) { df in
                let box = ClosureBox<Pair>((f, df))
                var fdf = gsl_function_fdf(
                    f: { x, p in ClosureBox<Pair>.from(p).0(x) },
                    df: { x, p in ClosureBox<Pair>.from(p).1(x) },
                    fdf: { x, p, y, dy in
                        let (f, df) = ClosureBox<Pair>.from(p)
                        y!.pointee = f(x)
                        dy!.pointee = df(x)
                    },
                    params: box.pointer)
                guard let s = gsl_root_fdfsolver_alloc(flatlab_root_fdfsolver_steffenson()) else {
                    throw NumericsError.gsl(routine: "gsl_root_fdfsolver_alloc", status: Int32(GSL_ENOMEM), reason: "out of memory")
                }
                defer { gsl_root_fdfsolver_free(s) }
                try check(gsl_root_fdfsolver_set(s, &fdf, x0), "gsl_root_fdfsolver_steffenson")
                var x = x0
                for _ in 0..<maxIterations {
                    try check(gsl_root_fdfsolver_iterate(s), "gsl_root_fdfsolver_steffenson")
                    let previous = x
                    x = gsl_root_fdfsolver_root(s)
                    guard x.isFinite else { throw NumericsError.nonFinite(routine: "gsl_root_fdfsolver_steffenson") }
                    if gsl_root_test_delta(x, previous, epsAbs, epsRel) == Int32(GSL_SUCCESS) { return x }
                }
                throw NumericsError.didNotConverge(routine: "gsl_root_fdfsolver_steffenson", iterations: maxIterations)
            }
        }
    }

    /// All roots of f in [a, b], ascending.
    ///
    /// Scans `samples` + 1 equally spaced points; every sign change is bracketed by Brent and,
    /// when `df` is given, polished by Steffenson (kept only if it stays in the bracket). Exact
    /// zeros at scan points are kept. A root where f touches zero without changing sign (a double
    /// root) is found when |f| has a local minimum on the scan below 1% of max|f| and Brent's
    /// minimisation of |f| between its neighbours reaches |f| ≤ 1e-12 of max|f|. Two sign changes
    /// closer than the scan step cancel and are missed; non-finite samples are skipped.
    public static func all(_ f: (Double) -> Double, derivative df: ((Double) -> Double)? = nil,
                           in a: Double, _ b: Double, samples: Int = 2000) throws -> [Double] {
        guard a < b, samples >= 2 else {
            throw NumericsError.invalidArgument(routine: "Roots.all", reason: "need a < b and at least 2 samples")
        }
        let h = (b - a) / Double(samples)
        let xs = (0...samples).map { $0 == samples ? b : a + Double($0) * h }
        let ys = xs.map(f)
        let scale = ys.filter(\.isFinite).map(Swift.abs).max() ?? 0
        var roots: [Double] = []
        for i in xs.indices {
            if ys[i] == 0 { roots.append(xs[i]); continue }
            guard i + 1 < xs.count, ys[i].isFinite, ys[i + 1].isFinite, ys[i + 1] != 0,
                  (ys[i] < 0) != (ys[i + 1] < 0) else { continue }
            // An absolute tolerance as well, so a root at exactly 0 converges.
            var r = try brent(f, in: xs[i], xs[i + 1], epsAbs: 1e-14 * (b - a))
            if let df, let polished = try? steffenson(f, derivative: df, from: r),
               polished >= xs[i], polished <= xs[i + 1], Swift.abs(f(polished)) <= Swift.abs(f(r)) {
                r = polished
            }
            roots.append(r)
        }
        // Touching zeros: local minima of |f| that are nearly zero.
        if scale > 0 {
            for i in 1..<(xs.count - 1) {
                let (l, m, r) = (Swift.abs(ys[i - 1]), Swift.abs(ys[i]), Swift.abs(ys[i + 1]))
                guard m.isFinite, m > 0, m < l, m < r, m < 1e-2 * scale, (ys[i - 1] < 0) == (ys[i + 1] < 0),
                      (ys[i] < 0) == (ys[i + 1] < 0) else { continue }
                if let found = try? Minimize.brent({ Swift.abs(f($0)) }, in: xs[i - 1], xs[i + 1], guess: xs[i]),
                   found.value <= 1e-12 * scale {
                    roots.append(found.x)
                } else if m <= 1e-12 * scale {
                    roots.append(xs[i])
                }
            }
        }
        roots.sort()
        var unique: [Double] = []
        for r in roots where unique.last.map({ Swift.abs(r - $0) > 1e-9 * (b - a) }) ?? true { unique.append(r) }
        return unique
    }
}
