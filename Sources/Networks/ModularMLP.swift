import LinearAlgebra
import Tensors

/// The mean-field two-layer MLP of the grokking experiment (no biases):
///     z = s·W1 x,  s = 1/√(2p),   a = σ(z) (σ(z) = z² by default),   out = (1/H) W2 a,
/// with W1 H×2p ("W1"), W2 p×H ("W2"), both N(0, 1) at init; H = width (512), C = p outputs.
/// Backward: with g = ∂L/∂out, ∂L/∂W2 = (1/H) gᵀ a, ∂L/∂a = (1/H) g W2,
/// ∂L/∂W1 = s (∂L/∂a ⊙ σ′(z))ᵀ x. When at most 1/8 of the inputs are nonzero (one-hot pairs)
/// the first layer gathers and scatters rows of W1ᵀ instead of a dense GEMM: O(N·H·nnz/row)
/// instead of O(N·H·2p).
public final class ModularMLP: DifferentiableModel {
    public let kind = "modmlp"
    /// The modulus p (inputs 2p, outputs p).
    public let modulus: Int
    /// H, the hidden width.
    public let width: Int
    public let activation: Activation
    public let parameterGroups: [ParameterGroup]
    /// The flat parameter vector. Assigning a vector of the wrong length is a programming
    /// error; use `setParameters(_:)` or `load(_:)` for checked input.
    public var parameters: [Double] {
        get { flat }
        set {
            precondition(newValue.count == parameterCount, "modmlp: \(newValue.count) parameters, expected \(parameterCount)")
            flat = newValue
            parameterVersion += 1
        }
    }
    private var flat: [Double]
    public private(set) var parameterVersion = 0
    public var step = 0
    public var history: [TrainingRecord] = []
    private let workspace = Workspace()
    /// The compressed inputs of the last raw-buffer forward pass, when they were sparse enough.
    private var lastSparseInputs: SparseRows?

    /// A freshly initialised model; throws for p < 2 or a non-positive width.
    public init(p: Int, width: Int = 512, activation: Activation = .square, seed: UInt64 = 0) throws {
        guard p >= 2 else { throw NetworkError.invalidArgument("modmlp: p (\(p)) must be at least 2") }
        guard width > 0 else { throw NetworkError.invalidArgument("modmlp: width (\(width)) must be positive") }
        try AllocationBudget.reserve([3 * p, width], for: "modmlp(p: \(p), width: \(width)) parameters")
        modulus = p; self.width = width; self.activation = activation
        parameterGroups = ParameterGroup.layout([("W1", [width, 2 * p]), ("W2", [p, width])])
        var params = [Double](repeating: 0, count: width * 2 * p + p * width)
        var g = RandomGenerator(seed: seed)
        Initialization.standardNormal(count: params.count, into: &params, offset: 0, &g)
        flat = params
    }

    public var inputSize: Int { 2 * modulus }
    public var outputSize: Int { modulus }
    public var parameterCount: Int { width * 2 * modulus + modulus * width }
    public var defaultLoss: Loss { .mse }
    /// s = 1/√(2p), the input scale.
    public var inputScale: Double { 1 / Double(2 * modulus).squareRoot() }
    /// 1/H, the output scale.
    public var outputScale: Double { 1 / Double(width) }

    /// W1 (H×2p).
    public var w1: Matrix { Matrix(rows: width, cols: 2 * modulus, storage: Array(parameters[0..<(width * 2 * modulus)])) }
    /// W2 (p×H).
    public var w2: Matrix { Matrix(rows: modulus, cols: width, storage: Array(parameters[(width * 2 * modulus)...])) }

    /// Hidden pre-activations z = s·W1 x for each input row (N×H).
    public func preActivations(_ x: Matrix) throws -> Matrix {
        try checkInputs(x)
        return try x.multiplied(by: w1, .none, .transpose, alpha: inputScale)
    }

    /// Hidden activations a = σ(z) (z² for the default model), N×H.
    public func activations(_ x: Matrix) throws -> Matrix {
        var z = try preActivations(x)
        for k in z.storage.indices { z.storage[k] = activation.value(z.storage[k]) }
        return z
    }

    public func forward(_ x: Matrix) -> Matrix { forwardAllocating(x) }

