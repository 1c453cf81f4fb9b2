import LinearAlgebra

/// How a spectrum is computed.
public enum SpectrumMethod: String, Sendable, CaseIterable {
    /// Gram when the kernel is factored; iterative on route operator; direct when dense and small;
    /// iterative when dense and large.
    case auto
    /// Factored kernel: all eigenpairs of G = AᵀA (F×F) once; u_i = A v_i / √λ_i on demand.
    case gram
    /// Dense LAPACK: dsyevr for the top k (recomputed for more); when k is a large fraction of n,
    /// the matrix reduced once (`TridiagonalEigen`) and eigenvectors formed as asked.
    case direct
    /// Matrix-free block iteration on K·V (warm-startable; the route for big dense kernels).
    case iterative
}

/// The largest eigenvalue ratio at one position: λ_{after−1} / λ_{after}, i.e. `after` eigenvalues
/// sit above the cliff.
public struct Cliff: Equatable, Sendable, CustomStringConvertible {
    public let after: Int
    public let ratio: Double
    public init(after: Int, ratio: Double) { self.after = after; self.ratio = ratio }
    public var description: String { String(format: "after %d (×%.3g)", after, ratio) }
}

/// The top eigenpairs of a symmetric kernel, queried incrementally.
///
/// `extend(to:)` grows the set without starting over where the method allows:
/// - gram: G is decomposed once at the first query; more pairs cost one product A v_i each.
/// - direct: for k ≥ n/5 the tridiagonal reduction and every eigenvalue are kept
///   (`TridiagonalEigen`) and more vectors cost 2n² flops each; otherwise dsyevr recomputes the
///   top max(k', 2k) (doubling, so repeated small extensions stay cheap overall).
/// - iterative: the current vectors warm-start the block iteration for k' pairs.
/// Values are descending; vectors are unit columns with the sign fixed so that the entry of
/// largest magnitude is positive (replays reproduce them). An optional ridge (relative to the
/// mean diagonal, as the paper's 1e-8) shifts every eigenvalue and nothing else.
public final class Spectrum {
    public let kernel: EmpiricalNTK
    /// The method actually used (never `.auto`).
    public let method: SpectrumMethod
    /// Ridge shift added to every eigenvalue: ridge · mean(diag K).
    public let shift: Double
    /// Eigenvalues computed so far, descending.
    public private(set) var values: [Double] = []
    /// Eigenvectors so far: dimension × count, column i belongs to values[i].
    public private(set) var vectors: Matrix
    /// Iterative method: residual norms ‖K v − λ v‖ of the last solve; empty otherwise.
    public private(set) var lastResiduals: [Double] = []
    /// Iterative method: ‖K v − λ v‖ / ‖K‖ of the last solve (‖K‖ estimated by the largest |θ|).
    public private(set) var lastRelativeResiduals: [Double] = []
    /// Iterative method: products K·V used so far.
    public private(set) var products = 0
    /// Iterative method: whether Ctrl-C stopped the last solve, leaving only the pairs that had
    /// converged (fewer than asked for; extending again resumes from them).
    public private(set) var interrupted = false
    /// Iterative method: called after every block with the residuals so far.
    public var progress: (IterativeEigenProgress) -> Void = { _ in }
    /// Iterative method: vectors per expansion after the first block (nil = the solver's default,
    /// k + max(8, ⌈k/2⌉), on held kernels; `operatorBlock` on route operator).
    public var block: Int?
    /// The expansion width on route operator: its VJPs loop over the vectors, so a block of b
    /// costs about b single products and narrow expansions reach a higher Krylov degree per
    /// product (measured on the issue-16 transformer: 2.1e-2 after 72 products with 8 against
    /// 5.7e-2 with 24).
    public static let operatorBlock = 8
    /// Eigenvalue tolerance of the iterative method.
    public let tolerance: Double
    /// Polled by the iterative method before every product; returning true stops the solve at a
    /// safe point with `LinearAlgebraError.interrupted` (the spectrum keeps what it had).
    public var shouldStop: () -> Bool = { false }

