import LinearAlgebra
import Networks

/// The empirical NTK of a model on inputs X, in one view, possibly restricted to parameter groups
/// and rescaled by output importance:
///
///     K[n, n', c, d] = Σ_p s_c ∂f_c(x_n)/∂θ_p · s_d ∂f_d(x_n')/∂θ_p,   s_c = I_c^{β/2}
///
/// arranged as the view's matrix (`KernelView`). The kernel is held either densely (routes
/// "jacobian" and "structured") or as a factor A with K = A Aᵀ (route "gram", when A is narrower
/// than it is tall: entries, blocks and products K·V = A(AᵀV) come from A, and the spectrum from
/// G = AᵀA, so the big matrix is never formed). The factor is explicit Jacobian rows or, for the
/// flat view when cheaper, the model's layer traces (`TraceFactor`). Route "structured" holds the
/// closed-form ingredients (`StructuredOperator`) and forms the matrix when first asked for it.
/// `route` and `routeReason` record what was done.
public final class EmpiricalNTK {
    /// Dense K, a factor (K = A Aᵀ), or the modular MLP's closed-form ingredients.
    enum Storage {
        case dense(Matrix)
        case factor(any KernelFactor)
        case structured(StructuredOperator)
        /// Route "operator": K·V by VJPs then JVPs over input chunks, nothing of J or K held.
        case `operator`(KernelOperator)
    }

    public let view: KernelView
    /// Restriction to parameter groups (nil = all).
    public let groups: [String]?
    /// N, the number of inputs.
    public let samples: Int
    /// C, the number of model outputs.
    public let outputs: Int
    /// Parameters the kernel sums over (P of the selected groups).
    public let parameterCount: Int
    /// The side of the kernel matrix: N·C (flat) or N.
    public let dimension: Int
    /// The route actually taken (never `.auto`).
    public let route: KernelRoute
    /// Why `route` was chosen, in words (for the console and the docs).
    public let routeReason: String
    /// The memory budget the kernel was computed under, in bytes.
    public let memoryBudget: Int
    let storage: Storage

    init(view: KernelView, groups: [String]?, samples: Int, outputs: Int, parameterCount: Int,
         route: KernelRoute, reason: String, budget: Int, storage: Storage) {
        self.view = view; self.groups = groups; self.samples = samples; self.outputs = outputs
        self.parameterCount = parameterCount
        self.dimension = view.dimension(samples: samples, outputs: outputs)
        self.route = route; self.routeReason = reason; self.memoryBudget = budget; self.storage = storage
    }

