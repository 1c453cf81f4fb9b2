import LinearAlgebra
import Networks

/// A dense N×N kernel (the mean view or a diagonal pair) contracted through the layer traces
/// instead of through the Jacobian, for weights used at several positions.
///
/// A dense use with inputs X (row n·T + t, α folded in, a column of ones appended for its bias)
/// and seeded sensitivities S (row (n·m + j)·T + t) has per-seed gradient Σ_t s_{njt} ⊗ x̃_{nt},
/// so its kernel is
///
///     K[n, n'] = Σ_{t,t'} G[(n,t), (n',t')] · H[(n,t), (n',t')],   G = S′S′ᵀ,  H = X̃X̃ᵀ
///
/// with S′ the (N·T) × (m·out) matrix whose row (n, t) holds the m seeds' sensitivities side by
/// side (so G sums the seeds' products, as the views' factor rows do). Uses that touch disjoint
/// blocks of parameters add; uses that also share their inputs (attention heads, q/k/v) share H,
/// their sensitivities side by side in one S′. Cost Σ_uses (N·T)²·(m·out + in + 1) flops (half by symmetry), against
/// N²·P_sel for the Jacobian's Gram: at the paper's transformer W_in (T = 3, in 64, out 256) 6×
/// fewer. Working memory (N·T)² twice per use.
enum TraceKernel {
    /// The kernel when this route serves the view and is 4× cheaper in flops than the Jacobian's
    /// Gram (its (N·T)² products and their Hadamard sum are bound by memory, not arithmetic: at
    /// the paper's transformer a 1.5× margin made W_Q, W_E and W_U slower, 4× is the best of
    /// 1.5, 4 and 8, measured: the nine class-mean kernels 0.61 s against 1.1 and 0.80 s); nil
    /// otherwise (a flat or asymmetric view, an elementwise parameter, a group used twice, or too
    /// little budget).
    static func dense(model: any DifferentiableModel, factor: ViewFactor, budget: Int) throws -> (kernel: Matrix, flops: Double)? {
        // One seed per input (mean, a diagonal pair) keeps the traces as small as the activations.
        switch factor.view {
        case .mean: break
        case .pair(let a, let b) where a == b: break
        default: return nil
        }
        let n = factor.samples, m = factor.seedsPerSample
        let explicit = explicitFlops(factor)
        let traces = try model.layerTraces(factor.inputs, seeds: factor.seeds, groups: factor.groups ?? model.groupNames)
        guard traces.elementwise.isEmpty, disjoint(traces.dense, model) else { return nil }
        // Uses with the same inputs (an attention layer's heads, its q, k and v slices) share
        // H = X̃X̃ᵀ, and their G's add, so each such family is one product of its
        // sensitivities side by side.
        var families: [[DenseLayerTrace]] = []
        for t in traces.dense {
            if let i = families.firstIndex(where: { f in
                f[0].positions == t.positions && (f[0].biasGroup != nil) == (t.biasGroup != nil) && f[0].inputs == t.inputs
            }) { families[i].append(t) } else { families.append([t]) }
        }
        var flops = 0.0, work = MemoryBudget.matrixBytes(n, n)
        for f in families {
            let rows = Double(n * f[0].positions)
            let width = Double(f.reduce(0) { $0 + m * $1.outputs } + f[0].inputs.cols + 1)
            flops += rows * rows * width
            work = max(work, MemoryBudget.matrixBytes(n, n) + 2 * MemoryBudget.matrixBytes(n * f[0].positions, n * f[0].positions))
        }
        guard flops < explicit / 4, work <= budget else { return nil }
        var k = Matrix(rows: n, cols: n)
        for f in families {
            try Interruption.poll("the kernel build (layer traces)")
            let t0 = f[0], p = t0.positions, rows = n * p
            let width = f.reduce(0) { $0 + m * $1.outputs }
            var s = Matrix(rows: rows, cols: width)
            var column = 0
            for t in f {
                let out = t.outputs
                for e in 0..<n { for j in 0..<m { for q in 0..<p {
                    let from = ((e * m + j) * p + q) * out, to = (e * p + q) * width + column + j * out
                    for o in 0..<out { s.storage[to + o] = t.sensitivities.storage[from + o] }
                } } }
                column += m * out
            }
            // X̃ = [inputs | 1 for the bias] (inputs has no columns when only the bias is selected).
            var x = Matrix(rows: rows, cols: t0.inputs.cols + (t0.biasGroup != nil ? 1 : 0), repeating: 1)
            for r in 0..<rows { for i in 0..<t0.inputs.cols { x.storage[r * x.cols + i] = t0.inputs.storage[r * t0.inputs.cols + i] } }
            // G and H by SYRK into their upper triangles only: for a < b every (a·T + q, b·T + q′)
            // lies above the diagonal, and the diagonal blocks read (min, max).
            var g = [Double](repeating: 0, count: rows * rows), h = g
            s.storage.withUnsafeBufferPointer { sp in
                g.withUnsafeMutableBufferPointer { BLAS.syrk(.none, n: rows, k: s.cols, a: sp.baseAddress!, lda: s.cols, c: $0.baseAddress!, ldc: rows) }
            }
            x.storage.withUnsafeBufferPointer { xp in
                h.withUnsafeMutableBufferPointer { BLAS.syrk(.none, n: rows, k: x.cols, a: xp.baseAddress!, lda: x.cols, c: $0.baseAddress!, ldc: rows) }
            }
            for a in 0..<n { for b in a..<n {
                var v = 0.0
                for q in 0..<p { for q2 in 0..<p {
                    let r = a * p + q, c = b * p + q2
                    let idx = r <= c ? r * rows + c : c * rows + r
                    v += g[idx] * h[idx]
                } }
                k.storage[a * n + b] += v
                if a != b { k.storage[b * n + a] += v }
            } }
        }
        return (k, flops)
    }

    /// N²·F: the flops of the Jacobian's Gram this route replaces.
    static func explicitFlops(_ factor: ViewFactor) -> Double {
        Double(factor.samples) * Double(factor.samples) * Double(factor.width)
    }

    /// Whether no two traces write the same parameters (each use owns its block of its group).
    private static func disjoint(_ traces: [DenseLayerTrace], _ model: any DifferentiableModel) -> Bool {
        var taken: [String: [Range<Int>]] = [:]
        func claim(_ group: String, _ range: Range<Int>) -> Bool {
            if taken[group, default: []].contains(where: { $0.overlaps(range) }) { return false }
            taken[group, default: []].append(range)
            return true
        }
        for t in traces {
            if let w = t.weightGroup, !claim(w, t.weightOffset..<(t.weightOffset + t.outputs * t.inputs.cols)) { return false }
            if let b = t.biasGroup, !claim(b, t.biasOffset..<(t.biasOffset + t.outputs)) { return false }
        }
        return true
    }
}
