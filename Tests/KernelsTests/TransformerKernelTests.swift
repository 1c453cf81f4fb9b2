import Foundation
import Kernels
import LinearAlgebra
import Networks
import Tensors
import Testing
import TestSupport

/// A tiny transformer (biases and LayerNorm when `full`) with perturbed biases, on `n` random
/// token sequences.
func smallTransformer(full: Bool, samples n: Int = 6, seed: UInt64 = 4) throws -> (Transformer, Matrix) {
    let model = try Transformer(.init(vocabulary: 5, width: 8, heads: 2, headWidth: 4, mlpWidth: 10, blocks: full ? 2 : 1,
                                      context: 3, activation: full ? .gelu : .relu, layerNorm: full, bias: full), seed: seed)
    var g = RandomGenerator(seed: seed + 50)
    var p = model.parameters
    for group in model.parameterGroups where group.name.contains(".b") || group.name.contains("ln") {
        for i in group.offset..<(group.offset + group.count) { p[i] += 0.2 * g.nextNormal() }
    }
    try model.setParameters(p)
    var x = Matrix(rows: n, cols: 3)
    for k in x.storage.indices { x.storage[k] = Double(g.nextInt(below: 5)) }
    return (model, x)
}

@Suite("kernels of a transformer")
struct TransformerKernelTests {
    static let views: [KernelView] = [.flat, .trace, .mean, .pair(1, 1), .pair(0, 3)]