    private var gramValues: [Double] = []
    private var gramVectors: Matrix?
    /// Direct method: the reduced matrix and every eigenvalue, once k ≥ n/5 was asked for;
    /// eigenvectors are formed from it as asked.
    private var reduction: TridiagonalEigen?
    private let directLimit: Int

    /// Computes the top `count` eigenpairs of `kernel`.
    /// - Parameters:
    ///   - ridge: relative ridge; eigenvalues are shifted by ridge · mean(diag K) (paper: 1e-8).
    ///   - start: warm-start block (dimension × s) for the iterative method, e.g. the previous
    ///     spectrum's vectors when tracking through training.
    ///   - directLimit: dense kernels with side above this use the iterative method under `.auto`.
    ///   - shouldStop: polled before every iterative product (Ctrl-C); see `shouldStop`.
    ///   - progress: called after every block of the iterative method with its residuals.
    public init(kernel: EmpiricalNTK, count: Int, method: SpectrumMethod = .auto, ridge: Double = 0,
                start: Matrix? = nil, tolerance: Double = 1e-10, directLimit: Int = 4000, block: Int? = nil,
                shouldStop: @escaping () -> Bool = { false },
                progress: @escaping (IterativeEigenProgress) -> Void = { _ in }) throws {
        guard kernel.view.isSymmetric else {
            throw KernelError.invalidArgument("the \(kernel.view) view is not symmetric; eigenpairs need a symmetric kernel (take c1 = c2)")
        }
        self.kernel = kernel
        self.tolerance = tolerance
        self.directLimit = directLimit
        self.shouldStop = shouldStop
        self.progress = progress
        self.block = block ?? (kernel.isOperator ? Self.operatorBlock : nil)
        switch method {
        case .auto:
            if kernel.isFactored { self.method = .gram }
            else if kernel.isOperator { self.method = .iterative }
            else { self.method = kernel.dimension > directLimit ? .iterative : .direct }
        case .gram:
            guard kernel.isFactored else {
                throw KernelError.routeUnavailable(route: "gram", reason: "the kernel was computed densely (route \(kernel.route.rawValue)); use direct or iterative")
            }
            self.method = .gram
        default:
            self.method = method
        }
        if ridge == 0 {
            self.shift = 0
        } else {
            let diag = try kernel.diagonal
            self.shift = ridge * diag.reduce(0, +) / Double(diag.count)
        }
        self.vectors = Matrix(rows: kernel.dimension, cols: 0)
        try extend(to: count, start: start)
    }

    /// Number of eigenpairs held.
    public var count: Int { values.count }

    /// Most eigenpairs this spectrum can hold: the rank bound for gram, n otherwise.
    public var capacity: Int {
        method == .gram ? gramValues.count : kernel.dimension
    }

    /// Makes at least `k` eigenpairs available (capped at `capacity`), reusing earlier work.
    public func extend(to k: Int, start: Matrix? = nil) throws {
        guard k >= 1 else { throw KernelError.invalidArgument("eigenpair count must be at least 1, got \(k)") }
        let n = kernel.dimension
        if method == .gram && gramVectors == nil { try decomposeGram() }
        let want = min(k, method == .gram ? gramValues.count : n)
        guard want > count else { return }
        switch method {
        case .gram:
            // u_i = A v_i / √λ_i: normalising the columns divides by √λ_i and absorbs roundoff.
            let u = try kernel.factor!.times(columns(gramVectors!, count..<want))
            append(values: Array(gramValues[count..<want]), vectors: normalised(u))
        case .direct:
            if let reduction {
                let more = try reduction.pairs(count..<want)
                append(values: more.values, vectors: more.vectors)
                return
            }
            let k2 = min(n, max(want, 2 * count))
            let dense = try kernel.matrix()
            // Measured at n = 841 (LAPACK alone): dsyevr(200) 0.105 s, dsyevd (all) 0.073–0.088 s,
            // the reduction with 200 vectors 0.058–0.070 s, dsyevr(20) 0.038 s.
            if 5 * k2 < n {
                let pairs = try SymmetricEigen.top(dense, count: k2)
                replace(values: pairs.values, vectors: pairs.vectors)
                return
            }
            let reduced = try TridiagonalEigen(dense)
            reduction = reduced
            let pairs = try reduced.pairs(0..<want)
            replace(values: pairs.values, vectors: pairs.vectors)
        case .iterative, .auto:
            let warm = start ?? (count > 0 ? vectors : nil)
            let result = try IterativeEigen.top(count: want, dimension: n, start: warm, tolerance: tolerance, block: block,
                                                keepConverged: true, shouldStop: shouldStop, progress: progress) { block in
                try self.kernel.apply(block)
            }
            products += result.products
            interrupted = result.interrupted
            // Ctrl-C keeps the converged pairs only when they add to what is held.
            guard !result.interrupted || result.pairs.values.count > count else { return }
            lastResiduals = result.residuals
            lastRelativeResiduals = result.relativeResiduals
            replace(values: result.pairs.values, vectors: result.pairs.vectors)
        }
    }

