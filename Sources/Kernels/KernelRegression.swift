import LinearAlgebra
import Tensors
import Networks

/// Kernel regression with the eNTK: the model's linearisation (SCIENCE.md §2).
///
/// Sample-major flattening (index n·C + c), J the (N·C)×P Jacobian on the training inputs,
/// K = J Jᵀ, absolute ridge r:
///
///     pure:          ŷ(x) = K(x, X) (K + rI)⁻¹ y
///     around model:  ŷ(x) = f(x) + K(x, X) (K + rI)⁻¹ (y − f(X))
///
/// Since K(x, X) = J(x) Jᵀ, both are J(x)·w with w = Jᵀ(K + rI)⁻¹ t = (JᵀJ + rI)⁻¹ Jᵀ t (the
/// push-through identity). When P < N·C the P×P system is solved ("gram"); otherwise the
/// (N·C)² system ("dense"). Both are exact; the solve is a Cholesky (dposv).
public final class KernelRegression {
    public let model: any DifferentiableModel
    public let ridge: Double
    public let groups: [String]?
    /// "gram" (P×P system) or "dense" ((N·C)² system).
    public let route: String
    /// Parameter-space weights: pure (target y) and around the model (target y − f(X)).
    public let pureWeights: [Double]
    public let residualWeights: [Double]

    /// Fits on `inputs` (N × inputSize) and `targets` (N × C).
    public init(model: any DifferentiableModel, inputs: Matrix, targets: Matrix, ridge: Double,
                groups: [String]? = nil, memoryBudget: Int? = nil) throws {
        guard targets.rows == inputs.rows, targets.cols == model.outputSize else {
            throw KernelError.shapeMismatch("targets are \(targets.rows)×\(targets.cols) but inputs give \(inputs.rows) samples × \(model.outputSize) outputs")
        }
        guard ridge > 0, ridge.isFinite else { throw KernelError.invalidArgument("ridge must be positive, got \(NumberFormat.format(ridge))") }
        let budget = memoryBudget ?? MemoryBudget.defaultBudget()
        let p = try selectedParameterCount(model, groups)
        let rows = inputs.rows * model.outputSize
        let small = min(p, rows)
        let need = MemoryBudget.matrixBytes(rows, p) + 2 * MemoryBudget.matrixBytes(small, small)
        guard need <= budget else {
            throw KernelError.overBudget(needed: need, budget: budget, what: "kernel regression on \(inputs.rows) samples",
                                         suggestion: "use fewer training inputs or restrict to a parameter group")
        }
        self.model = model; self.ridge = ridge; self.groups = groups
        let j = try model.jacobian(inputs, groups: groups)
        let f = model.forward(inputs)
        let targetsBoth = Matrix(rows: rows, cols: 2, storage: (0..<rows).flatMap { [targets.storage[$0], targets.storage[$0] - f.storage[$0]] })
        let w: Matrix
        if p < rows {
            var g = j.gram(.transpose)
            for i in 0..<p { g[i, i] += ridge }
            w = try Factorization.solvePositiveDefinite(g, try j.multiplied(by: targetsBoth, .transpose))
            route = "gram"
        } else {
            var k = j.gram(.none)
            for i in 0..<rows { k[i, i] += ridge }
            w = try j.multiplied(by: try Factorization.solvePositiveDefinite(k, targetsBoth), .transpose)
            route = "dense"
        }
        pureWeights = w.column(0)
        residualWeights = w.column(1)
    }

    /// Predictions for `inputs` (M × C). Cost: one Jacobian of M·C rows and a GEMV.
    public func predict(_ inputs: Matrix, aroundModel: Bool = true) throws -> Matrix {
        let j = try model.jacobian(inputs, groups: groups)
        let c = model.outputSize
        var y = try j.applied(to: aroundModel ? residualWeights : pureWeights)
        if aroundModel {
            let f = model.forward(inputs)
            for i in 0..<y.count { y[i] += f.storage[i] }
        }
        return Matrix(rows: inputs.rows, cols: c, storage: y)
    }

    /// Loss ratio, accuracy gap and R² of the linearised predictor against the model on (x, y).
    public func evaluate(inputs: Matrix, targets: Matrix, aroundModel: Bool = true) throws -> RegressionMetrics {
        guard targets.rows == inputs.rows, targets.cols == model.outputSize else {
            throw KernelError.shapeMismatch("targets are \(targets.rows)×\(targets.cols) but inputs give \(inputs.rows) samples × \(model.outputSize) outputs")
        }
        return RegressionMetrics(linear: try predict(inputs, aroundModel: aroundModel), model: model.forward(inputs), targets: targets)
    }
}

/// How well the linearised predictor matches the model (the author's metrics.py conventions):
/// loss ratio = MSE(ŷ_lin, y) / MSE(f, y); accuracy gap = 100·(acc(f) − acc(ŷ_lin)) by argmax;
/// R² = 1 − Σ(ŷ_lin − f)² / Σ(f − mean f)².
public struct RegressionMetrics: Equatable, Sendable {
    public let lossRatio: Double
    public let accuracyGap: Double
    public let r2: Double

    public init(linear: Matrix, model: Matrix, targets: Matrix) {
        func mse(_ a: Matrix) -> Double { zip(a.storage, targets.storage).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(max(1, a.storage.count)) }
        func accuracy(_ a: Matrix) -> Double {
            guard a.rows > 0 else { return 0 }
            var hits = 0
            for i in 0..<a.rows where argmax(a.row(i)) == argmax(targets.row(i)) { hits += 1 }
            return Double(hits) / Double(a.rows)
        }
        lossRatio = mse(linear) / mse(model)
        accuracyGap = 100 * (accuracy(model) - accuracy(linear))
        let mean = model.storage.reduce(0, +) / Double(max(1, model.storage.count))
        let num = zip(linear.storage, model.storage).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let den = model.storage.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        r2 = 1 - num / den
    }
}

func argmax(_ v: [Double]) -> Int {
    var best = 0
    for i in v.indices where v[i] > v[best] { best = i }
    return best
}
