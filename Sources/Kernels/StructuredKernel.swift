import LinearAlgebra
import Networks

/// Closed forms for the layer kernels of any two-layer perceptron without biases, a stack of
/// `DenseLayer` (scale s) → `ActivationLayer` → `DenseLayer` (scale α): the modular MLP, with
/// s = 1/√(2p) and α = 1/H, is one (SCIENCE.md §1). With z = s·W1 x (N×H), a = σ(z) (z² in the
/// paper), out = α W2 a and output scales s_c (importance rescaling):
///
///     K_W2 = κ_view · α² · A Aᵀ
///     K_W1 = s²α² · (X Xᵀ) ∘ (Σ' diag(w) Σ'ᵀ),   Σ'[n, h] = σ′(z_h(x_n))  (= 2z for z²)
///
/// with, per view, w_h = (1/C) Σ_c s_c² W2[c,h]² (trace), ((1/C) Σ_c s_c W2[c,h])² (mean),
/// s_c1 s_c2 W2[c1,h] W2[c2,h] (pair), and κ = (1/C) Σ_c s_c² (trace), (1/C²) Σ_c s_c² (mean),
/// [c1 = c2] s_c1² (pair); for σ = z² and the trace view this is SCIENCE.md's
/// (4s²/(C H²)) (x·x') Σ_h (Σ_c W2[c,h]²) z_h z'_h.
///
/// When X is sparse, as the one-hot (a, b) inputs are (x·x' = [a = a'] + [b = b']), K_W1 is a sum
/// over input columns j of blocks on the rows R_j where x_j ≠ 0:
///
///     K_W1[R_j, R_j] += (s²/H²) · (x_j ∘ Σ'diag(w))[R_j] · (x_j ∘ Σ')[R_j]ᵀ
///
/// Cost: K_W2 is N²·H flops (one triangle); K_W1 is Σ_j 2|R_j|²·H by blocks (p = 113: 3 GFLOP)
/// or N²·(H + 2p) densely (100 GFLOP), whichever is less; a Jacobian would have N·C·P entries.
/// The flat view has no closed form here (it is N·C wide; use gram or jacobian).
enum StructuredKernel {
    /// The two weights as the closed forms need them.
    struct Weights {
        let w1: Matrix      // H × inputSize
        let w2: Matrix      // C × H
        let inputScale: Double
        let outputScale: Double
        let activation: Activation
        let w1Group: String
        let w2Group: String
    }

    /// The weights when the model's layers are dense (no bias, stored as used, two distinct
    /// groups) → activation → dense; nil for any other stack.
    static func weights(_ model: any DifferentiableModel) -> Weights? {
        let layers = model.layerStack.layers
        guard layers.count == 3, let first = layers[0] as? DenseLayer, let act = layers[1] as? ActivationLayer,
              let second = layers[2] as? DenseLayer, first.bias == nil, second.bias == nil,
              !first.transposed, !second.transposed, first.weight.group != second.weight.group,
              model.inputSize == first.inputWidth else { return nil }
        func matrix(_ d: DenseLayer) -> Matrix {
            let o = d.weight.offset
            return Matrix(rows: d.outputWidth, cols: d.inputWidth, storage: Array(model.parameters[o..<(o + d.outputWidth * d.inputWidth)]))
        }
        return Weights(w1: matrix(first), w2: matrix(second), inputScale: first.scale, outputScale: second.scale,
                       activation: act.activation, w1Group: first.weight.name, w2Group: second.weight.name)
    }

    /// Why the structured route cannot serve this request (nil = it can).
    static func unsupportedReason(model: any DifferentiableModel, options: KernelOptions) -> String? {
        if options.outputs != nil || options.metric != nil { return "the closed forms are for the model's own outputs, without outputs: or metric:" }
        guard let w = weights(model) else {
            return "closed forms exist only for two-layer perceptrons without biases (dense → activation → dense; this \(model.kind) model is not one)"
        }
        if options.view == .flat { return "the flat view has no closed form; use route gram or jacobian" }
        if let groups = options.groups, !groups.allSatisfy({ $0 == w.w1Group || $0 == w.w2Group }) {
            return "closed forms cover the groups \(w.w1Group) and \(w.w2Group) only"
        }
        return nil
    }

    /// Working memory besides the N×N result: Z, A, S, S·diag(w) and two row tiles (bounded by N²).
    static func workBytes(model: any DifferentiableModel, samples n: Int) -> Int {
        guard let w = weights(model) else { return 0 }
        return 4 * MemoryBudget.matrixBytes(n, w.w1.rows) + MemoryBudget.matrixBytes(n, n)
    }
}