    /// The top `k` eigenpairs (extending first when needed).
    public func top(_ k: Int) throws -> (values: [Double], vectors: Matrix) {
        try extend(to: k)
        let m = min(k, count)
        return (Array(values[0..<m]), columns(vectors, 0..<m))
    }

    /// Eigenvector i (length = kernel dimension, unit norm).
    public func vector(_ i: Int) throws -> [Double] {
        if i >= count { try extend(to: i + 1) }
        guard (0..<count).contains(i) else {
            throw KernelError.invalidArgument("eigenvector \(i) is beyond the \(count) available (rank bound \(capacity))")
        }
        return vectors.column(i)
    }

    /// Eigenvector i of a flat kernel as an N×C matrix: [n, c] = v[c·N + n].
    public func grid(_ i: Int) throws -> Matrix {
        guard kernel.view == .flat else {
            throw KernelError.invalidArgument("only flat-view eigenvectors reshape to samples × outputs (this is \(kernel.view))")
        }
        let v = try vector(i)
        let n = kernel.samples, c = kernel.outputs
        var g = Matrix(rows: n, cols: c)
        for ci in 0..<c { for s in 0..<n { g[s, ci] = v[ci * n + s] } }
        return g
    }

    /// The `limit` largest consecutive ratios λ_i/λ_{i+1} among the computed values, largest
    /// first, skipping the near-zero tail (λ_{i+1} ≤ floor · λ_0).
    public func cliffs(limit: Int = 3, floor: Double = 1e-8) -> [Cliff] {
        Kernels.cliffs(of: values, limit: limit, floor: floor)
    }

    /// Number of computed eigenvalues above tolerance · λ_0. Exact for the gram method (all
    /// eigenvalues of G are known); otherwise a lower bound when every computed value passes.
    public func numericalRank(tolerance tol: Double = 1e-10) -> Int {
        let all = method == .gram ? gramValues.map { $0 + shift } : values
        guard let top = all.first, top > 0 else { return 0 }
        return all.filter { $0 > tol * top }.count
    }

    /// ‖K v_i − λ_i v_i‖ for every held pair (one product K·V).
    public func residualNorms() throws -> [Double] {
        let kv = try kernel.apply(vectors)
        return (0..<count).map { j in
            var s = 0.0
            for i in 0..<kv.rows { let d = kv[i, j] - (values[j] - shift) * vectors[i, j]; s += d * d }
            return s.squareRoot()
        }
    }

    private func decomposeGram() throws {
        guard let g = try kernel.factor?.gram() else { return }
        let pairs = try SymmetricEigen.all(g)
        let top = pairs.values.first ?? 0
        // Beyond the rank, u_i = A v_i/√λ_i is noise: keep eigenvalues clearly above roundoff.
        let floor = max(top * 1e-13 * Double(max(g.rows, 1)), .leastNormalMagnitude)
        let kept = pairs.values.prefix { $0 > floor }.count
        gramValues = Array(pairs.values[0..<kept])
        gramVectors = columns(pairs.vectors, 0..<kept)
    }

