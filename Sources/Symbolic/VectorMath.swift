import Foundation

/// flatlab's own `exp`, `expm1`, `log`, `log1p`, `sin`, `cos`, `tanh`, `sigmoid` and `softplus`:
/// branch-free polynomial kernels that the compiler vectorises when a loop calls them over a
/// batch (the batch tape's function instructions), and that the scalar tape calls too, so one
/// point gives the same bits whether it is evaluated alone or in a batch of 65 536 starts.
/// Each is within a few ulp of glibc's libm over its whole domain (`VectorMathTests` measures
/// it, edge cases included: ±0, ±∞, NaN, subnormals, overflow).
///
/// The method is the textbook one: reduce the argument by a multiple of ln 2 or π/2 split into
/// parts with trailing zeros (Cody and Waite), so the reduction is exact; evaluate a Taylor
/// polynomial of high enough degree on the reduced interval; rebuild the result with integer
/// operations on the bit pattern. Integer conversions use the 1.5·2⁵² shifter instead of
/// `Int(x)`, and shifts are logical, so every step has a packed SSE2 instruction.
public enum VectorMath {
    static let log2e = 1.4426950408889634
    /// ln 2 = ln2Hi + ln2Lo, ln2Hi with 21 trailing zero bits: n·ln2Hi is exact for |n| < 2²¹.
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10
    /// 1.5·2⁵²: adding it rounds a double of magnitude below 2⁵¹ to an integer held in the low bits.
    static let shifter = 6755399441055744.0

    /// 2ⁿ for an integer-valued n with |n| ≤ 1100, as two normal factors whose product may be
    /// subnormal, zero or infinite (so the caller multiplies by both).
    @inline(__always)
    static func twoToThe(_ shifted: Double) -> (Double, Double) {
        // `shifted` = n + shifter: its bit pattern holds n + 0x4338000000000000; bias it to be non-negative.
        let n = shifted.bitPattern &- 0x4338_0000_0000_0000 &+ 2048
        let n1 = n >> 1  // (n + 2048)/2 rounded down; n is non-negative, so the shift is logical
        let e1 = n1 &- 1024, e2 = n &- 2048 &- e1
        return (Double(bitPattern: (e1 &+ 1023) << 52), Double(bitPattern: (e2 &+ 1023) << 52))
    }

    /// e^r − 1 for |r| ≤ ln2/2 by Taylor's polynomial of degree 13, r + r²·p(r), with p evaluated
    /// by Estrin's scheme: pairs combined by r², r⁴, r⁸, so the chain of dependent operations is
    /// 10 long instead of Horner's 26, and a vector loop keeps its units busy.
    @inline(__always)
    static func expm1Reduced(_ r: Double) -> Double {
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let b0 = 1.0 / 2 + r * (1.0 / 6), b1 = 1.0 / 24 + r * (1.0 / 120)
        let b2 = 1.0 / 720 + r * (1.0 / 5040), b3 = 1.0 / 40320 + r * (1.0 / 362880)
        let b4 = 1.0 / 3628800 + r * (1.0 / 39916800), b5 = 1.0 / 479001600 + r * (1.0 / 6227020800)
        let c0 = b0 + r2 * b1, c1 = b2 + r2 * b3, c2 = b4 + r2 * b5
        let p = (c0 + r4 * c1) + r8 * c2
        return r + r2 * p
    }

    /// e^x. Within 2 ulp of libm; ±∞, NaN, overflow to +∞ and gradual underflow to 0 as libm.
    @inline(__always)
    public static func exp(_ x: Double) -> Double {
        let xc = Swift.min(Swift.max(x, -746), 710)  // NaN passes through both
        let t = xc * log2e + shifter
        let n = t - shifter
        let r = (xc - n * ln2Hi) - n * ln2Lo
        let p = expm1Reduced(r) + 1
        let (s1, s2) = twoToThe(t)
        return p * s1 * s2
    }

