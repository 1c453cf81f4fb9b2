import LinearAlgebra
import Tensors

/// A decoder-only transformer built of layers, with TransformerLens' `HookedTransformer` names,
/// shapes and conventions, so a model trained there and saved as safetensors loads unchanged:
///
///     x₀ = W_E[token] + W_pos[t]
///     per block l:  x ← x + attn(LN1(x)),   x ← x + W_out·act(W_in·LN2(x) + b_in) + b_out
///     logits = LN_final(x) W_U + b_U   at the last position (or every position)
///
/// With logits at the last position only, the last block's attention queries from that position
/// alone (`lastQueryOnly`; its residual adds that position), and the MLP, LN_final and W_U after
/// it, being position-wise, see just that row: exact, and it spares them T − 1 of every T rows.
///
/// Groups (with `bias`, `layernorm`): embed.W_E [V, D], pos_embed.W_pos [T, D], then per block
/// blocks.l.ln1.w/b [D], blocks.l.attn.W_Q/W_K/W_V [H, D, E], W_O [H, E, D], b_Q/b_K/b_V [H, E],
/// b_O [D], blocks.l.ln2.w/b, blocks.l.mlp.W_in [D, M], b_in [M], W_out [M, D], b_out [D], then
/// ln_final.w/b and unembed.W_U [D, V], b_U [V]. Inputs are N × T token ids (T = context).
///
/// Initialisation (the paper's transformer, SCIENCE.md §4): N(0, 1) entries scaled by 1/√D for
/// W_E, W_pos, W_Q, W_K, W_V, W_O and W_out, 1/√M for W_in, 1/√V for W_U; biases 0, LayerNorm
/// scales 1; drawn group by group in the order above.
public final class Transformer: LayeredModel {
    public struct Configuration: Equatable, Sendable {
        public var vocabulary: Int
        public var width: Int
        public var heads: Int
        public var headWidth: Int
        public var mlpWidth: Int
        public var blocks: Int
        public var context: Int
        public var activation: Activation
        public var layerNorm: Bool
        public var bias: Bool
        /// Logits at every position (T·V outputs) instead of the last one (V).
        public var allPositions: Bool

        public init(vocabulary: Int, width: Int, heads: Int, headWidth: Int, mlpWidth: Int, blocks: Int = 1,
                    context: Int, activation: Activation = .relu, layerNorm: Bool = false, bias: Bool = false,
                    allPositions: Bool = false) {
            self.vocabulary = vocabulary; self.width = width; self.heads = heads; self.headWidth = headWidth
            self.mlpWidth = mlpWidth; self.blocks = blocks; self.context = context; self.activation = activation
            self.layerNorm = layerNorm; self.bias = bias; self.allPositions = allPositions
        }
    }

    public let configuration: Configuration