/// A modular-MLP kernel in one view, held as its closed-form ingredients (`StructuredKernel`):
///
///     K = A Aᵀ + c · (X Xᵀ) ∘ (L Rᵀ)
///
/// with A = α·σ(z)·√κ (nil when W2 is unselected or κ = 0), L = σ′(z)·diag(w), R = σ′(z) and
/// c = s²α² (L, R nil when W1 is unselected). It holds O(N·H) numbers; products K·V, entries,
/// blocks and the diagonal come from them, and the N×N matrix is formed on first request and kept.
/// For one-hot X a product costs 4·N·H·b (A) + Σ_j 4|R_j|·H·b (the W1 blocks) flops, about a
/// quarter of a dense 2N²b GEMM at p = 113, width 512.
final class StructuredOperator {
    let a: Matrix?
    let left: Matrix?
    let right: Matrix?
    let coefficient: Double
    let x: Matrix
    /// X's nonzeros by column; nil when X is dense enough that the N×N W1 factor is cheaper.
    let columns: SparseColumns?
    var dimension: Int { x.rows }
    private var dense: Matrix?

    init(model: any DifferentiableModel, inputs x: Matrix, options: KernelOptions, scales: [Double]) throws {
        guard let wts = StructuredKernel.weights(model) else {
            throw KernelError.routeUnavailable(route: "structured", reason: StructuredKernel.unsupportedReason(model: model, options: options) ?? "")
        }
        let n = x.rows, h = wts.w1.rows, c = wts.w2.rows, d = x.cols
        let alpha = wts.outputScale
        let z = try x.multiplied(by: wts.w1, .none, .transpose, alpha: wts.inputScale)   // N × H
        let useW1 = options.groups?.contains(wts.w1Group) ?? true
        let useW2 = options.groups?.contains(wts.w2Group) ?? true

        var kappa = 0.0
        switch options.view {
        case .trace: kappa = scales.map { $0 * $0 }.reduce(0, +) / Double(c)
        case .mean: kappa = scales.map { $0 * $0 }.reduce(0, +) / Double(c * c)
        case .pair(let c1, let c2): kappa = c1 == c2 ? scales[c1] * scales[c1] : 0
        case .flat: break
        }
        var w = [Double](repeating: 0, count: h)
        for hi in 0..<h {
            switch options.view {
            case .trace: w[hi] = (0..<c).reduce(0) { $0 + pow(scales[$1] * wts.w2[$1, hi], 2) } / Double(c)
            case .mean: w[hi] = pow((0..<c).reduce(0) { $0 + scales[$1] * wts.w2[$1, hi] } / Double(c), 2)
            case .pair(let c1, let c2): w[hi] = scales[c1] * scales[c2] * wts.w2[c1, hi] * wts.w2[c2, hi]
            case .flat: break
            }
        }
        let root = (kappa * alpha * alpha).squareRoot()
        a = useW2 && kappa != 0 ? Matrix(rows: n, cols: h, storage: z.storage.map { wts.activation.value($0) * root }) : nil
        if useW1 {
            let s = Matrix(rows: n, cols: h, storage: z.storage.map { wts.activation.derivative($0) })
            var sw = s
            for i in 0..<n { for hi in 0..<h { sw.storage[i * h + hi] *= w[hi] } }
            left = sw; right = s
            let sparse = SparseColumns(x)
            columns = sparse.blockFlops(width: h) < Double(n) * Double(n) * Double(d + h) ? sparse : nil
        } else {
            left = nil; right = nil; columns = nil
        }
        coefficient = wts.inputScale * wts.inputScale * (alpha * alpha)
        self.x = x
    }

    /// Bytes held: the factors, and the N×N matrix once formed.
    var heldBytes: Int {
        [a, left, right, x, dense].reduce(0) { $0 + ($1.map { MemoryBudget.matrixBytes($0.rows, $0.cols) } ?? 0) }
    }

