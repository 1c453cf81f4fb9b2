/// The outcome of a matrix-free eigen solve.
public struct IterativeEigenResult: Equatable, Sendable {
    /// The top-k eigenpairs found, descending (vectors n × k, column i pairs with values[i]).
    public var pairs: EigenPairs
    /// ‖A·v_i − λ_i·v_i‖₂ for each pair, from the stored products A·V (no extra operator calls).
    public var residuals: [Double]
    /// Block expansions of the Krylov basis after the starting block (0 when the starting block
    /// already converged, and on the dense route).
    public var iterations: Int
    /// Operator applications counted in vectors: the sum of the column counts of every block
    /// passed to `apply` (n on the dense route).
    public var products: Int
    /// ‖A·v_i − λ_i·v_i‖ / ‖A‖ for each pair, with ‖A‖ estimated by max|θ| (see the convergence test).
    public var relativeResiduals: [Double]
    /// Whether Ctrl-C stopped the solve: `pairs` then holds only the leading pairs that had
    /// converged at the last block boundary (possibly fewer than asked for).
    public var interrupted: Bool

    public init(pairs: EigenPairs, residuals: [Double], iterations: Int, products: Int,
                relativeResiduals: [Double]? = nil, interrupted: Bool = false) {
        self.pairs = pairs; self.residuals = residuals; self.iterations = iterations; self.products = products
        let scale = pairs.values.map(abs).max() ?? 0
        self.relativeResiduals = relativeResiduals ?? residuals.map { scale > 0 ? $0 / scale : $0 }
        self.interrupted = interrupted
    }
}

/// Where a block iteration stands, reported after every Rayleigh–Ritz step.
public struct IterativeEigenProgress: Equatable, Sendable {
    /// Block expansions so far.
    public var iteration: Int
    /// Operator products so far, in vectors.
    public var products: Int
    /// ‖A·y_i − θ_i·y_i‖ / max|θ| of the k wanted Ritz pairs.
    public var relativeResiduals: [Double]
    /// How many leading pairs meet the tolerance.
    public var converged: Int
}

