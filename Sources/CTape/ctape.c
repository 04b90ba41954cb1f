// See include/ctape.h. The math kernels are SLEEF's deterministic functions
// (`Sleef_cinz_*_u10`, Debian's libsleef-dev): within 1 ulp, no fused multiply-add, and the same
// bits in their scalar (purec), SSE2, AVX and AVX-512 forms (the last but for a NaN's sign, which
// map8 mends), so a point gives the same bits alone as in a block, on any x86-64 processor. One
// point takes the scalar form; a block the widest form the processor runs (or the one
// `CTAPE_SLEEF_WIDTH` forces: 1, 2, 4 or 8, which the instruction-set test builds all of). bench/sleef_kernels.c measured them against flatlab's former kernels:
// more accurate and two to three times faster (Sources/Symbolic/README.md).
#include "ctape.h"
#include <float.h>
#include <math.h>
#include <string.h>
#include <sleef.h>
#if defined(__x86_64__)
#include <immintrin.h>
#if !defined(__AVX__)
// sleef.h declares the AVX forms only when the file is built for AVX; this one is built for
// plain x86-64 and calls them only on a processor with AVX (`map4`).
#define DECLARE_AVX(name) __m256d Sleef_cinz_##name##d4_u10avx(__m256d);
DECLARE_AVX(exp) DECLARE_AVX(log) DECLARE_AVX(log1p) DECLARE_AVX(sin) DECLARE_AVX(cos) DECLARE_AVX(tan)
DECLARE_AVX(atan) DECLARE_AVX(sinh) DECLARE_AVX(cosh) DECLARE_AVX(tanh)
#endif
#endif

static inline double k_exp(double x) { return Sleef_cinz_expd1_u10purec(x); }
static inline double k_expm1(double x) { return Sleef_cinz_expm1d1_u10purec(x); }
static inline double k_log(double x) { return Sleef_cinz_logd1_u10purec(x); }
static inline double k_log1p(double x) { return Sleef_cinz_log1pd1_u10purec(x); }
static inline double k_sin(double x) { return Sleef_cinz_sind1_u10purec(x); }
static inline double k_cos(double x) { return Sleef_cinz_cosd1_u10purec(x); }
static inline double k_tan(double x) { return Sleef_cinz_tand1_u10purec(x); }
static inline double k_atan(double x) { return Sleef_cinz_atand1_u10purec(x); }
static inline double k_sinh(double x) { return Sleef_cinz_sinhd1_u10purec(x); }
static inline double k_cosh(double x) { return Sleef_cinz_coshd1_u10purec(x); }
static inline double k_tanh(double x) { return Sleef_cinz_tanhd1_u10purec(x); }

// 1/(1 + e^−x) without overflow on either side: e = e^−|x|.
static inline double sigmoid_from(double x, double e) { return x >= 0 ? 1 / (1 + e) : e / (1 + e); }
static inline double k_sigmoid(double x) { return sigmoid_from(x, k_exp(-fabs(x))); }

// log(1 + e^x) = max(x, 0) + log1p(e^−|x|); l = log1p(e^−|x|).
static inline double softplus_from(double x, double l) { return ((0.0 >= x) ? 0.0 : x) + l; }  // NaN passes through
static inline double k_softplus(double x) { return softplus_from(x, k_log1p(k_exp(-fabs(x)))); }

#if defined(__x86_64__) && !defined(__AVX512F__)
// sleef.h declares its AVX-512 forms only for a build that targets AVX-512; this one chooses
// them at run time (map8, compiled for AVX-512, is their only caller).
#define DECLARE8(name) const __m512d Sleef_cinz_##name##d8_u10avx512fnofma(__m512d);
DECLARE8(exp) DECLARE8(log) DECLARE8(log1p) DECLARE8(sin) DECLARE8(cos) DECLARE8(tan) DECLARE8(atan) DECLARE8(sinh) DECLARE8(cosh)
DECLARE8(tanh)
#endif

// One kernel in its four forms.
// (sleef.h may declare them returning `const`, hence the types taken from one of them.)
typedef __typeof__(Sleef_cinz_expd1_u10purec) scalar_form;
typedef struct {
    scalar_form *d1;
#if defined(__x86_64__)
    __typeof__(Sleef_cinz_expd2_u10sse2) *d2;
    __typeof__(Sleef_cinz_expd4_u10avx) *d4;
    __typeof__(Sleef_cinz_expd8_u10avx512fnofma) *d8;
#endif
} kernel;

