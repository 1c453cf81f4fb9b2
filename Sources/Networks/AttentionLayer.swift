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
/// With `lastQueryOnly` only the last position's query is attended from (the output has one
/// position per example, as the last block of a model read at its last position needs): every
/// formula above holds with i restricted to T − 1, and q, k, v are still projected at every
/// position (q at the others unused).
///
/// Each head's slice of W_Q, W_K, W_V is a dense map used at every position, so it is traced as
/// its own `DenseLayerTrace` (a block of the group); W_O is one dense map on the concatenated z.
/// The T×T products are written out (T is a context of a few tokens to a few hundred). The three
/// projections run as one GEMM against W_Q, W_K, W_V packed side by side (D × 3HE, repacked at
/// each forward), so q, k and v of a row sit in one row of 3HE numbers.
public final class AttentionLayer: Layer {
    public let query: ParameterSlot, key: ParameterSlot, value: ParameterSlot, output: ParameterSlot
    public let queryBias: ParameterSlot?, keyBias: ParameterSlot?, valueBias: ParameterSlot?, outputBias: ParameterSlot?
    public let heads: Int
    public let headWidth: Int
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    public let lastQueryOnly: Bool
    public let groups: [Int]
    /// (weight, bias) of q, k, v, in their packed order.
    private let projections: [(ParameterSlot, ParameterSlot?)]
    private let workspace = Workspace()
    private enum Slot: Int { case qkv, a, z, dz, dqkv, packed, packedBias, tangentWeight, gradient, ones, scratch }

    public init(query: ParameterSlot, key: ParameterSlot, value: ParameterSlot, output: ParameterSlot,
                queryBias: ParameterSlot? = nil, keyBias: ParameterSlot? = nil, valueBias: ParameterSlot? = nil,
                outputBias: ParameterSlot? = nil, heads: Int, headWidth: Int, width: Int, lastQueryOnly: Bool = false) {
        self.query = query; self.key = key; self.value = value; self.output = output
        self.queryBias = queryBias; self.keyBias = keyBias; self.valueBias = valueBias; self.outputBias = outputBias
        self.heads = heads; self.headWidth = headWidth; inputWidth = width; self.lastQueryOnly = lastQueryOnly
        projections = [(query, queryBias), (key, keyBias), (value, valueBias)]
        groups = [query, key, value, output].map(\.group) + [queryBias, keyBias, valueBias, outputBias].compactMap { $0?.group }
    }

    public func replica() -> any Layer {
        AttentionLayer(query: query, key: key, value: value, output: output, queryBias: queryBias, keyBias: keyBias,
                       valueBias: valueBias, outputBias: outputBias, heads: heads, headWidth: headWidth, width: inputWidth,
                       lastQueryOnly: lastQueryOnly)
    }

    private func buffer(_ s: Slot, _ count: Int) -> UnsafeMutablePointer<Double> { workspace.buffer(s.rawValue, count: count) }
    /// H·E, the width of the heads side by side.
    private var headsWidth: Int { heads * headWidth }

    public func outputPositions(_ positions: Int) -> Int { lastQueryOnly ? 1 : positions }
    /// The first query position of a context of `t`: t − 1 with `lastQueryOnly`, else 0.
    private func firstQuery(_ t: Int) -> Int { lastQueryOnly ? t - 1 : 0 }

    /// W_Q, W_K, W_V (each [H, D, E]) of parameter vector θ side by side as D × 3HE:
    /// packed[i, s·HE + h·E + e] = W_s[h, i, e].
    private func pack(_ theta: UnsafePointer<Double>, into packed: UnsafeMutablePointer<Double>) {
        let d = inputWidth, e = headWidth, he = headsWidth
        for (s, (w, _)) in projections.enumerated() {
            let src = theta + w.offset
            for h in 0..<heads {
                for i in 0..<d { (packed + i * 3 * he + s * he + h * e).update(from: src + (h * d + i) * e, count: e) }
            }
        }
    }

    /// The inverse of `pack` for a gradient: group blocks ← packed (+ β·themselves).
    private func unpack(_ packed: UnsafePointer<Double>, into theta: UnsafeMutablePointer<Double>, _ sink: BackwardSink) {
        let d = inputWidth, e = headWidth, he = headsWidth
        for (s, (w, _)) in projections.enumerated() {
            let beta = sink.beta(w.group), dst = theta + w.offset
            for h in 0..<heads {
                for i in 0..<d {
                    let from = packed + i * 3 * he + s * he + h * e, to = dst + (h * d + i) * e
                    if beta == 0 { to.update(from: from, count: e) } else { for c in 0..<e { to[c] += from[c] } }
                }
            }
        }
    }

