import Kernels
import LinearAlgebra
import Networks
import Tensors

/// Kernels workloads: the paper-sized eNTKs and their spectra (targets in Documentation/Kernels.md).
func kernelWorkloads() -> [Workload] {
    [
        Workload(group: "kernels", "tms flat N=500 m=10 + top 80 (gram)") {
            let model = try TMSModel(features: 50, hidden: 10, sparsity: 0.9, seed: 0)
            var g = RandomGenerator(seed: 0)
            let x = try model.samples(500, generator: &g).inputs
            return { _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat)).spectrum(top: 80) }
        },
        Workload(group: "kernels", "modmlp p=29 trace kernel (structured)", flops: 2 * 841 * 841 * (512 + 512 + 58) / 2) {
            let model = try ModularMLP(p: 29, width: 512, seed: 0)
            let x = try ModularArithmetic(p: 29).allInputs
            return { _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace)) }
        },
        Workload(group: "kernels", "modmlp p=29 trace kernel + top 200") {
            let model = try ModularMLP(p: 29, width: 512, seed: 0)
            let x = try ModularArithmetic(p: 29).allInputs
            return { _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace)).spectrum(top: 200) }
        },
        Workload(group: "kernels", "modmlp p=113 w=512 trace kernel (12769)", flops: 12769.0 * 12769 * (512 + 512 + 226), repeats: 2) {
            let model = try ModularMLP(p: 113, width: 512, seed: 0)
            let x = try ModularArithmetic(p: 113).allInputs
            return { _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace)) }
        },
        Workload(group: "kernels", "modmlp p=113 w=512 top 200 (iterative)", repeats: 1) {
            let model = try ModularMLP(p: 113, width: 512, seed: 0)
            let x = try ModularArithmetic(p: 113).allInputs
            let kernel = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace))
            return { _ = try kernel.spectrum(top: 200) }
        },
    ]
}