    /// e^x − 1, accurate near 0 where `exp(x) - 1` is not. Within a few ulp of libm.
    @inline(__always)
    public static func expm1(_ x: Double) -> Double {
        let xc = Swift.min(Swift.max(x, -40), 710)  // below −40, e^x − 1 is −1 in double
        let t = xc * log2e + shifter
        let n = t - shifter
        let r = (xc - n * ln2Hi) - n * ln2Lo
        let q = expm1Reduced(r)
        let (s1, s2) = twoToThe(t)
        // 2ⁿ(1 + q) − 1 = 2ⁿq + (2ⁿ − 1), with 2ⁿ − 1 exact, while 2ⁿ is below 2⁵⁴; beyond, the
        // −1 no longer matters and 2ⁿ may overflow, so the product is taken factor by factor.
        let scale = s1 * s2
        let result = n < 54 ? q * scale + (scale - 1) : (1 + q) * s1 * s2 - 1
        return x == 0 ? x : result  // expm1(−0) = −0
    }

    /// 2/(2k+1) for k = 1…11, summed as z·Σ: log(1+f) = 2 atanh(s) with s = f/(2+f), |s| ≤ 0.1716.
    /// Estrin's scheme, as in `expm1Reduced`.
    @inline(__always)
    static func atanhTail(_ z: Double) -> Double {
        let z2 = z * z, z4 = z2 * z2, z8 = z4 * z4
        let b0 = 2.0 / 3 + z * (2.0 / 5), b1 = 2.0 / 7 + z * (2.0 / 9), b2 = 2.0 / 11 + z * (2.0 / 13)
        let b3 = 2.0 / 15 + z * (2.0 / 17), b4 = 2.0 / 19 + z * (2.0 / 21), b5 = 2.0 / 23
        let c0 = b0 + z2 * b1, c1 = b2 + z2 * b3, c2 = b4 + z2 * b5
        return z * ((c0 + z4 * c1) + z8 * c2)
    }

    /// The natural logarithm. Within 2 ulp of libm; log(±0) = −∞, log(x < 0) = NaN, log(+∞) = +∞.
    @inline(__always)
    public static func log(_ x: Double) -> Double {
        let tiny = x < 2.2250738585072014e-308
        let xs = tiny ? x * 18014398509481984.0 : x  // 2⁵⁴ lifts subnormals into the normal range
        // Shift the mantissa's range to [√½, √2) so |f| ≤ 0.4142.
        let u = xs.bitPattern &+ (0x3ff0_0000_0000_0000 &- 0x3fe6_a09e_667f_3bcd)
        let m = Double(bitPattern: (u & 0x000f_ffff_ffff_ffff) &+ 0x3fe6_a09e_667f_3bcd)
        let exponent = Double(bitPattern: 0x4330_0000_0000_0000 | (u >> 52)) - 4503599627370496.0
        let k = exponent - (tiny ? 1023 + 54 : 1023)
        let f = m - 1
        let s = f / (2 + f)
        let hfsq = 0.5 * f * f
        let r = atanhTail(s * s)
        // log(1+f) = f − s(f − R) = f − (hfsq − s(hfsq + R)), since 2s = f − s·f.
        let result = k * ln2Hi + (f - (hfsq - (s * (hfsq + r) + k * ln2Lo)))
        if x > 0 && x < .infinity { return result }
        return x == 0 ? -.infinity : (x == .infinity ? x : .nan)
    }

    /// log(1 + x) for x ≥ 0 (softplus needs no more), accurate for tiny x.
    @inline(__always)
    static func log1pNonNegative(_ x: Double) -> Double {
        let w = 1 + x
        // w − 1 is exact (Sterbenz), so (x − (w − 1))/w corrects the rounding of 1 + x.
        return log(w) + (x - (w - 1)) / w
    }

    /// π/2 in three parts of 33 bits (the last two each with a tail): j·part is exact for |j| < 2²⁰.
    static let pio2a = 1.57079632673412561417e+00
    static let pio2b = 6.07710050630396597660e-11
    static let pio2c = 2.02226624871116645580e-21
    static let pio2cTail = 8.47842766036889956997e-32
    /// Beyond this |x| the three-part reduction loses bits; the trigonometric kernels defer to libm.
    public static let trigonometricLimit = 1.0e5

    /// sin r for |r| ≤ π/4: r + r·z·p(z), z = r², Taylor to r¹⁹, p by Estrin's scheme.
    @inline(__always)
    static func sinReduced(_ r: Double) -> Double {
        let z = r * r, z2 = z * z, z4 = z2 * z2, z8 = z4 * z4
        let b0 = -1.0 / 6 + z * (1.0 / 120), b1 = -1.0 / 5040 + z * (1.0 / 362880)
        let b2 = -1.0 / 39916800 + z * (1.0 / 6227020800), b3 = -1.0 / 1307674368000 + z * (1.0 / 355687428096000)
        let b4 = -1.0 / 121645100408832000
        let p = ((b0 + z2 * b1) + z4 * (b2 + z2 * b3)) + z8 * b4
        return r + r * (z * p)
    }

