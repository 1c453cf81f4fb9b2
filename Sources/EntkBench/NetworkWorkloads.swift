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

/// Runs `body` with OpenBLAS limited to `threads` (nil: unchanged), restoring the count after.
func withBLASThreads(_ threads: Int?, _ body: () throws -> Void) rethrows {
    guard let threads else { return try body() }
    let saved = BLASThreads.count
    BLASThreads.set(threads)
    defer { BLASThreads.set(saved) }
    try body()
}
