import Foundation
import LinearAlgebra

/// Multi-head causal self-attention, TransformerLens' layout (H heads of width E over D features):
///
///     q_h = x W_Q[h] + b_Q[h],  k_h = x W_K[h] + b_K[h],  v_h = x W_V[h] + b_V[h]   (W_· [H, D, E])
///     S_h = q_h k_hᵀ / √E with S[i, j] = −∞ for j > i (a position sees itself and earlier ones)
///     A_h = softmax(S_h) by rows,   z_h = A_h v_h,   y = Σ_h z_h W_O[h] + b_O          (W_O [H, E, D])
///
/// Derivatives, per example and head, with dz = seed W_Oᵀ:
///
///     dA = dz vᵀ,  dv = Aᵀ dz,  dS = A ⊙ (dA − rowsum(A ⊙ dA)) / √E,  dq = dS k,  dk = dSᵀ q
///     ∂L/∂W_Q[h] = xᵀ dq_h, ∂L/∂b_Q[h] = Σ dq_h (the same for K, V),  ∂L/∂W_O = zᵀ seed,
///     ∂L/∂x = Σ_h dq_h W_Q[h]ᵀ + dk_h W_K[h]ᵀ + dv_h W_V[h]ᵀ
///     tangent: dS = (dq kᵀ + q dkᵀ)/√E,  dA = A ⊙ (dS − rowsum(A ⊙ dS)),  dz = dA v + A dv,
///              dy = dz W_O + z dW_O + db_O
///
/// Each head's slice of W_Q, W_K, W_V is a dense map used at every position, so it is traced as
/// its own `DenseLayerTrace` (a block of the group); W_O is one dense map on the concatenated z.
/// The T×T products are written out (T is a context of a few tokens to a few hundred).
public final class AttentionLayer: Layer {
    public let query: ParameterSlot, key: ParameterSlot, value: ParameterSlot, output: ParameterSlot
    public let queryBias: ParameterSlot?, keyBias: ParameterSlot?, valueBias: ParameterSlot?, outputBias: ParameterSlot?
    public let heads: Int
    public let headWidth: Int
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    private let workspace = Workspace()
    private enum Slot: Int { case q, k, v, a, z, dz, dq, dk, dv, ones, scratch }

    public init(query: ParameterSlot, key: ParameterSlot, value: ParameterSlot, output: ParameterSlot,
                queryBias: ParameterSlot? = nil, keyBias: ParameterSlot? = nil, valueBias: ParameterSlot? = nil,
                outputBias: ParameterSlot? = nil, heads: Int, headWidth: Int, width: Int) {
        self.query = query; self.key = key; self.value = value; self.output = output
        self.queryBias = queryBias; self.keyBias = keyBias; self.valueBias = valueBias; self.outputBias = outputBias
        self.heads = heads; self.headWidth = headWidth; inputWidth = width
    }

    public var groups: [Int] {
        [query, key, value, output].map(\.group) + [queryBias, keyBias, valueBias, outputBias].compactMap { $0?.group }
    }

    private var projections: [(ParameterSlot, ParameterSlot?, Slot)] {
        [(query, queryBias, .q), (key, keyBias, .k), (value, valueBias, .v)]
    }

    private func buffer(_ s: Slot, _ count: Int) -> UnsafeMutablePointer<Double> { workspace.buffer(s.rawValue, count: count) }

    /// out[:, h·E ..< (h+1)·E] (row stride H·E) ← x W[h] (+ β·itself) for every head, + b.
    private func project(_ x: UnsafePointer<Double>, rows: Int, _ w: UnsafePointer<Double>, _ b: UnsafePointer<Double>?,
                         beta: Double = 0, into out: UnsafeMutablePointer<Double>) {
        let d = inputWidth, e = headWidth, he = heads * e
        for h in 0..<heads {
            BLAS.gemm(.none, .none, m: rows, n: e, k: d, a: x, lda: d, b: w + h * d * e, ldb: e, beta: beta, c: out + h * e, ldc: he)
        }
        if let b { addRows(b, to: out, rows: rows, width: he) }
    }

