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
    /// The epoch this record closes, for records of epoch training (`train(…, epochs:)`) taken
    /// at an epoch boundary; nil for step training and for a stop inside an epoch.
    public var epoch: Int? = nil
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
/// - `progress(done, total)` is called after every step; `phases` collects where the time goes
///   (`TrainingPhases`).
/// - A NaN or infinite loss restores θ and the optimiser state of the last sane step and
///   throws `NetworkError.nonFiniteLoss`; so does a loss above `divergenceFactor` × the loss of
///   the call's first step (`NetworkError.diverged`). A step is sane when its loss is finite and
///   within that bound; only sane steps are kept as the backup, so a restore never lands on a
///   diverged state.
/// The loop allocates nothing per step: outputs, gradients and the backup live in buffers made
/// once per call, the model's activations in its grow-only workspace, and every product is a
/// pointer-form GEMM. A batch of 128 rows or more is computed in two fixed halves, one per core
/// (`TrainingShards`), with the same result on one thread.
/// How far the loss may grow over the loss a `train` call started from before the call stops
/// as diverged: 10⁴ (a learning rate too large multiplies the loss by far more within a few
/// steps; ordinary training rarely lifts it above its start at all).
public let divergenceFactor = 1e4

@discardableResult
public func train(_ model: any DifferentiableModel, _ data: Dataset, steps: Int, optimizer: Optimizer,
                  loss: Loss? = nil, every: Int = 0, hook: ((TrainingRecord) -> Void)? = nil,
                  shouldStop: () -> Bool = { false }, progress: ((Int, Int) -> Void)? = nil,
                  phases: TrainingPhases? = nil) throws -> TrainingReport {
    guard steps >= 0 else { throw NetworkError.invalidArgument("train: steps (\(steps)) must be non-negative") }
    guard every >= 0 else { throw NetworkError.invalidArgument("train: every (\(every)) must be non-negative") }
    let run = try TrainingRun(model, data, optimizer: optimizer, loss: loss, every: every, hook: hook, phases: phases)
    // Grown as steps run: a huge `steps` is stopped by Ctrl-C, not refused, and reserves nothing up front.
    model.history.reserveCapacity(model.history.count + min(steps, 1 << 16) + 1)

    var taken = 0, stopped = false
    while taken < steps {
        if shouldStop() { stopped = true; break }
        phases?.start()
        let r = run.evaluate(withGradient: true)
        try run.failIfNonFinite(r.loss)
        // The hook may have asked to stop (Ctrl-C, or an error in it): stay at θ_s.
        if run.record(r, position: r.step), shouldStop() { stopped = true; break }
        phases?.lap(.records)
        run.update()
        phases?.lap(.optimiser)
        taken += 1
        progress?(taken, steps)
    }
    let final = run.evaluate(withGradient: false)
    try run.failIfNonFinite(final.loss)
    run.record(final, position: final.step)
    return TrainingReport(stepsTaken: taken, finalStep: model.step, finalLoss: final.loss, stopped: stopped)
}

/// The state one `train` call shares between its steps: the checked objective, the buffers of
/// the full-split evaluation, the gradient, and the backup of the last sane step. Made once
/// per call, so the steps allocate nothing.
final class TrainingRun {
    let model: any DifferentiableModel
    let data: Dataset
    let optimizer: Optimizer
    let objective: Loss
    let every: Int
    let hook: ((TrainingRecord) -> Void)?
    let phases: TrainingPhases?
    /// Model outputs C, target columns (C, or k for the leading cross-entropy), parameters P,
    /// training and test rows.
    let c: Int, targetCols: Int, p: Int, n: Int, testN: Int

    /// Each training and test row's target class (the targets' argmax), for the accuracies:
    /// the targets do not change during a call (empty for regression data).
    let trainClasses: [Int], testClasses: [Int]
    var outputs: [Double]
    var outputGradient: [Double]
    var testOutputs: [Double]
    var gradient: [Double]
    /// The model and, for batches large enough to halve, its replica on the second core.
    let shards: TrainingShards
    /// θ and the optimiser state before the last update (the last sane step), kept by
    /// double-buffering: each update writes θ′ and the new moments into these buffers and swaps
    /// them in, so the old ones stay here with nothing copied.
    private var backup: [Double]
    private var backupState = Optimizer.State()
    private var haveBackup = false
    private var startLoss: Double?

