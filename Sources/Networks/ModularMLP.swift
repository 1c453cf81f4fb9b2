import LinearAlgebra
import Tensors

/// The mean-field two-layer MLP of the grokking experiment (no biases):
///     z = s·W1 x,  s = 1/√(2p),   a = σ(z) (σ(z) = z² by default),   out = (1/H) W2 a,
/// with W1 H×2p ("W1"), W2 p×H ("W2"), both N(0, 1) at init; H = width (512), C = p outputs.
/// Layers: a dense map with scale s over one-hot inputs (gathers, `DenseLayer.sparseInputs`),
/// the activation, and a dense map with scale 1/H.
public final class ModularMLP: LayeredModel {
    /// The modulus p (inputs 2p, outputs p).
    public let modulus: Int
    /// H, the hidden width.
    public let width: Int
    public let activation: Activation

    /// A freshly initialised model; throws for p < 2 or a non-positive width.
    public init(p: Int, width: Int = 512, activation: Activation = .square, seed: UInt64 = 0) throws {
        guard p >= 2 else { throw NetworkError.invalidArgument("modmlp: p (\(p)) must be at least 2") }
        guard width > 0 else { throw NetworkError.invalidArgument("modmlp: width (\(width)) must be positive") }
        try AllocationBudget.reserve([3 * p, width], for: "modmlp(p: \(p), width: \(width)) parameters")
        modulus = p; self.width = width; self.activation = activation
        let groups = ParameterGroup.layout([("W1", [width, 2 * p]), ("W2", [p, width])])
        var params = [Double](repeating: 0, count: width * 2 * p + p * width)
        var g = RandomGenerator(seed: seed)
        Initialization.standardNormal(count: params.count, into: &params, offset: 0, &g)
        let layers: [any Layer] = [
            DenseLayer(weight: ParameterSlot.named("W1", in: groups), inputs: 2 * p, outputs: width,
                       scale: 1 / Double(2 * p).squareRoot(), sparseInputs: true),
            ActivationLayer(activation, width: width),
            DenseLayer(weight: ParameterSlot.named("W2", in: groups), inputs: width, outputs: p, scale: 1 / Double(width)),
        ]
        super.init(kind: "modmlp", groups: groups, parameters: params, layers: layers, defaultLoss: .mse)
    }

    public override var shapeSummary: String { "p=\(modulus) width=\(width) \(activation.rawValue)" }

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
}