    public func forward(_ x: UnsafePointer<Double>, _ batch: Batch, _ theta: UnsafePointer<Double>,
                        into y: UnsafeMutablePointer<Double>) {
        let rows = batch.rows, t = batch.positions, e = headWidth, he = heads * e
        for (w, b, s) in projections { project(x, rows: rows, theta + w.offset, b.map { theta + $0.offset }, into: buffer(s, rows * he)) }
        let q = buffer(.q, 0), k = buffer(.k, 0), v = buffer(.v, 0)
        let a = buffer(.a, batch.examples * heads * t * t), z = buffer(.z, rows * he)
        let scale = 1 / Double(e).squareRoot()
        for n in 0..<batch.examples {
            for h in 0..<heads {
                let an = a + (n * heads + h) * t * t
                for i in 0..<t {
                    let qi = q + (n * t + i) * he + h * e
                    var largest = -Double.infinity
                    for j in 0...i {
                        var s = 0.0
                        let kj = k + (n * t + j) * he + h * e
                        for c in 0..<e { s += qi[c] * kj[c] }
                        an[i * t + j] = s * scale
                        largest = max(largest, s * scale)
                    }
                    var total = 0.0
                    for j in 0...i { let p = exp(an[i * t + j] - largest); an[i * t + j] = p; total += p }
                    for j in 0...i { an[i * t + j] /= total }
                    for j in (i + 1)..<max(i + 1, t) { an[i * t + j] = 0 }
                    let zi = z + (n * t + i) * he + h * e
                    for c in 0..<e { zi[c] = 0 }
                    for j in 0...i {
                        let p = an[i * t + j], vj = v + (n * t + j) * he + h * e
                        for c in 0..<e { zi[c] += p * vj[c] }
                    }
                }
            }
        }
        let d = inputWidth
        BLAS.gemm(.none, .none, m: rows, n: d, k: he, a: z, lda: he, b: theta + output.offset, ldb: d, c: y, ldc: d)
        if let outputBias { addRows(theta + outputBias.offset, to: y, rows: rows, width: d) }
    }

