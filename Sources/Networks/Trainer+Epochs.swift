import LinearAlgebra
import Tensors

/// Minibatch training of `model` on `data` for `epochs` passes over the training rows,
/// continuing from `model.step` (one step per minibatch update).
///
/// **Order.** Epoch e visits the rows in the order of the (e + 1)-th permutation drawn from
/// `RandomGenerator(seed: shuffleSeed)`: each epoch resets the order to 0..<N and shuffles it in
/// place by Fisher–Yates from the end (i = N−1 … 1, swap i with `nextInt(below: i + 1)`), the
/// same draws as `RandomGenerator.permutation(N)` called once per epoch. Epoch numbers continue
/// across calls (from the last record that carries one), and a later call first replays the
/// earlier epochs' shuffles (O(e·N) draws), so two calls of 5 epochs equal one call of 10.
///
/// **Minibatches.** The epoch's order is cut into ⌈N/B⌉ minibatches of B rows, the last one
/// smaller (420 rows, B = 64: six of 64 and one of 36); B ≥ N is one full batch (still in the
/// shuffled order). Each minibatch is gathered into buffers made once per call, and one
/// optimiser step is taken on its mean loss (the reduction of PyTorch's losses per batch).
///
/// **History.** A record is taken at the call's first epoch boundary, at every later boundary e
/// with e a multiple of `every`, and after the last epoch: its loss and accuracies are on the
/// full training split at those parameters, its test loss and accuracy on the test split, and
/// it carries `step` (minibatch updates so far) and `epoch`. `every` = 0 records only the first
/// and the last. Evaluating the full splits is the only work beyond the steps, so `every: 20`
/// over 4000 epochs costs 200 evaluations. `hook` runs at the recorded boundaries that are
/// multiples of `every` (0 included), with the model at that boundary; a re-recorded boundary
/// (the start of a continuing call) does not call it again.
///
/// **Stops and failures** are those of the step trainer: `shouldStop` is polled before every
/// minibatch step, so Ctrl-C stops at a step boundary, possibly inside an epoch (then the last
/// record has no epoch, and a later call starts the next epoch). A NaN, infinite or diverged
/// minibatch loss restores θ and the optimiser state of the last sane step and throws.
/// `progress(epochsDone, epochs)` is called after every epoch; `phases` collects where the
/// time goes (`TrainingPhases`).
///
/// Throws for `epochs` < 0, `batch` < 1 or `every` < 0.
@discardableResult
public func train(_ model: any DifferentiableModel, _ data: Dataset, epochs: Int, batch: Int, shuffleSeed: UInt64 = 0,
                  optimizer: Optimizer, loss: Loss? = nil, every: Int = 1, hook: ((TrainingRecord) -> Void)? = nil,
                  shouldStop: () -> Bool = { false }, progress: ((Int, Int) -> Void)? = nil,
                  phases: TrainingPhases? = nil) throws -> TrainingReport {
    guard epochs >= 0 else { throw NetworkError.invalidArgument("train: epochs (\(epochs)) must be non-negative") }
    guard batch >= 1 else { throw NetworkError.invalidArgument("train: batch (\(batch)) must be at least 1") }
    guard every >= 0 else { throw NetworkError.invalidArgument("train: every (\(every)) must be non-negative") }
    let run = try TrainingRun(model, data, optimizer: optimizer, loss: loss, every: every, hook: hook, phases: phases)
    let n = run.n, c = run.c, k = run.targetCols, d = data.inputs.cols, b = min(batch, n)
    let objective = run.objective
    model.history.reserveCapacity(model.history.count + (every > 0 ? min(epochs / every, 1 << 16) : 0) + 2)

    // The epoch the call starts at: the last epoch record's, or the next one when steps were
    // taken after it (a stop inside an epoch, or step training).
    var epoch = 0
    if let last = model.history.last(where: { $0.epoch != nil }), let e = last.epoch {
        epoch = last.step == model.step ? e : e + 1
    }
    var generator = RandomGenerator(seed: shuffleSeed)
    let order = UnsafeMutablePointer<Int>.allocate(capacity: n)
    defer { order.deallocate() }
    func shuffle() {
        for i in 0..<n { order[i] = i }
        var i = n - 1
        while i > 0 {
            let j = generator.nextInt(below: i + 1)
            (order[i], order[j]) = (order[j], order[i])
            i -= 1
        }
    }
    for _ in 0..<epoch { shuffle() }

    let batchInputs = UnsafeMutablePointer<Double>.allocate(capacity: b * d)
    let batchTargets = UnsafeMutablePointer<Double>.allocate(capacity: b * k)
    let batchOutputs = UnsafeMutablePointer<Double>.allocate(capacity: b * c)
    let batchGradient = UnsafeMutablePointer<Double>.allocate(capacity: b * c)
    defer { batchInputs.deallocate(); batchTargets.deallocate(); batchOutputs.deallocate(); batchGradient.deallocate() }

    /// One optimiser step on the rows order[start..<start + rows].
    func minibatchStep(start: Int, rows: Int) throws {
        phases?.start()
        data.inputs.storage.withUnsafeBufferPointer { xp in
            data.targets.storage.withUnsafeBufferPointer { tp in
                for r in 0..<rows {
                    let i = order[start + r]
                    (batchInputs + r * d).update(from: xp.baseAddress! + i * d, count: d)
                    (batchTargets + r * k).update(from: tp.baseAddress! + i * k, count: k)
                }
            }
        }
        phases?.lap(.batch)
        let value = run.gradient.withUnsafeMutableBufferPointer { dp in
            run.shards.pass(batchInputs, targets: batchTargets, rows: rows, objective: objective, outputs: batchOutputs,
                            outputGradient: batchGradient, gradient: dp.baseAddress!, phases: phases)
        }
        try run.failIfNonFinite(value)
        run.update()
        phases?.lap(.optimiser)
    }

    let first = run.evaluate(withGradient: false, epoch: epoch)
    try run.failIfNonFinite(first.loss)
    var stopped = run.record(first, position: epoch) && shouldStop()
    var done = 0, insideEpoch = false
    training: while !stopped && done < epochs {
        shuffle()
        var start = 0
        while start < n {
            if shouldStop() { stopped = true; insideEpoch = start > 0; break training }
            let rows = min(b, n - start)
            try minibatchStep(start: start, rows: rows)
            start += rows
        }
        epoch += 1
        done += 1
        progress?(done, epochs)
        if done < epochs, every > 0, epoch % every == 0 {
            let r = run.evaluate(withGradient: false, epoch: epoch)
            try run.failIfNonFinite(r.loss)
            if run.record(r, position: epoch), shouldStop() { stopped = true }
        }
    }
    let final = run.evaluate(withGradient: false, epoch: insideEpoch ? nil : epoch)
    try run.failIfNonFinite(final.loss)
    if insideEpoch { model.history.append(final) } else { run.record(final, position: epoch) }
    return TrainingReport(stepsTaken: model.step - first.step, finalStep: model.step, finalLoss: final.loss, stopped: stopped)
}