    init(_ model: any DifferentiableModel, _ data: Dataset, optimizer: Optimizer, loss: Loss?, every: Int,
         hook: ((TrainingRecord) -> Void)?, phases: TrainingPhases? = nil) throws {
        try model.checkInputs(data.inputs)
        let c = model.outputSize
        let objective = loss ?? model.defaultLoss
        try objective.checkColumns(outputs: c, targetRows: data.count, targetCols: data.targets.cols)
        self.model = model; self.data = data; self.optimizer = optimizer; self.objective = objective
        self.every = every; self.hook = hook; self.phases = phases
        self.c = c; targetCols = objective.targetColumns(outputs: c)
        p = model.parameterCount; n = data.count; testN = data.testInputs?.rows ?? 0
        optimizer.prepare(for: model, count: p)
        shards = TrainingShards(model)
        let k = targetCols
        func classes(_ t: Matrix?) -> [Int] {
            guard data.isClassification, let t else { return [] }
            return t.storage.withUnsafeBufferPointer { argmaxClasses($0.baseAddress!, rows: t.rows, cols: k) }
        }
        trainClasses = classes(data.targets); testClasses = classes(data.testTargets)
        outputs = [Double](repeating: 0, count: n * c)
        outputGradient = [Double](repeating: 0, count: n * c)
        testOutputs = [Double](repeating: 0, count: max(testN, 1) * c)
        gradient = [Double](repeating: 0, count: p)
        backup = [Double](repeating: 0, count: p)
    }

    /// Loss and accuracies on the full splits at the current parameters; the full-batch
    /// gradient too when `withGradient` (then its forward, loss and backward are the step's
    /// phases, the rest `records`; without it, all of it is `records`).
    func evaluate(withGradient: Bool, epoch: Int? = nil) -> TrainingRecord {
        let phases = phases
        if !withGradient { phases?.start() }
        defer { phases?.lap(.records) }
        var value = 0.0, trainAcc: Double? = nil, testAcc: Double? = nil, testLoss: Double? = nil
        let (n, c, k, testN, objective, shards) = (n, c, targetCols, testN, objective, shards)
        data.inputs.storage.withUnsafeBufferPointer { xp in
            data.targets.storage.withUnsafeBufferPointer { tp in
                outputs.withUnsafeMutableBufferPointer { op in
                    outputGradient.withUnsafeMutableBufferPointer { gp in
                        gradient.withUnsafeMutableBufferPointer { dp in
                            value = shards.pass(xp.baseAddress!, targets: tp.baseAddress!, rows: n, objective: objective,
                                                outputs: op.baseAddress!, outputGradient: withGradient ? gp.baseAddress! : nil,
                                                gradient: withGradient ? dp.baseAddress! : nil, phases: withGradient ? phases : nil)
                        }
                        if data.isClassification { trainAcc = argmaxAccuracy(op.baseAddress!, rows: n, cols: c, classes: k, targetClasses: trainClasses) }
                    }
                }
            }
        }
        if let tx = data.testInputs, let ty = data.testTargets, testN > 0 {
            tx.storage.withUnsafeBufferPointer { xp in
                ty.storage.withUnsafeBufferPointer { tp in
                    testOutputs.withUnsafeMutableBufferPointer { op in
                        testLoss = shards.pass(xp.baseAddress!, targets: tp.baseAddress!, rows: testN, objective: objective,
                                               outputs: op.baseAddress!, outputGradient: nil, gradient: nil, phases: nil)
                        if data.isClassification { testAcc = argmaxAccuracy(op.baseAddress!, rows: testN, cols: c, classes: k, targetClasses: testClasses) }
                    }
                }
            }
        }
        return TrainingRecord(step: model.step, loss: value, trainAccuracy: trainAcc, testAccuracy: testAcc, testLoss: testLoss,
                              epoch: epoch)
    }

