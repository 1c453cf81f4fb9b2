import LinearAlgebra

/// One row of a model's training history: the state after `step` updates.
public struct TrainingRecord: Equatable, Sendable {
    public let step: Int
    /// Training loss at these parameters.
    public let loss: Double
    /// Fraction in [0, 1] of training examples whose output argmax equals the target argmax
    /// (classification data only).
    public let trainAccuracy: Double?
    /// The same on the test split, when the data has one.
    public let testAccuracy: Double?
    /// Loss on the test split, when the data has one.
    public let testLoss: Double?
}

/// What one `train` call did.
public struct TrainingReport: Equatable, Sendable {
    /// Updates applied in this call.
    public let stepsTaken: Int
    /// The model's step counter afterwards.
    public let finalStep: Int
    /// Loss at the final parameters.
    public let finalLoss: Double
    /// True when `shouldStop` ended the call early.
    public let stopped: Bool
}

/// Full-batch training of `model` on `data` for `steps` updates, continuing from `model.step`.
///
/// Each step evaluates the loss at θ_s (and accuracies on classification data), records
/// `TrainingRecord(step: s)` in `model.history`, calls `hook` when s is a multiple of `every`
/// (0 included; never when `every` = 0) with the model still at θ_s, then
/// applies one optimiser update and advances `model.step`. After the last update θ_end is
/// evaluated and recorded too, so the history ends at the final step; a later call re-records
/// that step without a second hook call. Reusing the same `optimizer` keeps its moments.
///
/// - `shouldStop` is polled before every step; when it returns true the model stays at its last
///   completed step and the report says `stopped`.
/// - `progress(done, total)` is called after every step.
/// - A NaN or infinite loss restores θ and the optimiser state of the last sane step and
///   throws `NetworkError.nonFiniteLoss`; so does a loss above `divergenceFactor` × the loss of
///   the call's first step (`NetworkError.diverged`). A step is sane when its loss is finite and
///   within that bound; only sane steps are kept as the backup, so a restore never lands on a
///   diverged state.
/// The loop allocates nothing per step: outputs, gradients and the backup live in buffers made
/// once per call, the model's activations in its grow-only workspace, and every product is a
/// pointer-form GEMM.
/// How far the loss may grow over the loss a `train` call started from before the call stops
/// as diverged: 10⁴ (a learning rate too large multiplies the loss by far more within a few
/// steps; ordinary training rarely lifts it above its start at all).
public let divergenceFactor = 1e4

