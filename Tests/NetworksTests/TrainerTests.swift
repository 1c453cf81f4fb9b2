import LinearAlgebra
import Networks
import Tensors
import Testing

@Suite("Trainer")
struct TrainerTests {
    static func tmsSetup(seed: UInt64 = 0) throws -> (TMSModel, Dataset) {
        let model = try TMSModel(features: 12, hidden: 4, sparsity: 0.5, seed: seed)
        var g = RandomGenerator(seed: seed)
        return (model, try model.samples(64, generator: &g))
    }

    @Test("same seed, same trajectory: histories and parameters are bit-identical")
    func determinism() throws {
        var runs: [([TrainingRecord], [Double])] = []
        for _ in 0..<2 {
            let (model, data) = try Self.tmsSetup(seed: 7)
            try train(model, data, steps: 40, optimizer: try .adam(lr: 1e-2))
            runs.append((model.history, model.parameters))
        }
        #expect(runs[0].0 == runs[1].0 && runs[0].1 == runs[1].1)
        let task = try ModularArithmetic(p: 7, seed: 3)
        var mods: [[Double]] = []
        for _ in 0..<2 {
            let m = try ModularMLP(p: 7, width: 16, seed: 3)
            try train(m, task.dataset, steps: 10, optimizer: try .adamW(lr: 0.05))
            mods.append(m.parameters)
        }
        #expect(mods[0] == mods[1])
    }

    @Test("two calls of 5 steps with the same optimizer equal one call of 10")
    func continuation() throws {
        let (a, data) = try Self.tmsSetup()
        let optA = try Optimizer.adam(lr: 1e-2)
        try train(a, data, steps: 5, optimizer: optA)
        try train(a, data, steps: 5, optimizer: optA)
        let (b, _) = try Self.tmsSetup()
        try train(b, data, steps: 10, optimizer: try .adam(lr: 1e-2))
        #expect(a.step == 10 && a.parameters == b.parameters)
        #expect(a.history == b.history)
        #expect(a.history.map(\.step) == Array(0...10))
        #expect(a.history.allSatisfy { $0.trainAccuracy == nil && $0.testAccuracy == nil })
    }

    @Test("history: loss is the training loss at each step's parameters; accuracies on classification data")
    func historyContents() throws {
        let data = try Fixture.classification()
        let model = try MLPModel(sizes: [3, 5, 4, 2], activation: .tanh, seed: 1)
        let report = try train(model, data, steps: 6, optimizer: try .sgd(lr: 0.1), loss: .crossEntropy)
        #expect(report.stepsTaken == 6 && report.finalStep == 6 && !report.stopped)
        let last = model.history.last!
        #expect(last.step == 6)
        #expect(last.loss == (try Loss.crossEntropy.value(model.forward(data.inputs), data.targets)))
        #expect(last.testLoss == (try Loss.crossEntropy.value(model.forward(data.testInputs!), data.testTargets!)))
        let out = model.forward(data.testInputs!)
        var correct = 0
        for r in 0..<7 where out.row(r).firstIndex(of: out.row(r).max()!) == data.testTargets!.row(r).firstIndex(of: 1) { correct += 1 }
        #expect(last.testAccuracy == Double(correct) / 7)
        #expect(last.trainAccuracy != nil)
        #expect(report.finalLoss == last.loss)
    }