/// Top-k eigenpairs of a symmetric operator known only through block products V ↦ A·V.
///
/// **Algorithm: thick-restart block Lanczos with full reorthogonalisation**, in its Davidson-style
/// form. The basis V grows by one block of b vectors per iteration; the new block is the residual
/// block R = A·Y − Y·Θ of the current top-b Ritz pairs (Y = V·S from H = Vᵀ·A·V = S·Θ·Sᵀ), which
/// spans the same space modulo V as the next block-Lanczos block A·V_j, orthogonalised against all
/// of V twice (CGS2) rather than by the three-term recurrence, so orthogonality never decays.
/// When V is full (capacity = keep + 2b, keep = max(2b, 64)) it is restarted with its top `keep`
/// Ritz vectors (H becomes diag(Θ) and A·V is kept, so a restart costs no operator products).
///
/// **Why not LOBPCG**: LOBPCG's 3-block Rayleigh–Ritz loses orthogonality near 1e-8 residuals and
/// needs careful basis pruning to reach the 1e-10 asked for here; block Lanczos with explicit
/// reorthogonalisation reaches it routinely, and a warm start enters it the same way (as the
/// starting block).
///
/// **Clusters**: a block method captures an exactly degenerate eigenvalue with at most b copies
/// per block, and resolves a cluster of nearly equal eigenvalues quickly only when the whole
/// cluster fits in the basis; eNTK spectra have plateaus of 40–56 such values followed by cliffs.
/// Hence b = k + max(8, ⌈k/2⌉) (every wanted direction represented from the first product, each
/// product an n × b GEMM-friendly block) and keep ≥ 64, so a plateau survives restarts even when
/// k cuts through it. Measured on a J·Jᵀ with a plateau of 40 (cos/sin pairs exactly degenerate)
/// at n = 600: k = 2 (cutting the plateau) 110 products, k = 20 120, k = 41 186.
///
/// **Narrow expansions**: t = k + max(8, ⌈k/2⌉) pairs are watched (the first block holds t
/// vectors); `block` b ≤ t sets how many residuals each later expansion adds (the first b
/// watched pairs not yet converged). b = t is plain block Lanczos; a smaller b raises the Krylov
/// degree reached per product, which pays when a product of b vectors costs about b single
/// products anyway (the eNTK operator route, whose VJPs loop over the vectors), while a dense
/// GEMM operator prefers b = t.
///
/// **Dense fallback**: when n ≤ 2·capacity (which includes n ≤ 2(k + b) and every k close to n)
/// the operator is applied to the identity in blocks of t columns, symmetrised as (A + Aᵀ)/2 and
/// handed to `SymmetricEigen.top` (dsyevr): there the Krylov basis would span a large part of Rⁿ
/// anyway and n products cost no more than a few cycles. `iterations` is 0 and `products` n.
///
/// **Convergence**: every pair i < k must satisfy ‖A·y_i − θ_i·y_i‖ ≤ tolerance · max|θ| (max|θ|
/// estimates ‖A‖₂ from below; for PSD kernels it is θ_0). With 1e-10 the eigenvalues are accurate
/// to about r²/gap and the vectors to r/gap.
///
/// **Soft locking**: the next block holds the residuals of the Ritz pairs that have not yet
/// converged (the wanted ones above the tolerance, and every guard pair k..<b), so each
/// converged pair saves one product per block from then on; the converged vectors stay in the
/// basis and keep being refined by the Rayleigh–Ritz step.
///
/// **Cost per iteration**: at most b operator products, plus 2·n·m·b (H update) + 4·n·m·b (Ritz vectors) +
/// 2·n·m·b (orthogonalisation) flops and a dense m × m eigensolve, m ≤ capacity. Memory
/// 2·n·capacity doubles (V and A·V).
///
/// **Safe points**: `shouldStop` is polled before every operator application; when it returns
/// true (or `apply` itself throws `.interrupted`) the solve throws
/// `.interrupted(routine: "the iterative eigen solve")`, or, with `keepConverged`, returns the
/// leading pairs that had converged at the last block boundary with `interrupted` set (and
/// throws only when none had). `progress` receives the residuals after every block.
public enum IterativeEigen {
    /// The k largest eigenpairs of the symmetric n×n operator `apply` (V ↦ A·V for n × b blocks).
    ///
    /// - Parameters:
    ///   - start: optional n × s warm-start block (e.g. the previous eigenvectors); it seeds the
    ///     first block, which is completed with deterministic pseudo-random vectors. The closer it
    ///     spans the wanted eigenvectors, the fewer products.
    ///   - tolerance: relative residual bound (see the type's doc), > 0.
    ///   - maxIterations: block expansions allowed before `.noConvergence`, whose detail carries the
    ///     largest relative residual reached.
    ///   - block: vectors per product (nil = k + max(8, ⌈k/2⌉)); larger blocks make each product
    ///     a wider GEMM and usually need fewer blocks.
    ///   - keepConverged: on Ctrl-C, return the converged leading pairs instead of throwing.
    ///   - progress: called after every Rayleigh–Ritz step with the residuals so far.
    /// - Throws: `.invalidRequest` (k ∉ 1…n, bad tolerance), `.shapeMismatch` (start or operator
    ///   output of the wrong shape), `.nonFiniteInput` (NaN/∞ in start or operator output),
    ///   `.interrupted`, `.noConvergence`, and whatever `apply` throws.
    public static func top(count k: Int, dimension n: Int, start: Matrix? = nil,
                           tolerance: Double = 1e-10, maxIterations: Int = 500, block: Int? = nil,
                           keepConverged: Bool = false,
                           shouldStop: () -> Bool = { false },
                           progress: (IterativeEigenProgress) -> Void = { _ in },
                           apply: (Matrix) throws -> Matrix) throws -> IterativeEigenResult {
        let routine = "IterativeEigen.top"
        guard n >= 1, k >= 1, k <= n else {
            throw LinearAlgebraError.invalidRequest("\(routine): count \(k) must be between 1 and the dimension \(n)")
        }
        guard tolerance > 0, tolerance.isFinite, maxIterations >= 0 else {
            throw LinearAlgebraError.invalidRequest(
                "\(routine): tolerance \(tolerance) must be positive and maxIterations \(maxIterations) non-negative")
        }
        if let start {
            guard start.rows == n else {
                throw LinearAlgebraError.shapeMismatch("\(routine): start is \(start.rows)×\(start.cols), expected \(n) rows")
            }
            try start.requireFinite(routine)
        }
        if let block, block < 1 { throw LinearAlgebraError.invalidRequest("\(routine): block \(block) must be positive") }
        // t: the pairs watched (k wanted and their guards); b: vectors per expansion.
        var t = min(n, k + max(8, (k + 1) / 2))
        if let s = start?.cols { t = min(n, max(t, s)) }
        let b = min(t, block ?? t)

        var products = 0
        func checkedApply(_ block: Matrix) throws -> Matrix {
            if shouldStop() { throw LinearAlgebraError.interrupted(routine: "the iterative eigen solve") }
            let out = try apply(block)
            guard out.rows == block.rows, out.cols == block.cols else {
                throw LinearAlgebraError.shapeMismatch(
                    "\(routine): operator returned \(out.rows)×\(out.cols) for a \(block.rows)×\(block.cols) block")
            }
            try out.requireFinite("\(routine) (operator output)")
            products += block.cols
            return out
        }
        func productCount() -> Int { products }

        let capacity = basisSizes(block: b, watched: t).capacity
        if n <= 2 * capacity {
            // The n×n matrix of the operator, and its k eigenvectors twice (LAPACK's and the product).
            try AllocationBudget.reserve([n, n + 2 * k], for: "the \(n)×\(n) matrix the iterative solver forms for k = \(k)")
            return try dense(count: k, dimension: n, block: t, apply: checkedApply, products: productCount)
        }
        try AllocationBudget.reserve([n, capacity + 3 * t], for: "the Krylov basis of \(capacity) vectors of length \(n)")
        return try krylov(count: k, dimension: n, block: b, watched: t, start: start, tolerance: tolerance,
                          maxIterations: maxIterations, keepConverged: keepConverged, progress: progress,
                          apply: checkedApply, products: productCount)
    }

