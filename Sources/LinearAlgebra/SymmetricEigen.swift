internal import CLAPACKE

/// Dense symmetric eigendecomposition through LAPACK.
///
/// Layout: LAPACK is column-major, `Matrix` row-major. A symmetric matrix is its own transpose,
/// so its row-major storage *is* its column-major storage and is passed as-is (uplo = 'L' in
/// LAPACK's view, the upper triangle in ours). LAPACK returns eigenvectors as contiguous
/// columns in ascending order of eigenvalue; they are copied out reversed into the row-major
/// n × k `EigenPairs.vectors` (one O(n·k) pass).
///
/// Checks, in order, before anything is allocated: square, size limit (`all` only), finite
/// (NaN/∞ → `.nonFiniteInput`), symmetric within `Matrix.symmetryTolerance` (relative; one O(n²)
/// pass, since LAPACK would otherwise silently read one triangle), then every `info`.
public enum SymmetricEigen {
    /// Largest n for which dsyevd's workspace, lwork = 1 + 6n + 2n² (jobz = 'V'), fits a 32-bit
    /// LAPACK integer: 32,766 (n = 32,767 gives 2,147,549,181 > 2³¹ − 1).
    public static let fullDecompositionLimit: Int = {
        var n = 46_340
        while 1 + 6 * n + 2 * n * n > Int(Int32.max) { n -= 1 }
        return n
    }()

    /// Throws `.sizeTooLarge` when `all` cannot decompose an n×n matrix (n > `fullDecompositionLimit`).
    /// Exposed so callers can pick another route (top-k, the Gram route) before building the matrix.
    public static func checkFullDecompositionSize(_ n: Int) throws {
        if n > fullDecompositionLimit {
            throw LinearAlgebraError.sizeTooLarge(routine: "dsyevd", n: n, limit: fullDecompositionLimit)
        }
    }

    /// All eigenpairs of the symmetric matrix `a`, descending, by divide and conquer (dsyevd).
    ///
    /// Cost: about 9n³ flops nominal (tridiagonal reduction 4n³/3, back-transformation 2n³ plus
    /// divide and conquer); measured ~1 s at n = 2000 and ~8 s at n = 4000 on 2 cores.
    /// Memory: the n² copy LAPACK overwrites, plus 2n² + 6n workspace.
    public static func all(_ a: Matrix) throws -> EigenPairs {
        let routine = "dsyevd"
        try a.requireSquare(routine)
        let n = a.rows
        try checkFullDecompositionSize(n)
        try a.requireFinite(routine)
        try a.requireSymmetric(routine)
        if n == 0 { return EigenPairs(values: [], vectors: Matrix(rows: 0, cols: 0)) }
        let storage = a.storage
        return try Interruption.abandonable("the eigen solve (dsyevd, n = \(n))", cost: 9 * Double(n) * Double(n) * Double(n)) {
            var z = storage
            var w = [Double](repeating: 0, count: n)
            let info = z.withUnsafeMutableBufferPointer { zp in
                w.withUnsafeMutableBufferPointer { wp in
                    LAPACKE_dsyevd(LAPACK_COL_MAJOR, lapackChar("V"), lapackChar("L"), Int32(n),
                                   zp.baseAddress!, Int32(n), wp.baseAddress!)
                }
            }
            try checkLAPACK(info, routine)
            return descendingPairs(ascendingValues: w, columnMajorVectors: z, n: n, k: n)
        }
    }

    /// The `k` largest eigenpairs of the symmetric matrix `a`, descending, by relatively robust
    /// representations (dsyevr, RANGE = 'I', il = n − k + 1, iu = n, 1-based).
    ///
    /// Cost: the tridiagonal reduction (4n³/3 flops, memory-bound) dominates, so top-k is only
    /// about 2× cheaper than `all` for small k; O(n·k) memory beyond the n² copy.
    /// Throws `.invalidRequest` unless 1 ≤ k ≤ n.
    public static func top(_ a: Matrix, count k: Int) throws -> EigenPairs {
        let routine = "dsyevr"
        try a.requireSquare(routine)
        let n = a.rows
        guard k >= 1, k <= n else {
            throw LinearAlgebraError.invalidRequest("dsyevr: count \(k) must be between 1 and the order \(n)")
        }
        try requireLAPACKSize(n, routine)
        try a.requireFinite(routine)
        try a.requireSymmetric(routine)
        let storage = a.storage
        return try Interruption.abandonable("the eigen solve (dsyevr, n = \(n))", cost: 4 * Double(n) * Double(n) * Double(n) / 3) {
        var copy = storage
        var w = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n * k)
        var isuppz = [Int32](repeating: 0, count: 2 * n)
        var found: Int32 = 0
        let info = copy.withUnsafeMutableBufferPointer { ap in
            w.withUnsafeMutableBufferPointer { wp in
                z.withUnsafeMutableBufferPointer { zp in
                    isuppz.withUnsafeMutableBufferPointer { sp in
                        LAPACKE_dsyevr(LAPACK_COL_MAJOR, lapackChar("V"), lapackChar("I"), lapackChar("L"),
                                       Int32(n), ap.baseAddress!, Int32(n), 0, 0,
                                       Int32(n - k + 1), Int32(n), 0, &found,
                                       wp.baseAddress!, zp.baseAddress!, Int32(n), sp.baseAddress!)
                    }
                }
            }
        }
        try checkLAPACK(info, routine)
        guard Int(found) == k else {
            throw LinearAlgebraError.noConvergence(routine: routine, detail: "found \(found) of \(k) eigenpairs")
        }
        return descendingPairs(ascendingValues: Array(w.prefix(k)), columnMajorVectors: z, n: n, k: k)
        }
    }

    /// Reverses LAPACK's ascending order and turns its contiguous column-major eigenvectors into
    /// the columns of a row-major n × k matrix.
    static func descendingPairs(ascendingValues w: [Double], columnMajorVectors z: [Double],
                                n: Int, k: Int) -> EigenPairs {
        var vectors = Matrix(rows: n, cols: k)
        z.withUnsafeBufferPointer { zp in
            vectors.storage.withUnsafeMutableBufferPointer { vp in
                for i in 0..<k {
                    let source = (k - 1 - i) * n
                    for r in 0..<n { vp[r * k + i] = zp[source + r] }
                }
            }
        }
        return EigenPairs(values: Array(w.prefix(k).reversed()), vectors: vectors)
    }
}
