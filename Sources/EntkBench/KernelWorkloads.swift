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
    ]
}

/// Flops of the structured trace kernel on all p² one-hot inputs: the SYRK A·Aᵀ (N²·H, one
/// triangle) and the 2p input-column blocks of the W1 kernel (2p · 2p²·H for S·diag(w)·Sᵀ).
private func structuredFlops(p: Int, width h: Int) -> Double {
    let n = Double(p * p)
    return n * n * Double(h) + Double(2 * p) * 2 * Double(p * p) * Double(h)
}
