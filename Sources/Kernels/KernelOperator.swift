import LinearAlgebra
import Networks

/// The eNTK as a matrix-free operator (route "operator"): K·V = J_view (J_viewᵀ V), computed as
/// backward passes (vector–Jacobian products) then one batched tangent pass (Jacobian–vector
/// products) over chunks of inputs, never storing J, K or layer traces.
///
/// Every view is a sum of terms J_σ J_τᵀ with J_σ(x_n) = Σ_c σ_c ∂f_c(x_n)/∂θ (ViewFactor's
/// conventions, s_c = I_c^{β/2}):
/// - flat: (K V)[c·N + n] = s_c (J u)_c(x_n),   u = Σ_{n,c} s_c V[c·N + n] ∂f_c(x_n)/∂θ
/// - mean: σ = τ = s/C;  trace: (1/C) Σ_c with σ = τ = s_c e_c (C terms);  pair(c1, c2): σ = s_c1 e_c1, τ = s_c2 e_c2.
///
/// For a block of b vectors one product costs, per chunk of inputs, two forward passes, b backward
/// passes (each a summed gradient: the layers' gradient sink takes one seed per example, so the
/// VJP side loops over the b vectors, every pass GEMM-shaped over the chunk's rows) and one tangent
/// pass of b tangents (the layers' JVP is batched). The trace view repeats this for each of its C
/// terms. Restriction to groups zeroes the other groups' components of JᵀV before the JVP.
/// Memory: the b × P block JᵀV, one gradient, the output, and one chunk's activations and b
/// tangents (`estimate`); blocks wider than 64 go through in slices of 64. The model's weights
/// are read at each product, so a kernel on this route refuses once the model's parameters have
/// changed (`parameterVersion`).
final class KernelOperator {
    let model: any DifferentiableModel
    let inputs: Matrix
    let view: KernelView
    let scales: [Double]
    let samples: Int
    let outputs: Int
    let dimension: Int
    /// Parameter ranges of θ outside the selected groups (zeroed in JᵀV); empty without `layers:`.
    let excluded: [Range<Int>]
    let budget: Int
    let version: Int
    /// Vectors applied so far (the column count of every block).
    private(set) var products = 0

    init(model: any DifferentiableModel, inputs: Matrix, options: KernelOptions, scales: [Double], budget: Int) throws {
        self.model = model; self.inputs = inputs; view = options.view; self.scales = scales
        samples = inputs.rows; outputs = model.outputSize
        dimension = options.view.dimension(samples: samples, outputs: outputs)
        if let groups = options.groups {
            let kept = Set(groups)
            excluded = model.parameterGroups.filter { !kept.contains($0.name) }.map { $0.offset..<($0.offset + $0.count) }
        } else {
            excluded = []
        }
        self.budget = budget
        version = model.parameterVersion
    }

    /// The block size the memory estimate assumes when none is known yet.
    static let nominalBlock = 32
    /// The widest block one pass takes; wider ones are applied in slices of this many columns.
    static let maxBlock = 64

    /// Bytes of one product on a block of b vectors, apart from the chunk: V, K·V, JᵀV (b × P) and one gradient.
    static func fixedBytes(model: any DifferentiableModel, dimension n: Int, block b: Int) -> Int {
        2 * MemoryBudget.matrixBytes(n, b) + MemoryBudget.matrixBytes(b + 2, model.parameterCount)
    }

    /// Estimated bytes per input of a tangent chunk: the forward activations (twice the sum of
    /// the layer widths at every position, for what layers keep beside their outputs), the b
    /// tangents of those, and the b × C tangent outputs.
    static func bytesPerInput(model: any DifferentiableModel, block b: Int) -> Int {
        8 * (positions(model) * activationWidth(model.layerStack) * 2 * (1 + b) + (b + 1) * model.outputSize)
    }

    /// Estimated bytes per input of a backward chunk (one seed per input): activations and seeds.
    static func backwardBytesPerInput(model: any DifferentiableModel) -> Int {
        8 * (positions(model) * activationWidth(model.layerStack) * 3 + 2 * model.outputSize)
    }

    static func positions(_ model: any DifferentiableModel) -> Int {
        max(1, model.inputSize / max(1, model.layerStack.inputWidth))
    }

    /// Σ of every leaf layer's output width (residual bodies opened), plus their widest input.
    static func activationWidth(_ stack: LayerStack) -> Int {
        stack.layers.reduce(stack.inputWidth) { sum, layer in
            if let r = layer as? ResidualLayer { return sum + activationWidth(r.body) }
            return sum + layer.outputWidth
        }
    }

    /// Bytes a chunk may take: what the budget leaves after the fixed part, at most half the
    /// budget and at most 512 MB.
    static func chunkRoom(model: any DifferentiableModel, dimension n: Int, block b: Int, budget: Int) -> Int {
        min(budget - fixedBytes(model: model, dimension: n, block: b), budget / 2, 512 << 20)
    }

