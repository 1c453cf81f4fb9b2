#include "CKernels.h"

// The same bits on every instruction set: no a·b + c fused into one rounding, ever.
#pragma clang fp contract(off)

// One build per instruction set, chosen when the program loads (x86-64; elsewhere one build).
#ifndef CLONES
#if defined(__x86_64__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif
#endif

CLONES void entk_relu(const double *x, double *y, long count) {
    if (y == x) { for (long k = 0; k < count; k++) { double v = y[k]; y[k] = v > 0 ? v : 0.0; } return; }
    for (long k = 0; k < count; k++) { double v = x[k]; y[k] = v > 0 ? v : 0.0; }
}

// In place (out = d) as its own loop: through two pointers to one buffer the loop would fail
// the compiler's overlap check and run one number at a time.
CLONES void entk_relu_backward(const double *d, const double *x, double *out, long count) {
    if (out == d) { for (long k = 0; k < count; k++) { double v = out[k]; out[k] = x[k] > 0 ? v : 0.0; } return; }
    for (long k = 0; k < count; k++) { double v = d[k]; out[k] = x[k] > 0 ? v : 0.0; }
}

CLONES void entk_square(const double *x, double *y, long count) {
    if (y == x) { for (long k = 0; k < count; k++) { double v = y[k]; y[k] = v * v; } return; }
    for (long k = 0; k < count; k++) { double v = x[k]; y[k] = v * v; }
}

CLONES void entk_square_backward(const double *d, const double *x, double *out, long count) {
    if (out == d) { for (long k = 0; k < count; k++) out[k] = out[k] * (2 * x[k]); return; }
    for (long k = 0; k < count; k++) out[k] = d[k] * (2 * x[k]);
}

CLONES void entk_add_rows(const double *b, double *y, long rows, long width) {
    for (long r = 0; r < rows; r++) {
        double *yr = y + r * width;
        for (long k = 0; k < width; k++) yr[k] += b[k];
    }
}

CLONES long entk_compress_rows(const double *x, long rows, long cols, long limit, long *start, long *column, double *value) {
    long k = 0;
    for (long r = 0; r < rows; r++) {
        start[r] = k;
        const double *xr = x + r * cols;
        for (long c = 0; c < cols; c++) {
            double v = xr[c];
            column[k] = c; value[k] = v;    // kept only when v ≠ 0: k moves on
            k += v != 0;
            if (k > limit) return -1;
        }
    }
    start[rows] = k;
    return k;
}

CLONES void entk_gather_rows(const double *vt, long width, const long *start, const long *column,
                             const double *value, double alpha, long rows, double *y) {
    for (long r = 0; r < rows; r++) {
        double *yr = y + r * width;
        long k = start[r], end = start[r + 1];
        if (k == end) { for (long j = 0; j < width; j++) yr[j] = 0; continue; }
        const double *x0 = vt + column[k] * width;
        double a0 = alpha * value[k];
        if (end - k >= 2) {
            // The first two terms in one pass: (a0·x0) + (a1·x1) rounds as two passes would.
            const double *x1 = vt + column[k + 1] * width;
            double a1 = alpha * value[k + 1];
            for (long j = 0; j < width; j++) yr[j] = a0 * x0[j] + a1 * x1[j];
            k += 2;
        } else {
            for (long j = 0; j < width; j++) yr[j] = a0 * x0[j];
            k += 1;
        }
        for (; k < end; k++) {
            const double *x = vt + column[k] * width;
            double a = alpha * value[k];
            for (long j = 0; j < width; j++) yr[j] += a * x[j];
        }
    }
}

CLONES void entk_scatter_rows(const double *seed, long width, const long *start, const long *column,
                              const double *value, double alpha, long rows, double *g) {
    for (long r = 0; r < rows; r++) {
        const double *sr = seed + r * width;
        for (long k = start[r]; k < start[r + 1]; k++) {
            double *gk = g + column[k] * width;
            double a = alpha * value[k];
            for (long j = 0; j < width; j++) gk[j] += a * sr[j];
        }
    }
}

/// Eight doubles as one value: the compiler lowers each operation to the widest registers the
/// clone has (one AVX-512, two AVX2 or four SSE2 operations), each lane rounded on its own.
typedef double double8 __attribute__((vector_size(64)));

static inline __attribute__((always_inline)) double8 load8(const double *p) {
    double8 v; __builtin_memcpy(&v, p, sizeof v); return v;
}
static inline __attribute__((always_inline)) void store8(double8 v, double *p) { __builtin_memcpy(p, &v, sizeof v); }