    /// Computes the eNTK of `model` on the rows of `inputs` (N × inputSize).
    ///
    /// Route choice under `.auto`: "structured" for a modular MLP in a non-flat view restricted to
    /// W1/W2 (cost O(N²H)); else "gram" when the view is symmetric and its factor width F (P, or
    /// C·P for trace) is below the side n (cost n·F² to form G, memory n·F + F²); else "jacobian"
    /// (cost n²·F, memory n² plus Jacobian blocks). Each candidate's bytes are estimated first;
    /// when none fits `memoryBudget`, throws `KernelError.overBudget` naming a view/route that would.
    ///
    /// With `options.outputs` or `options.metric` the kernel is that of the hidden state and/or
    /// of S^{1/2} f: every route runs on the derived model (`KernelOptions.kernelModel`), so C is
    /// that model's output count.
    public convenience init(model given: any DifferentiableModel, inputs: Matrix, options: KernelOptions = KernelOptions()) throws {
        let model = try options.kernelModel(given)
        let budget = options.memoryBudget ?? MemoryBudget.defaultBudget()
        let factor = try ViewFactor(model: model, inputs: inputs, options: options)
        let plan = try KernelPlan.choose(model: model, factor: factor, options: options, budget: budget)
        let storage: Storage
        var reason = plan.reason, route = plan.route
        switch plan.route {
        case .structured:
            storage = .structured(try StructuredOperator(model: model, inputs: inputs, options: options, scales: factor.scales))
        case .operator:
            storage = .operator(try KernelOperator(model: model, inputs: inputs, options: options, scales: factor.scales, budget: budget))
        case .gram:
            if let traces = try cheaperTraceFactor(model: model, inputs: inputs, factor: factor, options: options, budget: budget) {
                storage = .factor(traces)
                reason += String(format: "; J held as layer traces (AᵀA in %.2g GFLOP instead of %.2g)",
                                 traces.gramFlops / 1e9, explicitGramFlops(factor) / 1e9)
            } else {
                storage = .factor(try factor.full(blockBytes: plan.blockBytes).left)
            }
        default:
            let traces = try TraceKernel.traces(model: model, factor: factor)
            // The thin factor changes the route, so only when the route is ours to choose.
            if options.route == .auto, let traces, let a = TraceKernel.thinFactor(traces: traces, model: model, factor: factor) {
                storage = .factor(a)
                route = .gram
                reason = "the selected layers see the same sensitivities at every input, so K = A Aᵀ with A \(a.rows)×\(a.cols) "
                    + "from their inputs (rank ≤ \(a.cols)): held with its \(a.cols)×\(a.cols) Gram matrix"
            } else if let traces, let (k, flops) = try TraceKernel.dense(traces: traces, model: model, factor: factor, budget: budget) {
                storage = .dense(k)
                reason += String(format: "; J contracted through the layer traces (%.2g GFLOP instead of %.2g)",
                                 flops / 1e9, TraceKernel.explicitFlops(factor) / 1e9)
            } else {
                storage = .dense(try denseFromJacobian(factor, cacheFactor: plan.cacheFactor, blockBytes: plan.blockBytes))
            }
        }
        self.init(view: options.view, groups: options.groups, samples: inputs.rows, outputs: model.outputSize,
                  parameterCount: factor.parameters, route: route, reason: reason, budget: budget,
                  storage: storage)
    }

    /// One kernel per parameter group (in the model's group order), each computed with `options`
    /// restricted to that group. Their matrices sum to the full kernel (same view, same β). With
    /// `options.outputs`, only the groups the hidden state depends on.
    public static func byLayer(model: any DifferentiableModel, inputs: Matrix,
                               options: KernelOptions = KernelOptions()) throws -> [(group: String, kernel: EmpiricalNTK)] {
        var all = options
        all.groups = nil
        let used = Set(try all.kernelModel(model).layerStack.groups)
        return try model.parameterGroups.enumerated().filter { used.contains($0.offset) }.map(\.element).map { g in
            var o = options
            o.groups = [g.name]
            return (g.name, try EmpiricalNTK(model: model, inputs: inputs, options: o))
        }
    }

    /// Whether the kernel is held as a factor (route "gram") rather than densely.
    public var isFactored: Bool { if case .factor = storage { return true } else { return false } }

    /// Whether the kernel is a matrix-free operator (route "operator"): every query is products.
    public var isOperator: Bool { if case .operator = storage { return true } else { return false } }

    /// Vectors the operator route has applied K to so far (0 on other routes).
    public var operatorProducts: Int { if case .operator(let op) = storage { return op.products } else { return 0 } }

    /// Bytes the kernel object holds.
    public var heldBytes: Int {
        switch storage {
        case .dense(let k): return MemoryBudget.matrixBytes(k.rows, k.cols)
        case .factor(let a): return a.heldBytes
        case .structured(let op): return op.heldBytes
        case .operator: return 0
        }
    }

    /// Upper bound on the rank: min(n, factor width) for a factor, n for a dense kernel.
    public var rankBound: Int {
        switch storage {
        case .dense, .structured: return dimension
        case .operator: return min(dimension, parameterCount * (view == .trace ? outputs : 1))
        case .factor(let a): return min(dimension, a.cols)
        }
    }

    /// K[i, j] of the view's matrix. Cost O(1) dense, O(F) factored.
    public func entry(_ i: Int, _ j: Int) throws -> Double {
        guard (0..<dimension).contains(i), (0..<dimension).contains(j) else {
            throw KernelError.invalidArgument("entry (\(i), \(j)) is outside the \(dimension)×\(dimension) kernel")
        }
        switch storage {
        case .dense(let k): return k[i, j]
        case .factor(let a): return dot(a.rowBlock(i..<(i + 1)).storage, a.rowBlock(j..<(j + 1)).storage)
        case .structured(let op): return try op.block(rows: i..<(i + 1), cols: j..<(j + 1)).storage[0]
        case .operator: return try block(rows: i..<(i + 1), cols: j..<(j + 1)).storage[0]
        }
    }

