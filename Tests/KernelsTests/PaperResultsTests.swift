import Foundation
import Kernels
import LinearAlgebra
import Networks
import Tensors
import Testing
import TestSupport

/// The paper's kernel results (SCIENCE.md §2–3) at full size. Release builds only; each test
/// prints the figures it measured.
@Suite("paper kernel results")
struct PaperResultsTests {
    /// TMS n = 50, 500 fixed samples from seed 0, Adam lr 1e-3, 5000 full-batch steps.
    static func trainedTMS(hidden: Int, sparsity: Double, seed: UInt64 = 0) throws -> (TMSModel, Matrix) {
        let model = try TMSModel(features: 50, hidden: hidden, sparsity: sparsity, seed: seed)
        var g = RandomGenerator(seed: seed)
        let data = try model.samples(500, generator: &g)
        try train(model, data, steps: 5000, optimizer: try .adam(lr: 1e-3))
        return (model, data.inputs)
    }

    static func describe(_ c: [Cliff]) -> String { c.map(\.description).joined(separator: ", ") }

    @Test("TMS (10, 0.3): cliff after 50, and with β = 0.3 eigenvector i matches feature i for i < 50",
          .enabled(if: heavyTestsEnabled))
    func tmsDense() throws {
        let (model, x) = try Self.trainedTMS(hidden: 10, sparsity: 0.3)
        let plain = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat)).spectrum(top: 80)
        let cliffs = plain.cliffs(limit: 3)
        let top5 = plain.values.prefix(5).map { String(format: "%.1f", $0) }.joined(separator: ", ")
        print("tms (10, 0.3): n_rec \(model.representedFeatures()), top λ \(top5), cliffs \(Self.describe(cliffs))")
        #expect(cliffs.first?.after == 50, "largest cliff: \(Self.describe(cliffs))")
        let beta = try EmpiricalNTK(model: model, inputs: x,
                                    options: KernelOptions(view: .flat, importance: model.importance, beta: 0.3)).spectrum(top: 80)
        let best = FeatureIndicators.bestMatches(try FeatureIndicators.heatmap(beta, inputs: x, count: 50))
        let diagonal = (0..<50).filter { best[$0] == $0 }.count
        print("tms (10, 0.3) β = 0.3: best-matching feature = index for \(diagonal)/50 eigenvectors")
        #expect(diagonal == 50, "best matches: \(best)")
    }

    @Test("TMS (10, 0.9): cliffs after 50 and near n − n_rec; kernel regression R² and loss ratio",
          .enabled(if: heavyTestsEnabled))
    func tmsSparse() throws {
        let (model, x) = try Self.trainedTMS(hidden: 10, sparsity: 0.9)
        let nRec = model.representedFeatures()
        let s = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat)).spectrum(top: 80)
        let cliffs = s.cliffs(limit: 3)
        print("tms (10, 0.9): n_rec \(nRec), cliffs \(Self.describe(cliffs))")
        #expect(cliffs.prefix(2).contains { $0.after == 50 }, "cliffs: \(Self.describe(cliffs))")
        #expect(cliffs.prefix(2).contains { abs($0.after - (50 - nRec)) <= 3 }, "cliffs: \(Self.describe(cliffs)), n − n_rec = \(50 - nRec)")

        var g = RandomGenerator(seed: 77)
        let validation = try model.samples(500, generator: &g)
        let reg = try KernelRegression(model: model, inputs: x, targets: x, ridge: 1e-4)
        let m = try reg.evaluate(inputs: validation.inputs, targets: validation.targets)
        print(String(format: "tms (10, 0.9) regression (ridge 1e-4, around the model, fresh 500): R² %.4f, loss ratio %.4f, accuracy gap %.2f", m.r2, m.lossRatio, m.accuracyGap))
        #expect(m.r2 > 0.9 && abs(m.lossRatio - 1) < 0.1, "R² \(m.r2) (paper 0.96), loss ratio \(m.lossRatio) (paper 0.99)")
    }

    @Test("modular MLP p = 29 at epoch 500: cliffs after 57 and 113, sum/diff overlaps, W1 carries a/b",
          .enabled(if: heavyTestsEnabled))
    func modularMLP() throws {
        let task = try ModularArithmetic(p: 29, operation: .add, trainFraction: 0.7, seed: 0)
        let model = try ModularMLP(p: 29, width: 512, seed: 0)
        try train(model, task.dataset, steps: 500, optimizer: try .adamW(lr: 0.05, weightDecay: 0.01))
        let x = task.allInputs
        let kernel = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace))
        let s = try kernel.spectrum(top: 200)
        let cliffs = s.cliffs(limit: 4)
        let sum = try FourierFamily.sum.matrix(p: 29), diff = try FourierFamily.diff.matrix(p: 29)
        let fa = try FourierFamily.a.matrix(p: 29), fb = try FourierFamily.b.matrix(p: 29)
        let oSum = try s.overlap(57..<113, family: sum), oDiff = try s.overlap(57..<113, family: diff)
        let oA = try s.overlap(1..<57, family: fa), oB = try s.overlap(1..<57, family: fb)
        print(String(format: "modmlp p=29 epoch 500 (route %@): cliffs %@; eigvecs 57..<113 overlap sum %.2f/28, diff %.2f/28; 1..<57 overlap a %.2f, b %.2f",
                     kernel.route.rawValue, Self.describe(cliffs), oSum, oDiff, oA, oB))
        #expect(cliffs.prefix(3).contains { $0.after == 57 } && cliffs.prefix(3).contains { $0.after == 113 }, "cliffs \(Self.describe(cliffs))")
        #expect(oSum >= 24 && oDiff >= 24, "overlaps sum \(oSum), diff \(oDiff)")

        let w1 = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace, groups: ["W1"])).spectrum(top: 120)
        let w1a = try w1.overlap(1..<57, family: fa), w1b = try w1.overlap(1..<57, family: fb)
        let w2 = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace, groups: ["W2"])).spectrum(top: 120)
        let w2Sum = try w2.overlap(1..<57, family: sum)
        print(String(format: "modmlp W1 kernel 1..<57 overlap a %.2f, b %.2f (cliffs %@); W2 kernel 1..<57 overlap sum %.2f",
                     w1a, w1b, Self.describe(w1.cliffs(limit: 3)), w2Sum))
        #expect(w1a >= 27 && w1b >= 27, "W1 overlaps a \(w1a), b \(w1b)")

        // Stage 1 (along a+b) puts the diff modes, constant along (1, 1), first: atoms 0..<28 are
        // diff atoms separated by stage 2, atoms 28..<56 sum atoms ordered by frequency.
        let atoms = try smoothnessRotation(try s.top(113).vectors.columnsSlice(57..<113), stage: .cliff2, p: 29)
        let cDiff = try phaseInsensitiveCorrelation(atoms.columnsSlice(0..<28), family: .diff, p: 29)
        let cSum = try phaseInsensitiveCorrelation(atoms.columnsSlice(28..<56), family: .sum, p: 29)
        let meanSum = (0..<28).map { cSum.column($0).max()! }.reduce(0, +) / 28
        let meanDiff = (0..<28).map { cDiff.column($0).max()! }.reduce(0, +) / 28
        print(String(format: "modmlp cliff 2 rotated: mean best single-frequency correlation: sum atoms %.3f, diff atoms %.3f", meanSum, meanDiff))
        #expect(meanSum > 0.8, "sum atoms mean correlation \(meanSum)")
    }
}

extension Matrix {
    func columnsSlice(_ range: Range<Int>) -> Matrix { columns(of: self, range) }
}