    /// Inputs per tangent chunk for a block of b vectors (at least one).
    static func chunkInputs(model: any DifferentiableModel, samples: Int, dimension n: Int, block b: Int, budget: Int) -> Int {
        let room = chunkRoom(model: model, dimension: n, block: b, budget: budget)
        return max(1, min(samples, room / max(1, bytesPerInput(model: model, block: b))))
    }

    /// Inputs per backward chunk (one seed per input, so many more inputs than a tangent chunk):
    /// wide chunks make every backward GEMM tall.
    static func backwardChunkInputs(model: any DifferentiableModel, samples: Int, dimension n: Int, block b: Int, budget: Int) -> Int {
        let room = chunkRoom(model: model, dimension: n, block: b, budget: budget)
        return max(1, min(samples, room / max(1, backwardBytesPerInput(model: model))))
    }

    /// The memory estimate for a block of `nominalBlock` vectors and a chunk of at least one input.
    static func estimate(model: any DifferentiableModel, samples: Int, dimension n: Int, budget: Int) -> Int {
        let b = nominalBlock
        let chunk = chunkInputs(model: model, samples: samples, dimension: n, block: b, budget: budget)
        let backward = backwardChunkInputs(model: model, samples: samples, dimension: n, block: b, budget: budget)
        return fixedBytes(model: model, dimension: n, block: b)
            + max(chunk * bytesPerInput(model: model, block: b), backward * backwardBytesPerInput(model: model))
    }

    /// Terms (σ, τ) of the view, K = Σ J_σ J_τᵀ; empty for flat (handled directly).
    private var terms: [(left: [Double], right: [Double])] {
        let c = outputs
        func unit(_ k: Int, _ s: Double) -> [Double] { var e = [Double](repeating: 0, count: c); e[k] = s; return e }
        switch view {
        case .flat: return []
        case .mean:
            let sigma = scales.map { $0 / Double(c) }
            return [(sigma, sigma)]
        case .trace:
            let root = 1 / Double(c).squareRoot()
            return (0..<c).map { k in (unit(k, scales[k] * root), unit(k, scales[k] * root)) }
        case .pair(let a, let b):
            return [(unit(a, scales[a]), unit(b, scales[b]))]
        }
    }

    /// K·V for an n × b block V.
    func apply(_ v: Matrix) throws -> Matrix {
        guard model.parameterVersion == version else {
            throw KernelError.invalidArgument("the model's parameters have changed since this operator kernel was made; compute a new kernel (route operator reads the weights at every product)")
        }
        guard v.rows == dimension else {
            throw KernelError.shapeMismatch("cannot apply the \(dimension)×\(dimension) kernel to a \(v.rows)×\(v.cols) block")
        }
        // Wide blocks (a `matrix()`, a large `block`) go through in slices of `maxBlock`
        // columns, so Jᵀ V stays maxBlock × P whatever the caller asks.
        if v.cols > Self.maxBlock {
            var out = Matrix(rows: dimension, cols: v.cols)
            for start in stride(from: 0, to: v.cols, by: Self.maxBlock) {
                let width = min(Self.maxBlock, v.cols - start)
                var slice = Matrix(rows: dimension, cols: width)
                for i in 0..<dimension { for j in 0..<width { slice[i, j] = v[i, start + j] } }
                let part = try apply(slice)
                for i in 0..<dimension { for j in 0..<width { out[i, start + j] = part[i, j] } }
            }
            return out
        }
        let b = v.cols
        try AllocationBudget.reserve([b + 2, model.parameterCount], for: "the operator product's Jᵀ V (\(b) × \(model.parameterCount))")
        var out = Matrix(rows: dimension, cols: b)
        guard b > 0 else { return out }
        func split(_ size: Int) -> [Range<Int>] { stride(from: 0, to: samples, by: size).map { $0..<min(samples, $0 + size) } }
        let chunks = (backward: split(Self.backwardChunkInputs(model: model, samples: samples, dimension: dimension, block: b, budget: budget)),
                      tangent: split(Self.chunkInputs(model: model, samples: samples, dimension: dimension, block: b, budget: budget)))
        if view == .flat {
            try product(v, chunks: chunks, into: &out, seed: { n, c, j in self.scales[c] * v[c * self.samples + n, j] },
                        gather: { n, c, j, value, out in out[c * self.samples + n, j] = self.scales[c] * value })
        } else {
            for (sigma, tau) in terms {
                try product(v, chunks: chunks, into: &out, seed: { n, c, j in tau[c] == 0 ? 0 : tau[c] * v[n, j] },
                            gather: { n, c, j, value, out in if sigma[c] != 0 { out[n, j] += sigma[c] * value } })
            }
        }
        products += b
        return out
    }