    /// Appends (or, for a re-recorded step, replaces) the record and calls the hook when
    /// `position` (the step, or the epoch) is a multiple of `every`; returns whether the hook ran.
    @discardableResult
    func record(_ r: TrainingRecord, position: Int) -> Bool {
        if let last = model.history.last, last.step == r.step {
            model.history[model.history.count - 1] = r
            return false
        }
        model.history.append(r)
        guard let hook, every > 0, position % every == 0 else { return false }
        hook(r)
        return true
    }

    /// Throws, after restoring the backup, when `loss` (at the model's current step) is NaN or
    /// infinite or above `divergenceFactor` × the call's first loss.
    func failIfNonFinite(_ loss: Double) throws {
        let start = startLoss ?? loss
        if startLoss == nil, loss.isFinite { startLoss = loss }
        let diverged = loss.isFinite && loss > divergenceFactor * max(start, .leastNormalMagnitude)
        guard !loss.isFinite || diverged else { return }
        let failed = model.step
        if haveBackup {
            model.exchangeParameters(&backup)
            swap(&optimizer.state, &backupState)
            haveBackup = false
            model.step -= 1
            while let last = model.history.last, last.step > model.step { model.history.removeLast() }
        }
        if diverged { throw NetworkError.diverged(step: failed, value: loss, start: start, restoredStep: model.step) }
        throw NetworkError.nonFiniteLoss(step: failed, value: loss, restoredStep: model.step)
    }

    /// Applies one update with `gradient`, θ_s and the optimiser state staying behind as the
    /// backup, and advances the step counter.
    func update() {
        let p = p
        let theta = model.parameters
        theta.withUnsafeBufferPointer { tp in
            backup.withUnsafeMutableBufferPointer { bp in
                gradient.withUnsafeMutableBufferPointer { gp in
                    optimizer.update(tp.baseAddress!, into: bp.baseAddress!, gradient: gp.baseAddress!, count: p, spare: &backupState)
                }
            }
        }
        model.exchangeParameters(&backup)
        haveBackup = true
        model.step += 1
    }
}

/// Fraction of rows whose argmax (first maximum) of outputs equals that of targets. With
/// `classes` k < cols the targets are rows×k and the argmax is over the first k outputs only.
func argmaxAccuracy(_ o: UnsafePointer<Double>, _ t: UnsafePointer<Double>, rows: Int, cols: Int, classes: Int? = nil) -> Double {
    let k = classes ?? cols
    return argmaxAccuracy(o, rows: rows, cols: cols, classes: k, targetClasses: argmaxClasses(t, rows: rows, cols: k))
}

/// Fraction of rows r whose argmax over the first k outputs (k = `classes`, or all `cols`)
/// equals `targetClasses[r]`.
func argmaxAccuracy(_ o: UnsafePointer<Double>, rows: Int, cols: Int, classes: Int? = nil, targetClasses: [Int]) -> Double {
    precondition(targetClasses.count == rows, "argmaxAccuracy: \(targetClasses.count) classes for \(rows) rows")
    let k = classes ?? cols
    var correct = 0
    for r in 0..<rows where firstArgmax(o + r * cols, k) == targetClasses[r] { correct += 1 }
    return rows > 0 ? Double(correct) / Double(rows) : 0
}

/// Each row's argmax (first maximum) of a row-major rows × cols matrix.
func argmaxClasses(_ t: UnsafePointer<Double>, rows: Int, cols: Int) -> [Int] {
    (0..<rows).map { firstArgmax(t + $0 * cols, cols) }
}

/// Index of the first maximum of x[0..<count] (0 when count ≤ 1; a NaN never wins after index 0).
@inline(__always) func firstArgmax(_ x: UnsafePointer<Double>, _ count: Int) -> Int {
    var best = 0
    for j in 1..<max(count, 1) where x[j] > x[best] { best = j }
    return best
}