#if defined(__x86_64__)
#define KERNEL(name) { Sleef_cinz_##name##d1_u10purec, Sleef_cinz_##name##d2_u10sse2, Sleef_cinz_##name##d4_u10avx, \
                      Sleef_cinz_##name##d8_u10avx512fnofma }
#else
#define KERNEL(name) { Sleef_cinz_##name##d1_u10purec }
#endif
static const kernel K_EXP = KERNEL(exp), K_LOG = KERNEL(log), K_LOG1P = KERNEL(log1p), K_SIN = KERNEL(sin),
    K_COS = KERNEL(cos), K_TAN = KERNEL(tan), K_ATAN = KERNEL(atan), K_SINH = KERNEL(sinh), K_COSH = KERNEL(cosh),
    K_TANH = KERNEL(tanh);

#if defined(__x86_64__)
// The vector width a block runs with: CTAPE_SLEEF_WIDTH when the build forces one, else 8 where
// the processor has AVX-512 (SLEEF's form without FMA), 4 where it has AVX and 2 (SSE2, every
// x86-64) otherwise.
static int vector_width(void) {
#if defined(CTAPE_SLEEF_WIDTH)
    return CTAPE_SLEEF_WIDTH;
#else
    // Threads may race to fill it in; they write the same value, atomically.
    static int width = 0;
    int w = __atomic_load_n(&width, __ATOMIC_RELAXED);
    if (w == 0) {
        __builtin_cpu_init();
        w = __builtin_cpu_supports("avx512f") ? 8 : __builtin_cpu_supports("avx") ? 4 : 2;
        __atomic_store_n(&width, w, __ATOMIC_RELAXED);
    }
    return w;
#endif
}

__attribute__((target("avx"))) static long map4(__typeof__(Sleef_cinz_expd4_u10avx) *f, const double *x, double *o, long m) {
    long p = 0;
    for (; p + 4 <= m; p += 4) _mm256_storeu_pd(o + p, f(_mm256_loadu_pd(x + p)));
    return p;
}

// The AVX-512 form gives the other forms' bits except for a NaN's sign (log of a negative number
// is −NaN there): a NaN is taken from the scalar form instead, so every bit agrees.
__attribute__((target("avx512f"))) static long map8(const kernel *k, const double *x, double *o, long m) {
    long p = 0;
    for (; p + 8 <= m; p += 8) {
        const __m512d in = _mm512_loadu_pd(x + p), out = k->d8(in);
        _mm512_storeu_pd(o + p, out);
        if (_mm512_cmp_pd_mask(out, out, _CMP_UNORD_Q)) {
            double args[8];
            _mm512_storeu_pd(args, in);  // x may be o
            for (int j = 0; j < 8; j++) if (o[p + j] != o[p + j]) o[p + j] = k->d1(args[j]);
        }
    }
    return p;
}
#endif

// o[p] = f(x[p]) for p < m, in the widest form, the rest one by one; x and o may be the same.
static void map(const kernel *k, const double *x, double *o, long m) {
    long p = 0;
#if defined(__x86_64__)
    int width = vector_width();
    if (width == 8) {
        p = map8(k, x, o, m);
    } else if (width == 4) {
        p = map4(k->d4, x, o, m);
    } else if (width == 2) {
        for (; p + 2 <= m; p += 2) _mm_storeu_pd(o + p, k->d2(_mm_loadu_pd(x + p)));
    }
#endif
    for (; p < m; p++) o[p] = k->d1(x[p]);
}

static inline double k_sign(double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : (x == 0 ? 0.0 : NAN)); }
// relu and its derivative, as PyTorch defines them: relu(0) = 0 and step(0) = 0; NaN stays NaN.
static inline double k_relu(double x) { return x > 0 ? x : (x == x ? 0.0 : x); }
static inline double k_step(double x) { return x > 0 ? 1.0 : (x == x ? 0.0 : x); }