    /// [b_Q | b_K | b_V] (3HE, zero where a bias is absent), or nil when there is none.
    private func packedBias(_ theta: UnsafePointer<Double>) -> UnsafePointer<Double>? {
        guard projections.contains(where: { $0.1 != nil }) else { return nil }
        let he = headsWidth, out = buffer(.packedBias, 3 * he)
        for (s, (_, b)) in projections.enumerated() {
            if let b { (out + s * he).update(from: theta + b.offset, count: he) } else { (out + s * he).initialize(repeating: 0, count: he) }
        }
        return UnsafePointer(out)
    }

    public func forward(_ x: UnsafePointer<Double>, _ batch: Batch, _ theta: UnsafePointer<Double>,
                        into y: UnsafeMutablePointer<Double>) {
        let rows = batch.rows, t = batch.positions, e = headWidth, he = headsWidth, ld = 3 * he, d = inputWidth
        let packed = buffer(.packed, d * ld)
        pack(theta, into: packed)
        let qkv = buffer(.qkv, rows * ld)
        BLAS.gemm(.none, .none, m: rows, n: ld, k: d, a: x, lda: d, b: packed, ldb: ld, c: qkv, ldc: ld)
        if let b = packedBias(theta) { addRows(b, to: qkv, rows: rows, width: ld) }
        let q0 = firstQuery(t), tq = t - q0, outRows = batch.examples * tq
        let a = buffer(.a, batch.examples * heads * t * t), z = buffer(.z, outRows * he)
        let scale = 1 / Double(e).squareRoot()
        for n in 0..<batch.examples {
            for h in 0..<heads {
                let an = a + (n * heads + h) * t * t
                for i in q0..<t {
                    let qi = qkv + (n * t + i) * ld + h * e
                    var largest = -Double.infinity
                    for j in 0...i {
                        var s = 0.0
                        let kj = qkv + (n * t + j) * ld + he + h * e
                        for c in 0..<e { s += qi[c] * kj[c] }
                        an[i * t + j] = s * scale
                        largest = max(largest, s * scale)
                    }
                    var total = 0.0
                    for j in 0...i { let p = exp(an[i * t + j] - largest); an[i * t + j] = p; total += p }
                    for j in 0...i { an[i * t + j] /= total }
                    for j in (i + 1)..<max(i + 1, t) { an[i * t + j] = 0 }
                    let zi = z + (n * tq + i - q0) * he + h * e
                    for c in 0..<e { zi[c] = 0 }
                    for j in 0...i {
                        let p = an[i * t + j], vj = qkv + (n * t + j) * ld + 2 * he + h * e
                        for c in 0..<e { zi[c] += p * vj[c] }
                    }
                }
            }
        }
        BLAS.gemm(.none, .none, m: outRows, n: d, k: he, a: z, lda: he, b: theta + output.offset, ldb: d, c: y, ldc: d)
        if let outputBias { addRows(theta + outputBias.offset, to: y, rows: outRows, width: d) }
    }

