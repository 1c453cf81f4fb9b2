import Foundation
import LinearAlgebra
import Networks
import Tensors
import Testing
import TestSupport

/// The rows `indices` of `m`, in that order.
private func gather(_ m: Matrix, _ indices: ArraySlice<Int>) -> Matrix {
    var out = Matrix(rows: indices.count, cols: m.cols)
    for (r, i) in indices.enumerated() { for c in 0..<m.cols { out[r, c] = m[i, c] } }
    return out
}

@Suite("Minibatch trainer")
struct MinibatchTrainerTests {
    /// p = 29 token sequences (420 train, 421 test) and an MLP reading the three token ids.
    static func setup(seed: UInt64 = 0) throws -> (MLPModel, Dataset) {
        let task = try ModularArithmetic(p: 29, trainFraction: 0.5, seed: 0, encoding: .tokens)
        return (try MLPModel(sizes: [3, 8, 30], activation: .tanh, seed: seed), task.dataset)
    }

    @Test("epochs of shuffled minibatches equal a hand-written loop: permutation per epoch, six of 64 and one of 36")
    func matchesReference() throws {
        let (model, data) = try Self.setup()
        let (reference, _) = try Self.setup()
        let loss = Loss.leadingCrossEntropy(classes: 29)
        let report = try train(model, data, epochs: 3, batch: 64, shuffleSeed: 5, optimizer: try .adamW(lr: 1e-2, weightDecay: 1),
                               loss: loss, every: 0)
        #expect(report.stepsTaken == 21 && model.step == 21 && report.finalStep == 21)

        var g = RandomGenerator(seed: 5)
        let opt = try Optimizer.adamW(lr: 1e-2, weightDecay: 1)
        var params = reference.parameters
        var sizes: [Int] = []
        for _ in 0..<3 {
            let order = g.permutation(420)
            for start in stride(from: 0, to: 420, by: 64) {
                let rows = order[start..<min(start + 64, 420)]
                sizes.append(rows.count)
                let (_, gradient) = try reference.lossAndGradient(gather(data.inputs, rows), targets: gather(data.targets, rows), loss: loss)
                try opt.update(&params, gradient: gradient)
                reference.parameters = params
            }
        }
        #expect(Array(sizes[0..<7]) == [64, 64, 64, 64, 64, 64, 36])
        let err = maxRelativeDifference(model.parameters, params)
        #expect(err <= 1e-13, "max relative difference \(err) from the reference loop")
    }

