import Foundation
import Kernels
import LinearAlgebra
import Networks
import Tensors

/// Kernels workloads: the paper-sized eNTKs and their spectra (targets in Documentation/Kernels.md).
/// The structured kernels hold closed-form factors and form their N×N matrix on request, so the
/// "trace kernel" rows time `matrix()`; the p = 113 spectrum never forms it (products K·V come
/// from the factors).
func kernelWorkloads() -> [Workload] {
    [
        Workload(group: "kernels", "tms flat N=500 m=10 + top 80 (gram)") {
            let model = try TMSModel(features: 50, hidden: 10, sparsity: 0.9, seed: 0)
            var g = RandomGenerator(seed: 0)
            let x = try model.samples(500, generator: &g).inputs
            return { _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat)).spectrum(top: 80) }
        },
        Workload(group: "kernels", "modmlp p=29 trace kernel (structured)", flops: structuredFlops(p: 29, width: 512)) {
            let model = try ModularMLP(p: 29, width: 512, seed: 0)
            let x = try ModularArithmetic(p: 29).allInputs
            return { _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace)).matrix() }
        },
        Workload(group: "kernels", "modmlp p=29 trace kernel + top 200") {
            let model = try ModularMLP(p: 29, width: 512, seed: 0)
            let x = try ModularArithmetic(p: 29).allInputs
            return { _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace)).spectrum(top: 200) }
        },
        Workload(group: "kernels", "modmlp p=113 w=512 trace kernel (12769)", flops: structuredFlops(p: 113, width: 512), repeats: 2) {
            let model = try ModularMLP(p: 113, width: 512, seed: 0)
            let x = try ModularArithmetic(p: 113).allInputs
            return { _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace)).matrix() }
        },
        Workload(group: "kernels", "modmlp p=113 w=512 top 200 (iterative, matrix-free)", repeats: 1) {
            let model = try ModularMLP(p: 113, width: 512, seed: 0)
            let x = try ModularArithmetic(p: 113).allInputs
            let kernel = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace))
            return { _ = try kernel.spectrum(top: 200) }
        },
        operatorProductWorkload(),
        operatorWorkload(),
    ]
}

/// Issue 16's operator workload: a 2-layer transformer (vocab 64, d_model 128, 4 heads of 32,
/// d_mlp 512, ReLU, biases, no LayerNorm, context 16) on 1,024 random sequences, flat view over
/// the 64 logits at the last position (a 65,536² kernel, P ≈ 414k), top 16 eigenpairs by block
/// Lanczos on route operator. Flops are counted as 4 forward passes per vector product (backward
/// and tangent, each ≈ 2 forwards) plus the 2 forwards per block; one run only (it is heavy).
private func operatorWorkload() -> Workload {
    let configuration = operatorConfiguration
    final class Outcome { var spectrum: Spectrum?; var kernel: EmpiricalNTK?; var seconds: Double? }
    let outcome = Outcome()
    let samples = 1024
    let forward = Double(samples) * transformerForwardFlops(configuration)
    return Workload(group: "kernels", "transformer 2L d128 N=1024 flat top 16 (operator)", repeats: 1, warmUp: false,
                    measured: {
                        guard let s = outcome.spectrum, let k = outcome.kernel else { return (nil, "no result") }
                        let blocks = Double(s.products) / Double(s.block ?? operatorBlock)
                        let flops = Double(s.products) * 4 * forward + blocks * 2 * forward
                        let worst = s.lastRelativeResiduals.max() ?? .nan
                        return (flops, String(format: "%d products, %.2f s per vector product (setup included), worst residual %.1e, λ0 %.4g, λ15 %.4g; route %@: %@",
                                              s.products, (outcome.seconds ?? .nan) / Double(s.products), worst, s.values.first ?? .nan,
                                              s.values.last ?? .nan, k.route.rawValue, k.routeReason))
                    }) {
        let (model, x) = try operatorModel()
        return {
            let start = DispatchTime.now().uptimeNanoseconds
            let kernel = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, memoryBudget: 768 << 20))
            outcome.kernel = kernel
            // The residuals as they fall, on stderr (the table stays on stdout).
            outcome.spectrum = try Spectrum(kernel: kernel, count: 16, tolerance: 1e-9, block: operatorBlock, progress: { p in
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                FileHandle.standardError.write(String(format: "  %6.1f s  %4d products  %2d/16 converged  worst residual %.1e\n",
                                                      elapsed, p.products, p.converged, p.relativeResiduals.max() ?? 0).data(using: .utf8)!)
            })
            outcome.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }
}

/// One product K·V of the same operator kernel on a block of 24 vectors (the solver's first block).
private func operatorProductWorkload() -> Workload {
    let samples = 1024
    let forward = Double(samples) * transformerForwardFlops(operatorConfiguration)
    return Workload(group: "kernels", "transformer 2L d128 N=1024 flat K·V, 24 vectors (operator)",
                    flops: 24 * 4 * forward + 2 * forward, repeats: 1, warmUp: false) {
        let (model, x) = try operatorModel()
        let kernel = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, memoryBudget: 768 << 20))
        var g = RandomGenerator(seed: 2)
        let v = Matrix(rows: kernel.dimension, cols: 24, storage: (0..<(kernel.dimension * 24)).map { _ in g.nextNormal() })
        return { _ = try kernel.apply(v) }
    }
}

/// Vectors per product of the solver's expansions: the operator's cost per vector barely depends
/// on it (the VJPs loop over vectors, the JVP is one GEMM per tangent), while narrower blocks
/// raise the Krylov degree per product.
private let operatorBlock = 8

private let operatorConfiguration = Transformer.Configuration(vocabulary: 64, width: 128, heads: 4, headWidth: 32, mlpWidth: 512, blocks: 2,
                                                              context: 16, activation: .relu, layerNorm: false, bias: true)

/// The benchmark transformer (seed 0) and its 1,024 random sequences (seed 1).
private func operatorModel() throws -> (Transformer, Matrix) {
    let c = operatorConfiguration
    let model = try Transformer(c, seed: 0)
    var g = RandomGenerator(seed: 1)
    var x = Matrix(rows: 1024, cols: c.context)
    for i in x.storage.indices { x.storage[i] = Double(g.nextInt(below: c.vocabulary)) }
    return (model, x)
}

/// Multiply-adds ×2 of one forward pass of one sequence: per block and position the Q, K, V and
/// O projections (8D²), the causal scores and their mix (2·2·D·(T+1)/2 on average) and the MLP
/// (4·D·M); the unembedding once (2·D·V).
private func transformerForwardFlops(_ c: Transformer.Configuration) -> Double {
    let d = Double(c.width), t = Double(c.context), m = Double(c.mlpWidth)
    let perPosition = 8 * d * d + 2 * d * (t + 1) + 4 * d * m
    return Double(c.blocks) * t * perPosition + 2 * d * Double(c.vocabulary)
}

/// Flops of the structured trace kernel on all p² one-hot inputs: the SYRK A·Aᵀ (N²·H, one
/// triangle) and the 2p input-column blocks of the W1 kernel (2p · 2p²·H for S·diag(w)·Sᵀ).
private func structuredFlops(p: Int, width h: Int) -> Double {
    let n = Double(p * p)
    return n * n * Double(h) + Double(2 * p) * 2 * Double(p * p) * Double(h)
}
