// Evaluates every CTape function over 4096 points through ctape_run, and every lane kernel
// (ctape_lane_*) over 3 components of 256 lanes for every lane count, in place too, and prints a
// hash of the bits: VectorMathTests builds it for several instruction sets and compares the hashes.
#include "ctape.h"
#include <stdio.h>
#include <string.h>
#include <stdint.h>
int main(void) {
    // a batch over many points of each function through ctape_run, printing a checksum of bits
    enum { N = 4096 };
    static double regs[2 * N];
    uint64_t h = 1469598103934665603ull;
    for (int f = 0; f < CTAPE_FUNCTION_COUNT; f++) {  // every function
        for (int i = 0; i < N; i++) { double t = (i - N / 2) * 0.0137 + 0.001 * f; regs[i] = (i % 7 == 0) ? t * 1e3 : t; }
        ctape_instruction in = { CTAPE_FUNCTION, (uint8_t)f, 0, 0, 1, 0 };
        ctape_run(&in, 1, regs, N, N);
        for (int i = 0; i < N; i++) { uint64_t u; memcpy(&u, &regs[N + i], 8); h = (h ^ u) * 1099511628211ull; }
    }
    // The lane kernels: three components of W lanes, extremes among them, every count of lanes.
    enum { W = 256, D = 3 };
    static double a[D * W], b[D * W], c[W], out[D * W], low[D] = { -5, -1e3, -1 }, high[D] = { 5, 1e3, 1 };
    static _Bool active[W];
    const double specials[] = { 0, -0.0, 5e-324, 1e300, -1e300, 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0 };
    #define HASH(v, n) for (long i = 0; i < (n); i++) { uint64_t u; memcpy(&u, &(v)[i], 8); h = (h ^ u) * 1099511628211ull; }
    for (long m = 1; m <= W; m++) {
        for (int i = 0; i < D * W; i++) {
            a[i] = i % 11 == 0 ? specials[(i / 11) % 8] : (i * 0.37 - 150) * (1 + m * 1e-3);
            b[i] = i % 13 == 0 ? specials[(i / 13) % 8] : (i * 0.011 - 4) / (1 + m * 1e-2);
        }
        for (int p = 0; p < W; p++) { c[p] = p % 17 == 0 ? specials[(p / 17) % 8] : (p - 100) * 0.013; active[p] = (p * 7 + m) % 3 != 0; }
        ctape_lane_guarded_ratio(0.2, c, 1e-12, m, out); HASH(out, m)
        ctape_lane_scaled(b, c, D, W, m, out); HASH(out, D * W)
        ctape_lane_add_scaled(a, b, c, D, W, m, out); HASH(out, D * W)
        ctape_lane_add_times(a, b, 0.7, D, W, m, out); HASH(out, D * W)
        ctape_lane_dot(a, b, D, W, m, out); HASH(out, m)
        ctape_lane_norms(a, D, W, m, out); HASH(out, m)
        h = (h ^ (uint64_t)ctape_lane_count_below(c, 0.05, m)) * 1099511628211ull;
        h = (h ^ (uint64_t)ctape_lane_flag_bad(c, a, low, high, D, W, m, out)) * 1099511628211ull; HASH(out, m)
        ctape_lane_scaled(b, c, D, W, m, b); HASH(b, D * W)  // in place
        ctape_lane_descend(a, b, 0.05, active, D, W, m); HASH(a, D * W)
    }
    printf("%016llx\n", (unsigned long long)h);
    return 0;
}