    /// The block K[rows, cols] as a matrix. Factored: one GEMM of |rows|×F by F×|cols|.
    public func block(rows: Range<Int>, cols: Range<Int>) throws -> Matrix {
        guard rows.lowerBound >= 0, cols.lowerBound >= 0, rows.upperBound <= dimension, cols.upperBound <= dimension else {
            throw KernelError.invalidArgument("block \(rows.lowerBound)..<\(rows.upperBound) × \(cols.lowerBound)..<\(cols.upperBound) is outside the \(dimension)×\(dimension) kernel")
        }
        switch storage {
        case .dense(let k):
            var out = Matrix(rows: rows.count, cols: cols.count)
            for (a, i) in rows.enumerated() { for (b, j) in cols.enumerated() { out[a, b] = k[i, j] } }
            return out
        case .factor(let a):
            return try a.rowBlock(rows).multiplied(by: a.rowBlock(cols), .none, .transpose)
        case .structured(let op):
            return try op.block(rows: rows, cols: cols)
        case .operator(let op):
            // K[rows, cols] = (K E_cols)[rows]: one product of |cols| unit vectors.
            try AllocationBudget.reserve([2 * dimension + rows.count, cols.count], for: "the \(cols.count) unit vectors and products of an operator-kernel block")
            var e = Matrix(rows: dimension, cols: cols.count)
            for (k, j) in cols.enumerated() { e[j, k] = 1 }
            let kc = try op.apply(e)
            var out = Matrix(rows: rows.count, cols: cols.count)
            for (a, i) in rows.enumerated() { for k in 0..<cols.count { out[a, k] = kc[i, k] } }
            return out
        }
    }

    /// The whole n×n matrix. For a factored kernel this forms A·Aᵀ from explicit rows, after
    /// checking n² + n·F bytes against the budget (the error suggests `block`, `apply` or the
    /// spectrum instead).
    public func matrix() throws -> Matrix {
        switch storage {
        case .dense(let k): return k
        case .structured(let op): return try op.matrix()
        case .operator:
            let need = 2 * MemoryBudget.matrixBytes(dimension, dimension)
            guard need <= memoryBudget else {
                throw KernelError.overBudget(needed: need, budget: memoryBudget, what: "the dense \(dimension)×\(dimension) \(view) kernel",
                                             suggestion: "query entries, blocks, products or the spectrum instead (route operator never forms it)")
            }
            return try block(rows: 0..<dimension, cols: 0..<dimension)
        case .factor(let a):
            let need = MemoryBudget.matrixBytes(dimension, dimension) + MemoryBudget.matrixBytes(dimension, a.cols)
            guard need <= memoryBudget else {
                throw KernelError.overBudget(needed: need, budget: memoryBudget, what: "the dense \(dimension)×\(dimension) \(view) kernel",
                                             suggestion: "query entries, blocks, products or the spectrum instead (route gram never forms it)")
            }
            return a.rowBlock(0..<dimension).gram(.none)
        }
    }

    /// K·V for an n×b block V. Dense: one GEMM (2n²b flops); factored: A(AᵀV) (4nFb flops);
    /// structured: from the closed-form ingredients (`StructuredOperator.apply`).
    public func apply(_ v: Matrix) throws -> Matrix {
        guard v.rows == dimension else {
            throw KernelError.shapeMismatch("cannot apply the \(dimension)×\(dimension) kernel to a \(v.rows)×\(v.cols) block")
        }
        switch storage {
        case .dense(let k): return try k.multiplied(by: v)
        case .factor(let a): return try a.times(try a.transposeTimes(v))
        case .structured(let op): return try op.apply(v)
        case .operator(let op): return try op.apply(v)
        }
    }

