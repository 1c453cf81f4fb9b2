internal import COpenBLAS

/// Whether an operand enters a product as itself or transposed.
public enum Transpose: Sendable { case none, transpose }

extension Transpose {
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Thin, checked wrappers over level-1/2/3 BLAS, row-major throughout.
///
/// The pointer forms are for hot loops that must not allocate (training steps, kernel
/// blocks); the `Matrix` forms allocate their result and check shapes.
public enum BLAS {
    /// C ← α·op(A)·op(B) + β·C on raw row-major buffers. op(A) is m×k, op(B) is k×n, C is m×n.
    /// Cost: 2·m·n·k flops.
    public static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Double = 1, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafePointer<Double>, ldb: Int,
                            beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        // OpenBLAS keeps products under `singleThreadBelow` on one thread by itself.
        cblas_dgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Calls of fewer multiply-adds (m·n·k for a product, m·n for gemv, n²k/2 for syrk, n for
    /// level 1) run on one thread (`BLASThreads.run`; products by OpenBLAS itself): 2¹⁸, OpenBLAS's own cut-off for products, which its gemv and
    /// level-1 routines do not apply (a TMS step's 500×50 bias gemv woke the second thread every
    /// step; on a busy machine that thread spun in sched_yield). Measured on this 2-core VM
    /// (2026-12-01, scripts/bench, DGEMM 119–148 GFLOP/s): 2¹⁸ against 2²¹ and 2²³, the
    /// transformer epoch 0.022–0.023 s against 0.026–0.027 s, the p = 113 structured kernel 1.9 s
    /// against 2.2–2.6 s, TMS 5000 steps 0.70 s against 0.70–0.79 s.
    public static let singleThreadBelow = 1 << 18

    /// C ← α·A·Aᵀ + β·C (trans = .none, A is n×k) or α·Aᵀ·A + β·C (trans = .transpose, A is k×n),
    /// writing the **upper** triangle of the n×n matrix C only. Cost: n²·k flops.
    public static func syrk(_ trans: Transpose, n: Int, k: Int, alpha: Double = 1,
                            a: UnsafePointer<Double>, lda: Int, beta: Double = 0,
                            c: UnsafeMutablePointer<Double>, ldc: Int) {
        guard n > 0 else { return }
        BLASThreads.run(small: n * n * k / 2 < singleThreadBelow) {
            cblas_dsyrk(CblasRowMajor, CblasUpper, trans.cblas, Int32(n), Int32(k),
                        alpha, a, Int32(lda), beta, c, Int32(ldc))
        }
    }

    /// y ← α·op(A)·x + β·y, A is m×n row-major.
    public static func gemv(_ trans: Transpose, m: Int, n: Int, alpha: Double = 1,
                            a: UnsafePointer<Double>, lda: Int, x: UnsafePointer<Double>,
                            beta: Double = 0, y: UnsafeMutablePointer<Double>) {
        guard m > 0, n > 0 else { return }
        BLASThreads.run(small: m * n < singleThreadBelow) {
            cblas_dgemv(CblasRowMajor, trans.cblas, Int32(m), Int32(n), alpha, a, Int32(lda),
                        x, 1, beta, y, 1)
        }
    }

    /// Σ x_i y_i over `count` contiguous elements.
    public static func dot(count: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        count > 0 ? BLASThreads.run(small: count < singleThreadBelow) { cblas_ddot(Int32(count), x, 1, y, 1) } : 0
    }

    /// y ← α·x + y.
    public static func axpy(count: Int, alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        if count > 0 { BLASThreads.run(small: count < singleThreadBelow) { cblas_daxpy(Int32(count), alpha, x, 1, y, 1) } }
    }
}

/// Σ x_i y_i of two equal-length arrays.
public func dot(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count, "dot: lengths \(x.count) and \(y.count) differ")
    return x.withUnsafeBufferPointer { xp in
        y.withUnsafeBufferPointer { yp in BLAS.dot(count: x.count, xp.baseAddress!, yp.baseAddress!) }
    }
}

extension Matrix {
    /// op(self)·op(other), through DGEMM. Throws `.shapeMismatch` when inner sizes differ.
    public func multiplied(by other: Matrix, _ transSelf: Transpose = .none, _ transOther: Transpose = .none,
                           alpha: Double = 1) throws -> Matrix {
        let (m, k1) = transSelf == .none ? (rows, cols) : (cols, rows)
        let (k2, n) = transOther == .none ? (other.rows, other.cols) : (other.cols, other.rows)
        guard k1 == k2 else {
            throw LinearAlgebraError.shapeMismatch("cannot multiply \(m)×\(k1) by \(k2)×\(n)")
        }
        var c = Matrix(rows: m, cols: n)
        if k1 == 0 { return c }
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(transSelf, transOther, m: m, n: n, k: k1, alpha: alpha,
                              a: a.baseAddress!, lda: cols, b: b.baseAddress!, ldb: other.cols,
                              c: cp.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }

    /// The Gram matrix A·Aᵀ (`.none`) or Aᵀ·A (`.transpose`) through DSYRK, both triangles filled.
    public func gram(_ trans: Transpose = .none, alpha: Double = 1) -> Matrix {
        let (n, k) = trans == .none ? (rows, cols) : (cols, rows)
        var c = Matrix(rows: n, cols: n)
        if n == 0 || k == 0 { return c }
        storage.withUnsafeBufferPointer { a in
            c.storage.withUnsafeMutableBufferPointer { cp in
                BLAS.syrk(trans, n: n, k: k, alpha: alpha, a: a.baseAddress!, lda: cols,
                          c: cp.baseAddress!, ldc: n)
                for i in 0..<n { for j in 0..<i { cp[i * n + j] = cp[j * n + i] } }
            }
        }
        return c
    }

    /// op(self)·x through DGEMV.
    public func applied(to x: [Double], _ trans: Transpose = .none) throws -> [Double] {
        let (m, n) = trans == .none ? (rows, cols) : (cols, rows)
        guard x.count == n else {
            throw LinearAlgebraError.shapeMismatch("cannot apply \(m)×\(n) matrix to a vector of length \(x.count)")
        }
        var y = [Double](repeating: 0, count: m)
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    BLAS.gemv(trans, m: rows, n: cols, a: a.baseAddress!, lda: cols,
                              x: xp.baseAddress!, y: yp.baseAddress!)
                }
            }
        }
        return y
    }
}
