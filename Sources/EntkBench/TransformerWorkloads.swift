import Foundation
import Kernels
import LinearAlgebra
import Networks
import Tensors

/// The paper's transformer (SCIENCE.md §4: p = 29, vocab 30, D = 64, 4 heads of 16, M = 256,
/// context 3): training and its per-tensor kernels.
///
/// Flops per sequence, GEMMs only: at each of the T positions the packed q, k, v projection
/// 2·D·3HE; at the last position only (the one query the model reads) W_O 2·HE·D, the MLP
/// 2·2·D·M and the unembedding 2·D·V. A backward pass costs twice its forward (input
/// seeds and weight gradients): 3× in all.
func transformerWorkloads() -> [Workload] {
    let (d, he, m, v, t) = (64.0, 64.0, 256.0, 30.0, 3.0)
    let perSequence = 3 * (t * 2 * d * 3 * he + 2 * he * d + 4 * d * m + 2 * d * v)
    let paper = PhaseReport()
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("entk").path
    return [nil, 1].map { (threads: Int?) -> Workload in
        let report = PhaseReport()
        return Workload(group: "transformer", "100 epochs AdamW (420 sequences, batch 64\(threads.map { ", \($0) thread" } ?? ""))",
                        flops: 100 * 420 * perSequence, repeats: 5, measured: report.measured) {
            let (model, task) = try paperTransformer()
            let optimizer = try Optimizer.adamW(lr: 3e-4, weightDecay: 1.0)
            return {
                try withBLASThreads(threads) {
                    try report.run {
                        try train(model, task.dataset, epochs: 100, batch: 64, optimizer: optimizer,
                                  loss: .leadingCrossEntropy(classes: 29), every: 0, phases: $0)
                    }
                }
            }
        }
    } + [
        // The paper's whole training (SCIENCE.md §4): 28,000 steps and 201 records of the full splits.
        Workload(group: "transformer", "4000 epochs, records every 20 (the paper's training)",
                 flops: 4000 * 420 * perSequence, repeats: 3, warmUp: false, measured: paper.measured) {
            let task = try paperTransformer().1
            return {
                let model = try paperTransformer().0
                try paper.run {
                    try train(model, task.dataset, epochs: 4000, batch: 64, shuffleSeed: 2, optimizer: try .adamW(lr: 3e-4, weightDecay: 1.0),
                              loss: .leadingCrossEntropy(classes: 29), every: 20, phases: $0)
                }
            }
        },
        // One tracking snapshot of transformer_grokking: the W_U class-mean kernel (rank ≤ 64) and its top 29.
        Workload(group: "transformer", "snapshot: W_U class-mean kernel + top 29 (841 inputs)", repeats: 21) {
            let (model, task) = try paperTransformer()
            return {
                let k = try EmpiricalNTK(model: model, inputs: task.allInputs, options: KernelOptions(view: .mean, groups: ["unembed.W_U"]))
                _ = try Spectrum(kernel: k, count: 29).top(29)
            }
        },
        // The tracked experiment as a user runs it: the prelude's function, 200 snapshots, in the console.
        Workload(group: "transformer", "transformer_grokking(epochs: 4000, kernels: false), 201 snapshots", repeats: 1, warmUp: false) {
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                throw BenchError("\(binary) not found: build the entk product in release first (scripts/bench does)")
            }
            let path = NSTemporaryDirectory() + "entk-bench-grokking-\(getpid()).entk"
            try "e = transformer_grokking(seed: 2, epochs: 4000, kernels: false)\nprint(e.peak)\n".write(toFile: path, atomically: true, encoding: .utf8)
            return {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: binary)
                process.arguments = ["--no-history", path]
                process.standardInput = FileHandle.nullDevice
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else { throw BenchError("entk exited with status \(process.terminationStatus)") }
            }
        },
        Workload(group: "transformer", "class-mean kernels of the 9 tensors (841 inputs)") {
            let (model, task) = try paperTransformer()
            return {
                for g in model.groupNames {
                    _ = try EmpiricalNTK(model: model, inputs: task.allInputs, options: KernelOptions(view: .mean, groups: [g])).matrix()
                }
            }
        },
        Workload(group: "transformer", "flat kernel of unembed.W_U (841·30 = 25230)", repeats: 3) {
            let (model, task) = try paperTransformer()
            return { _ = try EmpiricalNTK(model: model, inputs: task.allInputs, options: KernelOptions(view: .flat, groups: ["unembed.W_U"])) }
        },
    ]
}

/// The paper's model (seed 2) and its modular-addition token data.
private func paperTransformer() throws -> (Transformer, ModularArithmetic) {
    let model = try Transformer(.init(vocabulary: 30, width: 64, heads: 4, headWidth: 16, mlpWidth: 256, context: 3), seed: 2)
    return (model, try ModularArithmetic(p: 29, trainFraction: 0.5, seed: 0, encoding: .tokens))
}