    public func backward(_ seed: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ batch: Batch, seeds m: Int,
                         _ theta: UnsafePointer<Double>, _ sink: BackwardSink, inputSeed: UnsafeMutablePointer<Double>?) {
        let rows = batch.rows, t = batch.positions, e = headWidth, he = heads * e, d = inputWidth
        let seedRows = m * rows
        let q = buffer(.q, 0), k = buffer(.k, 0), v = buffer(.v, 0), a = buffer(.a, 0), z = buffer(.z, 0)
        // W_O and b_O: a dense map on z.
        if let g = sink.gradient {
            BLAS.gemm(.transpose, .none, m: he, n: d, k: rows, a: z, lda: he, b: seed, ldb: d, beta: sink.beta(output.group),
                      c: g + output.offset, ldc: d)
            if let outputBias { sumRows(seed, rows: rows, width: d, beta: sink.beta(outputBias.group), into: g + outputBias.offset) }
        } else if sink.wantsTrace(output.group) || outputBias.map({ sink.wantsTrace($0.group) }) == true {
            sink.record(DenseLayerTrace(weightGroup: sink.wantsTrace(output.group) ? output.name : nil, weightOffset: output.withinGroup,
                                        biasGroup: outputBias.flatMap { sink.wantsTrace($0.group) ? $0.name : nil },
                                        biasOffset: outputBias?.withinGroup ?? 0, weightIsTransposed: true, positions: t,
                                        inputs: copy(z, rows, he), sensitivities: copy(seed, seedRows, d)))
        }
        let lower = [query, key, value] + [queryBias, keyBias, valueBias].compactMap { $0 }
        let needLower = inputSeed != nil || lower.contains { sink.needs($0.group) }
        guard needLower else { return }
        let dz = buffer(.dz, seedRows * he)
        BLAS.gemm(.none, .transpose, m: seedRows, n: he, k: d, a: seed, lda: d, b: theta + output.offset, ldb: d, c: dz, ldc: he)
        let dq = buffer(.dq, seedRows * he), dk = buffer(.dk, seedRows * he), dv = buffer(.dv, seedRows * he)
        let da = buffer(.scratch, t * t)
        let scale = 1 / Double(e).squareRoot()
        for n in 0..<batch.examples {
            for j in 0..<m {
                let r0 = (n * m + j) * t
                for h in 0..<heads {
                    let an = a + (n * heads + h) * t * t
                    for i in 0..<t {
                        let dzi = dz + (r0 + i) * he + h * e
                        var weighted = 0.0
                        for c in 0...i {
                            let vc = v + (n * t + c) * he + h * e
                            var s = 0.0
                            for w in 0..<e { s += dzi[w] * vc[w] }
                            da[i * t + c] = s
                            weighted += an[i * t + c] * s
                        }
                        for c in 0...i { da[i * t + c] = an[i * t + c] * (da[i * t + c] - weighted) * scale }
                    }
                    for i in 0..<t {
                        let dqi = dq + (r0 + i) * he + h * e, dki = dk + (r0 + i) * he + h * e, dvi = dv + (r0 + i) * he + h * e
                        for w in 0..<e { dqi[w] = 0; dki[w] = 0; dvi[w] = 0 }
                        for c in 0...i {
                            let s = da[i * t + c], kc = k + (n * t + c) * he + h * e
                            for w in 0..<e { dqi[w] += s * kc[w] }
                        }
                        for c in i..<t {
                            // dk_i = Σ_{c ≥ i} dS[c, i] q_c,  dv_i = Σ_{c ≥ i} A[c, i] dz_c.
                            let s = da[c * t + i], p = an[c * t + i]
                            let qc = q + (n * t + c) * he + h * e, dzc = dz + (r0 + c) * he + h * e
                            for w in 0..<e { dki[w] += s * qc[w]; dvi[w] += p * dzc[w] }
                        }
                    }
                }
            }
        }
        for (w, b, s) in projections {
            let seedBuffer = s == .q ? dq : (s == .k ? dk : dv)
            if let g = sink.gradient {
                let beta = sink.beta(w.group)
                for h in 0..<heads {
                    BLAS.gemm(.transpose, .none, m: d, n: e, k: rows, a: x, lda: d, b: seedBuffer + h * e, ldb: he,
                              beta: beta, c: g + w.offset + h * d * e, ldc: e)
                }
                if let b { sumRows(seedBuffer, rows: rows, width: he, beta: sink.beta(b.group), into: g + b.offset) }
            } else if sink.wantsTrace(w.group) || b.map({ sink.wantsTrace($0.group) }) == true {
                let inputs = copy(x, rows, d)
                for h in 0..<heads {
                    var sensitivities = Matrix(rows: seedRows, cols: e)
                    for r in 0..<seedRows { for c in 0..<e { sensitivities.storage[r * e + c] = seedBuffer[r * he + h * e + c] } }
                    sink.record(DenseLayerTrace(weightGroup: sink.wantsTrace(w.group) ? w.name : nil, weightOffset: w.withinGroup + h * d * e,
                                                biasGroup: b.flatMap { sink.wantsTrace($0.group) ? $0.name : nil },
                                                biasOffset: (b?.withinGroup ?? 0) + h * e, weightIsTransposed: true, positions: t,
                                                inputs: sink.wantsTrace(w.group) ? inputs : Matrix(rows: rows, cols: 0),
                                                sensitivities: sensitivities))
                }
            }
        }
        guard let dx = inputSeed else { return }
        var first = true
        for (w, _, s) in projections {
            let seedBuffer = s == .q ? dq : (s == .k ? dk : dv)
            for h in 0..<heads {
                BLAS.gemm(.none, .transpose, m: seedRows, n: d, k: e, a: seedBuffer + h * e, lda: he, b: theta + w.offset + h * d * e,
                          ldb: e, beta: first ? 0 : 1, c: dx, ldc: d)
                first = false
            }
        }
    }

