import LinearAlgebra
import Networks

extension EmpiricalNTK {
    /// The cross kernel between inputs X1 (N1) and X2 (N2) in a view: rows index X1, columns X2,
    /// with the same conventions as the square kernel (flat: row c·N1 + n, column d·N2 + n').
    /// Built from both factors by one GEMM: K = L(X1) · R(X2)ᵀ. Cost (N1 + N2)·C Jacobian rows
    /// plus 2·n1·n2·F flops; memory checked against the budget first.
    public static func cross(model given: any DifferentiableModel, _ x1: Matrix, _ x2: Matrix,
                             options: KernelOptions = KernelOptions()) throws -> Matrix {
        let model = try options.kernelModel(given)
        let budget = options.memoryBudget ?? MemoryBudget.defaultBudget()
        let f1 = try ViewFactor(model: model, inputs: x1, options: options)
        let f2 = try ViewFactor(model: model, inputs: x2, options: options)
        let need = MemoryBudget.matrixBytes(f1.dimension, f2.dimension)
            + MemoryBudget.matrixBytes(f1.dimension + f2.dimension, f1.width)
        guard need <= budget else {
            throw KernelError.overBudget(needed: need, budget: budget,
                                         what: "the \(options.view) cross kernel (\(f1.dimension)×\(f2.dimension))",
                                         suggestion: KernelPlan.suggestion(model: model, factor: f1, options: options, budget: budget))
        }
        let blockBytes = max(1 << 20, min(budget / 8, 256 << 20))
        let (l, _) = try f1.full(blockBytes: blockBytes)
        let (l2, r2) = try f2.full(blockBytes: blockBytes)
        return try l.multiplied(by: r2 ?? l2, .none, .transpose)
    }

    /// The top `count` eigenpairs (see `Spectrum` for methods and incremental extension).
    public func spectrum(top count: Int, method: SpectrumMethod = .auto, ridge: Double = 0,
                         start: Matrix? = nil, shouldStop: @escaping () -> Bool = { false }) throws -> Spectrum {
        try Spectrum(kernel: self, count: count, method: method, ridge: ridge, start: start, shouldStop: shouldStop)
    }
}
