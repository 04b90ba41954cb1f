import CTape
import Foundation

/// flatlab's own `exp`, `expm1`, `log`, `sin`, `cos`, `tanh`, `sigmoid` and `softplus`: the
/// branch-free polynomial kernels of CTape (`Sources/CTape/ctape.c`), which the tapes run over a
/// batch in vectorised loops and over one point alike, so a point gives the same bits alone as
/// in a batch of 65 536 starts. Each is within a few ulp of glibc's libm over its whole domain
/// (`VectorMathTests` measures it, edge cases included: ±0, ±∞, NaN, subnormals, overflow).
public enum VectorMath {
    /// e^x: within 2 ulp of libm; ±∞, NaN, overflow to +∞ and gradual underflow to 0 as libm.
    public static func exp(_ x: Double) -> Double { ctape_exp(x) }
    /// e^x − 1, accurate near 0.
    public static func expm1(_ x: Double) -> Double { ctape_expm1(x) }
    /// The natural logarithm: log(±0) = −∞, log(x < 0) = NaN, log(+∞) = +∞.
    public static func log(_ x: Double) -> Double { ctape_log(x) }
    /// sin x: the kernel for |x| ≤ 1e5, glibc's `sin` beyond (and for ±∞ and NaN).
    public static func sin(_ x: Double) -> Double { ctape_sin(x) }
    /// cos x: the kernel for |x| ≤ 1e5, glibc's `cos` beyond.
    public static func cos(_ x: Double) -> Double { ctape_cos(x) }
    /// tanh x = sign(x)·e/(e + 2) with e = expm1(2|x|); exactly ±1 beyond |x| ≈ 19.1.
    public static func tanh(_ x: Double) -> Double { ctape_tanh(x) }
    /// 1/(1 + e^−x), without overflow on either side.
    public static func sigmoid(_ x: Double) -> Double { ctape_sigmoid(x) }
    /// log(1 + e^x) = max(x, 0) + log1p(e^−|x|), exact for large |x|.
    public static func softplus(_ x: Double) -> Double { ctape_softplus(x) }
    /// The instruction set the tapes run with on this processor ("avx2" or "x86-64").
    public static var instructionSet: String { String(cString: ctape_isa()) }
}
