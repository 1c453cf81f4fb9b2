import Kernels
import LinearAlgebra
import Networks
import Tensors

/// The paper's transformer (SCIENCE.md §4: p = 29, vocab 30, D = 64, 4 heads of 16, M = 256,
/// context 3): training and its per-tensor kernels.
///
/// Flops per sequence, GEMMs only: at each of the T positions the packed q, k, v projection
/// 2·D·3HE and W_O 2·HE·D; at the last position only (the model cuts to it after the attention)
/// the MLP 2·2·D·M and the unembedding 2·D·V. A backward pass costs twice its forward (input
/// seeds and weight gradients): 3× in all.
func transformerWorkloads() -> [Workload] {
    let (d, he, m, v, t) = (64.0, 64.0, 256.0, 30.0, 3.0)
    let perSequence = 3 * (t * (2 * d * 3 * he + 2 * he * d) + 4 * d * m + 2 * d * v)
    return [nil, 1].map { (threads: Int?) -> Workload in
        Workload(group: "transformer", "1 epoch AdamW (420 sequences, batch 64\(threads.map { ", \($0) thread" } ?? ""))",
                 flops: 420 * perSequence, repeats: 7) {
            let (model, task) = try paperTransformer()
            let optimizer = try Optimizer.adamW(lr: 3e-4, weightDecay: 1.0)
            return {
                try withBLASThreads(threads) {
                    try train(model, task.dataset, epochs: 1, batch: 64, optimizer: optimizer,
                              loss: .leadingCrossEntropy(classes: 29), every: 0)
                }
            }
        }
    } + [
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