    @Test("the hook runs at every multiple of `every`, once per step, with the model at that step")
    func hook() throws {
        let (model, data) = try Self.tmsSetup()
        let opt = try Optimizer.adam()
        var seen: [Int] = []
        try train(model, data, steps: 7, optimizer: opt, every: 3, hook: { r in seen.append(r.step); #expect(model.step == r.step) })
        try train(model, data, steps: 5, optimizer: opt, every: 3, hook: { r in seen.append(r.step) })
        #expect(seen == [0, 3, 6, 9, 12])
    }

    @Test("checkpoint and restore resume the exact trajectory, optimizer moments included")
    func checkpoints() throws {
        let (model, data) = try Self.tmsSetup()
        let opt = try Optimizer.adam(lr: 1e-2)
        try train(model, data, steps: 4, optimizer: opt)
        let saved = model.checkpoint(optimizer: opt)
        try train(model, data, steps: 6, optimizer: opt)
        let reference = model.parameters
        try model.restore(saved, optimizer: opt)
        #expect(model.step == 4 && model.history.last?.step == 4)
        try train(model, data, steps: 6, optimizer: opt)
        #expect(model.parameters == reference)
    }

    @Test("shouldStop leaves the model at its last completed step")
    func interruption() throws {
        let (model, data) = try Self.tmsSetup()
        var polls = 0
        var progressed: [Int] = []
        let report = try train(model, data, steps: 100, optimizer: try .adam(), shouldStop: { polls += 1; return polls > 3 },
                               progress: { done, total in progressed.append(done); #expect(total == 100) })
        #expect(report.stopped && report.stepsTaken == 3 && model.step == 3)
        #expect(progressed == [1, 2, 3])
        #expect(model.history.last?.step == 3)
    }

    @Test("a loss that explodes stops as diverged and restores the last sane state")
    func diverged() throws {
        let data = try Fixture.classification()
        let model = try MLPModel(sizes: [3, 5, 4, 2], activation: .square, seed: 2)
        let opt = try Optimizer.sgd(lr: 1e6)
        do {
            try train(model, data, steps: 50, optimizer: opt)
            Issue.record("training with lr 1e6 on a square MLP stayed finite")
        } catch let NetworkError.diverged(step, value, start, restored) {
            #expect(value > divergenceFactor * start)
            #expect(restored == step - 1 && model.step == restored)
            #expect(model.parameters.allSatisfy { $0.isFinite })
            #expect(model.history.last?.step == restored)
            #expect(model.history.allSatisfy { $0.loss.isFinite && $0.loss <= divergenceFactor * start })
            let loss = try Loss.mse.value(model.forward(data.inputs), data.targets)
            #expect(loss.isFinite && loss == model.history.last!.loss)
        }
    }

    @Test("a diverged Adam run rolls the optimiser state back with the parameters")
    func divergedAdamState() throws {
        let data = try Fixture.classification()
        let model = try MLPModel(sizes: [3, 5, 4, 2], activation: .square, seed: 2)
        let opt = try Optimizer.adam(lr: 1e3)
        do {
            try train(model, data, steps: 200, optimizer: opt)
            Issue.record("training with Adam lr 1e3 on a square MLP stayed finite")
        } catch let NetworkError.diverged(_, _, _, restored) {
            #expect(opt.state.updates == restored && model.step == restored)
            // The restored parameters are those the last record was taken at.
            let loss = try Loss.mse.value(model.forward(data.inputs), data.targets)
            #expect(loss == model.history.last!.loss)
        } catch let NetworkError.nonFiniteLoss(_, _, restored) {
            #expect(opt.state.updates == restored && model.step == restored)
        }
    }

    @Test("a non-finite loss throws and leaves the parameters as they were")
    func nonFinite() throws {
        let data = try Fixture.classification()
        let model = try MLPModel(sizes: [3, 5, 4, 2], activation: .square, seed: 2)
        let huge = model.parameters.map { $0 * 1e200 }
        try model.setParameters(huge)
        do {
            try train(model, data, steps: 5, optimizer: try .sgd(lr: 0.1))
            Issue.record("a square MLP with weights of 1e200 gave a finite loss")
        } catch let NetworkError.nonFiniteLoss(step, value, restored) {
            #expect(!value.isFinite && step == 0 && restored == 0)
            #expect(model.parameters == huge)
        }
    }

    @Test("mismatched data is refused with both shapes")
    func refusals() throws {
        let model = try MLPModel(sizes: [4, 2])
        let data = try Fixture.classification()
        do {
            try train(model, data, steps: 1, optimizer: try .adam())
            Issue.record("trained a 4-input model on 3-wide data")
        } catch let e as NetworkError {
            #expect(e.description == "inputs has shape [20, 3], expected [20, 4]")
        }
        #expect(throws: NetworkError.self) { try train(try MLPModel(sizes: [3, 2]), data, steps: -1, optimizer: try .adam()) }
    }
}