    public func forward(_ x: UnsafePointer<Double>, rows: Int, into outputs: UnsafeMutablePointer<Double>) {
        let h = width, p = modulus
        let z = workspace.buffer(0, count: rows * h)
        let a = workspace.buffer(1, count: rows * h)
        flat.withUnsafeBufferPointer { pp in
            let w1 = pp.baseAddress!, w2 = w1 + h * 2 * p
            lastSparseInputs = SparseRows.compress(x, rows: rows, cols: 2 * p, workspace: workspace, slot: 5)
            if let sparse = lastSparseInputs {
                // One-hot inputs: z[n] = s Σ_i x[n,i] W1[:, i], gathered from rows of W1ᵀ.
                let w1t = workspace.buffer(3, count: 2 * p * h)
                for j in 0..<h { for i in 0..<(2 * p) { w1t[i * h + j] = w1[j * 2 * p + i] } }
                for r in 0..<rows {
                    let zr = z + r * h
                    for j in 0..<h { zr[j] = 0 }
                    for k in sparse.start[r]..<sparse.start[r + 1] {
                        BLAS.axpy(count: h, alpha: inputScale * sparse.value[k], w1t + sparse.column[k] * h, zr)
                    }
                }
            } else {
                BLAS.gemm(.none, .transpose, m: rows, n: h, k: 2 * p, alpha: inputScale, a: x, lda: 2 * p,
                          b: w1, ldb: 2 * p, c: z, ldc: h)
            }
            activation.apply(z, into: a, count: rows * h)
            BLAS.gemm(.none, .transpose, m: rows, n: p, k: h, alpha: outputScale, a: a, lda: h,
                      b: w2, ldb: h, c: outputs, ldc: p)
        }
    }

    public func backward(_ x: UnsafePointer<Double>, rows: Int, outputGradient: UnsafePointer<Double>,
                         into gradient: UnsafeMutablePointer<Double>) {
        let h = width, p = modulus
        let z = workspace.buffer(0, count: rows * h)
        let a = workspace.buffer(1, count: rows * h)
        let delta = workspace.buffer(2, count: rows * h)
        flat.withUnsafeBufferPointer { pp in
            let w2 = pp.baseAddress! + h * 2 * p
            let gw1 = gradient, gw2 = gradient + h * 2 * p
            BLAS.gemm(.transpose, .none, m: p, n: h, k: rows, alpha: outputScale, a: outputGradient, lda: p,
                      b: a, ldb: h, c: gw2, ldc: h)
            BLAS.gemm(.none, .none, m: rows, n: h, k: p, alpha: outputScale, a: outputGradient, lda: p,
                      b: w2, ldb: h, c: delta, ldc: h)
            activation.scaleByDerivative(delta, at: z, count: rows * h)
            if let sparse = lastSparseInputs {
                // ∂L/∂W1ᵀ[i] = s Σ_n x[n,i] δ[n]: scatter rows of δ, then transpose into place.
                let gt = workspace.buffer(4, count: 2 * p * h)
                for k in 0..<(2 * p * h) { gt[k] = 0 }
                for r in 0..<rows {
                    let dr = delta + r * h
                    for k in sparse.start[r]..<sparse.start[r + 1] {
                        BLAS.axpy(count: h, alpha: sparse.value[k], dr, gt + sparse.column[k] * h)
                    }
                }
                for j in 0..<h { for i in 0..<(2 * p) { gw1[j * 2 * p + i] = inputScale * gt[i * h + j] } }
            } else {
                BLAS.gemm(.transpose, .none, m: h, n: 2 * p, k: rows, alpha: inputScale, a: delta, lda: h,
                          b: x, ldb: 2 * p, c: gw1, ldc: 2 * p)
            }
        }
    }

    /// Two layers. "W1": inputs x, sensitivities ∂out_c/∂(W1 x)_h = (s/H)·σ′(z_h)·W2[c, h].
    /// "W2": inputs a = σ(z), sensitivities (1/H)·e_c.
    public func layerTraces(_ x: Matrix) throws -> [DenseLayerTrace] {
        let z = try preActivations(x)
        let rows = x.rows, h = width, c = modulus
        var a = z
        for k in a.storage.indices { a.storage[k] = activation.value(a.storage[k]) }
        let w2 = self.w2
        var g1 = Matrix(rows: rows * c, cols: h)
        var g2 = Matrix(rows: rows * c, cols: c)
        let scale = inputScale * outputScale
        for n in 0..<rows {
            for j in 0..<h {
                let d = scale * activation.derivative(z.storage[n * h + j])
                for o in 0..<c { g1.storage[(n * c + o) * h + j] = d * w2.storage[o * h + j] }
            }
            for o in 0..<c { g2.storage[(n * c + o) * c + o] = outputScale }
        }
        return [
            DenseLayerTrace(weightGroup: "W1", biasGroup: nil, weightIsTransposed: false, inputs: x, sensitivities: g1),
            DenseLayerTrace(weightGroup: "W2", biasGroup: nil, weightIsTransposed: false, inputs: a, sensitivities: g2),
        ]
    }
}

extension ModularMLP {
    public func withMutableParameters<R>(_ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        parameterVersion += 1
        return try flat.withUnsafeMutableBufferPointer { try body($0) }
    }
}
