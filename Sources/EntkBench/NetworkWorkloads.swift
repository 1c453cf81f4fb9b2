import Kernels
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
///
/// Under each row: where the last timed run's time went (`TrainingPhases`).
func networkWorkloads() -> [Workload] {
    [nil, 1].flatMap { (threads: Int?) -> [Workload] in
        let suffix = threads.map { ", \($0) thread" } ?? ""
        let tms = PhaseReport(), mlp = PhaseReport()
        return [
            Workload(group: "network", "tms 5000 steps (N=500 n=50 m=10\(suffix))",
                     flops: 5000 * 10 * 500 * 10 * 50, repeats: 5, measured: tms.measured) {
                let model = try TMSModel(features: 50, hidden: 10, sparsity: 0.9, seed: 0)
                var g = RandomGenerator(seed: 0)
                let data = try model.samples(500, generator: &g)
                let initial = model.parameters
                return {
                    try withBLASThreads(threads) {
                        model.parameters = initial; model.step = 0; model.history = []
                        try tms.run { try train(model, data, steps: 5000, optimizer: try .adam(lr: 1e-3), phases: $0) }
                    }
                }
            },
            Workload(group: "network", "modmlp 500 epochs (p=29 H=512\(suffix))",
                     flops: 500 * (6 * 588 + 2 * 253) * 512 * 29, repeats: 5, measured: mlp.measured) {
                let task = try ModularArithmetic(p: 29, seed: 0)
                let data = task.dataset
                let model = try ModularMLP(p: 29, width: 512, seed: 0)
                let initial = model.parameters
                return {
                    try withBLASThreads(threads) {
                        model.parameters = initial; model.step = 0; model.history = []
                        try mlp.run { try train(model, data, steps: 500, optimizer: try .adamW(lr: 0.05, weightDecay: 0.01), phases: $0) }
                    }
                }
            },
        ]
    }
}

/// The phases of a training workload's last timed run, printed under its row: each phase's
/// seconds and share of the run, and `other` for the rest (the trainer's loop, shuffles).
final class PhaseReport {
    private var phases = TrainingPhases()
    private var total = 0.0

    /// Times `body` with fresh phases.
    func run(_ body: (TrainingPhases) throws -> Void) rethrows {
        let p = TrainingPhases()
        total = try seconds { try body(p) }
        phases = p
    }

    var measured: () -> (flops: Double?, detail: String) { { (nil, self.detail) } }

    var detail: String {
        let shares = TrainingPhases.Phase.allCases.compactMap { phase in
            phases.seconds[phase].map { (phase.rawValue, $0) }
        } + [("other", max(0, total - phases.total))]
        return String(format: "last run %.3f s: ", total) + shares.map { name, s in
            String(format: "%@ %.3f (%.0f%%)", name, s, 100 * s / max(total, 1e-12))
        }.joined(separator: " · ")
    }
}

/// Issue 17's tracked grokking run: the p = 29 modular MLP's 500 full-batch epochs with a
/// snapshot every 10 (51 in all): the trace eNTK on all 841 inputs, its top 200 and the overlap
/// of eigenvectors 57..<113 with the sum family; and one such snapshot alone.
func trackingWorkloads() -> [Workload] {
    func snapshot(_ model: ModularMLP, _ task: ModularArithmetic, _ sum: Matrix) throws -> Double {
        let k = try EmpiricalNTK(model: model, inputs: task.allInputs, options: KernelOptions(view: .trace))
        return try Spectrum(kernel: k, count: 200).overlap(57..<113, family: sum)
    }
    let run = PhaseReport()
    return [
        Workload(group: "tracking", "modmlp 500 epochs + 51 snapshots (trace eNTK, top 200, overlap)", repeats: 3, measured: run.measured) {
            let task = try ModularArithmetic(p: 29, seed: 0)
            let sum = try FourierFamily.sum.matrix(p: 29)
            return {
                let model = try ModularMLP(p: 29, width: 512, seed: 0)
                var failure: Error?
                try run.run { phases in
                    try train(model, task.dataset, steps: 500, optimizer: try .adamW(lr: 0.05, weightDecay: 0.01), every: 10,
                              hook: { _ in do { _ = try snapshot(model, task, sum) } catch { failure = error } }, phases: phases)
                }
                if let failure { throw failure }
            }
        },
        Workload(group: "tracking", "one modmlp snapshot (trace eNTK 841², top 200, overlap)", repeats: 9) {
            let task = try ModularArithmetic(p: 29, seed: 0)
            let sum = try FourierFamily.sum.matrix(p: 29)
            let model = try ModularMLP(p: 29, width: 512, seed: 0)
            try train(model, task.dataset, steps: 500, optimizer: try .adamW(lr: 0.05, weightDecay: 0.01))
            return { _ = try snapshot(model, task, sum) }
        },
    ] + [SpectrumMethod.direct, .iterative].map { method in
        // The top 200 of the epoch-500 kernel, the iterative one warm-started from epoch 490's
        // vectors (what a tracked run has at hand): whether the warm start beats LAPACK.
        let products = Box(0)
        return Workload(group: "tracking", "snapshot top 200 at epoch 500, \(method == .direct ? "LAPACK (dsytrd, dstedc, 200 vectors)" : "block Lanczos from epoch 490's vectors")",
                        repeats: 5, measured: method == .direct ? nil : { (nil, "\(products.value) products, residuals below 1e-10·λ₀") }) {
            let task = try ModularArithmetic(p: 29, seed: 0)
            let model = try ModularMLP(p: 29, width: 512, seed: 0)
            let optimizer = try Optimizer.adamW(lr: 0.05, weightDecay: 0.01)
            try train(model, task.dataset, steps: 490, optimizer: optimizer)
            let before = try EmpiricalNTK(model: model, inputs: task.allInputs, options: KernelOptions(view: .trace))
            let start = try Spectrum(kernel: before, count: 200, method: .direct).top(200).vectors
            try train(model, task.dataset, steps: 10, optimizer: optimizer)
            let k = try EmpiricalNTK(model: model, inputs: task.allInputs, options: KernelOptions(view: .trace))
            _ = try k.matrix()
            return {
                let s = try Spectrum(kernel: k, count: 200, method: method, start: method == .iterative ? start : nil)
                _ = try s.top(200)
                products.value = s.products
            }
        }
    }
}

/// A value a workload's body sets and its `measured` line reads.
final class Box<T> {
    var value: T
    init(_ value: T) { self.value = value }
}

/// Runs `body` with OpenBLAS limited to `threads` (nil: unchanged), restoring the count after.
func withBLASThreads(_ threads: Int?, _ body: () throws -> Void) rethrows {
    guard let threads else { return try body() }
    let saved = BLASThreads.count
    BLASThreads.set(threads)
    defer { BLASThreads.set(saved) }
    try body()
}