    /// The N×N matrix, formed on the first call (row tiles of the upper triangle: A Aᵀ by one
    /// GEMM per tile and, for dense X, the W1 term by two GEMMs and a Hadamard product; then a
    /// cache-blocked transpose fills the lower triangle and, for sparse X, the W1 blocks are added).
    func matrix() throws -> Matrix {
        if let dense { return dense }
        let n = x.rows, d = x.cols
        var k = Matrix(rows: n, cols: n)
        let tile = 256
        let h = (a ?? left)?.cols ?? 0
        let denseW1 = left != nil && columns == nil
        var t1 = [Double](repeating: 0, count: denseW1 ? tile * n : 0), t2 = t1
        k.storage.withUnsafeMutableBufferPointer { kp in
            var i0 = 0
            while i0 < n {
                let rows = min(tile, n - i0), cols = n - i0
                let kTile = kp.baseAddress! + i0 * n + i0
                if let a {
                    a.storage.withUnsafeBufferPointer { ap in
                        BLAS.gemm(.none, .transpose, m: rows, n: cols, k: h, a: ap.baseAddress! + i0 * h, lda: h,
                                  b: ap.baseAddress! + i0 * h, ldb: h, c: kTile, ldc: n)
                    }
                }
                if denseW1, let left, let right {
                    x.storage.withUnsafeBufferPointer { xp in
                    left.storage.withUnsafeBufferPointer { lp in
                    right.storage.withUnsafeBufferPointer { rp in
                    t1.withUnsafeMutableBufferPointer { t1p in
                    t2.withUnsafeMutableBufferPointer { t2p in
                        BLAS.gemm(.none, .transpose, m: rows, n: cols, k: d, a: xp.baseAddress! + i0 * d, lda: d,
                                  b: xp.baseAddress! + i0 * d, ldb: d, c: t1p.baseAddress!, ldc: cols)
                        BLAS.gemm(.none, .transpose, m: rows, n: cols, k: h, a: lp.baseAddress! + i0 * h, lda: h,
                                  b: rp.baseAddress! + i0 * h, ldb: h, c: t2p.baseAddress!, ldc: cols)
                        for r in 0..<rows {
                            let krow = kTile + r * n, x1 = t1p.baseAddress! + r * cols, x2 = t2p.baseAddress! + r * cols
                            for q in r..<cols { krow[q] += coefficient * x1[q] * x2[q] }
                        }
                    }}}}}
                }
                i0 += rows
            }
            fillLowerTriangle(kp.baseAddress!, n)
        }
        if let columns, let left, let right { try columns.addBlocks(into: &k, left: left, right: right, scale: coefficient) }
        dense = k
        return k
    }

    /// K·V for an N×b block V: A(AᵀV) plus c·Σ_j diag(x_j) L (Rᵀ diag(x_j) V) over the rows R_j
    /// of each input column, or one GEMM with the N×N matrix when that is cheaper (small N, dense X).
    func apply(_ v: Matrix) throws -> Matrix {
        // The factors pay only where they cost fewer flops per column than the matrix (2N²).
        if dense != nil || productFlops > 2 * Double(dimension) * Double(dimension) { return try matrix().multiplied(by: v) }
        var out = Matrix(rows: dimension, cols: v.cols)
        if let a { out = try a.multiplied(by: try a.multiplied(by: v, .transpose)) }
        if let columns, let left, let right {
            try columns.addProducts(into: &out, left: left, right: right, v: v, scale: coefficient)
        }
        return out
    }

    /// Flops per column of a product from the factors: 4·N·H for A(AᵀV), Σ_j 4|R_j|·H for the
    /// W1 blocks (infinite for dense X, whose W1 term needs the matrix).
    var productFlops: Double {
        var f = a.map { 4 * Double($0.rows) * Double($0.cols) } ?? 0
        if let left {
            guard let columns else { return .infinity }
            f += columns.rows.reduce(0) { $0 + 4 * Double($1.count) * Double(left.cols) }
        }
        return f
    }

    /// K[rows, cols] = A_r A_cᵀ + c · (X_r X_cᵀ) ∘ (L_r R_cᵀ) (from the matrix when it is formed).
    func block(rows: Range<Int>, cols: Range<Int>) throws -> Matrix {
        if let dense {
            var out = Matrix(rows: rows.count, cols: cols.count)
            for (i, r) in rows.enumerated() {
                for (j, c) in cols.enumerated() { out.storage[i * cols.count + j] = dense.storage[r * dense.cols + c] }
            }
            return out
        }
        var out = Matrix(rows: rows.count, cols: cols.count)
        if let a { out = try sliceRows(a, rows).multiplied(by: sliceRows(a, cols), .none, .transpose) }
        if let left, let right {
            let inputs = try sliceRows(x, rows).multiplied(by: sliceRows(x, cols), .none, .transpose)
            let hidden = try sliceRows(left, rows).multiplied(by: sliceRows(right, cols), .none, .transpose)
            for t in 0..<out.storage.count { out.storage[t] += coefficient * inputs.storage[t] * hidden.storage[t] }
        }
        return out
    }