    /// Basis capacity and the number of Ritz vectors a thick restart keeps, for expansions of b
    /// vectors watching t pairs: keep = max(2b, t, 64) so that a plateau of up to 64 nearly equal
    /// eigenvalues survives restarts even when k and b are small; capacity = keep + 2b (two block
    /// expansions per cycle), and at least 2t so the first block of t fits beside a restart.
    static func basisSizes(block b: Int, watched t: Int) -> (capacity: Int, keep: Int) {
        let keep = max(2 * b, t, 64)
        return (max(keep + 2 * b, 2 * t), keep)
    }

    /// The block Lanczos iteration described on the type.
    private static func krylov(count k: Int, dimension n: Int, block b: Int, watched t: Int, start: Matrix?,
                               tolerance: Double, maxIterations: Int, keepConverged: Bool,
                               progress: (IterativeEigenProgress) -> Void,
                               apply: (Matrix) throws -> Matrix, products: () -> Int) throws -> IterativeEigenResult {
        let (capacity, keep) = basisSizes(block: b, watched: t)
        // The converged leading pairs of the last Rayleigh–Ritz step: what Ctrl-C keeps.
        var kept: IterativeEigenResult?
        func interruptible(_ block: Matrix) throws -> Matrix {
            do { return try apply(block) } catch LinearAlgebraError.interrupted(let routine) {
                guard keepConverged, var partial = kept else { throw LinearAlgebraError.interrupted(routine: routine) }
                partial.products = products()
                partial.interrupted = true
                throw PartialResult(result: partial)
            }
        }
        var basis = KrylovBasis(n: n, capacity: capacity)

        // Starting block (t vectors, one per watched pair): the warm start's columns as rows,
        // completed with fill vectors.
        var first = [Double](); first.reserveCapacity(t * n)
        if let start { first += start.transposed.storage.prefix(min(start.cols, t) * n) }
        while first.count < t * n { first += basis.fillVector() }
        basis.appendOrthonormal(first, rows: t)
        basis.setProducts(try apply(basis.block(0..<t)), for: 0..<t)

        var iterations = 0
        do {
            while true {
                let m = basis.count
                let ritz = try SymmetricEigen.all(basis.projectedMatrix)
                let restarting = m + b > capacity
                let w = restarting ? keep : t
                let (y, ay) = basis.ritzRows(ritz.vectors, columns: w)
                var residual = [Double](repeating: 0, count: t * n)
                var norms = [Double](repeating: 0, count: t)
                for i in 0..<t {
                    var sum = 0.0
                    for j in 0..<n {
                        let r = ay[i * n + j] - ritz.values[i] * y[i * n + j]
                        residual[i * n + j] = r
                        sum += r * r
                    }
                    norms[i] = sum.squareRoot()
                }
                let scale = ritz.values.map(abs).max() ?? 0
                let worst = norms.prefix(k).max() ?? 0
                let relative = norms.prefix(k).map { scale > 0 ? $0 / scale : $0 }
                let converged = relative.prefix { $0 <= tolerance }.count
                progress(IterativeEigenProgress(iteration: iterations, products: products(), relativeResiduals: relative, converged: converged))
                func result(_ count: Int) -> IterativeEigenResult {
                    var vectors = Matrix(rows: n, cols: count)
                    for i in 0..<count { for j in 0..<n { vectors.storage[j * count + i] = y[i * n + j] } }
                    return IterativeEigenResult(pairs: EigenPairs(values: Array(ritz.values.prefix(count)), vectors: vectors),
                                                residuals: Array(norms.prefix(count)), iterations: iterations,
                                                products: products(), relativeResiduals: Array(relative.prefix(count)))
                }
                if worst <= tolerance * scale { return result(k) }
                if keepConverged && converged > 0 && converged != kept?.pairs.values.count { kept = result(converged) }
                guard iterations < maxIterations else {
                    let relative = scale > 0 ? worst / scale : worst
                    throw LinearAlgebraError.noConvergence(
                        routine: "IterativeEigen.top",
                        detail: "largest relative residual \(relative) after \(iterations) iterations, tolerance \(tolerance)")
                }
                if restarting { basis.restart(y: y, ay: ay, values: Array(ritz.values.prefix(keep))) }
                // Soft locking: a wanted pair that has converged adds no direction to the next
                // block (its residual is noise), so the block is the first b watched pairs that
                // have not converged (guards always count), and shrinks when fewer remain.
                let active = Array((0..<t).filter { $0 >= k || relative[$0] > tolerance }.prefix(b))
                var next = [Double](); next.reserveCapacity(active.count * n)
                for i in active { next += residual[(i * n)..<((i + 1) * n)] }
                let m0 = basis.count, width = active.count
                basis.appendOrthonormal(next, rows: width)
                basis.setProducts(try interruptible(basis.block(m0..<(m0 + width))), for: m0..<(m0 + width))
                iterations += 1
            }
        } catch let partial as PartialResult {
            return partial.result
        }
    }

