/// The orthonormal basis V of a block Krylov method together with A·V and the projection
/// H = Vᵀ·A·V, for `IterativeEigen`.
///
/// Vectors are stored as contiguous rows (`count` × n, capacity × n) so that orthogonalisation
/// is level-2 BLAS on contiguous memory and the operator sees them transposed (n × b) only at
/// the `apply` boundary.
struct KrylovBasis {
    let n: Int
    let capacity: Int
    private(set) var count = 0
    /// Row i is basis vector v_i.
    private(set) var vectors: [Double]
    /// Row i is A·v_i.
    private(set) var products: [Double]
    /// H = Vᵀ·A·V, row-major with leading dimension `capacity`, exactly symmetric.
    private(set) var projection: [Double]
    /// Counter for the deterministic replacement vectors.
    private var fills = 0

    init(n: Int, capacity: Int) {
        self.n = n
        self.capacity = capacity
        vectors = [Double](repeating: 0, count: capacity * n)
        products = [Double](repeating: 0, count: capacity * n)
        projection = [Double](repeating: 0, count: capacity * capacity)
    }

    /// Orthonormalises each row of `candidates` (rows × n) against the basis and the rows accepted
    /// before it, and appends it, so exactly `rows` vectors are appended (the caller keeps
    /// count + rows < n).
    ///
    /// Block classical Gram–Schmidt against the existing basis by GEMM, twice ("twice is enough";
    /// 8·n·count·rows flops), then each row against the rows of its own block by GEMV. A row that
    /// keeps less than 1e-8 of its norm is numerically dependent and is replaced by a deterministic
    /// pseudo-random vector; one that keeps less than 1e-3 is re-orthogonalised against the whole
    /// basis, since two block passes may not be enough for it.
    mutating func appendOrthonormal(_ candidates: [Double], rows: Int) {
        let n = self.n, m0 = count
        var w = candidates
        let before = (0..<rows).map { r in w.withUnsafeBufferPointer { p in
            BLAS.dot(count: n, p.baseAddress! + r * n, p.baseAddress! + r * n).squareRoot() } }
        if m0 > 0 {
            var c = [Double](repeating: 0, count: rows * m0)
            for _ in 0..<2 {
                vectors.withUnsafeBufferPointer { vp in
                    w.withUnsafeMutableBufferPointer { wp in
                        c.withUnsafeMutableBufferPointer { cp in
                            BLAS.gemm(.none, .transpose, m: rows, n: m0, k: n, a: wp.baseAddress!, lda: n,
                                      b: vp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: m0)
                            BLAS.gemm(.none, .none, m: rows, n: n, k: m0, alpha: -1, a: cp.baseAddress!, lda: m0,
                                      b: vp.baseAddress!, ldb: n, beta: 1, c: wp.baseAddress!, ldc: n)
                        }
                    }
                }
            }
        }
        for r in 0..<rows {
            var candidate = Array(w[(r * n)..<((r + 1) * n)])
            var original = before[r]
            let kept = BLAS.dot(count: n, candidate, candidate).squareRoot()
            var from = kept < 1e-3 * original ? 0 : m0
            while !orthonormalizeIntoSlot(candidate, original: original, from: from) {
                candidate = fillVector()
                original = BLAS.dot(count: n, candidate, candidate).squareRoot()
                from = 0
            }
            count += 1
        }
    }

