import Testing
import Networks
import Tensors
import TestSupport

/// The paper's training results (SCIENCE.md §2 and §3), at full size. Release builds only.
@Suite("Paper training results")
struct PaperResultsTests {
    /// TMS, n = 50, 500 fixed samples drawn from seed 0, Adam lr 1e-3, 5000 full-batch steps.
    static func trainTMS(hidden: Int, sparsity: Double, seed: UInt64 = 0) throws -> TMSModel {
        let model = try TMSModel(features: 50, hidden: hidden, sparsity: sparsity, seed: seed)
        var g = RandomGenerator(seed: seed)
        let data = try model.samples(500, generator: &g)
        try train(model, data, steps: 5000, optimizer: try .adam(lr: 1e-3))
        return model
    }

    @Test("TMS (m=10, S=0.3) represents exactly 10 features", .enabled(if: heavyTestsEnabled))
    func tmsDense() throws {
        let model = try Self.trainTMS(hidden: 10, sparsity: 0.3)
        let observed = model.representedFeatures()
        print("tms m=10 S=0.3: n_represented = \(observed) (paper 10), loss \(model.history.last!.loss)")
        #expect(observed == 10, "expected 10, observed \(observed)")
    }

    @Test("TMS (m=10, S=0.9) represents 21 ± 3 features", .enabled(if: heavyTestsEnabled))
    func tmsSparse() throws {
        let model = try Self.trainTMS(hidden: 10, sparsity: 0.9)
        let observed = model.representedFeatures()
        print("tms m=10 S=0.9: n_represented = \(observed) (paper 21), loss \(model.history.last!.loss)")
        #expect(abs(observed - 21) <= 3, "expected 21 ± 3, observed \(observed)")
    }

    @Test("TMS (m=40, S=0.9) represents 42 ± 3 features", .enabled(if: heavyTestsEnabled))
    func tmsWide() throws {
        let model = try Self.trainTMS(hidden: 40, sparsity: 0.9)
        let observed = model.representedFeatures()
        print("tms m=40 S=0.9: n_represented = \(observed) (paper 42), loss \(model.history.last!.loss)")
        #expect(abs(observed - 42) <= 3, "expected 42 ± 3, observed \(observed)")
    }

    /// Modular addition p = 29, width 512, AdamW lr 0.05 wd 0.01, MSE, full batch.
    @Test("modular MLP groks: train 100% by ~50, test < 20% at 60 and > 90% by 130", .enabled(if: heavyTestsEnabled),
          arguments: [UInt64(0), 1])
    func grokking(seed: UInt64) throws {
        let task = try ModularArithmetic(p: 29, operation: .add, trainFraction: 0.7, seed: seed)
        let model = try ModularMLP(p: 29, width: 512, seed: seed)
        try train(model, task.dataset, steps: 130, optimizer: try .adamW(lr: 0.05, weightDecay: 0.01))
        let at = { (s: Int) in model.history.first { $0.step == s }! }
        let line = stride(from: 0, through: 130, by: 10).map { s in
            "\(s): train \(Int((at(s).trainAccuracy! * 100).rounded()))% test \(String(format: "%.1f", at(s).testAccuracy! * 100))%"
        }.joined(separator: ", ")
        print("modmlp seed \(seed): \(line)")
        let firstFullTrain = model.history.first { $0.trainAccuracy == 1 }?.step
        #expect(firstFullTrain != nil && firstFullTrain! <= 55, "train accuracy first 100% at step \(String(describing: firstFullTrain)), expected by about 50")
        #expect(at(60).testAccuracy! < 0.2, "test accuracy at 60: expected < 20%, observed \(at(60).testAccuracy! * 100)%")
        #expect(at(130).testAccuracy! > 0.9, "test accuracy at 130: expected > 90%, observed \(at(130).testAccuracy! * 100)%")
    }
}
