import Foundation
import LinearAlgebra
import Tensors

/// The toy model of superposition: ŷ = ReLU(Wᵀ W x + b), with W m×n (m hidden < n features).
///
/// Parameters: group "W" (m×n, xavier-normal, σ = √(2/(m+n))) then "b" (n, zeros); P = m·n + n.
/// The weight is tied, so ∂ŷ/∂W has two terms: with h = W x and δ = ∂L/∂(Wᵀh + b),
///     ∂L/∂W = h δᵀ (decoder use) + (W δ) xᵀ (encoder use).
/// The model carries its feature importance I_i (default 0.8^i) and sparsity S so the default
/// loss is the importance-weighted MSE and `samples` draws the paper's data.
public final class TMSModel: DifferentiableModel {
    public let kind = "tms"
    public let features: Int
    public let hidden: Int
    public let sparsity: Double
    public let importance: [Double]
    public let parameterGroups: [ParameterGroup]
    /// The flat parameter vector. Assigning a vector of the wrong length is a programming
    /// error; use `setParameters(_:)` or `load(_:)` for checked input.
    public var parameters: [Double] {
        get { flat }
        set {
            precondition(newValue.count == parameterCount, "tms: \(newValue.count) parameters, expected \(parameterCount)")
            flat = newValue
            parameterVersion += 1
        }
    }
    private var flat: [Double]
    public private(set) var parameterVersion = 0
    public var step = 0
    public var history: [TrainingRecord] = []
    private let workspace = Workspace()

    /// A freshly initialised model. Throws on non-positive sizes, sparsity outside [0, 1], or an
    /// importance vector whose length is not `features`.
    /// `importance` gives Iᵢ outright; otherwise Iᵢ = decayⁱ.
    public init(features n: Int, hidden m: Int, sparsity: Double = 0, importance: [Double]? = nil,
                importanceDecay decay: Double = 0.8, seed: UInt64 = 0) throws {
        guard n > 0, m > 0 else { throw NetworkError.invalidArgument("tms: features (\(n)) and hidden (\(m)) must be positive") }
        guard sparsity >= 0, sparsity <= 1 else { throw NetworkError.invalidArgument("tms: sparsity \(sparsity) is not in [0, 1]") }
        let (weights, overflow) = m.multipliedReportingOverflow(by: n)
        try AllocationBudget.reserve([overflow ? Int.max : weights, 3], for: "tms(features: \(n), hidden: \(m)) parameters and importances")
        let imp = importance ?? (0..<n).map { pow(decay, Double($0)) }
        guard imp.count == n else { throw NetworkError.shapeMismatch(argument: "importance", expected: [n], got: [imp.count]) }
        features = n; hidden = m; self.sparsity = sparsity; self.importance = imp
        parameterGroups = ParameterGroup.layout([("W", [m, n]), ("b", [n])])
        var p = [Double](repeating: 0, count: m * n + n)
        var g = RandomGenerator(seed: seed)
        Initialization.xavierNormal(rows: m, cols: n, into: &p, offset: 0, &g)
        flat = p
    }

    public var inputSize: Int { features }
    public var outputSize: Int { features }
    public var parameterCount: Int { hidden * features + features }
    public var defaultLoss: Loss { .weightedMSE(importance: importance) }

    /// W as an m×n matrix.
    public var weight: Matrix { Matrix(rows: hidden, cols: features, storage: Array(parameters[0..<(hidden * features)])) }
    /// b (n).
    public var bias: [Double] { Array(parameters[(hidden * features)...]) }

    /// WᵀW (n×n): the diagonal says how well each feature is represented.
    public var gram: Matrix { weight.gram(.transpose) }

    /// n_represented = #{i : (WᵀW)_ii ≥ threshold}, threshold 0.75 as in the paper.
    public func representedFeatures(threshold: Double = 0.75) -> Int {
        let m = hidden, n = features
        var count = 0
        for i in 0..<n {
            var d = 0.0
            for j in 0..<m { d += parameters[j * n + i] * parameters[j * n + i] }
            if d >= threshold { count += 1 }
        }
        return count
    }

    public func forward(_ x: Matrix) -> Matrix { forwardAllocating(x) }

