import LinearAlgebra
import Networks

/// The flat view's factor A (row c·N + n is s_c ∂f_c(x_n)/∂θ, see `ViewFactor`) held implicitly
/// by the model's dense-layer traces instead of as an N·C × P matrix.
///
/// Every dense layer b (its weight, and its bias as one more input ≡ 1) contributes
///
///     A[(c,n), col_b(o,i)] += S_b[n·C + c, o] · X_b[n, i]        (S_b already scaled by s_c)
///
/// (`DenseLayerTrace`). With T_bu[n, (o,o')] = Σ_c S_b[nc,o] S_u[nc,o'] and
/// Q_bu[n, (i,i')] = X_b[n,i] X_u[n,i'], the products the gram route needs are
///
///     (AᵀA)[col_b(o,i), col_u(o',i')] = Σ_b Σ_u Σ_n T_bu[n,(o,o')] · Q_bu[n,(i,i')]   (one GEMM over n per pair)
///     (A V)[(c,n), k]                  = Σ_b Σ_o S_b[nc,o] · (X_b V_b)[n,(o,k)],   V_b[i,(o,k)] = V[col_b(o,i), k]
///     (Aᵀ U)[col_b(o,i), k]            = Σ_n X_b[n,i] · Σ_c S_b[nc,o] U[(c,n), k]
///
/// AᵀA costs Σ_{b≤u} 2N·out_b·out_u·(C + in_b·in_u) flops instead of the N·C·P² of a SYRK on the
/// explicit factor: for TMS (C = 50, P = 550) about 1.2 GFLOP instead of 7.6, and no 110 MB
/// Jacobian is written. `EmpiricalNTK` takes this form when it is the cheaper one.
struct TraceFactor: KernelFactor {
    /// One dense layer's use of its weight and bias groups (either may be unselected).
    struct Use {
        /// First column of the weight's group among the selected groups (nil: not selected).
        let weightColumn: Int?
        /// First column of the bias's group (nil: no bias, or not selected).
        let biasColumn: Int?
        let outputs: Int
        /// The weight's input width (0 when the weight is not selected).
        let weightInputs: Int
        /// The layer uses the transpose of the stored weight (column of (o, i) is i·out + o).
        let transposed: Bool
        /// N × in: the layer's inputs, then a column of ones when the bias is selected.
        let x: Matrix
        /// N·C × out: sensitivities, row n·C + c scaled by s_c.
        let s: Matrix

        var inputs: Int { x.cols }
        /// Column of A for output o and input column i of `x` (the last one is the bias).
        func col(_ o: Int, _ i: Int) -> Int {
            if i == weightInputs { return biasColumn! + o }
            return weightColumn! + (transposed ? i * outputs + o : o * weightInputs + i)
        }
    }

    let uses: [Use]
    let samples: Int
    let outputs: Int
    let cols: Int
    var rows: Int { samples * outputs }

    /// The traces of `model` on `inputs`, restricted to `groups` (columns in that order, as
    /// `DifferentiableModel.jacobian` lays them out), rows scaled by `scales` (s_c). Nil when a
    /// trace is not of this form: a weight used at several positions, a block of a group, or an
    /// elementwise parameter (the Jacobian route serves those).
    init?(model: any DifferentiableModel, inputs: Matrix, groups: [String]?, scales: [Double]) throws {
        let names = groups ?? model.groupNames
        var start: [String: Int] = [:]
        var width = 0
        for name in names where start[name] == nil {
            start[name] = width
            width += try model.group(name).count
        }
        let n = inputs.rows, c = model.outputSize
        let traces = try model.layerTraces(inputs, seeds: nil, groups: names)
        guard traces.elementwise.isEmpty else { return nil }
        var uses: [Use] = []
        for t in traces.dense {
            guard t.positions == 1, t.weightOffset == 0, t.biasOffset == 0 else { return nil }
            let weight = t.weightGroup.flatMap { start[$0] }, bias = t.biasGroup.flatMap { start[$0] }
            if weight == nil && bias == nil { continue }
            var s = t.sensitivities
            if scales.contains(where: { $0 != 1 }) {
                for r in 0..<(n * c) { scaleRow(&s, r, by: scales[r % c]) }
            }
            let inputs = weight == nil ? 0 : t.inputs.cols
            var x = weight == nil ? Matrix(rows: n, cols: 0) : t.inputs
            if bias != nil { x = appendingOnes(x) }
            uses.append(Use(weightColumn: weight, biasColumn: bias, outputs: s.cols, weightInputs: inputs,
                            transposed: t.weightIsTransposed, x: x, s: s))
        }
        self.uses = uses
        self.samples = n
        self.outputs = c
        self.cols = width
    }