    /// cos r for |r| ≤ π/4: (1 − z/2) with its rounding error recovered, plus z²·p(z), Taylor to
    /// r¹⁸, p by Estrin's scheme.
    @inline(__always)
    static func cosReduced(_ r: Double) -> Double {
        let z = r * r, z2 = z * z, z4 = z2 * z2
        let b0 = 1.0 / 24 - z * (1.0 / 720), b1 = 1.0 / 40320 - z * (1.0 / 3628800)
        let b2 = 1.0 / 479001600 - z * (1.0 / 87178291200), b3 = 1.0 / 20922789888000 - z * (1.0 / 6402373705728000)
        let p = (b0 + z2 * b1) + z4 * (b2 + z2 * b3)
        let h = 0.5 * z
        return (1 - h) + (((1 - (1 - h)) - h) + z * z * p)
    }

    /// sin and cos of x for |x| ≤ `trigonometricLimit`, by quadrant: (sin, cos).
    @inline(__always)
    static func sinCosReduced(_ x: Double) -> (sin: Double, cos: Double) {
        let t = x * (2 / Double.pi) + shifter
        let j = t - shifter
        let r = ((x - j * pio2a) - j * pio2b) - (j * pio2c + j * pio2cTail)
        let quadrant = t.bitPattern & 3
        let s = sinReduced(r), c = cosReduced(r)
        let odd = quadrant & 1 == 1
        let sinValue = odd ? c : s, cosValue = odd ? s : c
        let sinSign = quadrant & 2 == 2, cosSign = quadrant == 1 || quadrant == 2
        // sin(±0) = ±0: the polynomial would give +0 for −0.
        return (x == 0 ? x : (sinSign ? -sinValue : sinValue), cosSign ? -cosValue : cosValue)
    }

    /// Whether the polynomial kernels `sin` and `cos` hold at x (else they call libm).
    @inline(__always)
    public static func trigonometricInRange(_ x: Double) -> Bool { Swift.abs(x) <= trigonometricLimit }

    /// sin x: the kernel for |x| ≤ 1e5, glibc's `sin` beyond (and for ±∞ and NaN).
    @inline(__always)
    public static func sin(_ x: Double) -> Double {
        trigonometricInRange(x) ? sinCosReduced(x).sin : Foundation.sin(x)
    }

    /// cos x: the kernel for |x| ≤ 1e5, glibc's `cos` beyond (and for ±∞ and NaN).
    @inline(__always)
    public static func cos(_ x: Double) -> Double {
        trigonometricInRange(x) ? sinCosReduced(x).cos : Foundation.cos(x)
    }

    /// The kernels of `sin` and `cos` alone, without the range check: a batch loop runs them
    /// when every lane is in range.
    @inline(__always)
    public static func sinKernel(_ x: Double) -> Double { sinCosReduced(x).sin }
    @inline(__always)
    public static func cosKernel(_ x: Double) -> Double { sinCosReduced(x).cos }

    /// tanh x = sign(x)·e/(e + 2) with e = expm1(2|x|); exactly ±1 beyond |x| ≈ 19.1, ±0 at ±0.
    @inline(__always)
    public static func tanh(_ x: Double) -> Double {
        let e = expm1(Swift.min(2 * Swift.abs(x), 40))
        return (e / (e + 2)).withSign(of: x)
    }

    /// 1/(1 + e^−x), without overflow on either side.
    @inline(__always)
    public static func sigmoid(_ x: Double) -> Double {
        let e = exp(-Swift.abs(x))
        return x >= 0 ? 1 / (1 + e) : e / (1 + e)
    }

    /// log(1 + e^x) = max(x, 0) + log1p(e^−|x|), exact for large |x|.
    @inline(__always)
    public static func softplus(_ x: Double) -> Double {
        Swift.max(x, 0) + log1pNonNegative(exp(-Swift.abs(x)))
    }
}

extension Double {
    /// |self| with the sign bit of `other`.
    @inline(__always)
    func withSign(of other: Double) -> Double {
        Double(bitPattern: (bitPattern & 0x7fff_ffff_ffff_ffff) | (other.bitPattern & 0x8000_0000_0000_0000))
    }
}