    public func forward(_ x: UnsafePointer<Double>, rows: Int, into outputs: UnsafeMutablePointer<Double>) {
        let n = features, m = hidden
        let h = workspace.buffer(0, count: rows * m)
        let pre = workspace.buffer(1, count: rows * n)
        flat.withUnsafeBufferPointer { pp in
            let w = pp.baseAddress!, b = w + m * n
            // h = x Wᵀ (N×m), pre = h W + b (N×n)
            BLAS.gemm(.none, .transpose, m: rows, n: m, k: n, a: x, lda: n, b: w, ldb: n, c: h, ldc: m)
            BLAS.gemm(.none, .none, m: rows, n: n, k: m, a: h, lda: m, b: w, ldb: n, c: pre, ldc: n)
            for r in 0..<rows {
                for i in 0..<n {
                    let v = pre[r * n + i] + b[i]
                    pre[r * n + i] = v
                    outputs[r * n + i] = v > 0 ? v : 0
                }
            }
        }
    }

    public func backward(_ x: UnsafePointer<Double>, rows: Int, outputGradient: UnsafePointer<Double>,
                         into gradient: UnsafeMutablePointer<Double>) {
        let n = features, m = hidden
        guard rows > 0 else { gradient.initialize(repeating: 0, count: parameterCount); return }
        let h = workspace.buffer(0, count: rows * m)
        let pre = workspace.buffer(1, count: rows * n)
        let delta = workspace.buffer(2, count: rows * n)
        let deltaH = workspace.buffer(3, count: rows * m)
        for k in 0..<(rows * n) { delta[k] = pre[k] > 0 ? outputGradient[k] : 0 }
        flat.withUnsafeBufferPointer { pp in
            let w = pp.baseAddress!
            let gw = gradient, gb = gradient + m * n
            // decoder term hᵀδ, encoder term (δ W ᵀ)ᵀ x
            BLAS.gemm(.transpose, .none, m: m, n: n, k: rows, a: h, lda: m, b: delta, ldb: n, c: gw, ldc: n)
            BLAS.gemm(.none, .transpose, m: rows, n: m, k: n, a: delta, lda: n, b: w, ldb: n, c: deltaH, ldc: m)
            BLAS.gemm(.transpose, .none, m: m, n: n, k: rows, a: deltaH, lda: m, b: x, ldb: n, beta: 1, c: gw, ldc: n)
            // ∂L/∂b = δᵀ·1, as a GEMV against a ones vector.
            let ones = workspace.buffer(4, count: rows)
            if ones[rows - 1] != 1 { for r in 0..<rows { ones[r] = 1 } }
            BLAS.gemv(.transpose, m: rows, n: n, a: delta, lda: n, x: ones, y: gb)
        }
    }

    /// Two layers: the encoder h = W x (weight "W", inputs x, sensitivities
    /// ∂ŷ_c/∂h = ReLU′(pre_c)·W[:, c]) and the decoder pre = Wᵀ h + b (weight "W" transposed,
    /// bias "b", inputs h, sensitivities ReLU′(pre_c)·e_c).
    public func layerTraces(_ x: Matrix) throws -> [DenseLayerTrace] {
        try checkInputs(x)
        let n = features, m = hidden, rows = x.rows
        let w = weight
        let h = try x.multiplied(by: w, .none, .transpose)           // N×m
        var pre = try h.multiplied(by: w)                             // N×n
        for r in 0..<rows { for i in 0..<n { pre.storage[r * n + i] += parameters[m * n + i] } }
        var gDec = Matrix(rows: rows * n, cols: n)
        var gEnc = Matrix(rows: rows * n, cols: m)
        for r in 0..<rows {
            for c in 0..<n where pre.storage[r * n + c] > 0 {
                gDec.storage[(r * n + c) * n + c] = 1
                for j in 0..<m { gEnc.storage[(r * n + c) * m + j] = w.storage[j * n + c] }
            }
        }
        return [
            DenseLayerTrace(weightGroup: "W", biasGroup: nil, weightIsTransposed: false, inputs: x, sensitivities: gEnc),
            DenseLayerTrace(weightGroup: "W", biasGroup: "b", weightIsTransposed: true, inputs: h, sensitivities: gDec),
        ]
    }

    /// The paper's fixed training set for this model: `count` samples with this model's
    /// feature count and sparsity (see `Dataset.tms`).
    public func samples(_ count: Int, generator: inout RandomGenerator) throws -> Dataset {
        try AllocationBudget.reserve([count, 2 * features], for: "\(count) samples of \(features) features (inputs and targets)")
        return try Dataset.tms(samples: count, features: features, sparsity: sparsity, generator: &generator)
    }
}


extension TMSModel {
    public func withMutableParameters<R>(_ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        parameterVersion += 1
        return try flat.withUnsafeMutableBufferPointer { try body($0) }
    }
}
