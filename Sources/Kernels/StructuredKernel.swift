import LinearAlgebra
import Networks

/// Closed forms for the modular MLP's layer kernels (SCIENCE.md §1). With z = s·W1 x (N×H),
/// a = σ(z) (z² in the paper), out = (1/H) W2 a and output scales s_c (importance rescaling):
///
///     K_W2 = κ_view · (1/H²) · A Aᵀ
///     K_W1 = (s²/H²) · (X Xᵀ) ∘ (Σ' diag(w) Σ'ᵀ),   Σ'[n, h] = σ′(z_h(x_n))  (= 2z for z²)
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
    /// The modular MLP's weights as the closed forms need them.
    struct Weights {
        let w1: Matrix      // H × inputSize
        let w2: Matrix      // C × H
        let inputScale: Double
        let activation: Activation
        let w1Group: String
        let w2Group: String
    }

    static func weights(_ model: any DifferentiableModel) -> Weights? {
        guard let m = model as? ModularMLP else { return nil }
        let names = m.groupNames
        guard names.count == 2 else { return nil }
        return Weights(w1: m.w1, w2: m.w2, inputScale: m.inputScale, activation: m.activation,
                       w1Group: names[0], w2Group: names[1])
    }

    /// Why the structured route cannot serve this request (nil = it can).
    static func unsupportedReason(model: any DifferentiableModel, options: KernelOptions) -> String? {
        guard let w = weights(model) else { return "closed forms exist only for the modular MLP (this is a \(model.kind) model)" }
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

    /// The view's kernel, built in row tiles of the upper triangle: for rows [i0, i1) against
    /// columns [i0, n), K_W2 by one GEMM of the activations and (dense X) K_W1 by two GEMMs
    /// (inputs, scaled σ′) and a Hadamard product, so the working memory is two tiles (tile × n),
    /// not three n×n matrices; the lower triangle is filled by a cache-blocked transpose, and for
    /// sparse X the K_W1 blocks are added to both triangles at the end.
    static func matrix(model: any DifferentiableModel, inputs x: Matrix, options: KernelOptions, scales: [Double]) throws -> Matrix {
        guard let wts = weights(model) else {
            throw KernelError.routeUnavailable(route: "structured", reason: unsupportedReason(model: model, options: options) ?? "")
        }
        let n = x.rows, h = wts.w1.rows, c = wts.w2.rows, d = x.cols
        let hh = Double(h)
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
        // A = σ(z)·√(κ/H²); S = σ′(z); left = S·diag(w), right = S (so left·rightᵀ = S diag(w) Sᵀ).
        let a = Matrix(rows: n, cols: h, storage: z.storage.map { wts.activation.value($0) * (kappa / (hh * hh)).squareRoot() })
        let s = Matrix(rows: n, cols: h, storage: z.storage.map { wts.activation.derivative($0) })
        var sw = s
        for i in 0..<n { for hi in 0..<h { sw.storage[i * h + hi] *= w[hi] } }
        let coefficient = wts.inputScale * wts.inputScale / (hh * hh)
        // K_W1 by input-column blocks (after the tiles) when X is sparse enough for them to be cheaper.
        let blocks = useW1 ? SparseColumns(x) : nil
        let useBlocks = blocks.map { $0.blockFlops(width: h) < Double(n) * Double(n) * Double(d + h) } ?? false

        var k = Matrix(rows: n, cols: n)
        let tile = 256
        var t1 = [Double](repeating: 0, count: tile * n), t2 = [Double](repeating: 0, count: tile * n)
        k.storage.withUnsafeMutableBufferPointer { kp in
            a.storage.withUnsafeBufferPointer { ap in
            s.storage.withUnsafeBufferPointer { sp in
            sw.storage.withUnsafeBufferPointer { swp in
            x.storage.withUnsafeBufferPointer { xp in
            t1.withUnsafeMutableBufferPointer { t1p in
            t2.withUnsafeMutableBufferPointer { t2p in
                var i0 = 0
                while i0 < n {
                    let rows = min(tile, n - i0), cols = n - i0
                    let kTile = kp.baseAddress! + i0 * n + i0
                    if useW2 && kappa != 0 {
                        BLAS.gemm(.none, .transpose, m: rows, n: cols, k: h, a: ap.baseAddress! + i0 * h, lda: h,
                                  b: ap.baseAddress! + i0 * h, ldb: h, c: kTile, ldc: n)
                    }
                    if useW1 && !useBlocks {
                        BLAS.gemm(.none, .transpose, m: rows, n: cols, k: d, a: xp.baseAddress! + i0 * d, lda: d,
                                  b: xp.baseAddress! + i0 * d, ldb: d, c: t1p.baseAddress!, ldc: cols)
                        BLAS.gemm(.none, .transpose, m: rows, n: cols, k: h, a: swp.baseAddress! + i0 * h, lda: h,
                                  b: sp.baseAddress! + i0 * h, ldb: h, c: t2p.baseAddress!, ldc: cols)
                        for r in 0..<rows {
                            let krow = kTile + r * n, x1 = t1p.baseAddress! + r * cols, x2 = t2p.baseAddress! + r * cols
                            for q in r..<cols { krow[q] += coefficient * x1[q] * x2[q] }
                        }
                    }
                    i0 += rows
                }
            }}}}}}
            fillLowerTriangle(kp.baseAddress!, n)
        }
        if useBlocks, let blocks { try blocks.addBlocks(into: &k, left: sw, right: s, scale: coefficient) }
        return k
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

    /// K[R_j, R_j] += scale · (x_j ∘ L)[R_j] (x_j ∘ R)[R_j]ᵀ for every column j, i.e.
    /// K += scale · (X Xᵀ) ∘ (L Rᵀ) on the whole matrix (both triangles). L, R are N × width.
    func addBlocks(into k: inout Matrix, left: Matrix, right: Matrix, scale: Double) throws {
        let n = k.cols, width = left.cols
        for (j, r) in rows.enumerated() where !r.isEmpty {
            var l = Matrix(rows: r.count, cols: width), rr = Matrix(rows: r.count, cols: width)
            for (a, row) in r.enumerated() {
                let v = values[j][a]
                for t in 0..<width {
                    l.storage[a * width + t] = v * left.storage[row * width + t]
                    rr.storage[a * width + t] = v * right.storage[row * width + t]
                }
            }
            let block = try l.multiplied(by: rr, .none, .transpose)
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
