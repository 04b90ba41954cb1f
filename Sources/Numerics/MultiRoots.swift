import CGSL

/// Roots of F: ℝⁿ → ℝⁿ with GSL's multidimensional solvers.
public enum MultiRoots {
    /// A root of F near x0 by `gsl_multiroot_fdfsolver_hybridsj` (Powell's hybrid method with an
    /// analytic Jacobian and internal scaling). Converged when ‖F(x)‖₁ < epsAbs
    /// (`gsl_multiroot_test_residual`). A start in a region where the method stalls gives GSL's
    /// `GSL_ENOPROG`/`GSL_ENOPROGJ` error ("iteration is not making progress towards solution").
    public static func hybridsj(_ f: ([Double]) -> [Double], jacobian: ([Double]) -> [[Double]], from x0: [Double],
                                epsAbs: Double = 1e-12, maxIterations: Int = 200) throws -> [Double] {
        prepareGSL()
        let n = x0.count
        guard n > 0 else { throw NumericsError.invalidArgument(routine: "gsl_multiroot_fdfsolver_hybridsj", reason: "no unknowns") }
        typealias System = (([Double]) -> [Double], ([Double]) -> [[Double]])
        return try withoutActuallyEscaping(f) { f in
            try withoutActuallyEscaping(jacobian) { jacobian in
                let box = ClosureBox<System>((f, jacobian))
                func read(_ v: UnsafePointer<gsl_vector>) -> [Double] {
                    (0..<v.pointee.size).map { gsl_vector_get(v, $0) }
                }
                func writeF(_ p: UnsafeMutableRawPointer?, _ x: UnsafePointer<gsl_vector>, _ out: UnsafeMutablePointer<gsl_vector>) -> Int32 {
                    let value = ClosureBox<System>.from(p).0(read(x))
                    for (i, v) in value.enumerated() { gsl_vector_set(out, i, v) }
                    return value.allSatisfy(\.isFinite) ? Int32(GSL_SUCCESS) : Int32(GSL_EBADFUNC)
                }
                func writeJ(_ p: UnsafeMutableRawPointer?, _ x: UnsafePointer<gsl_vector>, _ out: UnsafeMutablePointer<gsl_matrix>) -> Int32 {
                    let rows = ClosureBox<System>.from(p).1(read(x))
                    for (i, row) in rows.enumerated() { for (j, v) in row.enumerated() { gsl_matrix_set(out, i, j, v) } }
                    return rows.allSatisfy { $0.allSatisfy(\.isFinite) } ? Int32(GSL_SUCCESS) : Int32(GSL_EBADFUNC)
                }
                var system = gsl_multiroot_function_fdf(
                    f: { x, p, out in writeF(p, x!, out!) },
                    df: { x, p, out in writeJ(p, x!, out!) },
                    fdf: { x, p, out, j in
                        let s = writeF(p, x!, out!)
                        return s == Int32(GSL_SUCCESS) ? writeJ(p, x!, j!) : s
                    },
                    n: n, params: box.pointer)
                guard let start = gsl_vector_alloc(n) else { throw NumericsError.gsl(routine: "gsl_vector_alloc", status: Int32(GSL_ENOMEM), reason: "out of memory") }
                defer { gsl_vector_free(start) }
                for (i, v) in x0.enumerated() { gsl_vector_set(start, i, v) }
                guard let s = gsl_multiroot_fdfsolver_alloc(flatlab_multiroot_fdfsolver_hybridsj(), n) else {
                    throw NumericsError.gsl(routine: "gsl_multiroot_fdfsolver_alloc", status: Int32(GSL_ENOMEM), reason: "out of memory")
                }
                defer { gsl_multiroot_fdfsolver_free(s) }
                try check(gsl_multiroot_fdfsolver_set(s, &system, start), "gsl_multiroot_fdfsolver_hybridsj")
                for _ in 0..<maxIterations {
                    if gsl_multiroot_test_residual(s.pointee.f, epsAbs) == Int32(GSL_SUCCESS) { return read(s.pointee.x) }
                    try check(gsl_multiroot_fdfsolver_iterate(s), "gsl_multiroot_fdfsolver_hybridsj")
                }
                if gsl_multiroot_test_residual(s.pointee.f, epsAbs) == Int32(GSL_SUCCESS) { return read(s.pointee.x) }
                throw NumericsError.didNotConverge(routine: "gsl_multiroot_fdfsolver_hybridsj", iterations: maxIterations)
            }
        }
    }
}