    /// Writes `x` orthogonalised against rows `from..<count` and normalised into row `count`;
    /// false when less than 1e-8 of `original` (its norm before any projection) is left.
    private mutating func orthonormalizeIntoSlot(_ x: [Double], original: Double, from: Int) -> Bool {
        let n = self.n, m = count - from
        var coefficients = [Double](repeating: 0, count: max(1, m))
        return vectors.withUnsafeMutableBufferPointer { vp in
            let slot = vp.baseAddress! + count * n
            let rows = vp.baseAddress! + from * n
            for i in 0..<n { slot[i] = x[i] }
            guard original > 0, original.isFinite else { return false }
            var norm = BLAS.dot(count: n, slot, slot).squareRoot()
            for _ in 0..<3 where m > 0 {
                coefficients.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemv(.none, m: m, n: n, a: rows, lda: n, x: slot, y: cp.baseAddress!)
                    BLAS.gemv(.transpose, m: m, n: n, alpha: -1, a: rows, lda: n,
                              x: cp.baseAddress!, beta: 1, y: slot)
                }
                let next = BLAS.dot(count: n, slot, slot).squareRoot()
                let enough = next > 0.5 * norm
                norm = next
                if enough { break }
            }
            guard norm > 1e-8 * original else { return false }
            for i in 0..<n { slot[i] /= norm }
            return true
        }
    }

    /// A deterministic pseudo-random vector (SplitMix64 of a counter and the index, uniform in
    /// [−½, ½)). LinearAlgebra sits below Tensors, so it cannot use `RandomGenerator`; this fixed
    /// hash keeps every run reproducible.
    mutating func fillVector() -> [Double] {
        fills += 1
        let seed = UInt64(fills) &* 0x9E37_79B9_7F4A_7C15
        return (0..<n).map { i in
            var z = seed &+ UInt64(i) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53) - 0.5
        }
    }

    /// Rows `range` as an n × |range| matrix, the block handed to the operator.
    func block(_ range: Range<Int>) -> Matrix {
        var out = Matrix(rows: n, cols: range.count)
        let b = range.count
        vectors.withUnsafeBufferPointer { vp in
            out.storage.withUnsafeMutableBufferPointer { op in
                for (j, row) in range.enumerated() { for i in 0..<n { op[i * b + j] = vp[row * n + i] } }
            }
        }
        return out
    }

    /// Stores A·V for rows `range` from the operator's n × |range| output and extends H with the
    /// new rows and columns Vᵀ·(A·V_new) (one GEMM, 2·n·count·|range| flops).
    mutating func setProducts(_ av: Matrix, for range: Range<Int>) {
        let n = self.n, b = range.count, m = range.upperBound, ld = capacity
        products.withUnsafeMutableBufferPointer { pp in
            av.storage.withUnsafeBufferPointer { ap in
                for (j, row) in range.enumerated() { for i in 0..<n { pp[row * n + i] = ap[i * b + j] } }
            }
        }
        var c = [Double](repeating: 0, count: m * b)
        vectors.withUnsafeBufferPointer { vp in
            products.withUnsafeBufferPointer { pp in
                c.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(.none, .transpose, m: m, n: b, k: n, a: vp.baseAddress!, lda: n,
                              b: pp.baseAddress! + range.lowerBound * n, ldb: n, c: cp.baseAddress!, ldc: b)
                }
            }
        }
        let m0 = range.lowerBound
        for i in 0..<m {
            for j in 0..<b {
                let col = m0 + j
                if i < m0 {
                    projection[i * ld + col] = c[i * b + j]
                    projection[col * ld + i] = c[i * b + j]
                } else {
                    // Symmetrise the new diagonal block: (Vᵢᵀ A vⱼ + Vⱼᵀ A vᵢ) / 2.
                    let value = 0.5 * (c[i * b + j] + c[col * b + (i - m0)])
                    projection[i * ld + col] = value
                }
            }
        }
    }

    /// H restricted to the current basis, as a dense count × count matrix.
    var projectedMatrix: Matrix {
        var h = Matrix(rows: count, cols: count)
        for i in 0..<count { for j in 0..<count { h.storage[i * count + j] = projection[i * capacity + j] } }
        return h
    }

    /// Sᵀ·V and Sᵀ·(A·V) for the first `w` columns of S (count × count, row-major): Ritz vectors
    /// and their images as rows (w × n each). Two GEMMs, 4·n·count·w flops.
    func ritzRows(_ s: Matrix, columns w: Int) -> (y: [Double], ay: [Double]) {
        var y = [Double](repeating: 0, count: w * n), ay = y
        let m = count
        s.storage.withUnsafeBufferPointer { sp in
            vectors.withUnsafeBufferPointer { vp in
                y.withUnsafeMutableBufferPointer { yp in
                    BLAS.gemm(.transpose, .none, m: w, n: n, k: m, a: sp.baseAddress!, lda: s.cols,
                              b: vp.baseAddress!, ldb: n, c: yp.baseAddress!, ldc: n)
                }
            }
            products.withUnsafeBufferPointer { pp in
                ay.withUnsafeMutableBufferPointer { yp in
                    BLAS.gemm(.transpose, .none, m: w, n: n, k: m, a: sp.baseAddress!, lda: s.cols,
                              b: pp.baseAddress!, ldb: n, c: yp.baseAddress!, ldc: n)
                }
            }
        }
        return (y, ay)
    }

    /// Thick restart: the basis becomes the given Ritz vectors (rows, already orthonormal since
    /// S is orthogonal), their images, and H = diag(θ).
    mutating func restart(y: [Double], ay: [Double], values: [Double]) {
        let keep = values.count
        for i in 0..<(keep * n) { vectors[i] = y[i]; products[i] = ay[i] }
        for i in 0..<(capacity * capacity) { projection[i] = 0 }
        for i in 0..<keep { projection[i * capacity + i] = values[i] }
        count = keep
    }
}