    /// Carries the converged pairs out of the iteration when Ctrl-C stops it.
    private struct PartialResult: Error { let result: IterativeEigenResult }

    /// Dense route for small n: A from n products with identity blocks, then dsyevr.
    private static func dense(count k: Int, dimension n: Int, block b: Int,
                              apply: (Matrix) throws -> Matrix, products: () -> Int) throws -> IterativeEigenResult {
        var a = Matrix(rows: n, cols: n)
        var j0 = 0
        while j0 < n {
            let width = min(b, n - j0)
            var e = Matrix(rows: n, cols: width)
            for j in 0..<width { e[j0 + j, j] = 1 }
            let column = try apply(e)
            for i in 0..<n { for j in 0..<width { a[i, j0 + j] = column[i, j] } }
            j0 += width
        }
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let mean = 0.5 * (a[i, j] + a[j, i])
                a[i, j] = mean; a[j, i] = mean
            }
        }
        let pairs = try SymmetricEigen.top(a, count: k)
        let av = try a.multiplied(by: pairs.vectors)
        let residuals = (0..<k).map { i in
            (0..<n).reduce(0.0) { s, r in
                let d = av[r, i] - pairs.values[i] * pairs.vectors[r, i]
                return s + d * d
            }.squareRoot()
        }
        return IterativeEigenResult(pairs: pairs, residuals: residuals, iterations: 0, products: products())
    }
}
