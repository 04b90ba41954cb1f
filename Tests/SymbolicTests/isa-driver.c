// Evaluates every CTape function over 4096 points through ctape_run and prints a hash of the
// bits: VectorMathTests builds it for several instruction sets and compares the hashes.
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
    printf("%016llx\n", (unsigned long long)h);
    return 0;
}
