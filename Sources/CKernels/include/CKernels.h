#ifndef ENTK_CKERNELS_H
#define ENTK_CKERNELS_H

/// The training step's elementwise kernels, and the one-hot dense layer's compression, gather,
/// scatter and transposes, compiled once per instruction set (AVX-512, AVX2, the x86-64
/// baseline) and chosen when the program loads: the Swift code is built for the baseline (SSE2),
/// where these loops run at a quarter of the width the machine has.
///
/// Each computes exactly the formula its Swift caller documents, operation for operation:
/// no contraction into fused multiply-adds and no reassociation, and sums in the fixed order
/// given, so every instruction set gives the same bits. The elementwise kernels' outputs may be
/// their inputs (in place); the compression, gather, scatter and transpose write to buffers of
/// their own.

/// y[k] = x[k] > 0 ? x[k] : 0.
void entk_relu(const double *x, double *y, long count);
/// out[k] = x[k] > 0 ? d[k] : 0.
void entk_relu_backward(const double *d, const double *x, double *out, long count);
/// y[k] = x[k]·x[k].
void entk_square(const double *x, double *y, long count);
/// out[k] = d[k]·(2·x[k]).
void entk_square_backward(const double *d, const double *x, double *out, long count);
/// y[r·width + k] += b[k] for every row r.
void entk_add_rows(const double *b, double *y, long rows, long width);

/// x (rows × cols) in compressed-row form: row r's nonzeros are entries start[r]..<start[r+1] of
/// (column, value), in column order. Returns their count, or −1 as soon as it would pass `limit`
/// (then the outputs are unspecified). `column` and `value` need room for limit + 1 entries.
long entk_compress_rows(const double *x, long rows, long cols, long limit, long *start, long *column, double *value);
/// The gather of a dense layer on sparse inputs (CSR rows: nonzeros start[r]..<start[r+1] at
/// `column`, `value`): y[r, :] = Σ_k (α·value_k)·vt[column_k, :], the first term a product and
/// each later one added in k order; a row without nonzeros is 0. `vt` is in × width.
void entk_gather_rows(const double *vt, long width, const long *start, const long *column,
                      const double *value, double alpha, long rows, double *y);
/// Its adjoint, the scatter: g[column_k, :] += (α·value_k)·seed[r, :] for r = 0, 1, … and k in order.
void entk_scatter_rows(const double *seed, long width, const long *start, const long *column,
                       const double *value, double alpha, long rows, double *g);
/// t[j·rows + i] = α·a[i·cols + j] (+ t[j·rows + i] when `accumulate`): a (rows × cols)
/// transposed and scaled, 8 × 8 blocks at a time in registers (row by row, the writes would
/// stride by `rows` numbers). α = 1 is an exact copy.
void entk_transpose(const double *a, long rows, long cols, double alpha, int accumulate, double *t);

/// Σ over rows of each row's Σ_c w_c (o_c − t_c)² (w = 1 when `w` is null), a row's sum taken in
/// eight partial sums (lane l over c ≡ l mod 8 of the whole chunks of eight, added l = 0…7 to 0)
/// and then its tail in order; and, when `g` is not null, g_c = sw_c·(o_c − t_c) (or s·(o_c − t_c)
/// without weights), sw_c = s·w_c.
double entk_squared_errors(const double *o, const double *t, long rows, long cols,
                           const double *w, const double *sw, double s, double *g);

/// Adam's elementwise rule with its constants: per i, g′ = g + wd·θ when `coupledDecay` (Adam's
/// L2 form, wd ≠ 0) and θ′ = θ·decay first when decoupled (AdamW); m′ = b1·m + ob1·g′,
/// v′ = b2·v + (ob2·g′)·g′, θ_out = θ̃ − (step·m′)/(√v′/root2 + eps).
void entk_adam(const double *theta, double *out, const double *g, long count,
               const double *m, const double *v, double *m2, double *v2,
               double b1, double ob1, double b2, double ob2, double step, double root2, double eps,
               double decay, double wd, int coupledDecay);

#endif
