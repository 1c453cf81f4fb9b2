import Foundation
import LinearAlgebra
import Tensors

/// The toy model of superposition: ŷ = ReLU(Wᵀ W x + b), with W m×n (m hidden < n features).
///
/// Parameters: group "W" (m×n, xavier-normal, σ = √(2/(m+n))) then "b" (n, zeros); P = m·n + n.
/// Layers: the encoder h = W x (W as stored), the decoder Wᵀ h + b (W read transposed, so the
/// tied weight's gradient gets both terms, h δᵀ + (W δ) xᵀ), and the ReLU.
/// The model carries its feature importance I_i (default 0.8^i) and sparsity S so the default
/// loss is the importance-weighted MSE and `samples` draws the paper's data.
/// What a toy model of superposition can do beyond any model: draw its own data and count the
/// features its weights represent (the Library asks for this capability, not for a class).
public protocol SuperpositionModel: DifferentiableModel {
    func samples(_ count: Int, generator: inout RandomGenerator) throws -> Dataset
    func representedFeatures(threshold: Double) -> Int
}

public final class TMSModel: LayeredModel, SuperpositionModel {
    public let features: Int
    public let hidden: Int
    public let sparsity: Double
    public let importance: [Double]

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
        let groups = ParameterGroup.layout([("W", [m, n]), ("b", [n])])
        var p = [Double](repeating: 0, count: m * n + n)
        var g = RandomGenerator(seed: seed)
        Initialization.xavierNormal(rows: m, cols: n, into: &p, offset: 0, &g)
        let w = ParameterSlot.named("W", in: groups), b = ParameterSlot.named("b", in: groups)
        let layers: [any Layer] = [
            DenseLayer(weight: w, inputs: n, outputs: m),
            DenseLayer(weight: w, bias: b, inputs: m, outputs: n, transposed: true),
            ActivationLayer(.relu, width: n),
        ]
        super.init(kind: "tms", groups: groups, parameters: p, layers: layers,
                   defaultLoss: .weightedMSE(importance: imp), importance: imp)
    }

    public override var shapeSummary: String {
        "n=\(features) m=\(hidden) sparsity=\(sparsity == sparsity.rounded() ? String(Int(sparsity)) : String(sparsity))"
    }

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

    /// The paper's fixed training set for this model: `count` samples with this model's
    /// feature count and sparsity (see `Dataset.tms`).
    public func samples(_ count: Int, generator: inout RandomGenerator) throws -> Dataset {
        try AllocationBudget.reserve([count, 2 * features], for: "\(count) samples of \(features) features (inputs and targets)")
        return try Dataset.tms(samples: count, features: features, sparsity: sparsity, generator: &generator)
    }
}

