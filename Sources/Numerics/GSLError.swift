import CGSL

/// A failure in a numerical routine: GSL's own status and reason, or a precondition flatlab
/// checks before calling GSL.
public enum NumericsError: Error, Equatable, CustomStringConvertible, Sendable {
    /// GSL returned a non-zero status; `reason` is `gsl_strerror(status)`.
    case gsl(routine: String, status: Int32, reason: String)
    /// f(a) and f(b) have the same sign, so [a, b] does not bracket a root.
    case invalidBracket(a: Double, b: Double)
    /// The iteration limit was reached before the tolerance.
    case didNotConverge(routine: String, iterations: Int)
    /// The function returned NaN or ±∞ where a finite value was needed.
    case nonFinite(routine: String)
    /// An argument is outside what the routine accepts (a non-square matrix, an empty interval).
    case invalidArgument(routine: String, reason: String)

    public var description: String {
        switch self {
        case .gsl(let routine, let status, let reason): "\(routine) failed: \(reason) (GSL status \(status))"
        case .invalidBracket(let a, let b): "[\(a), \(b)] does not bracket a root: f has the same sign at both ends"
        case .didNotConverge(let routine, let n): "\(routine) did not converge in \(n) iterations"
        case .nonFinite(let routine): "\(routine): the function returned a value that is not finite"
        case .invalidArgument(let routine, let reason): "\(routine): \(reason)"
        }
    }
}

/// GSL's default error handler aborts the process; it is switched off once, before the first
/// call, so every failure comes back as a status code and becomes a `NumericsError`.
private let errorHandlerOff: Void = { _ = gsl_set_error_handler_off() }()

@inline(__always)
func prepareGSL() { _ = errorHandlerOff }

/// Throws a `NumericsError.gsl` for a non-zero GSL status.
func check(_ status: Int32, _ routine: String) throws {
    guard status == Int32(GSL_SUCCESS) else {
        throw NumericsError.gsl(routine: routine, status: status, reason: String(cString: gsl_strerror(status)))
    }
}

/// Carries a Swift closure through GSL's `void *params` (an `Unmanaged` pointer to this box).
final class ClosureBox<F> {
    let f: F
    init(_ f: F) { self.f = f }
    var pointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
    static func from(_ p: UnsafeMutableRawPointer?) -> F { Unmanaged<ClosureBox<F>>.fromOpaque(p!).takeUnretainedValue().f }
}

typealias Scalar = (Double) -> Double

/// A `gsl_function` calling `f`; valid while `box` is alive.
func gslFunction(_ box: ClosureBox<Scalar>) -> gsl_function {
    gsl_function(function: { x, p in ClosureBox<Scalar>.from(p)(x) }, params: box.pointer)
}