/// The 8 × 8 block at a (leading dimension lda), transposed into t (ldt) in registers: three
/// rounds of interleaving (pairs of numbers, of pairs, of quadruples), 24 shuffles for 64 numbers.
/// Each output is α·a, plus the old t when accumulating.
static inline __attribute__((always_inline))
void transpose_block8(const double *a, long lda, double *t, long ldt, double alpha, const int accumulate) {
#define SH __builtin_shufflevector
    double8 r0 = load8(a), r1 = load8(a + lda), r2 = load8(a + 2 * lda), r3 = load8(a + 3 * lda);
    double8 r4 = load8(a + 4 * lda), r5 = load8(a + 5 * lda), r6 = load8(a + 6 * lda), r7 = load8(a + 7 * lda);
    double8 s0 = SH(r0, r1, 0, 8, 2, 10, 4, 12, 6, 14), s1 = SH(r0, r1, 1, 9, 3, 11, 5, 13, 7, 15);
    double8 s2 = SH(r2, r3, 0, 8, 2, 10, 4, 12, 6, 14), s3 = SH(r2, r3, 1, 9, 3, 11, 5, 13, 7, 15);
    double8 s4 = SH(r4, r5, 0, 8, 2, 10, 4, 12, 6, 14), s5 = SH(r4, r5, 1, 9, 3, 11, 5, 13, 7, 15);
    double8 s6 = SH(r6, r7, 0, 8, 2, 10, 4, 12, 6, 14), s7 = SH(r6, r7, 1, 9, 3, 11, 5, 13, 7, 15);
    double8 u0 = SH(s0, s2, 0, 1, 8, 9, 4, 5, 12, 13), u2 = SH(s0, s2, 2, 3, 10, 11, 6, 7, 14, 15);
    double8 u1 = SH(s1, s3, 0, 1, 8, 9, 4, 5, 12, 13), u3 = SH(s1, s3, 2, 3, 10, 11, 6, 7, 14, 15);
    double8 u4 = SH(s4, s6, 0, 1, 8, 9, 4, 5, 12, 13), u6 = SH(s4, s6, 2, 3, 10, 11, 6, 7, 14, 15);
    double8 u5 = SH(s5, s7, 0, 1, 8, 9, 4, 5, 12, 13), u7 = SH(s5, s7, 2, 3, 10, 11, 6, 7, 14, 15);
    double8 out[8] = {
        SH(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11), SH(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11),
        SH(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11), SH(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11),
        SH(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15), SH(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15),
        SH(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15), SH(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15),
    };
#undef SH
    for (int k = 0; k < 8; k++) {
        double8 v = alpha * out[k];
        if (accumulate) v = load8(t + k * ldt) + v;
        store8(v, t + k * ldt);
    }
}

/// Whole 8 × 8 blocks in registers, the ragged edges number by number.
static inline __attribute__((always_inline))
void transpose_into(const double *a, long rows, long cols, double alpha, double *t, const int accumulate) {
    long whole_rows = rows - rows % 8, whole_cols = cols - cols % 8;
    for (long i0 = 0; i0 < whole_rows; i0 += 8)
        for (long j0 = 0; j0 < whole_cols; j0 += 8)
            transpose_block8(a + i0 * cols + j0, cols, t + j0 * rows + i0, rows, alpha, accumulate);
    for (long i = 0; i < rows; i++) {
        for (long j = i < whole_rows ? whole_cols : 0; j < cols; j++) {
            double v = alpha * a[i * cols + j];
            t[j * rows + i] = accumulate ? t[j * rows + i] + v : v;
        }
    }
}

CLONES void entk_transpose(const double *a, long rows, long cols, double alpha, int accumulate, double *t) {
    if (accumulate) transpose_into(a, rows, cols, alpha, t, 1);
    else transpose_into(a, rows, cols, alpha, t, 0);
}

/// One row (see the header); `weighted` and `gradient` are constants at each call, so the four
/// combinations compile to four loops without a branch inside.
static inline __attribute__((always_inline))
double squared_errors_row(const double *o, const double *t, long cols, const double *w, const double *sw,
                          double s, double *g, const int weighted, const int gradient) {
    long whole = cols - cols % 8;
    double8 lanes = {0, 0, 0, 0, 0, 0, 0, 0};
    for (long c = 0; c < whole; c += 8) {
        double8 d = load8(o + c) - load8(t + c);
        lanes += weighted ? load8(w + c) * d * d : d * d;
        if (gradient) store8(weighted ? load8(sw + c) * d : s * d, g + c);
    }
    double row = 0;
    for (int l = 0; l < 8; l++) row += lanes[l];
    for (long c = whole; c < cols; c++) {
        double d = o[c] - t[c];
        row += weighted ? w[c] * d * d : d * d;
        if (gradient) g[c] = weighted ? sw[c] * d : s * d;
    }
    return row;
}

CLONES double entk_squared_errors(const double *o, const double *t, long rows, long cols,
                                  const double *w, const double *sw, double s, double *g) {
    double total = 0;
    for (long r = 0; r < rows; r++) {
        const double *orow = o + r * cols, *trow = t + r * cols;
        double *grow = g ? g + r * cols : 0;
        if (w && g) total += squared_errors_row(orow, trow, cols, w, sw, s, grow, 1, 1);
        else if (w) total += squared_errors_row(orow, trow, cols, w, sw, s, grow, 1, 0);
        else if (g) total += squared_errors_row(orow, trow, cols, w, sw, s, grow, 0, 1);
        else total += squared_errors_row(orow, trow, cols, w, sw, s, grow, 0, 0);
    }
    return total;
}

CLONES void entk_adam(const double *theta, double *out, const double *g, long count,
                      const double *m, const double *v, double *m2, double *v2,
                      double b1, double ob1, double b2, double ob2, double step, double root2, double eps,
                      double decay, double wd, int coupledDecay) {
    if (coupledDecay) {
        for (long i = 0; i < count; i++) {
            double gi = g[i] + wd * theta[i];
            double mi = b1 * m[i] + ob1 * gi;
            double vi = b2 * v[i] + ob2 * gi * gi;
            double ti = theta[i];
            m2[i] = mi; v2[i] = vi;
            out[i] = ti - step * mi / (__builtin_elementwise_sqrt(vi) / root2 + eps);
        }
    } else {
        for (long i = 0; i < count; i++) {
            double gi = g[i];
            double ti = theta[i] * decay;
            double mi = b1 * m[i] + ob1 * gi;
            double vi = b2 * v[i] + ob2 * gi * gi;
            m2[i] = mi; v2[i] = vi;
            out[i] = ti - step * mi / (__builtin_elementwise_sqrt(vi) / root2 + eps);
        }
    }
}
