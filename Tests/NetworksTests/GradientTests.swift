import Foundation
import LinearAlgebra
import Networks
import Testing
import TestSupport
import Tensors

/// Every analytic derivative against central differences, (f(θ + h) − f(θ − h)) / 2h with
/// h = 1e-5. The truncation error is O(h²·f‴) ≈ 1e-10 and the rounding error ≈ 1e-16/h ≈ 1e-11,
/// so a tolerance of 1e-7 relative to the larger max-norm leaves a wide margin while still
/// catching any wrong term (a missing tied-weight term is O(1)).
@Suite("Gradients and Jacobians against finite differences")
struct GradientTests {
    static let h = 1e-5
    static let tolerance = 1e-7

    @Test("loss gradient matches central differences", arguments: Fixture.modelNames)
    func lossGradient(name: String) throws {
        let model = try Fixture.model(name)
        let x = Fixture.inputs(for: model, rows: 5)
        let losses: [Loss] = [model.defaultLoss, .mse, .crossEntropy]
        for loss in losses {
            let y = Fixture.targets(for: model, rows: 5, oneHot: loss == .crossEntropy)
            let analytic = try model.lossAndGradient(x, targets: y, loss: loss).gradient
            let theta = model.parameters
            var numeric = [Double](repeating: 0, count: theta.count)
            for p in theta.indices {
                var plus = theta, minus = theta
                plus[p] += Self.h; minus[p] -= Self.h
                try model.setParameters(plus)
                let fp = try loss.value(model.forward(x), y)
                try model.setParameters(minus)
                let fm = try loss.value(model.forward(x), y)
                numeric[p] = (fp - fm) / (2 * Self.h)
            }
            try model.setParameters(theta)
            let err = maxRelativeDifference(analytic, numeric)
            #expect(err < Self.tolerance, "\(name) \(loss.name): max relative error \(err), tolerance \(Self.tolerance)")
        }
    }

    @Test("Jacobian rows n·C + c match central differences of each output", arguments: Fixture.modelNames)
    func jacobianRows(name: String) throws {
        let model = try Fixture.model(name)
        let x = Fixture.inputs(for: model, rows: 4)
        let j = try model.jacobian(x, groups: nil)
        let c = model.outputSize
        #expect(j.rows == x.rows * c && j.cols == model.parameterCount)
        let theta = model.parameters
        var numeric = Matrix(rows: j.rows, cols: j.cols)
        for p in theta.indices {
            var plus = theta, minus = theta
            plus[p] += Self.h; minus[p] -= Self.h
            try model.setParameters(plus)
            let fp = model.forward(x)
            try model.setParameters(minus)
            let fm = model.forward(x)
            // forward is N×C row-major, so flat index n·C + c is already the sample-major row.
            for r in 0..<j.rows { numeric[r, p] = (fp.storage[r] - fm.storage[r]) / (2 * Self.h) }
        }
        try model.setParameters(theta)
        let err = maxRelativeDifference(j.storage, numeric.storage)
        #expect(err < Self.tolerance, "\(name): max relative error \(err), tolerance \(Self.tolerance)")
    }

    @Test("a group-restricted Jacobian is the matching column block of the full one", arguments: Fixture.modelNames)
    func restrictedJacobian(name: String) throws {
        let model = try Fixture.model(name)
        let x = Fixture.inputs(for: model, rows: 3)
        let full = try model.jacobian(x, groups: nil)
        for g in model.parameterGroups.reversed() {
            let part = try model.jacobian(x, groups: [g.name])
            #expect(part.cols == g.count)
            for r in 0..<full.rows {
                #expect(part.row(r) == Array(full.row(r)[g.offset..<(g.offset + g.count)]))
            }
        }
        #expect(throws: NetworkError.self) { try model.jacobian(x, groups: ["nope"]) }
    }

    @Test("backward equals Jᵀ·∂L/∂out (a second route through the layer traces)", arguments: Fixture.modelNames)
    func backwardEqualsJacobianTransposeProduct(name: String) throws {
        let model = try Fixture.model(name)
        let x = Fixture.inputs(for: model, rows: 6)
        let y = Fixture.targets(for: model, rows: 6)
        let grad = try model.lossAndGradient(x, targets: y, loss: .mse).gradient
        let g = try Loss.mse.gradient(model.forward(x), y)
        let viaJacobian = try model.jacobian(x, groups: nil).applied(to: g.storage, .transpose)
        let err = maxRelativeDifference(grad, viaJacobian)
        #expect(err < 1e-12, "\(name): max relative error \(err), tolerance 1e-12")
    }

