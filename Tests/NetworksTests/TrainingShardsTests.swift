import LinearAlgebra
import Networks
import Tensors
import Testing
import TestSupport

/// A batch of 128 rows or more is computed in two halves, one per core (`TrainingShards`); the
/// oracle is the unsplit `lossAndGradient`, and one thread against two must not change a bit.
@Suite("Training in two halves")
struct TrainingShardsTests {
    /// θ − θ′ after one SGD step with lr = 1 is the step's gradient, to the rounding of θ.
    @Test("a batch of 130 rows trains in halves whose summed gradient is the whole batch's, for every layer kind",
          arguments: Fixture.modelNames)
    func halvesSumToTheWholeGradient(_ name: String) throws {
        let model = try Fixture.model(name)
        let x = Fixture.inputs(for: model, rows: 130), y = Fixture.targets(for: model, rows: 130)
        let expected = try model.lossAndGradient(x, targets: y, loss: .mse)
        let before = model.parameters
        try train(model, try Dataset(inputs: x, targets: y, isClassification: false), steps: 1, optimizer: try .sgd(lr: 1), loss: .mse)
        #expect(abs(model.history[0].loss - expected.loss) <= 1e-14 * expected.loss)
        let scale = max(before.map(abs).max() ?? 1, 1)
        let worst = zip(zip(before, model.parameters), expected.gradient).map { abs(($0.0 - $0.1) - $1) }.max() ?? 0
        #expect(worst <= 4e-16 * scale, "\(name): worst |(θ − θ′) − ∇L| = \(worst)")
        #expect(expected.gradient.contains { $0 != 0 })
    }

    @Test("one thread or two: the same trajectory bit for bit (steps, epochs, a test split, AdamW split in two)")
    func threadCountChangesNoBit() throws {
        func tms() throws -> ([TrainingRecord], [Double]) {
            let model = try TMSModel(features: 20, hidden: 5, sparsity: 0.7, seed: 4)
            var g = RandomGenerator(seed: 4)
            let data = try model.samples(300, generator: &g)
            try train(model, data, steps: 30, optimizer: try .adam(lr: 1e-2))
            return (model.history, model.parameters)
        }
        func modmlp() throws -> ([TrainingRecord], [Double]) {
            // 169 pairs: 135 training rows (two halves) and 34 test rows; P = 39·512 + 13 ≥ 2¹⁴,
            // so the AdamW update is split too.
            let task = try ModularArithmetic(p: 13, trainFraction: 0.8, seed: 2)
            let model = try ModularMLP(p: 13, width: 512, seed: 2)
            #expect(model.parameterCount >= 1 << 14)
            try train(model, task.dataset, steps: 12, optimizer: try .adamW(lr: 0.05))
            return (model.history, model.parameters)
        }
        func epochs() throws -> ([TrainingRecord], [Double]) {
            let model = try MLPModel(sizes: [3, 16, 2], seed: 5)
            let x = Fixture.inputs(for: model, rows: 300), y = Fixture.targets(for: model, rows: 300)
            try train(model, try Dataset(inputs: x, targets: y, isClassification: false), epochs: 3, batch: 140, optimizer: try .adam(lr: 1e-2), loss: .mse)
            return (model.history, model.parameters)
        }
        for run in [tms, modmlp, epochs] {
            let one = try withBLASThreads(1) { try run() }
            let two = try withBLASThreads(2) { try run() }
            #expect(one.0 == two.0)
            #expect(one.1 == two.1)
        }
    }

    @Test("the phases of a split step: the first half's forward, loss and backward, and the wait for the second")
    func phasesOfASplitStep() throws {
        let model = try TMSModel(features: 20, hidden: 5, sparsity: 0.7, seed: 4)
        var g = RandomGenerator(seed: 4)
        let data = try model.samples(300, generator: &g)
        let phases = TrainingPhases()
        try train(model, data, steps: 5, optimizer: try .adam(lr: 1e-2), phases: phases)
        for phase in [TrainingPhases.Phase.forward, .loss, .backward, .shards, .optimiser, .records] {
            #expect((phases.seconds[phase] ?? 0) > 0, "\(phase) not timed")
        }
    }
}