    private func append(values newValues: [Double], vectors newVectors: Matrix) {
        let old = vectors
        var merged = Matrix(rows: old.rows, cols: old.cols + newVectors.cols)
        merged.storage.withUnsafeMutableBufferPointer { m in
            old.storage.withUnsafeBufferPointer { o in
                newVectors.storage.withUnsafeBufferPointer { v in
                    for i in 0..<old.rows {
                        let row = m.baseAddress! + i * merged.cols
                        row.update(from: o.baseAddress! + i * old.cols, count: old.cols)
                        (row + old.cols).update(from: v.baseAddress! + i * newVectors.cols, count: newVectors.cols)
                    }
                }
            }
        }
        values += newValues.map { $0 + shift }
        vectors = fixSigns(merged)
    }

    private func replace(values newValues: [Double], vectors newVectors: Matrix) {
        values = newValues.map { $0 + shift }
        vectors = fixSigns(newVectors)
    }
}

/// The `limit` largest consecutive ratios λ_i/λ_{i+1} of descending `values`, largest first
/// (ties by position), skipping the near-zero tail where λ_{i+1} ≤ floor · λ_0.
public func cliffs(of values: [Double], limit: Int = 3, floor: Double = 1e-8) -> [Cliff] {
    guard let top = values.first, top > 0, values.count > 1 else { return [] }
    var out: [Cliff] = []
    for i in 0..<(values.count - 1) where values[i + 1] > floor * top {
        out.append(Cliff(after: i + 1, ratio: values[i] / values[i + 1]))
    }
    return Array(out.sorted { $0.ratio > $1.ratio || ($0.ratio == $1.ratio && $0.after < $1.after) }.prefix(limit))
}

/// Columns `range` of `m`.
func columns(_ m: Matrix, _ range: Range<Int>) -> Matrix {
    var out = Matrix(rows: m.rows, cols: range.count)
    m.storage.withUnsafeBufferPointer { src in
        out.storage.withUnsafeMutableBufferPointer { dst in
            for i in 0..<m.rows {
                (dst.baseAddress! + i * range.count).update(from: src.baseAddress! + i * m.cols + range.lowerBound, count: range.count)
            }
        }
    }
    return out
}

/// Each column divided by its L2 norm (zero columns left alone), in row-major passes.
func normalised(_ m: Matrix) -> Matrix {
    var out = m
    let rows = m.rows, cols = m.cols
    var scale = [Double](repeating: 0, count: cols)
    out.storage.withUnsafeMutableBufferPointer { p in
        scale.withUnsafeMutableBufferPointer { s in
            for i in 0..<rows { for j in 0..<cols { s[j] += p[i * cols + j] * p[i * cols + j] } }
            for j in 0..<cols { s[j] = s[j] > 0 ? 1 / s[j].squareRoot() : 1 }
            for i in 0..<rows { for j in 0..<cols { p[i * cols + j] *= s[j] } }
        }
    }
    return out
}

/// Flips each column so that its entry of largest magnitude (the first such, within a relative
/// 1e-12) is positive, in row-major passes.
func fixSigns(_ m: Matrix) -> Matrix {
    var out = m
    let rows = m.rows, cols = m.cols
    var best = [Double](repeating: 0, count: cols)
    out.storage.withUnsafeMutableBufferPointer { p in
        best.withUnsafeMutableBufferPointer { b in
            for i in 0..<rows {
                for j in 0..<cols {
                    let v = p[i * cols + j]
                    if abs(v) > abs(b[j]) + 1e-12 * abs(b[j]) { b[j] = v }
                }
            }
            guard b.contains(where: { $0 < 0 }) else { return }
            for i in 0..<rows { for j in 0..<cols where b[j] < 0 { p[i * cols + j] = -p[i * cols + j] } }
        }
    }
    return out
}