    /// K[i, i] = ‖A_i‖² + c · ‖x_i‖² · (L_i · R_i).
    var diagonal: [Double] {
        (0..<dimension).map { i in
            var value = 0.0
            if let a { for t in 0..<a.cols { value += a.storage[i * a.cols + t] * a.storage[i * a.cols + t] } }
            if let left, let right {
                var xx = 0.0, lr = 0.0
                for t in 0..<x.cols { xx += x.storage[i * x.cols + t] * x.storage[i * x.cols + t] }
                for t in 0..<left.cols { lr += left.storage[i * left.cols + t] * right.storage[i * right.cols + t] }
                value += coefficient * xx * lr
            }
            return value
        }
    }
}

/// The nonzeros of a matrix X (N × d) by column: for column j, the rows R_j where X[·, j] ≠ 0
/// and their values. For the modular MLP's one-hot inputs every column holds p rows.
struct SparseColumns {
    let rows: [[Int]]
    let values: [[Double]]

    init(_ x: Matrix) {
        var rows = [[Int]](repeating: [], count: x.cols), values = [[Double]](repeating: [], count: x.cols)
        for i in 0..<x.rows {
            for j in 0..<x.cols where x.storage[i * x.cols + j] != 0 {
                rows[j].append(i); values[j].append(x.storage[i * x.cols + j])
            }
        }
        self.rows = rows; self.values = values
    }

    /// Flops of `addBlocks` with factors of width `width`: Σ_j 2|R_j|²·width.
    func blockFlops(width: Int) -> Double {
        rows.reduce(0) { $0 + 2 * Double($1.count) * Double($1.count) * Double(width) }
    }

    /// The rows R_j of `m`, each scaled by x_j's value there (|R_j| × m.cols).
    private func gathered(_ m: Matrix, column j: Int) -> Matrix {
        let r = rows[j], width = m.cols
        var out = Matrix(rows: r.count, cols: width)
        for (a, row) in r.enumerated() {
            let v = values[j][a]
            for t in 0..<width { out.storage[a * width + t] = v * m.storage[row * width + t] }
        }
        return out
    }

    /// out += scale · Σ_j diag(x_j) L Rᵀ diag(x_j) V, i.e. out += scale · ((X Xᵀ) ∘ (L Rᵀ)) V,
    /// one pair of GEMMs per column on its rows R_j only.
    func addProducts(into out: inout Matrix, left: Matrix, right: Matrix, v: Matrix, scale: Double) throws {
        let b = v.cols
        for (j, r) in rows.enumerated() where !r.isEmpty {
            let vx = gathered(v, column: j)
            let y = try gathered(left, column: j).multiplied(by: try gathered(right, column: j).multiplied(by: vx, .transpose))
            for (a, row) in r.enumerated() {
                let f = scale * values[j][a]
                for t in 0..<b { out.storage[row * b + t] += f * y.storage[a * b + t] }
            }
        }
    }

    /// K[R_j, R_j] += scale · (x_j ∘ L)[R_j] (x_j ∘ R)[R_j]ᵀ for every column j, i.e.
    /// K += scale · (X Xᵀ) ∘ (L Rᵀ) on the whole matrix (both triangles). L, R are N × width.
    func addBlocks(into k: inout Matrix, left: Matrix, right: Matrix, scale: Double) throws {
        let n = k.cols
        for (j, r) in rows.enumerated() where !r.isEmpty {
            let block = try gathered(left, column: j).multiplied(by: gathered(right, column: j), .none, .transpose)
            k.storage.withUnsafeMutableBufferPointer { kp in
                for (a, i) in r.enumerated() {
                    for (b, i2) in r.enumerated() { kp[i * n + i2] += scale * block.storage[a * r.count + b] }
                }
            }
        }
    }
}

/// Copies the upper triangle of an n×n row-major matrix onto its lower triangle, in 64×64
/// tiles so both the read and the write stay in cache.
func fillLowerTriangle(_ m: UnsafeMutablePointer<Double>, _ n: Int) {
    let b = 64
    var ib = 0
    while ib < n {
        var jb = 0
        while jb <= ib {
            for i in ib..<min(n, ib + b) {
                for j in jb..<min(i, jb + b) { m[i * n + j] = m[j * n + i] }
            }
            jb += b
        }
        ib += b
    }
}

import Foundation