    @Test("Jacobian–vector products match central differences along each tangent and equal J·v", arguments: Fixture.modelNames)
    func tangentsMatchDifferences(name: String) throws {
        let model = try Fixture.model(name)
        let x = Fixture.inputs(for: model, rows: 4)
        let p = model.parameterCount, n = x.rows, c = model.outputSize
        var g = RandomGenerator(seed: 5)
        var v = Matrix(rows: 3, cols: p)
        for k in v.storage.indices { v.storage[k] = g.nextNormal() }
        let jv = try model.tangents(x, parameterTangents: v)
        #expect(jv.rows == 3 * n && jv.cols == c)
        let theta = model.parameters
        let j = try model.jacobian(x, groups: nil)
        for t in 0..<3 {
            let dir = v.row(t)
            try model.setParameters(zip(theta, dir).map { $0 + Self.h * $1 })
            let fp = model.forward(x)
            try model.setParameters(zip(theta, dir).map { $0 - Self.h * $1 })
            let fm = model.forward(x)
            try model.setParameters(theta)
            let numeric = zip(fp.storage, fm.storage).map { ($0 - $1) / (2 * Self.h) }
            let analytic = Array(jv.storage[(t * n * c)..<((t + 1) * n * c)])
            let err = maxRelativeDifference(analytic, numeric)
            #expect(err < Self.tolerance, "\(name) tangent \(t): max relative error \(err), tolerance \(Self.tolerance)")
            let viaJacobian = try j.applied(to: dir, .none)
            let exact = maxRelativeDifference(analytic, viaJacobian)
            #expect(exact < 1e-12, "\(name) tangent \(t): JVP against J·v differs by \(exact)")
        }
    }

    @Test("a seeded Jacobian row n·m + j is Σ_c seed[j, c] times the per-output rows", arguments: Fixture.modelNames)
    func seededJacobian(name: String) throws {
        let model = try Fixture.model(name)
        let x = Fixture.inputs(for: model, rows: 3)
        let c = model.outputSize
        var g = RandomGenerator(seed: 9)
        var seeds = Matrix(rows: 2, cols: c)
        for k in seeds.storage.indices { seeds.storage[k] = g.nextNormal() }
        let full = try model.jacobian(x, groups: nil)
        let seeded = try model.jacobian(x, seeds: seeds, groups: nil)
        var expected = Matrix(rows: 6, cols: full.cols)
        for n in 0..<3 { for j in 0..<2 { for k in 0..<c {
            for q in 0..<full.cols { expected[n * 2 + j, q] += seeds[j, k] * full[n * c + k, q] }
        } } }
        let err = maxRelativeDifference(seeded.storage, expected.storage)
        #expect(err < 1e-12, "\(name): seeded rows differ by \(err)")
    }

    @Test("layer traces reproduce the Jacobian: ∂f_c(x_n)/∂V[o,i] = G[n·C+c, o]·H[n, i]")
    func layerTraceIdentity() throws {
        let model = try ModularMLP(p: 5, width: 8, seed: 1)
        let x = Fixture.inputs(for: model, rows: 3)
        let traces = try model.layerTraces(x, seeds: nil, groups: nil).dense
        let j = try model.jacobian(x, groups: ["W2"])
        let w2 = traces.first { $0.weightGroup == "W2" }!
        #expect(w2.weightGroup == "W2" && w2.inputs.rows == 3 && w2.sensitivities.rows == 15)
        for r in 0..<15 { for o in 0..<5 { for i in 0..<8 {
            #expect(j[r, o * 8 + i] == w2.sensitivities[r, o] * w2.inputs[r / 5, i])
        } } }
    }

    @Test("loss derivatives with respect to outputs match central differences")
    func lossOutputGradients() throws {
        let out = Fixture.inputs(for: try MLPModel(sizes: [4, 1]), rows: 3)
        let losses: [Loss] = [.mse, .weightedMSE(importance: [1, 0.8, 0.64, 0.512]), .crossEntropy]
        for loss in losses {
            let y = Fixture.targets(for: try MLPModel(sizes: [1, 4]), rows: 3, oneHot: loss == .crossEntropy)
            let analytic = try loss.gradient(out, y)
            var numeric = Matrix(rows: 3, cols: 4)
            for k in out.storage.indices {
                var plus = out, minus = out
                plus.storage[k] += Self.h; minus.storage[k] -= Self.h
                numeric.storage[k] = (try loss.value(plus, y) - loss.value(minus, y)) / (2 * Self.h)
            }
            let err = maxRelativeDifference(analytic.storage, numeric.storage)
            #expect(err < Self.tolerance, "\(loss.name): max relative error \(err), tolerance \(Self.tolerance)")
        }
    }

