import LinearAlgebra
import Networks
import Tensors

/// Small models and inputs shared by the unit tests, all seeded.
enum Fixture {
    /// Model configurations covered by every gradient and Jacobian check.
    static let modelNames: [String] = ["tms", "modmlp-square", "modmlp-tanh"]
        + Activation.allCases.flatMap { ["mlp-\($0.rawValue)-bias", "mlp-\($0.rawValue)-nobias"] }
        + ["transformer-plain", "transformer-full", "transformer-positions"]

    /// A small model of the named configuration. TMS gets a random nonzero bias so no ReLU sits
    /// exactly on its kink (finite differences are meaningless there).
    static func model(_ name: String, seed: UInt64 = 3) throws -> any DifferentiableModel {
        let parts = name.split(separator: "-").map(String.init)
        switch parts[0] {
        case "tms":
            let m = try TMSModel(features: 6, hidden: 3, sparsity: 0.3, seed: seed)
            var g = RandomGenerator(seed: seed + 100)
            var p = m.parameters
            for i in (3 * 6)..<p.count { p[i] = 0.3 * g.nextNormal() }
            try m.setParameters(p)
            return m
        case "transformer":
            // plain: the paper's kind (no biases, no LayerNorm, ReLU); full: biases, LayerNorm,
            // GELU, two blocks; positions: logits at every position. Nonzero biases and
            // LayerNorm parameters, so every term is exercised.
            let full = parts[1] != "plain"
            let m = try Transformer(.init(vocabulary: 7, width: 8, heads: 2, headWidth: 4, mlpWidth: 12, blocks: full ? 2 : 1,
                                          context: 3, activation: full ? .gelu : .relu, layerNorm: full, bias: full,
                                          allPositions: parts[1] == "positions"), seed: seed)
            var g = RandomGenerator(seed: seed + 200)
            var p = m.parameters
            for group in m.parameterGroups where group.name.contains(".b") || group.name.contains("ln") {
                for i in group.offset..<(group.offset + group.count) { p[i] += 0.2 * g.nextNormal() }
            }
            try m.setParameters(p)
            return m
        case "modmlp":
            return try ModularMLP(p: 5, width: 8, activation: Activation(name: parts[1])!, seed: seed)
        default:
            return try MLPModel(sizes: [3, 5, 4, 2], activation: Activation(name: parts[1])!, bias: parts[2] == "bias", seed: seed)
        }
    }

    /// `rows` random inputs for `model` (uniform [0, 1) for TMS and modmlp, token ids for a
    /// transformer, normal otherwise).
    static func inputs(for model: any DifferentiableModel, rows: Int, seed: UInt64 = 11) -> Matrix {
        var g = RandomGenerator(seed: seed)
        var x = Matrix(rows: rows, cols: model.inputSize)
        if let t = model as? Transformer {
            for k in x.storage.indices { x.storage[k] = Double(g.nextInt(below: t.configuration.vocabulary)) }
            return x
        }
        for k in x.storage.indices { x.storage[k] = model.kind == "mlp" ? g.nextNormal() : g.nextUniform() }
        return x
    }

    /// Random targets shaped like the model's outputs; one-hot rows when `oneHot`.
    static func targets(for model: any DifferentiableModel, rows: Int, oneHot: Bool = false, seed: UInt64 = 12) -> Matrix {
        var g = RandomGenerator(seed: seed)
        let c = model.outputSize
        var y = Matrix(rows: rows, cols: c)
        for r in 0..<rows {
            if oneHot { y[r, g.nextInt(below: c)] = 1 } else { for k in 0..<c { y[r, k] = g.nextUniform() } }
        }
        return y
    }

    /// A classification dataset for the MLP [3, 5, 4, 2] with a test split.
    static func classification() throws -> Dataset {
        let probe = try MLPModel(sizes: [3, 5, 4, 2])
        return try Dataset(inputs: inputs(for: probe, rows: 20), targets: targets(for: probe, rows: 20, oneHot: true),
                           testInputs: inputs(for: probe, rows: 7, seed: 21), testTargets: targets(for: probe, rows: 7, oneHot: true, seed: 22),
                           isClassification: true)
    }
}