    public func tangent(_ dx: UnsafePointer<Double>?, _ x: UnsafePointer<Double>, _ batch: Batch, tangents m: Int,
                        _ theta: UnsafePointer<Double>, _ dTheta: UnsafePointer<Double>?, parameterCount: Int,
                        into dy: UnsafeMutablePointer<Double>) {
        let rows = batch.rows, t = batch.positions, e = headWidth, he = heads * e, d = inputWidth
        let tangentRows = m * rows
        let q = buffer(.q, 0), k = buffer(.k, 0), v = buffer(.v, 0), a = buffer(.a, 0), z = buffer(.z, 0)
        let dq = buffer(.dq, tangentRows * he), dk = buffer(.dk, tangentRows * he), dv = buffer(.dv, tangentRows * he)
        let dz = buffer(.dz, tangentRows * he)
        for (w, b, s) in projections {
            let out = s == .q ? dq : (s == .k ? dk : dv)
            if let dx { project(dx, rows: tangentRows, theta + w.offset, nil, into: out) } else { out.initialize(repeating: 0, count: tangentRows * he) }
            guard let dTheta else { continue }
            for j in 0..<m {
                let tj = dTheta + j * parameterCount
                project(x, rows: rows, tj + w.offset, b.map { tj + $0.offset }, beta: 1, into: out + j * rows * he)
            }
        }
        let ds = buffer(.scratch, t * t)
        let scale = 1 / Double(e).squareRoot()
        for j in 0..<m {
            for n in 0..<batch.examples {
                let r0 = (j * batch.examples + n) * t
                for h in 0..<heads {
                    let an = a + (n * heads + h) * t * t
                    for i in 0..<t {
                        let qi = q + (n * t + i) * he + h * e, dqi = dq + (r0 + i) * he + h * e
                        var weighted = 0.0
                        for c in 0...i {
                            let kc = k + (n * t + c) * he + h * e, dkc = dk + (r0 + c) * he + h * e
                            var s = 0.0
                            for w in 0..<e { s += dqi[w] * kc[w] + qi[w] * dkc[w] }
                            ds[i * t + c] = s * scale
                            weighted += an[i * t + c] * s * scale
                        }
                        let dzi = dz + (r0 + i) * he + h * e
                        for w in 0..<e { dzi[w] = 0 }
                        for c in 0...i {
                            let p = an[i * t + c], dp = p * (ds[i * t + c] - weighted)
                            let vc = v + (n * t + c) * he + h * e, dvc = dv + (r0 + c) * he + h * e
                            for w in 0..<e { dzi[w] += dp * vc[w] + p * dvc[w] }
                        }
                    }
                }
            }
        }
        BLAS.gemm(.none, .none, m: tangentRows, n: d, k: he, a: dz, lda: he, b: theta + output.offset, ldb: d, c: dy, ldc: d)
        guard let dTheta else { return }
        for j in 0..<m {
            let tj = dTheta + j * parameterCount, block = dy + j * rows * d
            BLAS.gemm(.none, .none, m: rows, n: d, k: he, a: z, lda: he, b: tj + output.offset, ldb: d, beta: 1, c: block, ldc: d)
            if let outputBias { addRows(tj + outputBias.offset, to: block, rows: rows, width: d) }
        }
    }

    /// out ← Σ_r m[r, :] (+ β·out).
    private func sumRows(_ m: UnsafePointer<Double>, rows: Int, width: Int, beta: Double, into out: UnsafeMutablePointer<Double>) {
        let ones = buffer(.ones, rows)
        if rows > 0 && ones[rows - 1] != 1 { for r in 0..<rows { ones[r] = 1 } }
        BLAS.gemv(.transpose, m: rows, n: width, a: m, lda: width, x: ones, beta: beta, y: out)
    }

    private func copy(_ p: UnsafePointer<Double>, _ rows: Int, _ cols: Int) -> Matrix {
        Matrix(rows: rows, cols: cols, storage: Array(UnsafeBufferPointer(start: p, count: rows * cols)))
    }
}
