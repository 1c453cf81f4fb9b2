import Foundation
import LinearAlgebra
import Networks
import Tensors
import Testing
import TestSupport

@Suite("transformer")
struct TransformerTests {
    @Test("a TransformerLens state dict (biases, LayerNorm, GELU, its buffers) loads and predicts numpy's logits to 1e-12")
    func transformerLensFile() throws {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("tl_one_layer.safetensors")
        var tensors: [String: Tensor] = [:]
        for (name, t) in try SafeTensors.read(contentsOf: url.path).tensors { tensors[name] = t }
        let tokenTensor = tensors.removeValue(forKey: "test.tokens"), logitTensor = tensors.removeValue(forKey: "test.logits")
        let tokens = try #require(tokenTensor?.matrix)
        let logits = try #require(logitTensor)
        let model = try Transformer(.init(vocabulary: 7, width: 8, heads: 2, headWidth: 4, mlpWidth: 12, context: 3,
                                          activation: .gelu, layerNorm: true, bias: true))
        #expect(Set(model.groupNames).isSubset(of: Set(tensors.keys)))
        try model.load(tensors)
        let out = try model.predict(tokens)
        let err = maxRelativeDifference(out.storage, logits.storage)
        #expect(err < 1e-12, "logits differ from numpy's by \(err)")
    }

    @Test("the paper's model has TransformerLens' groups and shapes and the paper's init scales")
    func paperModelLayout() throws {
        let model = try Transformer(.init(vocabulary: 30, width: 64, heads: 4, headWidth: 16, mlpWidth: 256, context: 3), seed: 2)
        let shapes = Dictionary(uniqueKeysWithValues: model.parameterGroups.map { ($0.name, $0.shape) })
        #expect(shapes == ["embed.W_E": [30, 64], "pos_embed.W_pos": [3, 64], "blocks.0.attn.W_Q": [4, 64, 16],
                           "blocks.0.attn.W_K": [4, 64, 16], "blocks.0.attn.W_V": [4, 64, 16], "blocks.0.attn.W_O": [4, 16, 64],
                           "blocks.0.mlp.W_in": [64, 256], "blocks.0.mlp.W_out": [256, 64], "unembed.W_U": [64, 30]])
        for (name, scale) in [("embed.W_E", 1 / 8.0), ("blocks.0.mlp.W_in", 1 / 16.0), ("unembed.W_U", 1 / 30.0.squareRoot())] {
            let t = try model.tensor(name).storage
            let rms = (t.map { $0 * $0 }.reduce(0, +) / Double(t.count)).squareRoot()
            #expect(abs(rms / scale - 1) < 0.15, "\(name): rms \(rms), expected about \(scale)")
        }
        #expect(model.outputSize == 30 && model.inputSize == 3)
    }

    @Test("token inputs are checked: width, integers, range")
    func tokenChecks() throws {
        let model = try Transformer(.init(vocabulary: 5, width: 4, heads: 1, headWidth: 4, mlpWidth: 4, context: 3))
        for bad in [Matrix(rows: 1, cols: 2, storage: [0, 1]), Matrix(rows: 1, cols: 3, storage: [0, 1, 5]),
                    Matrix(rows: 1, cols: 3, storage: [0, 1.5, 2]), Matrix(rows: 1, cols: 3, storage: [0, -1, 2]),
                    Matrix(rows: 1, cols: 3, storage: [0, .nan, 2])] {
            #expect(throws: NetworkError.self) { try model.predict(bad) }
        }
    }

    @Test("causal: a later token never changes the logits at an earlier position")
    func causalMask() throws {
        let model = try Transformer(.init(vocabulary: 6, width: 8, heads: 2, headWidth: 4, mlpWidth: 8, context: 3, allPositions: true), seed: 1)
        let a = try model.predict(Matrix(rows: 1, cols: 3, storage: [1, 2, 3]))
        let b = try model.predict(Matrix(rows: 1, cols: 3, storage: [1, 2, 5]))
        #expect(Array(a.storage[0..<12]) == Array(b.storage[0..<12]))
        #expect(Array(a.storage[12..<18]) != Array(b.storage[12..<18]))
    }
}