    public init(_ c: Configuration, seed: UInt64 = 0) throws {
        for (name, value) in [("vocab", c.vocabulary), ("d_model", c.width), ("heads", c.heads), ("d_head", c.headWidth),
                              ("d_mlp", c.mlpWidth), ("layers", c.blocks), ("context", c.context)] where value < 1 {
            throw NetworkError.invalidArgument("transformer: \(name) (\(value)) must be positive")
        }
        let (v, d, h, e, mw, ctx) = (c.vocabulary, c.width, c.heads, c.headWidth, c.mlpWidth, c.context)
        // P, overflow-checked, budgeted before any per-block table is built.
        func product(_ xs: Int...) -> Int { xs.reduce(1) { a, b in let (r, o) = a.multipliedReportingOverflow(by: b); return o ? Int.max / 64 : r } }
        func sum(_ xs: Int...) -> Int { xs.reduce(0) { a, b in let (r, o) = a.addingReportingOverflow(b); return o ? Int.max / 64 : r } }
        let perBlock = sum(product(4, h, d, e), c.bias ? sum(product(3, h, e), d) : 0, c.layerNorm ? product(4, d) : 0,
                           product(2, d, mw), c.bias ? sum(mw, d) : 0)
        let total = sum(product(v, d), product(ctx, d), product(c.blocks, perBlock), c.layerNorm ? product(2, d) : 0,
                        product(d, v), c.bias ? v : 0)
        try AllocationBudget.reserve([total], for: "the parameter vector")
        // (name, shape, init scale; nil = zeros, 0 = ones)
        var named: [(String, [Int], Double?)] = [("embed.W_E", [v, d], 1 / Double(d).squareRoot()),
                                                  ("pos_embed.W_pos", [ctx, d], 1 / Double(d).squareRoot())]
        let root = 1 / Double(d).squareRoot()
        for l in 0..<c.blocks {
            let p = "blocks.\(l)."
            if c.layerNorm { named += [(p + "ln1.w", [d], 0), (p + "ln1.b", [d], nil)] }
            named += [(p + "attn.W_Q", [h, d, e], root), (p + "attn.W_K", [h, d, e], root),
                      (p + "attn.W_V", [h, d, e], root), (p + "attn.W_O", [h, e, d], root)]
            if c.bias { named += [(p + "attn.b_Q", [h, e], nil), (p + "attn.b_K", [h, e], nil), (p + "attn.b_V", [h, e], nil), (p + "attn.b_O", [d], nil)] }
            if c.layerNorm { named += [(p + "ln2.w", [d], 0), (p + "ln2.b", [d], nil)] }
            named.append((p + "mlp.W_in", [d, mw], 1 / Double(mw).squareRoot()))
            if c.bias { named.append((p + "mlp.b_in", [mw], nil)) }
            named.append((p + "mlp.W_out", [mw, d], root))
            if c.bias { named.append((p + "mlp.b_out", [d], nil)) }
        }
        if c.layerNorm { named += [("ln_final.w", [d], 0), ("ln_final.b", [d], nil)] }
        named.append(("unembed.W_U", [d, v], 1 / Double(v).squareRoot()))
        if c.bias { named.append(("unembed.b_U", [v], nil)) }

        let groups = ParameterGroup.layout(named.map { ($0.0, $0.1) })
        var params = [Double](repeating: 0, count: groups.last.map { $0.offset + $0.count } ?? 0)
        var g = RandomGenerator(seed: seed)
        for (group, (_, _, scale)) in zip(groups, named) {
            switch scale {
            case nil: break
            case 0?: for i in 0..<group.count { params[group.offset + i] = 1 }
            case let s?: for i in 0..<group.count { params[group.offset + i] = s * g.nextNormal() }
            }
        }
        func slot(_ name: String) -> ParameterSlot { ParameterSlot.named(name, in: groups) }
        func optional(_ name: String) -> ParameterSlot? { groups.contains { $0.name == name } ? slot(name) : nil }
        func norm(_ prefix: String) -> [any Layer] {
            c.layerNorm ? [LayerNormLayer(scale: slot(prefix + ".w"), shift: slot(prefix + ".b"), width: d)] : []
        }
        var layers: [any Layer] = [TokenEmbeddingLayer(weight: slot("embed.W_E"), vocabulary: v, width: d),
                                   PositionalEmbeddingLayer(weight: slot("pos_embed.W_pos"), context: ctx, width: d)]
        for l in 0..<c.blocks {
            let p = "blocks.\(l)."
            let attention = AttentionLayer(query: slot(p + "attn.W_Q"), key: slot(p + "attn.W_K"), value: slot(p + "attn.W_V"),
                                           output: slot(p + "attn.W_O"), queryBias: optional(p + "attn.b_Q"),
                                           keyBias: optional(p + "attn.b_K"), valueBias: optional(p + "attn.b_V"),
                                           outputBias: optional(p + "attn.b_O"), heads: h, headWidth: e, width: d,
                                           lastQueryOnly: l == c.blocks - 1 && !c.allPositions)
            layers.append(ResidualLayer(LayerStack(norm(p + "ln1") + [attention])))
            let mlp: [any Layer] = [
                DenseLayer(weight: slot(p + "mlp.W_in"), bias: optional(p + "mlp.b_in"), inputs: d, outputs: mw, transposed: true),
                ActivationLayer(c.activation, width: mw),
                DenseLayer(weight: slot(p + "mlp.W_out"), bias: optional(p + "mlp.b_out"), inputs: mw, outputs: d, transposed: true),
            ]
            layers.append(ResidualLayer(LayerStack(norm(p + "ln2") + mlp)))
        }
        layers += norm("ln_final")
        layers.append(DenseLayer(weight: slot("unembed.W_U"), bias: optional("unembed.b_U"), inputs: d, outputs: v, transposed: true))
        configuration = c
        // "residual": what the unembedding reads (`finalResidual`), for kernels with `outputs: "residual"`.
        super.init(kind: "transformer", groups: groups, parameters: params, layers: layers, positions: ctx,
                   defaultLoss: .crossEntropy, hiddenStates: [("residual", layers.count - 1)])
    }

    public override var shapeSummary: String {
        let c = configuration
        return "vocab=\(c.vocabulary) d_model=\(c.width) heads=\(c.heads)×\(c.headWidth) d_mlp=\(c.mlpWidth) layers=\(c.blocks) context=\(c.context) \(c.activation.rawValue)"
            + (c.layerNorm ? " layernorm" : "") + (c.bias ? " bias" : "") + (c.allPositions ? " all positions" : "")
    }

    /// Inputs must be N × context token ids: integers in 0..<vocab.
    public override func checkInputs(_ x: Matrix, argument: String) throws {
        try super.checkInputs(x, argument: argument)
        if let bad = x.storage.firstIndex(where: { !($0 >= 0 && $0 < Double(configuration.vocabulary) && $0 == $0.rounded()) }) {
            throw NetworkError.invalidArgument("\(argument): entry [\(bad / max(1, x.cols)), \(bad % max(1, x.cols))] is \(x.storage[bad]), not a token id in 0..<\(configuration.vocabulary)")
        }
    }

    /// TransformerLens keeps two attention buffers in every state dict; `load` ignores them.
    public override func ignoresTensor(named name: String) -> Bool {
        name.hasSuffix(".attn.mask") || name.hasSuffix(".attn.IGNORE")
    }
}

extension Transformer {
    /// The residual stream the unembedding reads (after `ln_final` when there is one), N × D at
    /// the last position (N·T × D with `allPositions`): logits = h W_U + b_U. The hidden state
    /// "residual" (`hiddenState`), one row per position it keeps.
    public func finalResidual(_ x: Matrix) throws -> Matrix {
        let h = try hiddenState("residual").predict(x)
        return Matrix(rows: h.storage.count / configuration.width, cols: configuration.width, storage: h.storage)
    }
}