    var heldBytes: Int {
        uses.reduce(0) { $0 + $1.x.heldBytes + $1.s.heldBytes }
    }

    /// Flops of `gram()`: Σ_{b≤u} 2N·out_b·out_u·(C + in_b·in_u).
    var gramFlops: Double {
        var f = 0.0
        for b in uses.indices {
            for u in b..<uses.count {
                let ou = Double(uses[b].outputs * uses[u].outputs), iu = Double(uses[b].inputs * uses[u].inputs)
                f += 2 * Double(samples) * ou * (Double(outputs) + iu)
            }
        }
        return f
    }

    /// Peak working bytes of `gram()` besides G: T, Q and R of the largest pair.
    var gramWorkBytes: Int {
        var most = 0
        for b in uses.indices {
            for u in b..<uses.count {
                let ou = uses[b].outputs * uses[u].outputs, iu = uses[b].inputs * uses[u].inputs
                most = max(most, MemoryBudget.matrixBytes(samples, ou + iu) + MemoryBudget.matrixBytes(ou, iu))
            }
        }
        return most
    }

    func gram() throws -> Matrix {
        var g = Matrix(rows: cols, cols: cols)
        for b in uses.indices {
            for u in b..<uses.count {
                let r = try pairBlock(uses[b], uses[u])
                let p = uses[b], q = uses[u]
                r.storage.withUnsafeBufferPointer { rp in
                    g.storage.withUnsafeMutableBufferPointer { gp in
                        for o in 0..<p.outputs {
                            for o2 in 0..<q.outputs {
                                let line = rp.baseAddress! + (o * q.outputs + o2) * r.cols
                                for i in 0..<p.inputs {
                                    let row = p.col(o, i)
                                    for i2 in 0..<q.inputs {
                                        let v = line[i * q.inputs + i2], column = q.col(o2, i2)
                                        gp[row * cols + column] += v
                                        if b != u { gp[column * cols + row] += v }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return g
    }

    /// R = Tᵀ Q for the uses p, q: rows (o, o'), columns (i, i').
    private func pairBlock(_ p: Use, _ q: Use) throws -> Matrix {
        let n = samples, c = outputs
        let oo = p.outputs * q.outputs, ii = p.inputs * q.inputs
        var t = Matrix(rows: n, cols: oo)
        p.s.storage.withUnsafeBufferPointer { sp in
            q.s.storage.withUnsafeBufferPointer { sq in
                t.storage.withUnsafeMutableBufferPointer { tp in
                    for s in 0..<n {
                        BLAS.gemm(.transpose, .none, m: p.outputs, n: q.outputs, k: c,
                                  a: sp.baseAddress! + s * c * p.outputs, lda: p.outputs,
                                  b: sq.baseAddress! + s * c * q.outputs, ldb: q.outputs,
                                  c: tp.baseAddress! + s * oo, ldc: q.outputs)
                    }
                }
            }
        }
        var x2 = Matrix(rows: n, cols: ii)
        p.x.storage.withUnsafeBufferPointer { xp in
            q.x.storage.withUnsafeBufferPointer { xq in
                x2.storage.withUnsafeMutableBufferPointer { qp in
                    for s in 0..<n {
                        for i in 0..<p.inputs {
                            let a = xp[s * p.inputs + i]
                            if a == 0 { continue }
                            let dst = qp.baseAddress! + s * ii + i * q.inputs, src = xq.baseAddress! + s * q.inputs
                            for i2 in 0..<q.inputs { dst[i2] = a * src[i2] }
                        }
                    }
                }
            }
        }
        return try t.multiplied(by: x2, .transpose)
    }

    func times(_ v: Matrix) throws -> Matrix {
        guard v.rows == cols else { throw KernelError.shapeMismatch("cannot multiply the \(rows)×\(cols) factor by a \(v.rows)×\(v.cols) block") }
        let n = samples, c = outputs, k = v.cols
        var sampleMajor = Matrix(rows: n * c, cols: k)
        for use in uses {
            // V_b[i, (o, k)] = V[col(o, i), k]; Y = X_b V_b (N × out·k).
            var vb = Matrix(rows: use.inputs, cols: use.outputs * k)
            for i in 0..<use.inputs {
                for o in 0..<use.outputs {
                    let from = use.col(o, i) * k, to = i * use.outputs * k + o * k
                    for j in 0..<k { vb.storage[to + j] = v.storage[from + j] }
                }
            }
            // Samples in blocks so the block of Y stays in cache between its GEMM and the batch.
            let ok = use.outputs * k, block = max(1, min(n, (1 << 17) / max(1, ok)))
            var y = [Double](repeating: 0, count: block * ok)
            use.x.storage.withUnsafeBufferPointer { xp in
                vb.storage.withUnsafeBufferPointer { vp in
                    use.s.storage.withUnsafeBufferPointer { sp in
                        y.withUnsafeMutableBufferPointer { yp in
                            sampleMajor.storage.withUnsafeMutableBufferPointer { up in
                                var first = 0
                                while first < n {
                                    let count = min(block, n - first)
                                    BLAS.gemm(.none, .none, m: count, n: ok, k: use.inputs, a: xp.baseAddress! + first * use.inputs,
                                              lda: use.inputs, b: vp.baseAddress!, ldb: ok, c: yp.baseAddress!, ldc: ok)
                                    for s in first..<(first + count) {
                                        BLAS.gemm(.none, .none, m: c, n: k, k: use.outputs,
                                                  a: sp.baseAddress! + s * c * use.outputs, lda: use.outputs,
                                                  b: yp.baseAddress! + (s - first) * ok, ldb: k,
                                                  beta: 1, c: up.baseAddress! + s * c * k, ldc: k)
                                    }
                                    first += count
                                }
                            }
                        }
                    }
                }
            }
        }
        return permuteRows(sampleMajor, toFlat: true)
    }

    func transposeTimes(_ u: Matrix) throws -> Matrix {
        guard u.rows == rows else { throw KernelError.shapeMismatch("cannot multiply the transposed \(rows)×\(cols) factor by a \(u.rows)×\(u.cols) block") }
        let n = samples, c = outputs, k = u.cols
        let sampleMajor = permuteRows(u, toFlat: false)
        var result = Matrix(rows: cols, cols: k)
        for use in uses {
            // Z[n, (o, k)] = Σ_c S_b[nc, o] U[(c, n), k]; then X_bᵀ Z is in × (out·k).
            var z = Matrix(rows: n, cols: use.outputs * k)
            use.s.storage.withUnsafeBufferPointer { sp in
                sampleMajor.storage.withUnsafeBufferPointer { up in
                    z.storage.withUnsafeMutableBufferPointer { zp in
                        for s in 0..<n {
                            BLAS.gemm(.transpose, .none, m: use.outputs, n: k, k: c,
                                      a: sp.baseAddress! + s * c * use.outputs, lda: use.outputs,
                                      b: up.baseAddress! + s * c * k, ldb: k,
                                      c: zp.baseAddress! + s * use.outputs * k, ldc: k)
                        }
                    }
                }
            }
            let w = try use.x.multiplied(by: z, .transpose)
            for i in 0..<use.inputs {
                for o in 0..<use.outputs {
                    let from = i * use.outputs * k + o * k, to = use.col(o, i) * k
                    for j in 0..<k { result.storage[to + j] += w.storage[from + j] }
                }
            }
        }
        return result
    }

    func rowBlock(_ range: Range<Int>) -> Matrix {
        let n = samples, c = outputs
        var block = Matrix(rows: range.count, cols: cols)
        block.storage.withUnsafeMutableBufferPointer { bp in
            for (r, row) in range.enumerated() {
                let ci = row / n, s = row % n
                let dst = bp.baseAddress! + r * cols
                for use in uses {
                    for o in 0..<use.outputs {
                        let so = use.s[s * c + ci, o]
                        if so == 0 { continue }
                        for i in 0..<use.inputs { dst[use.col(o, i)] += so * use.x[s, i] }
                    }
                }
            }
        }
        return block
    }

    /// Rows n·C + c (sample-major) ↔ c·N + n (flat kernel order).
    private func permuteRows(_ m: Matrix, toFlat: Bool) -> Matrix {
        let n = samples, c = outputs, k = m.cols
        var out = Matrix(rows: m.rows, cols: k)
        m.storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                for s in 0..<n {
                    for ci in 0..<c {
                        let sampleRow = s * c + ci, flatRow = ci * n + s
                        let (from, to) = toFlat ? (sampleRow, flatRow) : (flatRow, sampleRow)
                        (dst.baseAddress! + to * k).update(from: src.baseAddress! + from * k, count: k)
                    }
                }
            }
        }
        return out
    }
}

/// [m | 1]: `m` with a column of ones appended.
private func appendingOnes(_ m: Matrix) -> Matrix {
    var out = Matrix(rows: m.rows, cols: m.cols + 1, repeating: 1)
    for i in 0..<m.rows {
        for j in 0..<m.cols { out.storage[i * out.cols + j] = m.storage[i * m.cols + j] }
    }
    return out
}
