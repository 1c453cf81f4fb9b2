import Foundation
import Kernels
import LinearAlgebra
import Networks
import Testing
import TestSupport

@Suite("kernel regression")
struct KernelRegressionTests {
    /// The definition with explicit matrices: ŷ = K(x, X)(K + rI)⁻¹ t, t = y or y − f(X).
    private func explicitPrediction(_ model: any DifferentiableModel, train x: Matrix, _ y: Matrix, test xt: Matrix,
                                    ridge: Double, around: Bool) throws -> [Double] {
        let j = try model.jacobian(x, groups: nil), jt = try model.jacobian(xt, groups: nil)
        var k = try j.multiplied(by: j, .none, .transpose)
        for i in 0..<k.rows { k[i, i] += ridge }
        let f = model.forward(x)
        let t = Matrix(rows: y.storage.count, cols: 1, storage: around ? zip(y.storage, f.storage).map { $0 - $1 } : y.storage)
        let alpha = try Factorization.solvePositiveDefinite(k, t)
        var pred = try jt.multiplied(by: j, .none, .transpose).multiplied(by: alpha).storage
        if around { let ft = model.forward(xt); for i in pred.indices { pred[i] += ft.storage[i] } }
        return pred
    }

    @Test("gram (P < N·C) and dense (P ≥ N·C) solves equal the explicit (K + rI)⁻¹ formula")
    func routesMatchDefinition() throws {
        let (tms, x) = try smallTMS(features: 5, hidden: 2, samples: 8)     // P = 15 < 40
        let (mlp, xm) = try smallModularMLP(p: 3, width: 6)                   // P = 54 ≥ 27
        for (model, inputs) in [(tms as any DifferentiableModel, x), (mlp, xm)] {
            let n = inputs.rows
            let train = Matrix(rows: n - 2, cols: inputs.cols, storage: Array(inputs.storage[0..<((n - 2) * inputs.cols)]))
            let test = Matrix(rows: 2, cols: inputs.cols, storage: Array(inputs.storage[((n - 2) * inputs.cols)...]))
            let y = randomMatrix(train.rows, model.outputSize, seed: 3)
            let reg = try KernelRegression(model: model, inputs: train, targets: y, ridge: 1e-3)
            #expect(reg.route == (model.kind == "tms" ? "gram" : "dense"))
            for around in [false, true] {
                let expected = try explicitPrediction(model, train: train, y, test: test, ridge: 1e-3, around: around)
                let got = try reg.predict(test, aroundModel: around).storage
                let d = maxRelativeDifference(expected, got)
                #expect(d < 1e-8, report("\(model.kind) around \(around)", d, 1e-8))
            }
        }
    }

    @Test("metrics follow their definitions: a perfect predictor gives ratio 1, gap 0, R² 1")
    func metrics() {
        let f = Matrix(rows: 2, cols: 2, storage: [1, 0, 0, 2])
        let y = Matrix(rows: 2, cols: 2, storage: [1, 0, 1, 0])
        let same = RegressionMetrics(linear: f, model: f, targets: y)
        #expect(same.lossRatio == 1 && same.accuracyGap == 0 && same.r2 == 1)
        let other = RegressionMetrics(linear: Matrix(rows: 2, cols: 2, storage: [1, 0, 2, 0]), model: f, targets: y)
        #expect(other.accuracyGap == -50)
        #expect(abs(other.r2 - (1 - 8.0 / 2.75)) < 1e-12)
    }
}
