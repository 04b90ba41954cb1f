import CGSL

/// Adaptive integration with GSL's QUADPACK routines. Each call owns its workspace.
public enum Integrate {
    /// ∫ₐᵇ f by `gsl_integration_qags` (adaptive Gauss–Kronrod 21 with Wynn's ε-extrapolation):
    /// handles integrable endpoint singularities such as log x at 0. Returns the value and GSL's
    /// error estimate; fails (with GSL's reason) when the requested accuracy cannot be reached,
    /// for example on a divergent integral.
    public static func qags(_ f: (Double) -> Double, from a: Double, to b: Double, epsAbs: Double = 0,
                            epsRel: Double = 1e-10, limit: Int = 1000) throws -> (value: Double, error: Double) {
        try run("gsl_integration_qags", f, limit: limit) { fn, w, result, error in
            gsl_integration_qags(fn, a, b, epsAbs, epsRel, limit, w, result, error)
        }
    }

    /// ∫ over (−∞, ∞) by `gsl_integration_qagi` (the map x = (1 − t)/t onto (0, 1], then QAGS).
    public static func qagi(_ f: (Double) -> Double, epsAbs: Double = 0, epsRel: Double = 1e-10,
                            limit: Int = 1000) throws -> (value: Double, error: Double) {
        try run("gsl_integration_qagi", f, limit: limit) { fn, w, result, error in
            gsl_integration_qagi(fn, epsAbs, epsRel, limit, w, result, error)
        }
    }

    /// ∫ over (a, ∞) by `gsl_integration_qagiu`.
    public static func qagiu(_ f: (Double) -> Double, from a: Double, epsAbs: Double = 0, epsRel: Double = 1e-10,
                             limit: Int = 1000) throws -> (value: Double, error: Double) {
        try run("gsl_integration_qagiu", f, limit: limit) { fn, w, result, error in
            gsl_integration_qagiu(fn, a, epsAbs, epsRel, limit, w, result, error)
        }
    }

    /// ∫ over (−∞, b) by `gsl_integration_qagil`.
    public static func qagil(_ f: (Double) -> Double, to b: Double, epsAbs: Double = 0, epsRel: Double = 1e-10,
                             limit: Int = 1000) throws -> (value: Double, error: Double) {
        try run("gsl_integration_qagil", f, limit: limit) { fn, w, result, error in
            gsl_integration_qagil(fn, b, epsAbs, epsRel, limit, w, result, error)
        }
    }

    private static func run(
        _ routine: String, _ f: (Double) -> Double, limit: Int,
        _ body: (UnsafeMutablePointer<gsl_function>, UnsafeMutablePointer<gsl_integration_workspace>,
                 UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Int32
    ) throws -> (value: Double, error: Double) {
        prepareGSL()
        return try withoutActuallyEscaping(f) { f in
            let box = ClosureBox<Scalar>(f)
            var function = gslFunction(box)
            guard let w = gsl_integration_workspace_alloc(limit) else {
                throw NumericsError.gsl(routine: "gsl_integration_workspace_alloc", status: Int32(GSL_ENOMEM), reason: "out of memory")
            }
            defer { gsl_integration_workspace_free(w) }
            var result = 0.0, error = 0.0
            try check(body(&function, w, &result, &error), routine)
            guard result.isFinite else { throw NumericsError.nonFinite(routine: routine) }
            return (result, error)
        }
    }
}