@discardableResult
public func train(_ model: any DifferentiableModel, _ data: Dataset, steps: Int, optimizer: Optimizer,
                  loss: Loss? = nil, every: Int = 0, hook: ((TrainingRecord) -> Void)? = nil,
                  shouldStop: () -> Bool = { false }, progress: ((Int, Int) -> Void)? = nil) throws -> TrainingReport {
    guard steps >= 0 else { throw NetworkError.invalidArgument("train: steps (\(steps)) must be non-negative") }
    guard every >= 0 else { throw NetworkError.invalidArgument("train: every (\(every)) must be non-negative") }
    try model.checkInputs(data.inputs)
    let c = model.outputSize
    guard data.targets.cols == c else {
        throw NetworkError.shapeMismatch(argument: "targets", expected: [data.count, c], got: [data.targets.rows, data.targets.cols])
    }
    let objective = loss ?? model.defaultLoss
    if case .weightedMSE(let imp) = objective, imp.count != c {
        throw NetworkError.shapeMismatch(argument: "importance", expected: [c], got: [imp.count])
    }
    let p = model.parameterCount, n = data.count
    let testN = data.testInputs?.rows ?? 0
    optimizer.prepare(for: model, count: p)

    var outputs = [Double](repeating: 0, count: n * c)
    var outputGradient = [Double](repeating: 0, count: n * c)
    var testOutputs = [Double](repeating: 0, count: max(testN, 1) * c)
    var gradient = [Double](repeating: 0, count: p)
    var backup = [Double](repeating: 0, count: p)
    var backupState = optimizer.state
    var haveBackup = false
    // Grown as steps run: a huge `steps` is stopped by Ctrl-C, not refused, and reserves nothing up front.
    model.history.reserveCapacity(model.history.count + min(steps, 1 << 16) + 1)

    /// Loss and accuracies at the current parameters; the gradient too when `withGradient`.
    func evaluate(withGradient: Bool) -> TrainingRecord {
        var value = 0.0, trainAcc: Double? = nil, testAcc: Double? = nil, testLoss: Double? = nil
        data.inputs.storage.withUnsafeBufferPointer { xp in
            data.targets.storage.withUnsafeBufferPointer { tp in
                outputs.withUnsafeMutableBufferPointer { op in
                    outputGradient.withUnsafeMutableBufferPointer { gp in
                        model.forward(xp.baseAddress!, rows: n, into: op.baseAddress!)
                        value = objective.evaluate(outputs: op.baseAddress!, targets: tp.baseAddress!, rows: n, cols: c,
                                                   gradient: withGradient ? gp.baseAddress! : nil)
                        if withGradient && value.isFinite {
                            gradient.withUnsafeMutableBufferPointer { dp in
                                model.backward(xp.baseAddress!, rows: n, outputGradient: gp.baseAddress!, into: dp.baseAddress!)
                            }
                        }
                        if data.isClassification { trainAcc = argmaxAccuracy(op.baseAddress!, tp.baseAddress!, rows: n, cols: c) }
                    }
                }
            }
        }
        if let tx = data.testInputs, let ty = data.testTargets, testN > 0 {
            tx.storage.withUnsafeBufferPointer { xp in
                ty.storage.withUnsafeBufferPointer { tp in
                    testOutputs.withUnsafeMutableBufferPointer { op in
                        model.forward(xp.baseAddress!, rows: testN, into: op.baseAddress!)
                        testLoss = objective.evaluate(outputs: op.baseAddress!, targets: tp.baseAddress!, rows: testN, cols: c, gradient: nil)
                        if data.isClassification { testAcc = argmaxAccuracy(op.baseAddress!, tp.baseAddress!, rows: testN, cols: c) }
                    }
                }
            }
        }
        return TrainingRecord(step: model.step, loss: value, trainAccuracy: trainAcc, testAccuracy: testAcc, testLoss: testLoss)
    }

    /// Appends (or, for a re-recorded step, replaces) the record; returns whether the hook ran.
    @discardableResult
    func record(_ r: TrainingRecord) -> Bool {
        if let last = model.history.last, last.step == r.step {
            model.history[model.history.count - 1] = r
            return false
        }
        model.history.append(r)
        guard let hook, every > 0, r.step % every == 0 else { return false }
        hook(r)
        return true
    }

    var startLoss: Double?
    func failIfNonFinite(_ r: TrainingRecord) throws {
        let start = startLoss ?? r.loss
        if startLoss == nil, r.loss.isFinite { startLoss = r.loss }
        let diverged = r.loss.isFinite && r.loss > divergenceFactor * max(start, .leastNormalMagnitude)
        guard !r.loss.isFinite || diverged else { return }
        let failed = model.step
        if haveBackup {
            model.parameters = backup
            optimizer.state = backupState
            model.step -= 1
            while let last = model.history.last, last.step > model.step { model.history.removeLast() }
        }
        if diverged { throw NetworkError.diverged(step: failed, value: r.loss, start: start, restoredStep: model.step) }
        throw NetworkError.nonFiniteLoss(step: failed, value: r.loss, restoredStep: model.step)
    }

    var taken = 0, stopped = false
    while taken < steps {
        if shouldStop() { stopped = true; break }
        let r = evaluate(withGradient: true)
        try failIfNonFinite(r)
        // The hook may have asked to stop (Ctrl-C, or an error in it): stay at θ_s.
        if record(r), shouldStop() { stopped = true; break }
        // Keep θ_s and the optimiser state so a non-finite loss at θ_{s+1} can be undone.
        backup.withUnsafeMutableBufferPointer { bp in
            model.parameters.withUnsafeBufferPointer { pp in bp.baseAddress!.update(from: pp.baseAddress!, count: p) }
        }
        backupState.updates = optimizer.state.updates
        copyInPlace(optimizer.state.first, into: &backupState.first)
        copyInPlace(optimizer.state.second, into: &backupState.second)
        haveBackup = true
        model.withMutableParameters { pp in
            gradient.withUnsafeMutableBufferPointer { gp in
                optimizer.update(pp.baseAddress!, gradient: gp.baseAddress!, count: p)
            }
        }
        model.step += 1
        taken += 1
        progress?(taken, steps)
    }
    let final = evaluate(withGradient: false)
    try failIfNonFinite(final)
    record(final)
    return TrainingReport(stepsTaken: taken, finalStep: model.step, finalLoss: final.loss, stopped: stopped)
}

/// Copies `source` into `target` without reallocating when the sizes already agree.
private func copyInPlace(_ source: [Double], into target: inout [Double]) {
    if target.count != source.count { target = source; return }
    target.withUnsafeMutableBufferPointer { t in
        source.withUnsafeBufferPointer { s in if s.count > 0 { t.baseAddress!.update(from: s.baseAddress!, count: s.count) } }
    }
}

/// Fraction of rows whose argmax (first maximum) of outputs equals that of targets.
func argmaxAccuracy(_ o: UnsafePointer<Double>, _ t: UnsafePointer<Double>, rows: Int, cols: Int) -> Double {
    var correct = 0
    for r in 0..<rows {
        var bo = 0, bt = 0
        for k in 1..<max(cols, 1) {
            if o[r * cols + k] > o[r * cols + bo] { bo = k }
            if t[r * cols + k] > t[r * cols + bt] { bt = k }
        }
        if bo == bt { correct += 1 }
    }
    return rows > 0 ? Double(correct) / Double(rows) : 0
}
