import LinearAlgebra
import Tensors

/// A plain multilayer perceptron: h₀ = x, preₗ = Wₗ hₗ + bₗ, hₗ₊₁ = σ(preₗ) for every layer but
/// the last, whose pre-activation is the output.
///
/// Groups, in order: "layer0.weight" (sizes[1]×sizes[0]), "layer0.bias" (sizes[1]) when `bias`,
/// "layer1.weight", … Initialisation is PyTorch's `nn.Linear` default: weight and bias both
/// U(−1/√fan_in, 1/√fan_in), drawn layer by layer, weight (row-major) before bias.
/// Backward: δ_{L−1} = ∂L/∂out, ∂L/∂Wₗ = δₗᵀ hₗ, ∂L/∂bₗ = Σ_rows δₗ, δₗ₋₁ = (δₗ Wₗ) ⊙ σ′(preₗ₋₁).
public final class MLPModel: DifferentiableModel {
    public let kind = "mlp"
    /// Layer widths, input first, output last (at least two entries).
    public let sizes: [Int]
    public let activation: Activation
    public let hasBias: Bool
    public let parameterGroups: [ParameterGroup]
    /// The flat parameter vector. Assigning a vector of the wrong length is a programming
    /// error; use `setParameters(_:)` or `load(_:)` for checked input.
    public var parameters: [Double] {
        get { flat }
        set {
            precondition(newValue.count == parameterCount, "mlp: \(newValue.count) parameters, expected \(parameterCount)")
            flat = newValue
            parameterVersion += 1
        }
    }
    private var flat: [Double]
    public private(set) var parameterVersion = 0
    public var step = 0
    public var history: [TrainingRecord] = []
    private let workspace = Workspace()
    private let weightOffsets: [Int]
    private let biasOffsets: [Int]

    /// A freshly initialised MLP; throws for fewer than two sizes or a non-positive size.
    public init(sizes: [Int], activation: Activation = .relu, bias: Bool = true, seed: UInt64 = 0) throws {
        guard sizes.count >= 2 else { throw NetworkError.invalidArgument("mlp: sizes needs at least an input and an output size, got \(sizes)") }
        guard sizes.allSatisfy({ $0 > 0 }) else { throw NetworkError.invalidArgument("mlp: every size must be positive, got \(sizes)") }
        self.sizes = sizes; self.activation = activation; hasBias = bias
        var named: [(String, [Int])] = []
        for l in 0..<(sizes.count - 1) {
            named.append(("layer\(l).weight", [sizes[l + 1], sizes[l]]))
            if bias { named.append(("layer\(l).bias", [sizes[l + 1]])) }
        }
        let total = zip(sizes, sizes.dropFirst()).reduce(0) { sum, pair in
            let (w, o1) = pair.0.multipliedReportingOverflow(by: pair.1)
            let (s1, o2) = sum.addingReportingOverflow(w + (bias ? pair.1 : 0))
            return o1 || o2 ? Int.max / 16 : s1
        }
        try AllocationBudget.reserve([total], for: "mlp(sizes: \(sizes)) parameters")
        let groups = ParameterGroup.layout(named)
        parameterGroups = groups
        weightOffsets = groups.filter { $0.name.hasSuffix(".weight") }.map(\.offset)
        biasOffsets = groups.filter { $0.name.hasSuffix(".bias") }.map(\.offset)
        var params = [Double](repeating: 0, count: groups.last.map { $0.offset + $0.count } ?? 0)
        var g = RandomGenerator(seed: seed)
        for l in 0..<(sizes.count - 1) {
            let bound = 1 / Double(sizes[l]).squareRoot()
            Initialization.uniform(bound: bound, count: sizes[l] * sizes[l + 1], into: &params, offset: weightOffsets[l], &g)
            if bias { Initialization.uniform(bound: bound, count: sizes[l + 1], into: &params, offset: biasOffsets[l], &g) }
        }
        flat = params
    }

    public var inputSize: Int { sizes[0] }
    public var outputSize: Int { sizes[sizes.count - 1] }
    public var parameterCount: Int { parameterGroups.last.map { $0.offset + $0.count } ?? 0 }
    public var defaultLoss: Loss { .mse }
    var layerCount: Int { sizes.count - 1 }

    public func forward(_ x: Matrix) -> Matrix { forwardAllocating(x) }

