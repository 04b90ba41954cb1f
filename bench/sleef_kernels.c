// CTape's kernels beside SLEEF's deterministic ("cinz": same bits on every vector width, no FMA)
// functions called directly. It answered issue 23's question (flatlab's own kernels, which CTape
// ran until commit 2e79bc0, against SLEEF: Sources/Symbolic/README.md); since CTape calls SLEEF,
// it checks that CTape's block path gives SLEEF's bits and what the path costs.
//
// For each function, over 2^20 seeded inputs in the range a network or a landscape feeds it:
//   - bits: do SLEEF's scalar (purec), SSE2 and AVX variants and CTape's block path (which runs
//     the widest form the processor has: AVX-512 where it can) agree bit for bit?
//   - accuracy: the largest error in ulp of CTape's kernel and of SLEEF's u10 variant, against
//     long double (x87 80-bit) libm, whose own error is far below a double ulp;
//   - speed: ns per element of a block through CTape (ctape_run, as a tape runs it) and of
//     SLEEF's AVX variant over the same array, interleaved, median of 7.
// Built (with -mavx2, as CTape's AVX2 clone runs) and run by `make bench` when pkg-config finds
// sleef (Debian's libsleef-dev), on a processor with AVX2.
#include "ctape.h"
#include <immintrin.h>
#include <math.h>
#include <sleef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { N = 1 << 20 };
static double xs[N], out_ctape[N], out_s1[N], out_s2[N], out_s4[N];

static uint64_t state = 42;
static double uniform(void) {
    state += 0x9E3779B97F4A7C15ull;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static double ulps(double a, long double exact) {
    if (isnan(a) && isnan((double)exact)) return 0;
    double e = (double)exact;
    if (a == e) return 0;
    double ulp = nextafter(fabs(e), INFINITY) - fabs(e);
    return (double)(fabsl((long double)a - exact) / ulp);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

typedef struct {
    const char *name;
    int code;  // CTape's function code
    double lo, hi;
    double (*s1)(double);
    __m128d (*s2)(__m128d);
    __m256d (*s4)(__m256d);
    long double (*exact)(long double);
} Case;

static long double sigmoidl(long double x) { return 1.0L / (1.0L + expl(-x)); }

static void run_ctape(int code, long m) {
    // A tape of one function instruction over blocks of 256, as lanes run it.
    static double regs[2 * 256];
    ctape_instruction in = { CTAPE_FUNCTION, (uint8_t)code, 0, 0, 1, 0 };
    for (long k = 0; k < m; k += 256) {
        memcpy(regs, xs + k, 256 * sizeof(double));
        ctape_run(&in, 1, regs, 256, 256);
        memcpy(out_ctape + k, regs + 256, 256 * sizeof(double));
    }
}

static void run_sleef4(const Case *c, long m) {
    for (long k = 0; k < m; k += 4) _mm256_storeu_pd(out_s4 + k, c->s4(_mm256_loadu_pd(xs + k)));
}

int main(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2")) { printf("SLEEF kernel comparison: this processor has no AVX2, skipped\n"); return 0; }
    Case cases[] = {
        { "exp", CTAPE_EXP, -30, 30, Sleef_cinz_expd1_u10purec, Sleef_cinz_expd2_u10sse2, Sleef_cinz_expd4_u10avx, expl },
        { "log", CTAPE_LOG, 1e-6, 1e6, Sleef_cinz_logd1_u10purec, Sleef_cinz_logd2_u10sse2, Sleef_cinz_logd4_u10avx, logl },
        { "sin", CTAPE_SIN, -50, 50, Sleef_cinz_sind1_u10purec, Sleef_cinz_sind2_u10sse2, Sleef_cinz_sind4_u10avx, sinl },
        { "cos", CTAPE_COS, -50, 50, Sleef_cinz_cosd1_u10purec, Sleef_cinz_cosd2_u10sse2, Sleef_cinz_cosd4_u10avx, cosl },
        { "tanh", CTAPE_TANH, -20, 20, Sleef_cinz_tanhd1_u10purec, Sleef_cinz_tanhd2_u10sse2, Sleef_cinz_tanhd4_u10avx, tanhl },
        { "tan", CTAPE_TAN, -1.5, 1.5, Sleef_cinz_tand1_u10purec, Sleef_cinz_tand2_u10sse2, Sleef_cinz_tand4_u10avx, tanl },
        { "atan", CTAPE_ATAN, -50, 50, Sleef_cinz_atand1_u10purec, Sleef_cinz_atand2_u10sse2, Sleef_cinz_atand4_u10avx, atanl },
        { "sinh", CTAPE_SINH, -20, 20, Sleef_cinz_sinhd1_u10purec, Sleef_cinz_sinhd2_u10sse2, Sleef_cinz_sinhd4_u10avx, sinhl },
        { "cosh", CTAPE_COSH, -20, 20, Sleef_cinz_coshd1_u10purec, Sleef_cinz_coshd2_u10sse2, Sleef_cinz_coshd4_u10avx, coshl },
    };
    printf("CTape runs with %s here; \"bits\" compares SLEEF 3.5's cinz u10 purec (1), sse2 (2) and avx (4) forms with CTape's block path\n",
           ctape_isa());
    printf("%-6s %-14s %-12s %-12s %-12s %-12s\n", "", "bits (all 4)", "CTape ulp", "SLEEF ulp", "CTape ns", "SLEEF avx ns");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const Case *k = &cases[c];
        for (long i = 0; i < N; i++) xs[i] = k->lo + (k->hi - k->lo) * uniform();
        run_ctape(k->code, N);
        for (long i = 0; i < N; i++) out_s1[i] = k->s1(xs[i]);
        for (long i = 0; i < N; i += 2) _mm_storeu_pd(out_s2 + i, k->s2(_mm_loadu_pd(xs + i)));
        run_sleef4(k, N);
        long differ = 0, ctape_differ = 0;
        double worst_ctape = 0, worst_sleef = 0;
        for (long i = 0; i < N; i++) {
            if (memcmp(&out_s1[i], &out_s2[i], 8) || memcmp(&out_s1[i], &out_s4[i], 8)) differ++;
            if (memcmp(&out_s1[i], &out_ctape[i], 8)) ctape_differ++;
            long double e = k->exact(xs[i]);
            double u = ulps(out_ctape[i], e), v = ulps(out_s1[i], e);
            if (u > worst_ctape) worst_ctape = u;
            if (v > worst_sleef) worst_sleef = v;
        }
        double t_ctape[7], t_sleef[7];
        for (int r = 0; r < 7; r++) {
            double t0 = now(); run_ctape(k->code, N); double t1 = now(); run_sleef4(k, N); double t2 = now();
            t_ctape[r] = (t1 - t0) / N * 1e9; t_sleef[r] = (t2 - t1) / N * 1e9;
        }
        qsort(t_ctape, 7, sizeof(double), compare);
        qsort(t_sleef, 7, sizeof(double), compare);
        char bits[32];
        snprintf(bits, sizeof bits, differ || ctape_differ ? "%ld differ" : "identical", differ + ctape_differ);
        printf("%-6s %-14s %-12.2f %-12.2f %-12.2f %-12.2f\n", k->name, bits, worst_ctape, worst_sleef, t_ctape[3], t_sleef[3]);
    }
    (void)sigmoidl;
    return 0;
}