    /// The diagonal K[i, i]. Route operator: squared gradient norms, one backward pass per input
    /// and seed (`KernelOperator.diagonal`), which Ctrl-C stops and which refuses once the model changed.
    public var diagonal: [Double] {
        get throws {
            switch storage {
            case .operator(let op): return try op.diagonal()
            case .dense(let k): return (0..<dimension).map { k[$0, $0] }
            case .structured(let op): return op.diagonal
            case .factor(let a):
                // Row norms, a block of rows at a time so an implicit factor is never made whole.
                let step = max(1, (32 << 20) / max(1, 8 * a.cols))
                return stride(from: 0, to: dimension, by: step).flatMap { start -> [Double] in
                    let block = a.rowBlock(start..<min(dimension, start + step))
                    return (0..<block.rows).map { i in
                        block.storage.withUnsafeBufferPointer { BLAS.dot(count: a.cols, $0.baseAddress! + i * a.cols, $0.baseAddress! + i * a.cols) }
                    }
                }
            }
        }
    }

    /// The factor A (K = A Aᵀ) when the kernel is factored.
    var factor: (any KernelFactor)? {
        if case .factor(let a) = storage { return a }
        return nil
    }
}

/// Flops of G = AᵀA by SYRK on the explicit factor: n·F².
func explicitGramFlops(_ factor: ViewFactor) -> Double {
    Double(factor.dimension) * Double(factor.width) * Double(factor.width)
}

/// The layer-trace factor of a flat kernel when forming its AᵀA costs fewer flops than the SYRK
/// on the explicit factor and its working memory fits the budget; nil otherwise (other views, or
/// models whose layers make the traces dearer).
func cheaperTraceFactor(model: any DifferentiableModel, inputs: Matrix, factor: ViewFactor, options: KernelOptions,
                        budget: Int) throws -> TraceFactor? {
    guard options.view == .flat else { return nil }
    guard let traces = try TraceFactor(model: model, inputs: inputs, groups: options.groups, scales: factor.scales),
          traces.gramFlops < explicitGramFlops(factor),
          traces.heldBytes + traces.gramWorkBytes + MemoryBudget.matrixBytes(traces.cols, traces.cols) <= budget else { return nil }
    return traces
}

/// Rows `range` of `m` as a new matrix.
func sliceRows(_ m: Matrix, _ range: Range<Int>) -> Matrix {
    Matrix(rows: range.count, cols: m.cols, storage: Array(m.storage[(range.lowerBound * m.cols)..<(range.upperBound * m.cols)]))
}

/// Dense K from Jacobian row blocks. With `cacheFactor` the whole factor is built once and
/// K = A Aᵀ by one SYRK (L Rᵀ by GEMM for a pair); otherwise blocks are recomputed pairwise
/// (block i against every block j ≤ i, one GEMM each) so only two blocks are ever held.
func denseFromJacobian(_ factor: ViewFactor, cacheFactor: Bool, blockBytes: Int) throws -> Matrix {
    if cacheFactor {
        let (l, r) = try factor.full(blockBytes: blockBytes)
        if let r { return try l.multiplied(by: r, .none, .transpose) }
        return l.gram(.none)
    }
    let n = factor.dimension
    var k = Matrix(rows: n, cols: n)
    let b = factor.blockSamples(bytes: blockBytes)
    let blocks = stride(from: 0, to: factor.samples, by: b).map { $0..<min(factor.samples, $0 + b) }
    let symmetric = factor.view.isSymmetric
    for (bi, ri) in blocks.enumerated() {
        let (li, riRight) = try factor.rows(of: ri)
        let rowsI = factor.kernelRows(ri)
        for (bj, rj) in blocks.enumerated() where !symmetric || bj <= bi {
            let right: Matrix
            if bj == bi {
                right = symmetric ? li : riRight!
            } else {
                let (lj, rjRight) = try factor.rows(of: rj)
                right = symmetric ? lj : rjRight!
            }
            let left = li
            let prod = try Interruption.abandonable("the kernel build (block \(bi + 1) of \(blocks.count))",
                                                    cost: Double(li.rows) * Double(right.rows) * Double(li.cols)) {
                try left.multiplied(by: right, .none, .transpose)
            }
            let rowsJ = factor.kernelRows(rj)
            for (a, i) in rowsI.enumerated() {
                for (c, j) in rowsJ.enumerated() {
                    let v = prod[a, c]
                    k[i, j] = v
                    if symmetric { k[j, i] = v }
                }
            }
        }
    }
    return k
}