    @Test("losses have their textbook values on a hand-computed case")
    func lossValues() throws {
        let o = Matrix(rows: 1, cols: 2, storage: [1, 3]), t = Matrix(rows: 1, cols: 2, storage: [0, 1])
        #expect(try Loss.mse.value(o, t) == (1 + 4) / 2.0)
        #expect(try Loss.weightedMSE(importance: [1, 0.5]).value(o, t) == (1 + 0.5 * 4) / 2.0)
        let ce = try Loss.crossEntropy.value(o, t)
        let expected = -(3 - log(exp(1.0) + exp(3.0)))
        #expect(abs(ce - expected) < 1e-15, "\(numericReport(expected: expected, observed: ce, tolerance: 1e-15))")
        #expect(throws: NetworkError.self) { try Loss.mse.value(o, Matrix(rows: 2, cols: 2)) }
    }
}



@Suite("Modular MLP on one-hot inputs")
struct OneHotGradientTests {
    @Test("the sparse first-layer path matches central differences and the dense Jacobian route")
    func sparsePath() throws {
        // p = 11: 2 nonzeros of 22 per row is below the 1/8 density where the gather path starts.
        let task = try ModularArithmetic(p: 11, seed: 4)
        let model = try ModularMLP(p: 11, width: 8, seed: 5)
        let x = ModularArithmeticRows.take(task.allInputs, [3, 17, 40, 99, 120, 64])
        let y = ModularArithmeticRows.take(task.allTargets, [3, 17, 40, 99, 120, 64])
        let (_, analytic) = try model.lossAndGradient(x, targets: y)
        let viaJacobian = try model.jacobian(x, groups: nil).applied(to: Loss.mse.gradient(model.forward(x), y).storage, .transpose)
        let err = maxRelativeDifference(analytic, viaJacobian)
        #expect(err < 1e-12, "sparse backward vs Jᵀg: max relative error \(err), tolerance 1e-12")
        let theta = model.parameters, h = GradientTests.h
        var numeric = [Double](repeating: 0, count: theta.count)
        for p in theta.indices {
            var plus = theta, minus = theta
            plus[p] += h; minus[p] -= h
            try model.setParameters(plus)
            let fp = try Loss.mse.value(model.forward(x), y)
            try model.setParameters(minus)
            let fm = try Loss.mse.value(model.forward(x), y)
            numeric[p] = (fp - fm) / (2 * h)
        }
        try model.setParameters(theta)
        let fdErr = maxRelativeDifference(analytic, numeric)
        #expect(fdErr < GradientTests.tolerance, "max relative error \(fdErr), tolerance \(GradientTests.tolerance)")
        let z = try model.preActivations(x), out = model.forward(x)
        let a = try model.activations(x)
        let dense = try a.multiplied(by: model.w2, .none, .transpose, alpha: 1.0 / 8)
        #expect(maxRelativeDifference(out.storage, dense.storage) < 1e-14)
        #expect(z.rows == 6 && z.cols == 8)
    }
}

enum ModularArithmeticRows {
    static func take(_ m: Matrix, _ rows: [Int]) -> Matrix {
        Matrix(rows: rows.count, cols: m.cols, storage: rows.flatMap { m.row($0) })
    }
}

@Suite("Jacobian blocks")
struct JacobianBlockTests {
    @Test("blocks of examples stack into the full Jacobian")
    func blocksStack() throws {
        let model = try Fixture.model("tms")
        let x = Fixture.inputs(for: model, rows: 7)
        let full = try model.jacobian(x, groups: ["b"])
        var stacked: [Double] = []
        var ranges: [Range<Int>] = []
        try model.jacobianBlocks(x, groups: ["b"], examples: 3) { range, block in
            ranges.append(range); stacked += block.storage
        }
        #expect(ranges == [0..<3, 3..<6, 6..<7])
        #expect(stacked == full.storage)
    }
}

@Suite("Jacobian size guard")
struct JacobianSizeTests {
    @Test("a Jacobian above the 2³⁰-entry limit is refused before allocating")
    func refusesHugeJacobian() throws {
        let task = try ModularArithmetic(p: 29)
        let model = try ModularMLP(p: 29)
        // 841·29 rows × 44,544 columns ≈ 1.09e9 entries > 2³⁰.
        do {
            _ = try model.jacobian(task.allInputs, groups: nil)
            Issue.record("allocated an 8.7 GB Jacobian")
        } catch let e as NetworkError {
            #expect(e.description.contains("24389 × 44544"))
        }
    }
}
