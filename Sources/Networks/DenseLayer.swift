import LinearAlgebra
internal import CKernels

/// Where a layer finds one of its parameter tensors: the model's group (index and name) and the
/// element of θ where this layer's block starts (a block may be part of a group, as one attention
/// head's slice of W_Q is).
public struct ParameterSlot: Sendable {
    public let group: Int
    public let name: String
    /// Absolute offset of the block in θ.
    public let offset: Int
    /// Offset of the block inside its group.
    public let withinGroup: Int

    public init(_ group: ParameterGroup, index: Int, within: Int = 0) {
        self.group = index; name = group.name; offset = group.offset + within; withinGroup = within
    }

    /// The slot of the group called `name` in `groups` (a programming error when there is none).
    public static func named(_ name: String, in groups: [ParameterGroup], within: Int = 0) -> ParameterSlot {
        guard let i = groups.firstIndex(where: { $0.name == name }) else { preconditionFailure("no parameter group \(name)") }
        return ParameterSlot(groups[i], index: i, within: within)
    }
}

/// y = α·V·x + b at every position: the dense map every network here is built from.
///
/// V is out×in; the group stores it as V (PyTorch's `nn.Linear`, [out, in]) or, with
/// `transposed`, as Vᵀ ([in, out]: TransformerLens' W_U and W_in, TMS's decoder).
///
///     forward   y = α x Vᵀ + 1 bᵀ                         (rows × out)
///     backward  ∂L/∂V = α seedᵀ x,  ∂L/∂b = seedᵀ 1,  ∂L/∂x = α seed V
///     tangent   dy = α (dx Vᵀ + x dVᵀ) + 1 dbᵀ
///
/// With `sparseInputs`, a batch whose inputs are at most 1/8 nonzero (one-hot tokens or pairs)
/// gathers rows of Vᵀ instead of a dense GEMM, O(rows·out·nnz/row) instead of O(rows·out·in),
/// and scatters the weight gradient the same way.
public final class DenseLayer: Layer {
    public let weight: ParameterSlot
    public let bias: ParameterSlot?
    public let inputWidth: Int
    public let outputWidth: Int
    public let transposed: Bool
    /// α.
    public let scale: Double
    public let sparseInputs: Bool
    private let workspace = Workspace()
    /// The compressed inputs of the last forward pass, when they were sparse enough.
    private var lastSparse: SparseRows?

    public init(weight: ParameterSlot, bias: ParameterSlot? = nil, inputs: Int, outputs: Int,
                transposed: Bool = false, scale: Double = 1, sparseInputs: Bool = false) {
        self.weight = weight; self.bias = bias; inputWidth = inputs; outputWidth = outputs
        self.transposed = transposed; self.scale = scale; self.sparseInputs = sparseInputs
        groups = [weight.group] + (bias.map { [$0.group] } ?? [])
    }

    public let groups: [Int]

    public func replica() -> any Layer {
        DenseLayer(weight: weight, bias: bias, inputs: inputWidth, outputs: outputWidth, transposed: transposed,
                   scale: scale, sparseInputs: sparseInputs)
    }

    public func forward(_ x: UnsafePointer<Double>, _ batch: Batch, _ theta: UnsafePointer<Double>,
                        into y: UnsafeMutablePointer<Double>) {
        let rows = batch.rows, n = inputWidth, o = outputWidth
        let w = theta + weight.offset
        lastSparse = sparseInputs ? SparseRows.compress(x, rows: rows, cols: n, workspace: workspace, slot: 1) : nil
        if let sparse = lastSparse {
            // y[r] = α Σ_k x[r, i_k] Vᵀ[i_k, :], gathered from rows of Vᵀ.
            let vt = transposed ? w : transposedWeight(w)
            entk_gather_rows(vt, o, sparse.start, sparse.column, sparse.value, scale, rows, y)
        } else {
            BLAS.gemm(.none, transposed ? .none : .transpose, m: rows, n: o, k: n, alpha: scale, a: x, lda: n,
                      b: w, ldb: transposed ? o : n, c: y, ldc: o)
        }
        if let bias { addRows(theta + bias.offset, to: y, rows: rows, width: o) }
    }

    /// Vᵀ (in × out) copied into the workspace, for the gather path of a weight stored as V.
    private func transposedWeight(_ w: UnsafePointer<Double>) -> UnsafePointer<Double> {
        let vt = workspace.buffer(0, count: inputWidth * outputWidth)
        entk_transpose(w, outputWidth, inputWidth, 1, 0, vt)
        return UnsafePointer(vt)
    }