    @Test("the Jacobian route matches central differences in every view")
    func jacobianRouteMatchesDifferences() throws {
        for full in [false, true] {
            let (model, x) = try smallTransformer(full: full, samples: 4)
            let j = finiteDifferenceJacobian(model, x)
            for view in Self.views {
                let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, route: .jacobian))
                let d = matrixDifference(try k.matrix(), explicitView(j, samples: x.rows, outputs: model.outputSize, view: view))
                #expect(d < 1e-7, report("full \(full) \(view)", d, 1e-7))
            }
        }
    }

    @Test("every route and every group selection agrees with the explicit Jacobian to 1e-10")
    func routesAgreeWithExplicitJacobian() throws {
        for full in [false, true] {
            let (model, x) = try smallTransformer(full: full)
            let selections: [[String]?] = [nil, ["unembed.W_U"], ["blocks.0.attn.W_O", "blocks.0.attn.W_V"], ["embed.W_E", "pos_embed.W_pos"]]
                + (full ? [["blocks.1.ln1.w", "blocks.1.attn.b_Q", "ln_final.b"]] : [])
            for groups in selections {
                let j = try model.jacobian(x, groups: groups)
                for view in Self.views {
                    let expected = explicitView(j, samples: x.rows, outputs: model.outputSize, view: view)
                    let routes: [KernelRoute] = view.isSymmetric ? [.jacobian, .gram, .auto] : [.jacobian, .auto]
                    for route in routes {
                        let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, groups: groups, route: route))
                        let d = matrixDifference(try k.matrix(), expected)
                        #expect(d < 1e-10, report("full \(full) \(groups ?? ["all"]) \(view) \(route)", d, 1e-10))
                    }
                }
            }
        }
    }

    @Test("the class mean through J̄ equals the mean of the flat kernel's C×C blocks")
    func classMeanThroughMeanGradient() throws {
        let (model, x) = try smallTransformer(full: true)
        let n = x.rows, c = model.outputSize
        let flat = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat)).matrix()
        let mean = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .mean)).matrix()
        var expected = Matrix(rows: n, cols: n)
        for a in 0..<n { for b in 0..<n {
            var t = 0.0
            for ca in 0..<c { for cb in 0..<c { t += flat[ca * n + a, cb * n + b] } }
            expected[a, b] = t / Double(c * c)
        } }
        let d = matrixDifference(mean, expected)
        #expect(d < 1e-12, report("mean vs flat blocks", d, 1e-12))
    }

    @Test("the unembedding's class-mean kernel is h(x)·h(x′)/C, h the final residual at the last position")
    func unembeddingKernelIdentity() throws {
        let (model, x) = try smallTransformer(full: false, samples: 8)
        let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .mean, groups: ["unembed.W_U"])).matrix()
        var expected = try model.finalResidual(x).gram(.none)
        for i in expected.storage.indices { expected.storage[i] /= Double(model.outputSize) }
        let d = matrixDifference(k, expected)
        #expect(d < 1e-12, report("W_U kernel vs h·h′/C", d, 1e-12))
    }

    @Test("the unembedding's mean and diagonal-pair kernels are held as their thin factor (rank ≤ d_model + bias), and agree with the Jacobian")
    func unembeddingThinFactor() throws {
        for full in [false, true] {
            let (model, x) = try smallTransformer(full: full, samples: 30)
            let groups = full ? ["unembed.W_U", "unembed.b_U"] : ["unembed.W_U"]
            let j = try model.jacobian(x, groups: groups)
            for view in [KernelView.mean, .pair(1, 1)] {
                let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, groups: groups))
                #expect(k.route == .gram && k.rankBound == 8 + (full ? 1 : 0), "full \(full) \(view): \(k.route) rank \(k.rankBound): \(k.routeReason)")
                let expected = explicitView(j, samples: x.rows, outputs: model.outputSize, view: view)
                let d = matrixDifference(try k.matrix(), expected)
                #expect(d < 1e-12, report("full \(full) \(view) thin factor", d, 1e-12))
                // Its eigenpairs against the explicit matrix: ‖E v − λ v‖ / ‖E‖.
                let top = try Spectrum(kernel: k, count: 6).top(6)
                let ev = try expected.multiplied(by: top.vectors)
                var worst = 0.0
                for i in 0..<6 {
                    var r = 0.0
                    for a in 0..<x.rows { let e = ev[a, i] - top.values[i] * top.vectors[a, i]; r += e * e }
                    worst = max(worst, r.squareRoot() / expected.frobeniusNorm)
                }
                #expect(worst < 1e-12, report("full \(full) \(view) eigen residual", worst, 1e-12))
            }
            // A requested route is kept.
            let requested = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .mean, groups: groups, route: .jacobian))
            #expect(requested.route == .jacobian)
            // A selection whose sensitivities vary (W_in) takes no thin factor.
            let mixed = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .mean, groups: ["unembed.W_U", "blocks.0.mlp.W_in"]))
            #expect(mixed.route != .gram || mixed.rankBound > 9)
        }
    }

    @Test("a mean kernel contracted through the layer traces (wide MLP) equals the Jacobian's Gram")
    func traceContraction() throws {
        let model = try Transformer(.init(vocabulary: 6, width: 64, heads: 4, headWidth: 16, mlpWidth: 256, context: 3, bias: true), seed: 3)
        var g = RandomGenerator(seed: 8)
        var x = Matrix(rows: 7, cols: 3)
        for k in x.storage.indices { x.storage[k] = Double(g.nextInt(below: 6)) }
        for groups in [["blocks.0.mlp.W_in"], ["blocks.0.mlp.W_in", "blocks.0.mlp.b_in", "unembed.W_U"],
                       ["blocks.0.attn.W_Q", "blocks.0.attn.W_V"]] {
            let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .mean, groups: groups))
            #expect(k.routeReason.contains("layer traces"), "\(groups): \(k.routeReason)")
            let j = try model.jacobian(x, groups: groups)
            let d = matrixDifference(try k.matrix(), explicitView(j, samples: x.rows, outputs: model.outputSize, view: .mean))
            #expect(d < 1e-12, report("\(groups) through traces", d, 1e-12))
        }
    }

    @Test("per-group kernels sum to the whole kernel")
    func groupKernelsSum() throws {
        let (model, x) = try smallTransformer(full: true)
        let whole = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace)).matrix()
        var sum = Matrix(rows: x.rows, cols: x.rows)
        for (_, k) in try EmpiricalNTK.byLayer(model: model, inputs: x, options: KernelOptions(view: .trace)) {
            let m = try k.matrix()
            for i in sum.storage.indices { sum.storage[i] += m.storage[i] }
        }
        let d = matrixDifference(sum, whole)
        #expect(d < 1e-12, report("Σ groups vs whole", d, 1e-12))
    }
}
