import Foundation
import LinearAlgebra
import Networks
import Tensors
import Testing
import TestSupport

@Suite("Models")
struct ModelTests {
    @Test("parameter groups have the documented names, shapes and offsets")
    func groups() throws {
        let tms = try TMSModel(features: 50, hidden: 10)
        #expect(tms.parameterGroups == [ParameterGroup(name: "W", shape: [10, 50], offset: 0), ParameterGroup(name: "b", shape: [50], offset: 500)])
        #expect(tms.parameterCount == 550 && tms.parameters.count == 550 && tms.kind == "tms")
        let mod = try ModularMLP(p: 29)
        #expect(mod.parameterGroups == [ParameterGroup(name: "W1", shape: [512, 58], offset: 0), ParameterGroup(name: "W2", shape: [29, 512], offset: 29_696)])
        #expect(mod.parameterCount == 44_544 && mod.inputSize == 58 && mod.outputSize == 29)
        let mlp = try MLPModel(sizes: [3, 5, 2], activation: .gelu)
        #expect(mlp.groupNames == ["layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias"])
        #expect(mlp.parameterGroups.map(\.shape) == [[5, 3], [5], [2, 5], [2]])
        #expect(try MLPModel(sizes: [3, 5, 2], bias: false).groupNames == ["layer0.weight", "layer1.weight"])
    }

    @Test("TMS forward is ReLU(WᵀWx + b), computed here by explicit sums")
    func tmsForward() throws {
        let model = try Fixture.model("tms") as! TMSModel
        let x = Fixture.inputs(for: model, rows: 4)
        let y = model.forward(x)
        let w = model.weight, b = model.bias
        for r in 0..<4 {
            for i in 0..<6 {
                var s = b[i]
                for j in 0..<3 { var hj = 0.0; for k in 0..<6 { hj += w[j, k] * x[r, k] }; s += w[j, i] * hj }
                #expect(abs(y[r, i] - max(s, 0)) < 1e-14)
            }
        }
    }

    @Test("TMS init is xavier-normal (σ = √(2/(m+n))) with b = 0; n_represented counts (WᵀW)_ii ≥ 0.75")
    func tmsInit() throws {
        let model = try TMSModel(features: 400, hidden: 200, seed: 5)
        let w = Array(model.parameters[0..<80_000])
        let std = (w.map { $0 * $0 }.reduce(0, +) / 80_000).squareRoot()
        let expected = (2.0 / 600).squareRoot()
        #expect(relativeDifference(std, expected) < 0.01, "\(numericReport(expected: expected, observed: std, tolerance: 0.01))")
        #expect(model.bias.allSatisfy { $0 == 0 })
        let small = try TMSModel(features: 4, hidden: 2)
        try small.load(["W": Tensor(shape: [2, 4], storage: [1, 0.8, 0.5, 0, 0, 0.5, 0.5, 0.9]), "b": Tensor([0, 0, 0, 0])])
        // diagonal of WᵀW: 1, 0.89, 0.5, 0.81
        #expect(small.representedFeatures() == 3)
        #expect(abs(small.gram[1, 1] - 0.89) < 1e-15)
        #expect(small.importance == [1, 0.8, pow(0.8, 2), pow(0.8, 3)])
    }

    @Test("modular MLP: z = W1x/√(2p), a = z², out = W2 a / H, N(0,1) init")
    func modularForward() throws {
        let model = try ModularMLP(p: 5, width: 8, seed: 2)
        let x = Fixture.inputs(for: model, rows: 3)
        let z = try model.preActivations(x), a = try model.activations(x), out = model.forward(x)
        let w1 = model.w1, w2 = model.w2, s = 1 / 10.0.squareRoot()
        for n in 0..<3 {
            for h in 0..<8 {
                var v = 0.0; for i in 0..<10 { v += w1[h, i] * x[n, i] }
                #expect(abs(z[n, h] - s * v) < 1e-14)
                #expect(a[n, h] == z[n, h] * z[n, h])
            }
            for c in 0..<5 {
                var v = 0.0; for h in 0..<8 { v += w2[c, h] * a[n, h] }
                #expect(abs(out[n, c] - v / 8) < 1e-14)
            }
        }
        let big = try ModularMLP(p: 29, seed: 4)
        let mean = big.parameters.reduce(0, +) / Double(big.parameterCount)
        let variance = big.parameters.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(big.parameterCount)
        #expect(abs(mean) < 0.02 && abs(variance - 1) < 0.03, "mean \(mean), variance \(variance)")
    }

    @Test("MLP init is PyTorch's U(−1/√fan_in, 1/√fan_in) for weights and biases")
    func mlpInit() throws {
        let model = try MLPModel(sizes: [100, 300, 10], seed: 9)
        for g in model.parameterGroups {
            let fanIn = g.name.hasPrefix("layer0") ? 100.0 : 300.0
            let bound = 1 / fanIn.squareRoot()
            let values = Array(model.parameters[g.offset..<(g.offset + g.count)])
            #expect(values.allSatisfy { abs($0) <= bound })
            if g.count > 1000 {
                let variance = values.map { $0 * $0 }.reduce(0, +) / Double(g.count)
                #expect(relativeDifference(variance, bound * bound / 3) < 0.03, "\(g.name): variance \(variance), expected \(bound * bound / 3)")
            }
        }
    }

    @Test("bad sizes and bad inputs are refused with typed errors")
    func refusals() throws {
        #expect(throws: NetworkError.self) { try TMSModel(features: 0, hidden: 2) }
        #expect(throws: NetworkError.self) { try TMSModel(features: 3, hidden: 2, sparsity: 1.5) }
        #expect(throws: NetworkError.self) { try TMSModel(features: 3, hidden: 2, importance: [1, 2]) }
        #expect(throws: NetworkError.self) { try ModularMLP(p: 1) }
        #expect(throws: NetworkError.self) { try MLPModel(sizes: [3]) }
        let model = try MLPModel(sizes: [3, 2])
        do {
            _ = try model.predict(Matrix(rows: 4, cols: 5))
            Issue.record("predict accepted a 4×5 input for a 3-input model")
        } catch let e as NetworkError {
            #expect(e.description == "inputs has shape [4, 5], expected [4, 3]")
        }
        #expect(throws: NetworkError.self) { try model.jacobian(Matrix(rows: 1, cols: 2), groups: nil) }
        #expect(throws: NetworkError.self) { try model.setParameters([1, 2]) }
    }
}