    public func backward(_ seed: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ batch: Batch, seeds m: Int,
                         _ theta: UnsafePointer<Double>, _ sink: BackwardSink, inputSeed: UnsafeMutablePointer<Double>?) {
        let rows = batch.rows, t = batch.positions, e = headWidth, he = headsWidth, ld = 3 * he, d = inputWidth
        let q0 = firstQuery(t), tq = t - q0, outRows = batch.examples * tq
        let seedRows = m * outRows, inputSeedRows = m * rows
        let qkv = buffer(.qkv, 0), a = buffer(.a, 0), z = buffer(.z, 0)
        // W_O and b_O: a dense map on z.
        if let g = sink.gradient {
            BLAS.gemm(.transpose, .none, m: he, n: d, k: outRows, a: z, lda: he, b: seed, ldb: d, beta: sink.beta(output.group),
                      c: g + output.offset, ldc: d)
            if let outputBias { sumRows(seed, rows: outRows, width: d, beta: sink.beta(outputBias.group), into: g + outputBias.offset) }
        } else if sink.wantsTrace(output.group) || outputBias.map({ sink.wantsTrace($0.group) }) == true {
            sink.record(DenseLayerTrace(weightGroup: sink.wantsTrace(output.group) ? output.name : nil, weightOffset: output.withinGroup,
                                        biasGroup: outputBias.flatMap { sink.wantsTrace($0.group) ? $0.name : nil },
                                        biasOffset: outputBias?.withinGroup ?? 0, weightIsTransposed: true, positions: tq,
                                        inputs: copy(z, outRows, he), sensitivities: copy(seed, seedRows, d)))
        }
        let needLower = inputSeed != nil || projections.contains { w, b in sink.needs(w.group) || b.map { sink.needs($0.group) } == true }
        guard needLower else { return }
        let dz = buffer(.dz, seedRows * he)
        BLAS.gemm(.none, .transpose, m: seedRows, n: he, k: d, a: seed, lda: d, b: theta + output.offset, ldb: d, c: dz, ldc: he)
        let dqkv = buffer(.dqkv, inputSeedRows * ld)
        let da = buffer(.scratch, t * t)
        let scale = 1 / Double(e).squareRoot()
        for n in 0..<batch.examples {
            for j in 0..<m {
                let r0 = (n * m + j) * t, o0 = (n * m + j) * tq - q0   // dqkv row of position i: r0 + i; dz row: o0 + i
                for h in 0..<heads {
                    let an = a + (n * heads + h) * t * t
                    for i in q0..<t {
                        let dzi = dz + (o0 + i) * he + h * e
                        var weighted = 0.0
                        for c in 0...i {
                            let vc = qkv + (n * t + c) * ld + 2 * he + h * e
                            var s = 0.0
                            for w in 0..<e { s += dzi[w] * vc[w] }
                            da[i * t + c] = s
                            weighted += an[i * t + c] * s
                        }
                        for c in 0...i { da[i * t + c] = an[i * t + c] * (da[i * t + c] - weighted) * scale }
                    }
                    for i in 0..<t {
                        let row = dqkv + (r0 + i) * ld + h * e
                        let dqi = row, dki = row + he, dvi = row + 2 * he
                        for w in 0..<e { dqi[w] = 0; dki[w] = 0; dvi[w] = 0 }
                        if i >= q0 {
                            for c in 0...i {
                                let s = da[i * t + c], kc = qkv + (n * t + c) * ld + he + h * e
                                for w in 0..<e { dqi[w] += s * kc[w] }
                            }
                        }
                        for c in max(i, q0)..<t {
                            // dk_i = Σ_{c ≥ i} dS[c, i] q_c,  dv_i = Σ_{c ≥ i} A[c, i] dz_c (queries c only).
                            let s = da[c * t + i], p = an[c * t + i]
                            let qc = qkv + (n * t + c) * ld + h * e, dzc = dz + (o0 + c) * he + h * e
                            for w in 0..<e { dki[w] += s * qc[w]; dvi[w] += p * dzc[w] }
                        }
                    }
                }
            }
        }
        if let g = sink.gradient {
            let packedGradient = buffer(.gradient, d * ld)
            BLAS.gemm(.transpose, .none, m: d, n: ld, k: rows, a: x, lda: d, b: dqkv, ldb: ld, c: packedGradient, ldc: ld)
            unpack(packedGradient, into: g, sink)
            if projections.contains(where: { $0.1 != nil }) {
                let sums = buffer(.scratch, ld)
                sumRows(dqkv, rows: rows, width: ld, beta: 0, into: sums)
                for (s, (_, b)) in projections.enumerated() {
                    guard let b else { continue }
                    let beta = sink.beta(b.group), dst = g + b.offset
                    for k in 0..<he { dst[k] = (beta == 0 ? 0 : dst[k]) + sums[s * he + k] }
                }
            }
        } else {
            let shared = copy(x, rows, d)   // one copy for every head of q, k and v
            for (s, (w, b)) in projections.enumerated() where sink.wantsTrace(w.group) || b.map({ sink.wantsTrace($0.group) }) == true {
                let inputs = sink.wantsTrace(w.group) ? shared : Matrix(rows: rows, cols: 0)
                for h in 0..<heads {
                    var sensitivities = Matrix(rows: inputSeedRows, cols: e)
                    sensitivities.storage.withUnsafeMutableBufferPointer { sp in
                        for r in 0..<inputSeedRows { (sp.baseAddress! + r * e).update(from: dqkv + r * ld + s * he + h * e, count: e) }
                    }
                    sink.record(DenseLayerTrace(weightGroup: sink.wantsTrace(w.group) ? w.name : nil, weightOffset: w.withinGroup + h * d * e,
                                                biasGroup: b.flatMap { sink.wantsTrace($0.group) ? $0.name : nil },
                                                biasOffset: (b?.withinGroup ?? 0) + h * e, weightIsTransposed: true, positions: t,
                                                inputs: inputs, sensitivities: sensitivities))
                }
            }
        }
        guard let dx = inputSeed else { return }
        // The packed weight of the last forward (θ has not changed since).
        BLAS.gemm(.none, .transpose, m: inputSeedRows, n: d, k: ld, a: dqkv, lda: ld, b: buffer(.packed, 0), ldb: ld, c: dx, ldc: d)
    }

