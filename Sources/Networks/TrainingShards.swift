import LinearAlgebra

/// The two fixed halves a training batch is computed in, one per core (`Lanes`).
///
/// A batch of N ≥ 2·`minimumRows` rows is cut at h = ⌈N/2⌉: the model runs rows 0..<h and a
/// replica of it (same θ, buffers of its own) rows h..<N. Each half does its forward pass, its
/// share of the loss (the mean is still over all N rows) and its backward pass into a gradient of
/// its own, and the step's gradient is g₀ + g₁, added in that order:
///
///     L = Σ_{r<h} ℓ_r / N + Σ_{r≥h} ℓ_r / N,      ∇L = ∇₀ + ∇₁
///
/// Smaller batches are one shard. The cut depends on N alone, never on the thread count, so a
/// run is bit for bit the same on one thread (the halves one after the other) or two.
/// Versus one unsplit pass, only the order of the sums over rows inside the gradient GEMMs
/// changes (differences in the last bits).
final class TrainingShards {
    /// Fewest rows a half may have, so batches from 128 rows up are split (TMS's 500, the
    /// modmlp's 588 and 253). The paper transformer's minibatches of 64 stay whole, and with
    /// them its recorded trajectories; smaller cuts were not measured.
    static let minimumRows = 64

    let model: any DifferentiableModel
    private let p: Int
    private lazy var replica: any DifferentiableModel = model.replica()
    /// The second half's gradient (P), added to the first's.
    private lazy var secondGradient = [Double](repeating: 0, count: p)

    init(_ model: any DifferentiableModel) {
        self.model = model
        p = model.parameterCount
    }

    /// Rows of the first half for a batch of `rows`, or nil when it is one shard.
    static func cut(_ rows: Int) -> Int? { rows >= 2 * minimumRows ? (rows + 1) / 2 : nil }

    /// The forward pass on `rows` inputs into `outputs`, the loss against `targets` (its value is
    /// returned) and, when `outputGradient` and `gradient` are given, ∂L/∂o into the first and
    /// the parameter gradient into the second. `phases`, when given, times the first half's
    /// forward, loss and backward, and as `shards` the wait for the second half and the sum.
    func pass(_ x: UnsafePointer<Double>, targets: UnsafePointer<Double>, rows: Int, objective: Loss,
              outputs: UnsafeMutablePointer<Double>, outputGradient: UnsafeMutablePointer<Double>?,
              gradient: UnsafeMutablePointer<Double>?, phases: TrainingPhases?) -> Double {
        let d = model.inputSize, c = model.outputSize, k = objective.targetColumns(outputs: c)
        guard let h = Self.cut(rows) else {
            return Self.half(model, x, targets, rows: rows, of: rows, objective: objective, outputs: outputs,
                             outputGradient: outputGradient, gradient: gradient, phases: phases)
        }
        let second = replica
        var first = 0.0, rest = 0.0
        secondGradient.withUnsafeMutableBufferPointer { sp in
            let g1 = gradient == nil ? nil : sp.baseAddress!
            Lanes.run({
                first = Self.half(self.model, x, targets, rows: h, of: rows, objective: objective, outputs: outputs,
                                  outputGradient: outputGradient, gradient: gradient, phases: phases)
            }, {
                rest = Self.half(second, x + h * d, targets + h * k, rows: rows - h, of: rows, objective: objective,
                                 outputs: outputs + h * c, outputGradient: outputGradient.map { $0 + h * c },
                                 gradient: g1, phases: nil)
            })
            if let g = gradient, let g1 { for i in 0..<p { g[i] += g1[i] } }
        }
        phases?.lap(.shards)
        return first + rest
    }

    /// One shard: `rows` of a batch of `total`.
    private static func half(_ model: any DifferentiableModel, _ x: UnsafePointer<Double>, _ targets: UnsafePointer<Double>,
                             rows: Int, of total: Int, objective: Loss, outputs: UnsafeMutablePointer<Double>,
                             outputGradient: UnsafeMutablePointer<Double>?, gradient: UnsafeMutablePointer<Double>?,
                             phases: TrainingPhases?) -> Double {
        let c = model.outputSize
        model.forward(x, rows: rows, into: outputs)
        phases?.lap(.forward)
        let wantsGradient = gradient != nil && outputGradient != nil
        let value = objective.evaluate(outputs: outputs, targets: targets, rows: rows, cols: c,
                                       gradient: wantsGradient ? outputGradient : nil, meanRows: total)
        phases?.lap(.loss)
        if wantsGradient, value.isFinite, let g = gradient, let og = outputGradient {
            model.backward(x, rows: rows, outputGradient: og, into: g)
            phases?.lap(.backward)
        }
        return value
    }
}