    public func forward(_ x: UnsafePointer<Double>, rows: Int, into outputs: UnsafeMutablePointer<Double>) {
        flat.withUnsafeBufferPointer { pp in
            var input = x
            for l in 0..<layerCount {
                let fanIn = sizes[l], fanOut = sizes[l + 1]
                let last = l == layerCount - 1
                let pre = last ? outputs : workspace.buffer(2 * l, count: rows * fanOut)
                BLAS.gemm(.none, .transpose, m: rows, n: fanOut, k: fanIn, a: input, lda: fanIn,
                          b: pp.baseAddress! + weightOffsets[l], ldb: fanIn, c: pre, ldc: fanOut)
                if hasBias {
                    let b = pp.baseAddress! + biasOffsets[l]
                    for r in 0..<rows { for o in 0..<fanOut { pre[r * fanOut + o] += b[o] } }
                }
                if !last {
                    let act = workspace.buffer(2 * l + 1, count: rows * fanOut)
                    activation.apply(pre, into: act, count: rows * fanOut)
                    input = UnsafePointer(act)
                }
            }
        }
    }

    public func backward(_ x: UnsafePointer<Double>, rows: Int, outputGradient: UnsafePointer<Double>,
                         into gradient: UnsafeMutablePointer<Double>) {
        let maxWidth = sizes.max()!
        var delta = workspace.buffer(2 * layerCount, count: rows * maxWidth)
        var spare = workspace.buffer(2 * layerCount + 1, count: rows * maxWidth)
        for k in 0..<(rows * outputSize) { delta[k] = outputGradient[k] }
        flat.withUnsafeBufferPointer { pp in
            for l in stride(from: layerCount - 1, through: 0, by: -1) {
                let fanIn = sizes[l], fanOut = sizes[l + 1]
                let input = l == 0 ? x : UnsafePointer(workspace.buffer(2 * (l - 1) + 1, count: rows * fanIn))
                BLAS.gemm(.transpose, .none, m: fanOut, n: fanIn, k: rows, a: delta, lda: fanOut,
                          b: input, ldb: fanIn, c: gradient + weightOffsets[l], ldc: fanIn)
                if hasBias {
                    let gb = gradient + biasOffsets[l]
                    for o in 0..<fanOut { gb[o] = 0 }
                    for r in 0..<rows { for o in 0..<fanOut { gb[o] += delta[r * fanOut + o] } }
                }
                if l > 0 {
                    BLAS.gemm(.none, .none, m: rows, n: fanIn, k: fanOut, a: delta, lda: fanOut,
                              b: pp.baseAddress! + weightOffsets[l], ldb: fanIn, c: spare, ldc: fanIn)
                    let pre = workspace.buffer(2 * (l - 1), count: rows * fanIn)
                    activation.scaleByDerivative(spare, at: pre, count: rows * fanIn)
                    swap(&delta, &spare)
                }
            }
        }
    }

    /// Weight of layer `l` as the layer uses it (sizes[l+1]×sizes[l]).
    public func weight(_ l: Int) -> Matrix {
        let o = weightOffsets[l], count = sizes[l] * sizes[l + 1]
        return Matrix(rows: sizes[l + 1], cols: sizes[l], storage: Array(parameters[o..<(o + count)]))
    }

    /// One trace per layer: inputs hₗ and per-output sensitivities δₗ (row n·C + c), obtained by
    /// back-propagating the C unit seeds of every example at once (one GEMM per layer).
    public func layerTraces(_ x: Matrix) throws -> [DenseLayerTrace] {
        try checkInputs(x)
        let rows = x.rows, c = outputSize
        var inputs: [Matrix] = [x]
        var pres: [Matrix] = []
        for l in 0..<layerCount {
            var pre = try inputs[l].multiplied(by: weight(l), .none, .transpose)
            if hasBias {
                let b = biasOffsets[l]
                for r in 0..<rows { for o in 0..<pre.cols { pre.storage[r * pre.cols + o] += parameters[b + o] } }
            }
            pres.append(pre)
            if l < layerCount - 1 {
                var act = pre
                for k in act.storage.indices { act.storage[k] = activation.value(act.storage[k]) }
                inputs.append(act)
            }
        }
        var delta = Matrix(rows: rows * c, cols: c)
        for r in 0..<(rows * c) { delta.storage[r * c + r % c] = 1 }
        var traces: [DenseLayerTrace] = []
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            traces.append(DenseLayerTrace(weightGroup: "layer\(l).weight", biasGroup: hasBias ? "layer\(l).bias" : nil,
                                          weightIsTransposed: false, inputs: inputs[l], sensitivities: delta))
            if l > 0 {
                var next = try delta.multiplied(by: weight(l))
                let width = next.cols
                for r in 0..<(rows * c) {
                    for i in 0..<width { next.storage[r * width + i] *= activation.derivative(pres[l - 1].storage[(r / c) * width + i]) }
                }
                delta = next
            }
        }
        return traces.reversed()
    }
}

extension MLPModel {
    public func withMutableParameters<R>(_ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        parameterVersion += 1
        return try flat.withUnsafeMutableBufferPointer { try body($0) }
    }
}
