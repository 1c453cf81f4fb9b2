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

/// Eight doubles as one value: the compiler lowers each operation to the widest registers the
/// clone has (one AVX-512, two AVX2 or four SSE2 operations), each lane rounded on its own.
typedef double double8 __attribute__((vector_size(64)));

static inline __attribute__((always_inline)) double8 load8(const double *p) {
    double8 v; __builtin_memcpy(&v, p, sizeof v); return v;
}
static inline __attribute__((always_inline)) void store8(double8 v, double *p) { __builtin_memcpy(p, &v, sizeof v); }

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
