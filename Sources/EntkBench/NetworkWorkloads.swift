import LinearAlgebra
import Networks
import Tensors

/// Networks workloads: the paper's two training runs, full batch, from a fresh model each repeat,
/// each with OpenBLAS's current thread count and with one thread (these GEMMs are small:
/// on a busy 2-core machine a second BLAS thread often waits more than it works).
///
/// Flop counts (multiply-adds × 2) per step, from the GEMMs only:
/// - TMS: forward x·Wᵀ and h·W (2·2Nmn), backward hᵀδ, δ·Wᵀ, (δW)ᵀx (3·2Nmn): 10·N·m·n.
/// - modular MLP: the one-hot first layer is a gather/scatter (O(N·H), not counted); the second
///   layer is three GEMMs, forward, ∂W2 and ∂a, 6·N·H·p on the 588 training rows, plus a 2·N_test·H·p
///   forward on the 253 test rows for the history's test accuracy. (A dense first layer would
///   add 8·N·H·p + 4·N_test·H·p: 72 GFLOP in all instead of 29.)
func networkWorkloads() -> [Workload] {
    [nil, 1].flatMap { (threads: Int?) -> [Workload] in
        let suffix = threads.map { ", \($0) thread" } ?? ""
        return [
            Workload(group: "network", "tms 5000 steps (N=500 n=50 m=10\(suffix))",
                     flops: 5000 * 10 * 500 * 10 * 50, repeats: 3) {
                let model = try TMSModel(features: 50, hidden: 10, sparsity: 0.9, seed: 0)
                var g = RandomGenerator(seed: 0)
                let data = try model.samples(500, generator: &g)
                let initial = model.parameters
                return {
                    try withBLASThreads(threads) {
                        model.parameters = initial; model.step = 0; model.history = []
                        try train(model, data, steps: 5000, optimizer: try .adam(lr: 1e-3))
                    }
                }
            },
            Workload(group: "network", "modmlp 500 epochs (p=29 H=512\(suffix))",
                     flops: 500 * (6 * 588 + 2 * 253) * 512 * 29, repeats: 3) {
                let task = try ModularArithmetic(p: 29, seed: 0)
                let data = task.dataset
                let model = try ModularMLP(p: 29, width: 512, seed: 0)
                let initial = model.parameters
                return {
                    try withBLASThreads(threads) {
                        model.parameters = initial; model.step = 0; model.history = []
                        try train(model, data, steps: 500, optimizer: try .adamW(lr: 0.05, weightDecay: 0.01))
                    }
                }
            },
        ]
    }
}

/// Runs `body` with OpenBLAS limited to `threads` (nil: unchanged), restoring the count after.
func withBLASThreads(_ threads: Int?, _ body: () throws -> Void) rethrows {
    guard let threads else { return try body() }
    let saved = BLASThreads.count
    BLASThreads.set(threads)
    defer { BLASThreads.set(saved) }
    try body()
}
