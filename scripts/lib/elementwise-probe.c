// scripts/test compiles Sources/CKernels/kernels.c with this probe once per instruction set the
// CPU has (the baseline, AVX2, AVX-512, and the dispatched clones) and compares what it prints:
// a hash of every kernel's output bits on fixed pseudo-random input, in place and not. Equal
// hashes are the claim of CKernels.h: every instruction set computes the same bits.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>
#include "CKernels.h"
static uint64_t h = 1469598103934665603ULL;
static void mix(const double *p, long n) { const unsigned char *b = (const unsigned char*)p; for (long i = 0; i < n * 8; i++) { h ^= b[i]; h *= 1099511628211ULL; } }
static double rnd(void) { return (rand() / (double)RAND_MAX - 0.5) * 4; }
int main(void) {
  srand(7); long n = 1003, rows = 37, cols = 53;
  double *x = malloc(8*n), *d = malloc(8*n), *y = malloc(8*n), *o = malloc(8*rows*cols), *t = malloc(8*rows*cols), *g = malloc(8*rows*cols), *w = malloc(8*cols), *sw = malloc(8*cols), *b = malloc(8*cols);
  for (long i = 0; i < n; i++) { x[i] = rnd(); d[i] = rnd(); }
  for (long i = 0; i < rows*cols; i++) { o[i] = rnd(); t[i] = rnd(); }
  for (long i = 0; i < cols; i++) { w[i] = rnd(); sw[i] = 0.37 * w[i]; b[i] = rnd(); }
  entk_relu(x, y, n); mix(y, n); entk_square(x, y, n); mix(y, n);
  entk_relu_backward(d, x, y, n); mix(y, n); entk_square_backward(d, x, y, n); mix(y, n);
  memcpy(y, d, 8*n); entk_relu_backward(y, x, y, n); mix(y, n);
  memcpy(y, d, 8*n); entk_square_backward(y, x, y, n); mix(y, n);
  memcpy(g, o, 8*rows*cols); entk_add_rows(b, g, rows, cols); mix(g, rows*cols);
  double s1 = entk_squared_errors(o, t, rows, cols, w, sw, 0.37, g); mix(&s1, 1); mix(g, rows*cols);
  double s2 = entk_squared_errors(o, t, rows, cols, 0, 0, 0.37, g); mix(&s2, 1); mix(g, rows*cols);
  double *th = malloc(8*n), *out = malloc(8*n), *m = malloc(8*n), *v = malloc(8*n), *m2 = malloc(8*n), *v2 = malloc(8*n);
  for (long i = 0; i < n; i++) { th[i] = rnd(); m[i] = rnd() * 0.1; v[i] = fabs(rnd()) * 0.01; }
  for (int c = 0; c < 2; c++) { entk_adam(th, out, d, n, m, v, m2, v2, 0.9, 1 - 0.9, 0.999, 1 - 0.999, 0.013, 0.3, 1e-8, 0.9995, 0.01, c); mix(out, n); mix(m2, n); mix(v2, n); }
  long st[38], col[74]; double val[74]; long k = 0;
  for (long r = 0; r < rows; r++) { st[r] = k; for (long j = 0; j < r % 3; j++) { col[k] = (r + 5 * j) % cols; val[k] = rnd(); k++; } }
  st[rows] = k;
  double *vt = malloc(8*cols*cols), *yy = malloc(8*rows*cols), *gt = malloc(8*cols*cols);
  for (long i = 0; i < cols*cols; i++) { vt[i] = rnd(); gt[i] = rnd(); }
  entk_gather_rows(vt, cols, st, col, val, 0.3, rows, yy); mix(yy, rows*cols);
  entk_scatter_rows(o, cols, st, col, val, 0.3, rows, gt); mix(gt, cols*cols);
  entk_transpose(o, rows, cols, 1, 0, g); mix(g, rows*cols);
  entk_transpose(t, rows, cols, 0.3, 1, g); mix(g, rows*cols);
  long cst[38], ccol[74]; double cval[74];
  long nz = entk_compress_rows(yy, rows, cols, 73, cst, ccol, cval); mix(cval, nz > 0 ? nz : 0);
  for (long i = 0; i < rows * cols; i++) yy[i] = i % 29 == 0 ? rnd() : 0;
  nz = entk_compress_rows(yy, rows, cols, 73, cst, ccol, cval); mix(cval, nz); mix((const double *)ccol, nz);
  printf("%016llx\n", (unsigned long long)h);
}
