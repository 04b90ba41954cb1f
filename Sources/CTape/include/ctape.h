// flatlab's tape interpreter and math kernels, in C so that one function can be compiled for
// plain x86-64, AVX2 and AVX-512, and chosen when the program starts (target_clones). The Swift
// module Symbolic compiles tapes into `ctape_instruction`s and calls `ctape_run`, for one point
// (stride 1, count 1) and for blocks of points alike: a point gives the same bits alone as in a
// block, on either kind of processor (no fused multiply-add: -ffp-contract=off).
#ifndef CTAPE_H
#define CTAPE_H

#include <stdint.h>

/// Instruction codes: out = a OP b, or f(a), or a OP constant / constant OP a. The last three
/// share one exponential between softplus(a) and sigmoid(a) (a tape with both, as every
/// gradient of a softplus has): e = exp(−|a|) once, then softplus and sigmoid of a from e
/// (b), each the same bits as the function alone.
enum {
    CTAPE_NEG = 0, CTAPE_ADD, CTAPE_MUL, CTAPE_DIV, CTAPE_POW, CTAPE_SQUARE, CTAPE_FUNCTION,
    CTAPE_ADD_CONSTANT, CTAPE_MUL_CONSTANT, CTAPE_DIVIDE_BY_CONSTANT, CTAPE_CONSTANT_DIVIDE,
    CTAPE_EXP_NEG_ABS, CTAPE_SOFTPLUS_WITH, CTAPE_SIGMOID_WITH
};

/// Functions, the single source of their codes (Symbolic's `Function.ctapeCode` reads them). A
/// new one goes before CTAPE_FUNCTION_COUNT, which the tests loop up to: a function without a
/// kernel in ctape.c returns NaN there and fails them.
enum {
    CTAPE_EXP = 0, CTAPE_LOG, CTAPE_SQRT, CTAPE_SIN, CTAPE_COS, CTAPE_TAN, CTAPE_ATAN, CTAPE_SINH,
    CTAPE_COSH, CTAPE_TANH, CTAPE_SIGMOID, CTAPE_SOFTPLUS, CTAPE_ABS, CTAPE_SIGN, CTAPE_RELU, CTAPE_STEP,
    CTAPE_FUNCTION_COUNT
};

typedef struct {
    uint8_t code;
    uint8_t function;
    int32_t a, b, out;
    double constant;
} ctape_instruction;

/// Runs `count` instructions over `points` points. Register r of point p is at
/// `registers[r * stride + p]`; an instruction's output never aliases its arguments.
void ctape_run(const ctape_instruction *instructions, long count, double *registers, long stride, long points);

/// The kernels for one number (the same code the tape runs): SLEEF's deterministic functions.
double ctape_exp(double x);
double ctape_expm1(double x);
double ctape_log(double x);
double ctape_sin(double x);
double ctape_cos(double x);
double ctape_tanh(double x);
double ctape_sigmoid(double x);
double ctape_softplus(double x);
/// f(x) for a function code.
double ctape_function(int function, double x);
/// x^y as the tapes compute it (x·x for y = 2, else SLEEF's deterministic pow).
double ctape_pow(double x, double y);
/// Lane arithmetic (the optimizers' LaneMath and per-step checks) over lane vectors (component i
/// of lane p at v[i * stride + p]), each operation correctly rounded in the order given, so the
/// bits are the scalar rules' on any instruction set. An elementwise kernel's output may be the
/// very same buffer as an input (computed in place), never one that overlaps it at an offset; the
/// outputs of ctape_lane_norms, ctape_lane_dot and ctape_lane_flag_bad overlap no input.
/// out[p] = ‖v_p‖, summed from 0 in component order:
void ctape_lane_norms(const double *v, long dimension, long stride, long m, double *out);
/// c[p] = numerator / (norm[p] + xi)

void ctape_lane_guarded_ratio(double numerator, const double *norm, double xi, long m, double *c);
/// out_p = b_p · c[p]
void ctape_lane_scaled(const double *b, const double *c, long dimension, long stride, long m, double *out);
/// out_p = a_p + b_p · c[p]
void ctape_lane_add_scaled(const double *a, const double *b, const double *c, long dimension, long stride, long m, double *out);
/// out_p = a_p + b_p · s
void ctape_lane_add_times(const double *a, const double *b, double s, long dimension, long stride, long m, double *out);
/// out[p] = a_p · b_p, summed from 0 in component order.
void ctape_lane_dot(const double *a, const double *b, long dimension, long stride, long m, double *out);
/// θ_p = θ_p − lr · d_p where active[p]; other lanes keep θ.
void ctape_lane_descend(double *theta, const double *d, double lr, const _Bool *active, long dimension, long stride, long m);
/// How many of v[0..<m] are below `bound` (NaN is not).
long ctape_lane_count_below(const double *v, double bound, long m);
/// bad[p] = 1 if |loss[p]| is not finite, plus 1 for each coordinate of θ_p below low[i] or above
/// high[i] (or NaN: both tests fail); returns how many lanes have bad[p] > 0.
long ctape_lane_flag_bad(const double *loss, const double *theta, const double *low, const double *high, long dimension, long stride,
                         long m, double *bad);
/// Which instruction set `ctape_run` uses here: "avx512f", "avx2" or "x86-64" (or the build's own).
const char *ctape_isa(void);

#endif