    @Test("phases: every phase of epoch training is timed, and they add up to no more than the call")
    func phases() throws {
        let (model, data) = try Self.setup()
        let phases = TrainingPhases()
        let start = DispatchTime.now().uptimeNanoseconds
        try train(model, data, epochs: 2, batch: 64, optimizer: try .adamW(lr: 1e-2), loss: .leadingCrossEntropy(classes: 29),
                  every: 1, phases: phases)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // Batches of 64 are one shard, so only `shards` (the wait for a second half) is untimed.
        for phase in TrainingPhases.Phase.allCases where phase != .shards { #expect((phases.seconds[phase] ?? 0) > 0, "\(phase) not timed") }
        #expect(phases.seconds[.shards] == nil)
        #expect(phases.total <= wall)
        // The same run without phases takes the same trajectory.
        let (plain, _) = try Self.setup()
        try train(plain, data, epochs: 2, batch: 64, optimizer: try .adamW(lr: 1e-2), loss: .leadingCrossEntropy(classes: 29), every: 1)
        #expect(plain.parameters == model.parameters)
    }

    @Test("records at the first epoch, every k epochs and the end, on the full splits; the hook at multiples of k")
    func history() throws {
        let (model, data) = try Self.setup()
        let loss = Loss.leadingCrossEntropy(classes: 29)
        var seen: [Int] = []
        var progressed: [Int] = []
        try train(model, data, epochs: 5, batch: 100, optimizer: try .adam(lr: 1e-2), loss: loss, every: 2,
                  hook: { r in
                      seen.append(r.epoch!)
                      #expect(model.step == r.step && r.step == 5 * r.epoch!)
                      // 420 rows are computed in two halves (`TrainingShards`): the same sum in two parts.
                      #expect(relativeDifference(r.loss, try! loss.value(model.forward(data.inputs), data.targets)) <= 1e-14)
                  },
                  progress: { done, total in progressed.append(done); #expect(total == 5) })
        #expect(seen == [0, 2, 4])
        #expect(progressed == [1, 2, 3, 4, 5])
        #expect(model.history.map(\.epoch) == [0, 2, 4, 5])
        #expect(model.history.map(\.step) == [0, 10, 20, 25])
        let last = model.history.last!
        #expect(relativeDifference(last.loss, try loss.value(model.forward(data.inputs), data.targets)) <= 1e-14)
        #expect(relativeDifference(last.testLoss!, try loss.value(model.forward(data.testInputs!), data.testTargets!)) <= 1e-14)
        #expect(last.trainAccuracy != nil && last.testAccuracy != nil)
    }

    @Test("two calls of 3 epochs with the same optimizer equal one call of 6 (shuffles replayed)")
    func continuation() throws {
        let (a, data) = try Self.setup()
        let optA = try Optimizer.adam(lr: 1e-2)
        try train(a, data, epochs: 3, batch: 64, shuffleSeed: 9, optimizer: optA, loss: .leadingCrossEntropy(classes: 29), every: 3)
        try train(a, data, epochs: 3, batch: 64, shuffleSeed: 9, optimizer: optA, loss: .leadingCrossEntropy(classes: 29), every: 3)
        let (b, _) = try Self.setup()
        try train(b, data, epochs: 6, batch: 64, shuffleSeed: 9, optimizer: try .adam(lr: 1e-2), loss: .leadingCrossEntropy(classes: 29), every: 3)
        #expect(a.step == 42 && a.parameters == b.parameters)
        #expect(a.history == b.history)
        #expect(a.history.map(\.epoch) == [0, 3, 6])
    }

    @Test("checkpoint and restore at an epoch boundary resume the exact trajectory, shuffles included")
    func checkpoints() throws {
        let (model, data) = try Self.setup()
        let opt = try Optimizer.adam(lr: 1e-2)
        let loss = Loss.leadingCrossEntropy(classes: 29)
        try train(model, data, epochs: 2, batch: 64, shuffleSeed: 3, optimizer: opt, loss: loss)
        let saved = model.checkpoint(optimizer: opt)
        try train(model, data, epochs: 2, batch: 64, shuffleSeed: 3, optimizer: opt, loss: loss)
        let (after, history) = (model.parameters, model.history)
        try model.restore(saved, optimizer: opt)
        #expect(model.step == 14 && model.history.last?.epoch == 2)
        try train(model, data, epochs: 2, batch: 64, shuffleSeed: 3, optimizer: opt, loss: loss)
        #expect(model.parameters == after && model.history == history)
    }

    @Test("another shuffle seed gives another trajectory; the same seed the same one")
    func seeds() throws {
        var runs: [[Double]] = []
        for seed: UInt64 in [1, 1, 2] {
            let (m, data) = try Self.setup()
            try train(m, data, epochs: 2, batch: 64, shuffleSeed: seed, optimizer: try .adam(lr: 1e-2), loss: .leadingCrossEntropy(classes: 29))
            runs.append(m.parameters)
        }
        #expect(runs[0] == runs[1] && runs[0] != runs[2])
    }

    @Test("a batch larger than the data is one full-batch step per epoch, as steps: takes")
    func fullBatch() throws {
        let (a, data) = try Self.setup()
        let (b, _) = try Self.setup()
        try train(a, data, epochs: 4, batch: 10_000, optimizer: try .sgd(lr: 0.1), loss: .leadingCrossEntropy(classes: 29))
        try train(b, data, steps: 4, optimizer: try .sgd(lr: 0.1), loss: .leadingCrossEntropy(classes: 29))
        #expect(a.step == 4)
        let err = maxRelativeDifference(a.parameters, b.parameters)
        #expect(err < 1e-12, "shuffled full batch against steps: relative difference \(err)")
    }

    @Test("Ctrl-C stops at a step boundary inside an epoch; the next call starts the next epoch")
    func interruption() throws {
        let (model, data) = try Self.setup()
        let opt = try Optimizer.adam(lr: 1e-2)
        var polls = 0
        let report = try train(model, data, epochs: 4, batch: 64, optimizer: opt, loss: .leadingCrossEntropy(classes: 29),
                               shouldStop: { polls += 1; return polls > 10 })
        #expect(report.stopped && report.stepsTaken == 10 && model.step == 10)
        #expect(model.history.last?.step == 10 && model.history.last?.epoch == nil)
        try train(model, data, epochs: 1, batch: 64, optimizer: opt, loss: .leadingCrossEntropy(classes: 29))
        #expect(model.step == 17 && model.history.last?.epoch == 3)
    }

    @Test("an exploding minibatch loss restores the last sane step and throws, as for steps:")
    func diverged() throws {
        let data = try Fixture.classification()
        let model = try MLPModel(sizes: [3, 5, 4, 2], activation: .square, seed: 2)
        do {
            try train(model, data, epochs: 50, batch: 8, optimizer: try .sgd(lr: 1e6))
            Issue.record("training with lr 1e6 on a square MLP stayed finite")
        } catch let NetworkError.diverged(step, _, _, restored) {
            #expect(restored == step - 1 && model.step == restored)
            #expect(model.parameters.allSatisfy { $0.isFinite })
        } catch let NetworkError.nonFiniteLoss(step, _, restored) {
            #expect(restored == step - 1 && model.step == restored)
            #expect(model.parameters.allSatisfy { $0.isFinite })
        }
        #expect(model.history.allSatisfy { $0.step <= model.step })
    }

    @Test("bad combinations are refused with the argument named")
    func refusals() throws {
        let (model, data) = try Self.setup()
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { try train(model, data, epochs: 1, batch: 0, optimizer: try .adam()) } == "train: batch (0) must be at least 1")
        #expect(message { try train(model, data, epochs: -1, batch: 4, optimizer: try .adam()) } == "train: epochs (-1) must be non-negative")
        #expect(message { try train(model, data, epochs: 1, batch: 4, optimizer: try .adam(), loss: .crossEntropy) }
                == "targets has shape [420, 29], expected [420, 30]")
        #expect(message { try train(model, data, epochs: 1, batch: 4, optimizer: try .adam(), loss: .leadingCrossEntropy(classes: 31)) }
                == "cross_entropy: classes (31) must be between 1 and the model's 30 outputs")
        #expect(model.step == 0 && model.history.isEmpty)
    }
}