// x^y as Symbolic defines it: SLEEF's deterministic pow, with x^2 the correctly rounded x·x.
static inline double k_pow(double x, double y) { return y == 2 ? x * x : Sleef_cinz_powd1_u10purec(x, y); }

double ctape_function(int f, double x) {
    switch (f) {
    case CTAPE_EXP: return k_exp(x);
    case CTAPE_LOG: return k_log(x);
    case CTAPE_SQRT: return sqrt(x);
    case CTAPE_SIN: return k_sin(x);
    case CTAPE_COS: return k_cos(x);
    case CTAPE_TAN: return k_tan(x);
    case CTAPE_ATAN: return k_atan(x);
    case CTAPE_SINH: return k_sinh(x);
    case CTAPE_COSH: return k_cosh(x);
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
double ctape_pow(double x, double y) { return k_pow(x, y); }
double ctape_log(double x) { return k_log(x); }
double ctape_sin(double x) { return k_sin(x); }
double ctape_cos(double x) { return k_cos(x); }
double ctape_tanh(double x) { return k_tanh(x); }
double ctape_sigmoid(double x) { return k_sigmoid(x); }
double ctape_softplus(double x) { return k_softplus(x); }

// One function over m points: SLEEF's kernels in their vector form, the rest in loops that vectorise.
static inline void apply(int f, const double *restrict x, double *restrict o, long m) {
    switch (f) {
    case CTAPE_EXP: map(&K_EXP, x, o, m); break;
    case CTAPE_LOG: map(&K_LOG, x, o, m); break;
    case CTAPE_SIN: map(&K_SIN, x, o, m); break;
    case CTAPE_COS: map(&K_COS, x, o, m); break;
    case CTAPE_TAN: map(&K_TAN, x, o, m); break;
    case CTAPE_ATAN: map(&K_ATAN, x, o, m); break;
    case CTAPE_SINH: map(&K_SINH, x, o, m); break;
    case CTAPE_COSH: map(&K_COSH, x, o, m); break;
    case CTAPE_TANH: map(&K_TANH, x, o, m); break;
    case CTAPE_SQRT: for (long p = 0; p < m; p++) o[p] = sqrt(x[p]); break;
    case CTAPE_SIGMOID:
        for (long p = 0; p < m; p++) o[p] = -fabs(x[p]);
        map(&K_EXP, o, o, m);
        for (long p = 0; p < m; p++) o[p] = sigmoid_from(x[p], o[p]);
        break;
    case CTAPE_SOFTPLUS:
        for (long p = 0; p < m; p++) o[p] = -fabs(x[p]);
        map(&K_EXP, o, o, m);
        map(&K_LOG1P, o, o, m);
        for (long p = 0; p < m; p++) o[p] = softplus_from(x[p], o[p]);
        break;
    case CTAPE_ABS: for (long p = 0; p < m; p++) o[p] = fabs(x[p]); break;
    case CTAPE_RELU: for (long p = 0; p < m; p++) o[p] = k_relu(x[p]); break;
    case CTAPE_STEP: for (long p = 0; p < m; p++) o[p] = k_step(x[p]); break;
    default: for (long p = 0; p < m; p++) o[p] = ctape_function(f, x[p]); break;
    }
}

#if defined(__x86_64__) && defined(__linux__) && !defined(CTAPE_NO_CLONES)
#define CTAPE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
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
        // apply's CTAPE_SIGMOID and CTAPE_SOFTPLUS in two parts, the exponential shared.
        case CTAPE_EXP_NEG_ABS:
            for (long p = 0; p < m; p++) o[p] = -fabs(x[p]);
            map(&K_EXP, o, o, m);
            break;
        case CTAPE_SOFTPLUS_WITH:
            map(&K_LOG1P, y, o, m);
            for (long p = 0; p < m; p++) o[p] = softplus_from(x[p], o[p]);
            break;
        case CTAPE_SIGMOID_WITH: for (long p = 0; p < m; p++) o[p] = sigmoid_from(x[p], y[p]); break;
        }
    }
}