    public func tangent(_ dx: UnsafePointer<Double>?, _ x: UnsafePointer<Double>, _ batch: Batch, tangents m: Int,
                        _ theta: UnsafePointer<Double>, _ dTheta: UnsafePointer<Double>?, parameterCount: Int,
                        into dy: UnsafeMutablePointer<Double>) {
        let rows = batch.rows, t = batch.positions, e = headWidth, he = headsWidth, ld = 3 * he, d = inputWidth
        let q0 = firstQuery(t), tq = t - q0, outRows = batch.examples * tq
        let tangentRows = m * rows
        let qkv = buffer(.qkv, 0), a = buffer(.a, 0), z = buffer(.z, 0)
        let dqkv = buffer(.dqkv, tangentRows * ld), dz = buffer(.dz, m * outRows * he)
        if let dx {
            BLAS.gemm(.none, .none, m: tangentRows, n: ld, k: d, a: dx, lda: d, b: buffer(.packed, 0), ldb: ld, c: dqkv, ldc: ld)
        } else {
            dqkv.initialize(repeating: 0, count: tangentRows * ld)
        }
        if let dTheta {
            let packed = buffer(.tangentWeight, d * ld)
            for j in 0..<m {
                let tj = dTheta + j * parameterCount
                pack(tj, into: packed)
                BLAS.gemm(.none, .none, m: rows, n: ld, k: d, a: x, lda: d, b: packed, ldb: ld, beta: 1, c: dqkv + j * rows * ld, ldc: ld)
                if let b = packedBias(tj) { addRows(b, to: dqkv + j * rows * ld, rows: rows, width: ld) }
            }
        }
        let ds = buffer(.scratch, t * t)
        let scale = 1 / Double(e).squareRoot()
        for j in 0..<m {
            for n in 0..<batch.examples {
                let r0 = (j * batch.examples + n) * t, o0 = (j * batch.examples + n) * tq - q0
                for h in 0..<heads {
                    let an = a + (n * heads + h) * t * t
                    for i in q0..<t {
                        let qi = qkv + (n * t + i) * ld + h * e, dqi = dqkv + (r0 + i) * ld + h * e
                        var weighted = 0.0
                        for c in 0...i {
                            let kc = qkv + (n * t + c) * ld + he + h * e, dkc = dqkv + (r0 + c) * ld + he + h * e
                            var s = 0.0
                            for w in 0..<e { s += dqi[w] * kc[w] + qi[w] * dkc[w] }
                            ds[i * t + c] = s * scale
                            weighted += an[i * t + c] * s * scale
                        }
                        let dzi = dz + (o0 + i) * he + h * e
                        for w in 0..<e { dzi[w] = 0 }
                        for c in 0...i {
                            let p = an[i * t + c], dp = p * (ds[i * t + c] - weighted)
                            let vc = qkv + (n * t + c) * ld + 2 * he + h * e, dvc = dqkv + (r0 + c) * ld + 2 * he + h * e
                            for w in 0..<e { dzi[w] += dp * vc[w] + p * dvc[w] }
                        }
                    }
                }
            }
        }
        BLAS.gemm(.none, .none, m: m * outRows, n: d, k: he, a: dz, lda: he, b: theta + output.offset, ldb: d, c: dy, ldc: d)
        guard let dTheta else { return }
        for j in 0..<m {
            let tj = dTheta + j * parameterCount, block = dy + j * outRows * d
            BLAS.gemm(.none, .none, m: outRows, n: d, k: he, a: z, lda: he, b: tj + output.offset, ldb: d, beta: 1, c: block, ldc: d)
            if let outputBias { addRows(tj + outputBias.offset, to: block, rows: outRows, width: d) }
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