@Suite("Cross-entropy over the leading logits")
struct LeadingCrossEntropyTests {
    @Test("value by hand: the logits past k take no part")
    func value() throws {
        let o = Matrix(rows: 2, cols: 3, storage: [1, 3, 50, -2, 0.5, -40])
        let t = Matrix(rows: 2, cols: 2, storage: [0, 1, 1, 0])
        let loss = Loss.leadingCrossEntropy(classes: 2)
        let expected = (-(3 - log(exp(1.0) + exp(3.0))) - (-2 - log(exp(-2.0) + exp(0.5)))) / 2
        let observed = try loss.value(o, t)
        #expect(abs(observed - expected) < 1e-15, "\(numericReport(expected: expected, observed: observed, tolerance: 1e-15))")
        #expect(loss.name == "cross_entropy" && loss.targetColumns(outputs: 3) == 2)
        // k = C is the plain cross-entropy.
        let full = Matrix(rows: 2, cols: 3, storage: [0, 1, 0, 0, 0, 1])
        #expect(try Loss.leadingCrossEntropy(classes: 3).value(o, full) == (try Loss.crossEntropy.value(o, full)))
        #expect(throws: NetworkError.self) { try loss.value(o, full) }
    }

    @Test("the gradient matches central differences and is zero on the untrained logits")
    func gradient() throws {
        var g = RandomGenerator(seed: 4)
        var o = Matrix(rows: 4, cols: 6)
        for k in o.storage.indices { o.storage[k] = 2 * g.nextNormal() }
        var t = Matrix(rows: 4, cols: 4)
        for r in 0..<4 { t[r, g.nextInt(below: 4)] = 1 }
        let loss = Loss.leadingCrossEntropy(classes: 4)
        let analytic = try loss.gradient(o, t)
        let h = 1e-5
        var numeric = Matrix(rows: 4, cols: 6)
        for k in o.storage.indices {
            var plus = o, minus = o
            plus.storage[k] += h; minus.storage[k] -= h
            numeric.storage[k] = (try loss.value(plus, t) - loss.value(minus, t)) / (2 * h)
        }
        let err = maxRelativeDifference(analytic.storage, numeric.storage)
        #expect(err < 1e-7, "max relative error \(err), tolerance 1e-7")
        for r in 0..<4 { #expect(analytic[r, 4] == 0 && analytic[r, 5] == 0) }
    }

    @Test("model parameters: the loss gradient through an MLP matches central differences")
    func throughModel() throws {
        let model = try MLPModel(sizes: [3, 5, 4], activation: .tanh, seed: 1)
        let x = Fixture.inputs(for: model, rows: 6)
        var t = Matrix(rows: 6, cols: 3)
        for r in 0..<6 { t[r, r % 3] = 1 }
        let loss = Loss.leadingCrossEntropy(classes: 3)
        let (_, analytic) = try model.lossAndGradient(x, targets: t, loss: loss)
        let theta = model.parameters, h = 1e-5
        var numeric = [Double](repeating: 0, count: theta.count)
        for k in theta.indices {
            var plus = theta, minus = theta
            plus[k] += h; minus[k] -= h
            model.parameters = plus
            let up = try loss.value(model.forward(x), t)
            model.parameters = minus
            numeric[k] = (up - (try loss.value(model.forward(x), t))) / (2 * h)
        }
        model.parameters = theta
        let err = maxRelativeDifference(analytic, numeric)
        #expect(err < 1e-7, "max relative error \(err), tolerance 1e-7")
    }

    @Test("accuracy is the argmax over the same leading logits, even when a later logit is largest")
    func accuracy() throws {
        let model = try MLPModel(sizes: [3, 5, 3], activation: .tanh, seed: 1)
        var theta = model.parameters
        theta[theta.count - 1] = 100          // the bias of the untrained third logit
        try model.setParameters(theta)
        let x = Fixture.inputs(for: model, rows: 20)
        var t = Matrix(rows: 20, cols: 2)
        for r in 0..<20 { t[r, r % 2] = 1 }
        let data = try Dataset(inputs: x, targets: t, isClassification: true)
        try train(model, data, steps: 0, optimizer: try .sgd(lr: 0.1), loss: .leadingCrossEntropy(classes: 2))
        let out = model.forward(x)
        var correct = 0
        for r in 0..<20 where (out[r, 1] > out[r, 0] ? 1 : 0) == r % 2 { correct += 1 }
        #expect(model.history.last?.trainAccuracy == Double(correct) / 20)
        #expect(correct > 0)
    }
}

@Suite("Modular token sequences")
struct ModularSequenceTests {
    @Test("p = 29: 841 sequences (a, b, 29) in order a·p + b, one-hot targets over 29 classes, 420/421 split")
    func sequences() throws {
        let task = try ModularArithmetic(p: 29, trainFraction: 0.5, seed: 0, encoding: .tokens)
        #expect(task.allInputs.rows == 841 && task.allInputs.cols == 3 && task.allTargets.cols == 29)
        for i in [0, 1, 30, 840] {
            let (a, b) = (i / 29, i % 29)
            #expect(task.allInputs.row(i) == [Double(a), Double(b), 29])
            #expect(task.allTargets[i, (a + b) % 29] == 1 && task.allTargets.row(i).reduce(0, +) == 1)
        }
        #expect(task.trainIndices.count == 420 && task.testIndices.count == 421)
        #expect(task.trainIndices == RandomGenerator(seed: 0).permutationPrefix(841, 420))
        let data = task.dataset
        #expect(data.count == 420 && data.testInputs?.rows == 421 && data.isClassification)
        let i = task.trainIndices[0]
        #expect(data.inputs.row(0) == task.allInputs.row(i))
        // The split depends on its own seed only, and matches the one-hot task's.
        let oneHot = try ModularArithmetic(p: 29, trainFraction: 0.5, seed: 0)
        #expect(oneHot.trainIndices == task.trainIndices && oneHot.labels == task.labels)
        #expect(try ModularArithmetic(p: 29, trainFraction: 0.5, seed: 1, encoding: .tokens).trainIndices != task.trainIndices)
    }

    @Test("a generic dataset takes an N×T integer token matrix as inputs")
    func tokenDataset() throws {
        let x = Tensor(shape: [4, 3], storage: [0, 1, 5, 2, 3, 5, 4, 4, 5, 1, 0, 5])
        let y = try Tensor.oneHot(Tensor([1, 0, 3, 1]), classes: 5)
        let data = try Dataset(inputs: x, targets: y, isClassification: true)
        let model = try MLPModel(sizes: [3, 4, 6], seed: 0)
        try train(model, data, epochs: 2, batch: 3, optimizer: try .adam(), loss: .leadingCrossEntropy(classes: 5))
        #expect(model.step == 4 && model.history.last?.epoch == 2)
    }
}

extension RandomGenerator {
    /// The first `k` entries of `permutation(n)`.
    fileprivate func permutationPrefix(_ n: Int, _ k: Int) -> [Int] {
        var g = self
        return Array(g.permutation(n)[..<k])
    }
}