// Lane arithmetic of the optimizers (Optimizers' LaneMath, LaneRuns' per-step checks): loops
// over the lanes of a lane vector (component i of lane p at v[i * stride + p]), here so that
// they run as wide as the processor goes. Every operation is one correctly rounded +, ·, / or
// comparison in the order LaneMath documents, so the bits are those of the scalar rules on any
// instruction set. An output may be the very same buffer as an input (elementwise, each lane
// reads and writes its own numbers), hence `assume_safety` instead of restrict; it may not
// overlap one at an offset (ctape.h).
#define LANES _Pragma("clang loop vectorize(assume_safety)")

CTAPE_CLONES
void ctape_lane_guarded_ratio(double numerator, const double *norm, double xi, long m, double *c) {
    LANES for (long p = 0; p < m; p++) c[p] = numerator / (norm[p] + xi);
}

CTAPE_CLONES
void ctape_lane_scaled(const double *b, const double *c, long dimension, long stride, long m, double *out) {
    for (long i = 0; i < dimension; i++) {
        const double *bi = b + i * stride;
        double *oi = out + i * stride;
        LANES for (long p = 0; p < m; p++) oi[p] = bi[p] * c[p];
    }
}

CTAPE_CLONES
void ctape_lane_add_scaled(const double *a, const double *b, const double *c, long dimension, long stride, long m, double *out) {
    for (long i = 0; i < dimension; i++) {
        const double *ai = a + i * stride, *bi = b + i * stride;
        double *oi = out + i * stride;
        LANES for (long p = 0; p < m; p++) oi[p] = ai[p] + bi[p] * c[p];
    }
}

CTAPE_CLONES
void ctape_lane_add_times(const double *a, const double *b, double s, long dimension, long stride, long m, double *out) {
    for (long i = 0; i < dimension; i++) {
        const double *ai = a + i * stride, *bi = b + i * stride;
        double *oi = out + i * stride;
        LANES for (long p = 0; p < m; p++) oi[p] = ai[p] + bi[p] * s;
    }
}

CTAPE_CLONES
void ctape_lane_dot(const double *a, const double *b, long dimension, long stride, long m, double *out) {
    LANES for (long p = 0; p < m; p++) out[p] = 0;
    for (long i = 0; i < dimension; i++) {
        const double *ai = a + i * stride, *bi = b + i * stride;
        LANES for (long p = 0; p < m; p++) out[p] = out[p] + ai[p] * bi[p];
    }
}

// The lane norms: the square roots of ctape_lane_dot(v, v). Here, not in Swift, also because
// Swift's sqrt on Linux keeps errno's scalar call and so never vectorises.
CTAPE_CLONES
void ctape_lane_norms(const double *v, long dimension, long stride, long m, double *out) {
    ctape_lane_dot(v, v, dimension, stride, m, out);
    LANES for (long p = 0; p < m; p++) out[p] = sqrt(out[p]);
}

CTAPE_CLONES
void ctape_lane_descend(double *theta, const double *d, double lr, const _Bool *active, long dimension, long stride, long m) {
    for (long i = 0; i < dimension; i++) {
        double *t = theta + i * stride;
        const double *di = d + i * stride;
        LANES for (long p = 0; p < m; p++) t[p] = active[p] ? t[p] - lr * di[p] : t[p];
    }
}

CTAPE_CLONES
long ctape_lane_count_below(const double *v, double bound, long m) {
    long count = 0;
    for (long p = 0; p < m; p++) count += v[p] < bound;
    return count;
}

CTAPE_CLONES
long ctape_lane_flag_bad(const double *loss, const double *theta, const double *low, const double *high, long dimension, long stride,
                         long m, double *bad) {
    LANES for (long p = 0; p < m; p++) bad[p] = fabs(loss[p]) <= DBL_MAX ? 0 : 1;
    for (long i = 0; i < dimension; i++) {
        const double *ti = theta + i * stride, lo = low[i], hi = high[i];
        LANES for (long p = 0; p < m; p++) bad[p] += (ti[p] >= lo ? 0 : 1) + (ti[p] <= hi ? 0 : 1);
    }
    long flagged = 0;
    for (long p = 0; p < m; p++) flagged += bad[p] > 0;
    return flagged;
}

const char *ctape_isa(void) {
#if defined(__x86_64__) && defined(__linux__) && !defined(CTAPE_NO_CLONES)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? "avx512f" : __builtin_cpu_supports("avx2") ? "avx2" : "x86-64";
#else
    return "this build's default";
#endif
}