    /// One term: U = Σ_{n,c} seed(n, c, j) ∂f_c(x_n)/∂θ for each column j (backward passes),
    /// restricted to the selected groups, then the tangents J·U chunk by chunk into `gather`.
    private func product(_ v: Matrix, chunks: (backward: [Range<Int>], tangent: [Range<Int>]), into out: inout Matrix,
                         seed: (Int, Int, Int) -> Double,
                         gather: (Int, Int, Int, Double, inout Matrix) -> Void) throws {
        let b = v.cols, c = outputs, p = model.parameterCount
        var u = Matrix(rows: b, cols: p)
        var gradient = [Double](repeating: 0, count: p)
        for range in chunks.backward {
            try Interruption.poll("the operator product (inputs \(range.lowerBound)..<\(range.upperBound) of \(samples), backward)")
            let x = sliceRows(inputs, range), rows = range.count
            var f = [Double](repeating: 0, count: rows * c)
            var g = [Double](repeating: 0, count: rows * c)
            x.storage.withUnsafeBufferPointer { xp in
                f.withUnsafeMutableBufferPointer { model.forward(xp.baseAddress!, rows: rows, into: $0.baseAddress!) }
                for j in 0..<b {
                    var any = false
                    for r in 0..<rows {
                        for k in 0..<c {
                            let s = seed(range.lowerBound + r, k, j)
                            g[r * c + k] = s
                            if s != 0 { any = true }
                        }
                    }
                    guard any else { continue }
                    g.withUnsafeBufferPointer { gp in
                        gradient.withUnsafeMutableBufferPointer { dp in
                            model.backward(xp.baseAddress!, rows: rows, outputGradient: gp.baseAddress!, into: dp.baseAddress!)
                        }
                    }
                    u.storage.withUnsafeMutableBufferPointer { up in
                        gradient.withUnsafeBufferPointer { BLAS.axpy(count: p, alpha: 1, $0.baseAddress!, up.baseAddress! + j * p) }
                    }
                }
            }
        }
        u.storage.withUnsafeMutableBufferPointer { up in
            for j in 0..<b { for r in excluded { (up.baseAddress! + j * p + r.lowerBound).update(repeating: 0, count: r.count) } }
        }
        for range in chunks.tangent {
            try Interruption.poll("the operator product (inputs \(range.lowerBound)..<\(range.upperBound) of \(samples), tangents)")
            let t = try model.tangents(sliceRows(inputs, range), parameterTangents: u)
            let rows = range.count
            t.storage.withUnsafeBufferPointer { tp in
                for j in 0..<b {
                    for r in 0..<rows {
                        for k in 0..<c { gather(range.lowerBound + r, k, j, tp[(j * rows + r) * c + k], &out) }
                    }
                }
            }
        }
    }

    /// The diagonal K[i, i]: per input, one forward pass and one backward pass per seed the view
    /// combines (C for flat and trace, one for mean and a pair), as squared gradient norms over
    /// the selected groups. Cost about that of C products of one vector.
    func diagonal() throws -> [Double] {
        guard model.parameterVersion == version else {
            throw KernelError.invalidArgument("the model's parameters have changed since this operator kernel was made; compute a new kernel")
        }
        let c = outputs, p = model.parameterCount
        var kept = [Bool](repeating: true, count: p)
        for r in excluded { for i in r { kept[i] = false } }
        var diag = [Double](repeating: 0, count: dimension)
        var gradient = [Double](repeating: 0, count: p)
        var f = [Double](repeating: 0, count: c)
        var seeds: [[Double]] = view == .flat ? (0..<c).map { k in var e = [Double](repeating: 0, count: c); e[k] = scales[k]; return e }
            : terms.map(\.left)
        if case .pair(let a, let b) = view, a != b { seeds = [] }
        for n in 0..<samples {
            try Interruption.poll("the operator kernel's diagonal (input \(n) of \(samples))")
            let x = sliceRows(inputs, n..<(n + 1))
            x.storage.withUnsafeBufferPointer { xp in
                f.withUnsafeMutableBufferPointer { model.forward(xp.baseAddress!, rows: 1, into: $0.baseAddress!) }
                for (k, s) in seeds.enumerated() {
                    s.withUnsafeBufferPointer { sp in
                        gradient.withUnsafeMutableBufferPointer { model.backward(xp.baseAddress!, rows: 1, outputGradient: sp.baseAddress!, into: $0.baseAddress!) }
                    }
                    var sum = 0.0
                    for i in 0..<p where kept[i] { sum += gradient[i] * gradient[i] }
                    if view == .flat { diag[k * samples + n] = sum } else { diag[n] += sum }
                }
            }
        }
        if case .pair(let a, let b) = view, a != b {
            // Off the diagonal classes, K[n, n] = J_a(x_n)·J_b(x_n): one product per input would do; use the block route.
            for n in 0..<samples {
                var e = Matrix(rows: dimension, cols: 1)
                e[n, 0] = 1
                diag[n] = try apply(e)[n, 0]
            }
        }
        return diag
    }
}
