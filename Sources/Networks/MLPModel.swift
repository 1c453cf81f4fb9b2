import LinearAlgebra
import Tensors

/// A plain multilayer perceptron: h₀ = x, preₗ = Wₗ hₗ + bₗ, hₗ₊₁ = σ(preₗ) for every layer but
/// the last, whose pre-activation is the output: `DenseLayer`s with `ActivationLayer`s between.
///
/// Groups, in order: "layer0.weight" (sizes[1]×sizes[0]), "layer0.bias" (sizes[1]) when `bias`,
/// "layer1.weight", … Initialisation is PyTorch's `nn.Linear` default: weight and bias both
/// U(−1/√fan_in, 1/√fan_in), drawn layer by layer, weight (row-major) before bias.
public final class MLPModel: LayeredModel {
    /// Layer widths, input first, output last (at least two entries).
    public let sizes: [Int]
    public let activation: Activation
    public let hasBias: Bool

    /// A freshly initialised MLP; throws for fewer than two sizes or a non-positive size.
    public init(sizes: [Int], activation: Activation = .relu, bias: Bool = true, seed: UInt64 = 0) throws {
        guard sizes.count >= 2 else { throw NetworkError.invalidArgument("mlp: sizes needs at least an input and an output size, got \(sizes)") }
        guard sizes.allSatisfy({ $0 > 0 }) else { throw NetworkError.invalidArgument("mlp: every size must be positive, got \(sizes)") }
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
        var params = [Double](repeating: 0, count: groups.last.map { $0.offset + $0.count } ?? 0)
        var g = RandomGenerator(seed: seed)
        var layers: [any Layer] = []
        for l in 0..<(sizes.count - 1) {
            let weight = ParameterSlot.named("layer\(l).weight", in: groups)
            let biasSlot = bias ? ParameterSlot.named("layer\(l).bias", in: groups) : nil
            let bound = 1 / Double(sizes[l]).squareRoot()
            Initialization.uniform(bound: bound, count: sizes[l] * sizes[l + 1], into: &params, offset: weight.offset, &g)
            if let biasSlot { Initialization.uniform(bound: bound, count: sizes[l + 1], into: &params, offset: biasSlot.offset, &g) }
            layers.append(DenseLayer(weight: weight, bias: biasSlot, inputs: sizes[l], outputs: sizes[l + 1]))
            if l < sizes.count - 2 { layers.append(ActivationLayer(activation, width: sizes[l + 1])) }
        }
        self.sizes = sizes; self.activation = activation; hasBias = bias
        super.init(kind: "mlp", groups: groups, parameters: params, layers: layers, defaultLoss: .mse)
    }

    public override var shapeSummary: String { "sizes=\(sizes) \(activation.rawValue)\(hasBias ? "" : " no bias")" }

    /// Weight of layer `l` as the layer uses it (sizes[l+1]×sizes[l]).
    public func weight(_ l: Int) -> Matrix {
        let g = parameterGroups.first { $0.name == "layer\(l).weight" }!
        return Matrix(rows: sizes[l + 1], cols: sizes[l], storage: Array(parameters[g.offset..<(g.offset + g.count)]))
    }
}
