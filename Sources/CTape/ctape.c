// See include/ctape.h. The kernels are the textbook ones: reduce the argument by a multiple of
// ln 2 or π/2 split into parts with trailing zeros (Cody and Waite), so the reduction is exact;
// evaluate a Taylor polynomial by Estrin's scheme (short dependency chains); rebuild the result
// with integer operations on the bit pattern. Everything is branch-free, so a loop over points
// vectorises; within a few ulp of glibc's libm (Tests/SymbolicTests/VectorMathTests.swift).
#include "ctape.h"
#include <math.h>
#include <string.h>

static inline uint64_t bits_of(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static inline double from_bits(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }

static const double LOG2E = 1.4426950408889634;
// ln 2 = LN2_HI + LN2_LO, LN2_HI with 21 trailing zero bits: n·LN2_HI is exact for |n| < 2^21.
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
// 1.5·2^52: adding it rounds a double below 2^51 in magnitude to an integer held in the low bits.
static const double SHIFTER = 6755399441055744.0;

// 2^n for integer n with |n| ≤ 1100, from t = n + SHIFTER, as two normal factors (their product
// may be subnormal, zero or infinite, so the caller multiplies by both).
static inline void two_to_the(double t, double *s1, double *s2) {
    uint64_t n = bits_of(t) - 0x4338000000000000ull + 2048;  // non-negative: the shift is logical
    uint64_t n1 = n >> 1;
    uint64_t e1 = n1 - 1024, e2 = n - 2048 - e1;
    *s1 = from_bits((e1 + 1023) << 52);
    *s2 = from_bits((e2 + 1023) << 52);
}

// e^r − 1 for |r| ≤ ln2/2: Taylor to r^13, r + r²·p(r), p by Estrin's scheme.
static inline double expm1_reduced(double r) {
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    double b0 = 1.0 / 2 + r * (1.0 / 6), b1 = 1.0 / 24 + r * (1.0 / 120);
    double b2 = 1.0 / 720 + r * (1.0 / 5040), b3 = 1.0 / 40320 + r * (1.0 / 362880);
    double b4 = 1.0 / 3628800 + r * (1.0 / 39916800), b5 = 1.0 / 479001600 + r * (1.0 / 6227020800.0);
    double c0 = b0 + r2 * b1, c1 = b2 + r2 * b3, c2 = b4 + r2 * b5;
    double p = (c0 + r4 * c1) + r8 * c2;
    return r + r2 * p;
}

static inline double k_exp(double x) {
    double xc = (-746.0 >= x) ? -746.0 : x;  // NaN passes through both clamps
    xc = (710.0 < xc) ? 710.0 : xc;
    double t = xc * LOG2E + SHIFTER;
    double n = t - SHIFTER;
    double r = (xc - n * LN2_HI) - n * LN2_LO;
    double p = expm1_reduced(r) + 1;
    double s1, s2;
    two_to_the(t, &s1, &s2);
    return p * s1 * s2;
}

static inline double k_expm1(double x) {
    double xc = (-40.0 >= x) ? -40.0 : x;  // below −40, e^x − 1 is −1 in double
    xc = (710.0 < xc) ? 710.0 : xc;
    double t = xc * LOG2E + SHIFTER;
    double n = t - SHIFTER;
    double r = (xc - n * LN2_HI) - n * LN2_LO;
    double q = expm1_reduced(r);
    double s1, s2;
    two_to_the(t, &s1, &s2);
    // 2^n(1 + q) − 1 = 2^n q + (2^n − 1), exact while 2^n < 2^54; beyond, factor by factor.
    double scale = s1 * s2;
    double result = n < 54 ? q * scale + (scale - 1) : (1 + q) * s1 * s2 - 1;
    return x == 0 ? x : result;  // expm1(−0) = −0
}

// 2/(2k+1) for k = 1…11, summed as z·Σ: log(1+f) = 2 atanh(s), s = f/(2+f), |s| ≤ 0.1716.
static inline double atanh_tail(double z) {
    double z2 = z * z, z4 = z2 * z2, z8 = z4 * z4;
    double b0 = 2.0 / 3 + z * (2.0 / 5), b1 = 2.0 / 7 + z * (2.0 / 9), b2 = 2.0 / 11 + z * (2.0 / 13);
    double b3 = 2.0 / 15 + z * (2.0 / 17), b4 = 2.0 / 19 + z * (2.0 / 21), b5 = 2.0 / 23;
    double c0 = b0 + z2 * b1, c1 = b2 + z2 * b3, c2 = b4 + z2 * b5;
    return z * ((c0 + z4 * c1) + z8 * c2);
}

static inline double k_log(double x) {
    int tiny = x < 2.2250738585072014e-308;
    double xs = tiny ? x * 18014398509481984.0 : x;  // 2^54 lifts subnormals into the normal range
    // Shift the mantissa's range to [√½, √2) so |f| ≤ 0.4142.
    uint64_t u = bits_of(xs) + (0x3ff0000000000000ull - 0x3fe6a09e667f3bcdull);
    double m = from_bits((u & 0x000fffffffffffffull) + 0x3fe6a09e667f3bcdull);
    double exponent = from_bits(0x4330000000000000ull | (u >> 52)) - 4503599627370496.0;
    double k = exponent - (tiny ? 1023.0 + 54.0 : 1023.0);
    double f = m - 1;
    double s = f / (2 + f);
    double hfsq = 0.5 * f * f;
    double r = atanh_tail(s * s);
    // log(1+f) = f − s(f − R) = f − (hfsq − s(hfsq + R)), since 2s = f − s·f.
    double result = k * LN2_HI + (f - (hfsq - (s * (hfsq + r) + k * LN2_LO)));
    double special = x == 0 ? -INFINITY : (x == INFINITY ? x : NAN);
    return (x > 0 && x < INFINITY) ? result : special;
}

// log(1 + x) for x ≥ 0, accurate for tiny x: w − 1 is exact, so (x − (w − 1))/w corrects 1 + x.
static inline double log1p_nonnegative(double x) {
    double w = 1 + x;
    return k_log(w) + (x - (w - 1)) / w;
}

// π/2 in three parts of 33 bits and a tail: j·part is exact for |j| < 2^20.
static const double PIO2_A = 1.57079632673412561417e+00;
static const double PIO2_B = 6.07710050630396597660e-11;
static const double PIO2_C = 2.02226624871116645580e-21;
static const double PIO2_C_TAIL = 8.47842766036889956997e-32;
// Beyond this |x| the three-part reduction loses bits; sin and cos defer to libm.
static const double TRIG_LIMIT = 1.0e5;

static inline double sin_reduced(double r) {
    double z = r * r, z2 = z * z, z4 = z2 * z2, z8 = z4 * z4;
    double b0 = -1.0 / 6 + z * (1.0 / 120), b1 = -1.0 / 5040 + z * (1.0 / 362880);
    double b2 = -1.0 / 39916800 + z * (1.0 / 6227020800.0), b3 = -1.0 / 1307674368000.0 + z * (1.0 / 355687428096000.0);
    double b4 = -1.0 / 121645100408832000.0;
    double p = ((b0 + z2 * b1) + z4 * (b2 + z2 * b3)) + z8 * b4;
    return r + r * (z * p);
}

static inline double cos_reduced(double r) {
    double z = r * r, z2 = z * z, z4 = z2 * z2;
    double b0 = 1.0 / 24 - z * (1.0 / 720), b1 = 1.0 / 40320 - z * (1.0 / 3628800);
    double b2 = 1.0 / 479001600 - z * (1.0 / 87178291200.0), b3 = 1.0 / 20922789888000.0 - z * (1.0 / 6402373705728000.0);
    double p = (b0 + z2 * b1) + z4 * (b2 + z2 * b3);
    double h = 0.5 * z;
    return (1 - h) + (((1 - (1 - h)) - h) + z * z * p);
}

// sin (want_cos = 0) or cos (want_cos = 1) of x for |x| ≤ TRIG_LIMIT.
static inline double sincos_reduced(double x, int want_cos) {
    double t = x * (2 / M_PI) + SHIFTER;
    double j = t - SHIFTER;
    double r = ((x - j * PIO2_A) - j * PIO2_B) - (j * PIO2_C + j * PIO2_C_TAIL);
    uint64_t quadrant = (bits_of(t) + (uint64_t)want_cos) & 3;  // cos x = sin(x + π/2)
    double s = sin_reduced(r), c = cos_reduced(r);
    double value = (quadrant & 1) ? c : s;
    value = (quadrant & 2) ? -value : value;
    return (!want_cos && x == 0) ? x : value;  // sin(±0) = ±0
}

static inline double k_sin(double x) { return sincos_reduced(x, 0); }
static inline double k_cos(double x) { return sincos_reduced(x, 1); }

static inline double k_tanh(double x) {
    double ax = fabs(x);
    double e = k_expm1((2 * ax > 40.0) ? 40.0 : 2 * ax);
    return copysign(e / (e + 2), x);
}

static inline double k_sigmoid(double x) {
    double e = k_exp(-fabs(x));
    return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

static inline double k_softplus(double x) {
    double m = (0.0 >= x) ? 0.0 : x;  // NaN passes through
    return m + log1p_nonnegative(k_exp(-fabs(x)));
}

static inline double k_sign(double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : (x == 0 ? 0.0 : NAN)); }
// relu and its derivative, as PyTorch defines them: relu(0) = 0 and step(0) = 0; NaN stays NaN.
static inline double k_relu(double x) { return x > 0 ? x : (x == x ? 0.0 : x); }
static inline double k_step(double x) { return x > 0 ? 1.0 : (x == x ? 0.0 : x); }

// x^y as Symbolic defines it: C's pow, with x^2 the correctly rounded x·x.
static inline double k_pow(double x, double y) { return y == 2 ? x * x : pow(x, y); }

double ctape_function(int f, double x) {
    switch (f) {
    case CTAPE_EXP: return k_exp(x);
    case CTAPE_LOG: return k_log(x);
    case CTAPE_SQRT: return sqrt(x);
    case CTAPE_SIN: return fabs(x) <= TRIG_LIMIT ? k_sin(x) : sin(x);
    case CTAPE_COS: return fabs(x) <= TRIG_LIMIT ? k_cos(x) : cos(x);
    case CTAPE_TAN: return tan(x);
    case CTAPE_ATAN: return atan(x);
    case CTAPE_SINH: return sinh(x);
    case CTAPE_COSH: return cosh(x);
    case CTAPE_TANH: return k_tanh(x);
    case CTAPE_SIGMOID: return k_sigmoid(x);
    case CTAPE_SOFTPLUS: return k_softplus(x);
    case CTAPE_ABS: return fabs(x);
    case CTAPE_SIGN: return k_sign(x);
    case CTAPE_RELU: return k_relu(x);
    case CTAPE_STEP: return k_step(x);
    default: return NAN;
    }
}

double ctape_exp(double x) { return k_exp(x); }
double ctape_expm1(double x) { return k_expm1(x); }
double ctape_log(double x) { return k_log(x); }
double ctape_sin(double x) { return ctape_function(CTAPE_SIN, x); }
double ctape_cos(double x) { return ctape_function(CTAPE_COS, x); }
double ctape_tanh(double x) { return k_tanh(x); }
double ctape_sigmoid(double x) { return k_sigmoid(x); }
double ctape_softplus(double x) { return k_softplus(x); }

// One function over m points, one loop per function so each vectorises.
static inline void apply(int f, const double *restrict x, double *restrict o, long m) {
    switch (f) {
    case CTAPE_EXP: for (long p = 0; p < m; p++) o[p] = k_exp(x[p]); break;
    case CTAPE_LOG: for (long p = 0; p < m; p++) o[p] = k_log(x[p]); break;
    case CTAPE_SQRT: for (long p = 0; p < m; p++) o[p] = sqrt(x[p]); break;
    case CTAPE_TANH: for (long p = 0; p < m; p++) o[p] = k_tanh(x[p]); break;
    case CTAPE_SIGMOID: for (long p = 0; p < m; p++) o[p] = k_sigmoid(x[p]); break;
    case CTAPE_SOFTPLUS: for (long p = 0; p < m; p++) o[p] = k_softplus(x[p]); break;
    case CTAPE_ABS: for (long p = 0; p < m; p++) o[p] = fabs(x[p]); break;
    case CTAPE_RELU: for (long p = 0; p < m; p++) o[p] = k_relu(x[p]); break;
    case CTAPE_STEP: for (long p = 0; p < m; p++) o[p] = k_step(x[p]); break;
    case CTAPE_SIN:
    case CTAPE_COS: {
        // The kernels alone when every point is in their range, else point by point.
        int in_range = 1;
        for (long p = 0; p < m; p++) in_range &= fabs(x[p]) <= TRIG_LIMIT;
        if (!in_range) {
            for (long p = 0; p < m; p++) o[p] = ctape_function(f, x[p]);
        } else if (f == CTAPE_SIN) {
            for (long p = 0; p < m; p++) o[p] = k_sin(x[p]);
        } else {
            for (long p = 0; p < m; p++) o[p] = k_cos(x[p]);
        }
        break;
    }
    default: for (long p = 0; p < m; p++) o[p] = ctape_function(f, x[p]); break;
    }
}

#if defined(__x86_64__) && defined(__linux__) && !defined(CTAPE_NO_CLONES)
#define CTAPE_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CTAPE_CLONES
#endif

CTAPE_CLONES
void ctape_run(const ctape_instruction *instructions, long count, double *registers, long stride, long m) {
    for (long k = 0; k < count; k++) {
        const ctape_instruction in = instructions[k];
        const double *restrict x = registers + (long)in.a * stride;
        const double *restrict y = registers + (long)in.b * stride;
        double *restrict o = registers + (long)in.out * stride;
        const double c = in.constant;
        switch (in.code) {
        case CTAPE_NEG: for (long p = 0; p < m; p++) o[p] = -x[p]; break;
        case CTAPE_ADD: for (long p = 0; p < m; p++) o[p] = x[p] + y[p]; break;
        case CTAPE_MUL: for (long p = 0; p < m; p++) o[p] = x[p] * y[p]; break;
        case CTAPE_DIV: for (long p = 0; p < m; p++) o[p] = x[p] / y[p]; break;
        case CTAPE_POW: for (long p = 0; p < m; p++) o[p] = k_pow(x[p], y[p]); break;
        case CTAPE_SQUARE: for (long p = 0; p < m; p++) o[p] = x[p] * x[p]; break;
        case CTAPE_FUNCTION: apply(in.function, x, o, m); break;
        case CTAPE_ADD_CONSTANT: for (long p = 0; p < m; p++) o[p] = x[p] + c; break;
        case CTAPE_MUL_CONSTANT: for (long p = 0; p < m; p++) o[p] = x[p] * c; break;
        case CTAPE_DIVIDE_BY_CONSTANT: for (long p = 0; p < m; p++) o[p] = x[p] / c; break;
        case CTAPE_CONSTANT_DIVIDE: for (long p = 0; p < m; p++) o[p] = c / x[p]; break;
        }
    }
}

const char *ctape_isa(void) {
#if defined(__x86_64__) && defined(__linux__) && !defined(CTAPE_NO_CLONES)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? "avx2" : "x86-64";
#else
    return "this build's default";
#endif
}
