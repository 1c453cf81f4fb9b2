internal import CLAPACKE

/// Every eigenvalue of a dense symmetric matrix at once, and its eigenvectors as they are asked
/// for: the matrix reduced once, A = Q T Qᵀ with T tridiagonal (dsytrd), every eigenpair of T,
/// T = Z Λ Zᵀ (divide and conquer, dstedc), and eigenvector i of A formed only when asked,
/// u_i = Q z_i (dormtr on just those columns).
///
/// These are the three steps of dsyevd, which applies Q to all n columns of Z; asking for k of
/// them costs 2n²k flops there instead of 2n³ (at n = 841, k = 200, LAPACK alone: 58–70 ms
/// against dsyevd's 73–88 ms on 2 cores). Memory: the reflectors and Z, 2n² numbers, held until
/// the object goes.
public final class TridiagonalEigen: Sendable {
    /// n.
    public let order: Int
    /// Every eigenvalue, descending.
    public let values: [Double]
    /// dsytrd's output: the Householder reflectors of Q below the diagonal (column-major n × n).
    private let reflectors: [Double]
    private let tau: [Double]
    /// Eigenvectors of T, column-major n × n, columns in ascending order of eigenvalue.
    private let z: [Double]

    /// Reduces `a` (checked square, finite and symmetric first) and solves T. Cost: 4n³/3 flops
    /// for the reduction (half of them matrix–vector, memory-bound) and dstedc's O(n³) at most.
    public init(_ a: Matrix) throws {
        let routine = "dsytrd/dstedc"
        try a.requireSquare(routine)
        let n = a.rows
        try requireLAPACKSize(n, routine)
        try a.requireFinite(routine)
        try a.requireSymmetric(routine)
        let storage = a.storage
        let parts = try Interruption.abandonable("the eigen solve (dsytrd and dstedc, n = \(n))", cost: 3 * Double(n) * Double(n) * Double(n)) {
            var q = storage
            var d = [Double](repeating: 0, count: n), e = [Double](repeating: 0, count: max(n - 1, 1))
            var tau = [Double](repeating: 0, count: max(n - 1, 1))
            var z = [Double](repeating: 0, count: n * n)
            guard n > 0 else { return (q, tau, d, z) }
            try checkLAPACK(LAPACKE_dsytrd(LAPACK_COL_MAJOR, lapackChar("L"), Int32(n), &q, Int32(n), &d, &e, &tau), "dsytrd")
            try checkLAPACK(LAPACKE_dstedc(LAPACK_COL_MAJOR, lapackChar("I"), Int32(n), &d, &e, &z, Int32(n)), "dstedc")
            return (q, tau, d, z)
        }
        order = n
        reflectors = parts.0; tau = parts.1; z = parts.3
        values = parts.2.reversed()
    }

    /// Eigenpairs `range` of the descending order (0 is the largest): values and unit vectors
    /// as an n × range.count matrix, u_i = Q z_i. Cost 2n²·range.count flops.
    public func pairs(_ range: Range<Int>) throws -> EigenPairs {
        let n = order
        precondition(range.lowerBound >= 0 && range.upperBound <= n, "eigenpairs \(range) of \(n)")
        let k = range.count
        guard k > 0 else { return EigenPairs(values: [], vectors: Matrix(rows: n, cols: 0)) }
        // Descending i is ascending column n − 1 − i: the range is columns n − hi ..< n − lo.
        let first = n - range.upperBound
        let (reflectors, tau, z) = (reflectors, tau, z)
        let c = try Interruption.abandonable("the eigen solve (its eigenvectors by dormtr, n = \(n), \(k) of them)", cost: 2 * Double(n) * Double(n) * Double(k)) {
            var c = Array(z[(first * n)..<((first + k) * n)])
            try checkLAPACK(LAPACKE_dormtr(LAPACK_COL_MAJOR, lapackChar("L"), lapackChar("L"), lapackChar("N"), Int32(n), Int32(k),
                                           reflectors, Int32(n), tau, &c, Int32(n)), "dormtr")
            return c
        }
        let ascending = Array(values[range].reversed())
        return SymmetricEigen.descendingPairs(ascendingValues: ascending, columnMajorVectors: c, n: n, k: k)
    }
}
