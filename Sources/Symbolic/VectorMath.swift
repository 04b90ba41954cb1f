import CTape
import Foundation

/// The kernels the tapes run, through CTape: SLEEF's deterministic functions
/// (`Sleef_cinz_*_u10`: within 1 ulp, no fused multiply-add, the same bits in their scalar, SSE2,
/// AVX and AVX-512 forms), so a point gives the same bits alone as in a batch of 65 536 starts, on
/// any x86-64 processor. sigmoid and softplus are built on exp and log1p. `VectorMathTests`
/// measures them against glibc's libm, edge cases included (±0, ±∞, NaN, subnormals, overflow).
public enum VectorMath {
    /// e^x within 1 ulp; it overflows to +∞ from ln(DBL_MAX) ≈ 709.782712893384 on, one double
    /// earlier than glibc.
    public static func exp(_ x: Double) -> Double { ctape_exp(x) }
    /// e^x − 1, accurate near 0.
    public static func expm1(_ x: Double) -> Double { ctape_expm1(x) }
    /// The natural logarithm: log(±0) = −∞, log(x < 0) = NaN, log(+∞) = +∞.
    public static func log(_ x: Double) -> Double { ctape_log(x) }
    /// sin x, with SLEEF's full argument reduction for large |x|.
    public static func sin(_ x: Double) -> Double { ctape_sin(x) }
    /// cos x, with SLEEF's full argument reduction for large |x|.
    public static func cos(_ x: Double) -> Double { ctape_cos(x) }
    /// tanh x.
    public static func tanh(_ x: Double) -> Double { ctape_tanh(x) }
    /// 1/(1 + e^−x), without overflow on either side.
    public static func sigmoid(_ x: Double) -> Double { ctape_sigmoid(x) }
    /// log(1 + e^x) = max(x, 0) + log1p(e^−|x|), exact for large |x|.
    public static func softplus(_ x: Double) -> Double { ctape_softplus(x) }
    /// The instruction set the tapes run with on this processor ("avx512f", "avx2" or "x86-64").
    public static var instructionSet: String { String(cString: ctape_isa()) }
}
