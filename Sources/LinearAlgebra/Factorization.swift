internal import CLAPACKE

/// QR, SVD and positive-definite solves through LAPACK.
///
/// Layout: these routines take general (non-symmetric) row-major matrices, so they go through
/// LAPACKE's `LAPACK_ROW_MAJOR` layer, which transposes into a column-major scratch copy and back
/// (O(m·n), negligible next to the O(m·n²) factorizations). Every input is scanned for NaN/∞
/// first (`.nonFiniteInput`), and every `info` is checked.
public enum Factorization {
    /// Thin QR of an m×n matrix with m ≥ n: A = Q·R, Q m×n with orthonormal columns, R n×n upper
    /// triangular with a non-negative diagonal (signs flipped after dgeqrf so the factorization is
    /// unique for full-rank A). Householder: dgeqrf + dorgqr, about 4mn² − 4n³/3 flops.
    public static func qr(_ a: Matrix) throws -> (q: Matrix, r: Matrix) {
        let m = a.rows, n = a.cols
        guard m >= n else {
            throw LinearAlgebraError.shapeMismatch("qr: needs rows ≥ columns, got \(m)×\(n)")
        }
        try requireLAPACKSize(m, "dgeqrf")
        try a.requireFinite("dgeqrf")
        if n == 0 { return (Matrix(rows: m, cols: 0), Matrix(rows: 0, cols: 0)) }
        var work = a.storage
        var tau = [Double](repeating: 0, count: n)
        var r = Matrix(rows: n, cols: n)
        try work.withUnsafeMutableBufferPointer { wp in
            try tau.withUnsafeMutableBufferPointer { tp in
                try checkLAPACK(LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, Int32(m), Int32(n), wp.baseAddress!,
                                               Int32(n), tp.baseAddress!), "dgeqrf")
                for i in 0..<n { for j in i..<n { r.storage[i * n + j] = wp[i * n + j] } }
                try checkLAPACK(LAPACKE_dorgqr(LAPACK_ROW_MAJOR, Int32(m), Int32(n), Int32(n), wp.baseAddress!,
                                               Int32(n), tp.baseAddress!), "dorgqr")
            }
        }
        var q = Matrix(rows: m, cols: n, storage: work)
        for j in 0..<n where r[j, j] < 0 {
            for c in j..<n { r[j, c] = -r[j, c] }
            for i in 0..<m { q[i, j] = -q[i, j] }
        }
        return (q, r)
    }

    /// An m×n matrix whose orthonormal columns span the columns of `a` (m ≥ n): the thin Q of `qr`.
    /// Column j spans the same space as columns 0…j of `a` (Gram–Schmidt order). For rank-deficient
    /// `a` the extra columns are orthonormal but arbitrary inside the complement.
    public static func orthonormalBasis(_ a: Matrix) throws -> Matrix {
        try qr(a).q
    }

    /// Thin SVD A = U·diag(s)·Vᵀ of an m×n matrix, r = min(m, n): U m×r, s descending (r), Vᵀ r×n.
    /// Divide and conquer (dgesdd, jobz = 'S'), about 4mn² + 8n³ flops for m ≥ n.
    public static func svd(_ a: Matrix) throws -> (u: Matrix, s: [Double], vt: Matrix) {
        let r = min(a.rows, a.cols)
        var u = Matrix(rows: a.rows, cols: r), vt = Matrix(rows: r, cols: a.cols)
        let s = try gesdd(a, wantVectors: true, u: &u.storage, vt: &vt.storage)
        return (u, s, vt)
    }

    /// The min(m, n) singular values of `a`, descending (dgesdd, jobz = 'N'; no vectors formed).
    public static func singularValues(_ a: Matrix) throws -> [Double] {
        var u = [Double](repeating: 0, count: 1), vt = [Double](repeating: 0, count: max(1, a.cols))
        return try gesdd(a, wantVectors: false, u: &u, vt: &vt)
    }

    /// X solving A·X = B for symmetric positive-definite A (n×n) and B (n×r), by Cholesky (dposv:
    /// n³/3 + 2n²r flops). Throws `.notPositiveDefinite(order:)` with the first leading minor that
    /// is not positive, `.shapeMismatch` when the shapes differ, `.invalidRequest` when A is not
    /// symmetric (dposv would silently use one triangle).
    public static func solvePositiveDefinite(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        let routine = "dposv"
        try a.requireSquare(routine)
        let n = a.rows, nrhs = b.cols
        guard b.rows == n else {
            throw LinearAlgebraError.shapeMismatch("dposv: a is \(n)×\(n) but b is \(b.rows)×\(b.cols)")
        }
        try requireLAPACKSize(n, routine)
        try a.requireFinite(routine)
        try b.requireFinite(routine)
        try a.requireSymmetric(routine)
        if n == 0 || nrhs == 0 { return b }
        var factor = a.storage
        var x = b
        let info = factor.withUnsafeMutableBufferPointer { ap in
            x.storage.withUnsafeMutableBufferPointer { xp in
                LAPACKE_dposv(LAPACK_ROW_MAJOR, lapackChar("U"), Int32(n), Int32(nrhs),
                              ap.baseAddress!, Int32(n), xp.baseAddress!, Int32(nrhs))
            }
        }
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: Int(info)) }
        try checkLAPACK(info, routine)
        return x
    }

    /// dgesdd with an explicit workspace query, so a workspace beyond 32-bit LAPACK integers is
    /// refused (`.sizeTooLarge`) instead of wrapping. `u` is m×r and `vt` r×n row-major when
    /// `wantVectors`, 1-element and n-element dummies otherwise.
    private static func gesdd(_ a: Matrix, wantVectors: Bool, u: inout [Double], vt: inout [Double]) throws -> [Double] {
        let routine = "dgesdd"
        let m = a.rows, n = a.cols, r = min(m, n)
        try requireLAPACKSize(max(m, n), routine)
        try a.requireFinite(routine)
        if r == 0 { return [] }
        let jobz = lapackChar(wantVectors ? "S" : "N")
        let ldu = Int32(wantVectors ? r : 1), ldvt = Int32(n)
        var copy = a.storage
        var s = [Double](repeating: 0, count: r)
        var iwork = [Int32](repeating: 0, count: 8 * r)
        var query = [Double](repeating: 0, count: 1)
        func call(_ work: UnsafeMutablePointer<Double>, _ lwork: Int32) -> Int32 {
            copy.withUnsafeMutableBufferPointer { ap in
                s.withUnsafeMutableBufferPointer { sp in
                    u.withUnsafeMutableBufferPointer { up in
                        vt.withUnsafeMutableBufferPointer { vp in
                            iwork.withUnsafeMutableBufferPointer { ip in
                                LAPACKE_dgesdd_work(LAPACK_ROW_MAJOR, jobz, Int32(m), Int32(n), ap.baseAddress!,
                                                    Int32(n), sp.baseAddress!, up.baseAddress!, ldu,
                                                    vp.baseAddress!, ldvt, work, lwork, ip.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        try checkLAPACK(query.withUnsafeMutableBufferPointer { call($0.baseAddress!, -1) }, routine)
        let size = query[0].rounded(.up)
        guard size <= Double(Int32.max) else {
            throw LinearAlgebraError.sizeTooLarge(routine: "dgesdd workspace", n: Int(size), limit: Int(Int32.max))
        }
        var work = [Double](repeating: 0, count: max(1, Int(size)))
        try checkLAPACK(work.withUnsafeMutableBufferPointer { call($0.baseAddress!, Int32(size)) }, routine)
        return s
    }
}