    public func backward(_ seed: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ batch: Batch, seeds m: Int,
                         _ theta: UnsafePointer<Double>, _ sink: BackwardSink, inputSeed: UnsafeMutablePointer<Double>?) {
        let rows = batch.rows, n = inputWidth, o = outputWidth
        let w = theta + weight.offset
        if let g = sink.gradient {
            precondition(m == 1, "dense: a summed gradient takes one seed per example")
            weightGradient(seed, x, rows: rows, beta: sink.beta(weight.group), into: g + weight.offset)
            if let bias {
                let ones = workspace.buffer(4, count: rows)
                if rows > 0 && ones[rows - 1] != 1 { for r in 0..<rows { ones[r] = 1 } }
                BLAS.gemv(.transpose, m: rows, n: o, a: seed, lda: o, x: ones, beta: sink.beta(bias.group), y: g + bias.offset)
            }
        } else if sink.wantsTrace(weight.group) || bias.map({ sink.wantsTrace($0.group) }) == true {
            var inputs = Matrix(rows: rows, cols: n)
            inputs.storage.withUnsafeMutableBufferPointer { ip in
                for k in 0..<(rows * n) { ip[k] = scale * x[k] }
            }
            let sensitivities = Matrix(rows: m * rows, cols: o, storage: Array(UnsafeBufferPointer(start: seed, count: m * rows * o)))
            let useWeight = sink.wantsTrace(weight.group)
            sink.record(DenseLayerTrace(weightGroup: useWeight ? weight.name : nil, weightOffset: weight.withinGroup,
                                        biasGroup: bias.flatMap { sink.wantsTrace($0.group) ? $0.name : nil },
                                        biasOffset: bias?.withinGroup ?? 0, weightIsTransposed: transposed,
                                        positions: batch.positions, inputs: useWeight ? inputs : Matrix(rows: rows, cols: 0),
                                        sensitivities: sensitivities))
        }
        if let dx = inputSeed {
            BLAS.gemm(.none, transposed ? .transpose : .none, m: m * rows, n: n, k: o, alpha: scale, a: seed, lda: o,
                      b: w, ldb: transposed ? o : n, c: dx, ldc: n)
        }
    }

    /// ∂L/∂V (as stored) ← α seedᵀ x (+ β·itself), scattered when the last inputs were sparse.
    private func weightGradient(_ seed: UnsafePointer<Double>, _ x: UnsafePointer<Double>, rows: Int, beta: Double,
                                into gw: UnsafeMutablePointer<Double>) {
        let n = inputWidth, o = outputWidth
        if let sparse = lastSparse {
            // ∂L/∂Vᵀ[i] = α Σ_r x[r,i] seed[r]: scatter rows of the seed, then lay out as stored.
            let gt = transposed ? gw : workspace.buffer(3, count: n * o)
            if !transposed || beta == 0 { gt.update(repeating: 0, count: n * o) }
            entk_scatter_rows(seed, o, sparse.start, sparse.column, sparse.value, transposed ? scale : 1, rows, gt)
            if !transposed { entk_transpose(gt, n, o, scale, beta == 0 ? 0 : 1, gw) }
        } else if transposed {
            BLAS.gemm(.transpose, .none, m: n, n: o, k: rows, alpha: scale, a: x, lda: n, b: seed, ldb: o, beta: beta, c: gw, ldc: o)
        } else {
            BLAS.gemm(.transpose, .none, m: o, n: n, k: rows, alpha: scale, a: seed, lda: o, b: x, ldb: n, beta: beta, c: gw, ldc: n)
        }
    }

    public func tangent(_ dx: UnsafePointer<Double>?, _ x: UnsafePointer<Double>, _ batch: Batch, tangents m: Int,
                        _ theta: UnsafePointer<Double>, _ dTheta: UnsafePointer<Double>?, parameterCount: Int,
                        into dy: UnsafeMutablePointer<Double>) {
        let rows = batch.rows, n = inputWidth, o = outputWidth
        if let dx {
            BLAS.gemm(.none, transposed ? .none : .transpose, m: m * rows, n: o, k: n, alpha: scale, a: dx, lda: n,
                      b: theta + weight.offset, ldb: transposed ? o : n, c: dy, ldc: o)
        } else {
            dy.initialize(repeating: 0, count: m * rows * o)
        }
        guard let dTheta else { return }
        for j in 0..<m {
            let t = dTheta + j * parameterCount, block = dy + j * rows * o
            BLAS.gemm(.none, transposed ? .none : .transpose, m: rows, n: o, k: n, alpha: scale, a: x, lda: n,
                      b: t + weight.offset, ldb: transposed ? o : n, beta: 1, c: block, ldc: o)
            if let bias { addRows(t + bias.offset, to: block, rows: rows, width: o) }
        }
    }
}

/// y[r, :] += b for every row r (`entk_add_rows`, at the CPU's width).
@inline(__always) func addRows(_ b: UnsafePointer<Double>, to y: UnsafeMutablePointer<Double>, rows: Int, width: Int) {
    entk_add_rows(b, y, rows, width)
}
