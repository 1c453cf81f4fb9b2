import Foundation
import Kernels
import LinearAlgebra
import Networks
import Tensors
import Testing
import TestSupport

/// An MLP with a few random inputs: flat side N·C large enough (> 224) for the Krylov iteration.
func smallMLP(samples n: Int = 60, seed: UInt64 = 3) throws -> (MLPModel, Matrix) {
    let model = try MLPModel(sizes: [4, 12, 8], activation: .tanh, seed: seed)
    return (model, randomMatrix(n, 4, seed: seed + 7))
}

/// ‖U − V(VᵀU)‖max over unit columns: zero when the columns of U lie in the span of V's.
func subspaceDistance(_ u: Matrix, _ v: Matrix) throws -> Double {
    let projected = try v.multiplied(by: try v.multiplied(by: u, .transpose))
    return zip(u.storage, projected.storage).map { abs($0 - $1) }.max() ?? 0
}

/// Columns `range` of `m`.
func columnSlice(_ m: Matrix, _ range: Range<Int>) -> Matrix {
    var out = Matrix(rows: m.rows, cols: range.count)
    for i in 0..<m.rows { for (k, j) in range.enumerated() { out[i, k] = m[i, j] } }
    return out
}

/// The k in `range` with the widest relative gap λ_{k−1} − λ_k, so the top-k subspace is well defined.
func gapCount(_ values: [Double], _ range: ClosedRange<Int>) -> Int {
    range.max { (values[$0 - 1] - values[$0]) < (values[$1 - 1] - values[$1]) }!
}

@Suite("route operator: the eNTK as products")
struct OperatorKernelTests {
    static let views: [KernelView] = [.flat, .trace, .mean, .pair(1, 1), .pair(0, 3)]

    /// Entries, blocks, products, the matrix (and for symmetric views the diagonal and spectrum)
    /// of the operator route against the jacobian route.
    func expectOperatorMatches(_ model: any DifferentiableModel, _ x: Matrix, _ options: KernelOptions, _ what: String) throws {
        var o = options
        o.route = .jacobian
        let reference = try EmpiricalNTK(model: model, inputs: x, options: o)
        o.route = .operator
        let k = try EmpiricalNTK(model: model, inputs: x, options: o)
        #expect(k.route == .operator && k.isOperator && k.routeReason.hasPrefix("requested"))
        if options.view.isSymmetric {
            try expectSameKernel(k, reference, what)
            return
        }
        let n = reference.dimension
        let v = randomMatrix(n, 3, seed: 5)
        let a = matrixDifference(try k.apply(v), try reference.apply(v))
        #expect(a < 1e-10, report("\(what) K·V", a, 1e-10))
        let b = matrixDifference(try k.block(rows: 1..<4, cols: 0..<n), try reference.block(rows: 1..<4, cols: 0..<n))
        #expect(b < 1e-10, report("\(what) block", b, 1e-10))
        let d = matrixDifference(try k.matrix(), try reference.matrix())
        #expect(d < 1e-10, report("\(what) matrix", d, 1e-10))
        let g = maxRelativeDifference(try k.diagonal, try reference.diagonal)
        #expect(g < 1e-10, report("\(what) diagonal", g, 1e-10))
    }

    @Test("matches the jacobian route on an MLP in every view, restricted to groups")
    func mlpEveryView() throws {
        let (model, x) = try smallMLP(samples: 10)
        for view in Self.views {
            for groups in [nil, ["layer1.weight"], ["layer0.bias", "layer1.weight"]] as [[String]?] {
                try expectOperatorMatches(model, x, KernelOptions(view: view, groups: groups), "mlp \(view) \(groups ?? ["all"])")
            }
        }
    }

    @Test("matches the jacobian route on TMS in every view, with β")
    func tmsEveryView() throws {
        let (model, x) = try smallTMS(samples: 10)
        for view in Self.views {
            for beta in [0.0, 0.7] {
                let options = KernelOptions(view: view, importance: beta == 0 ? nil : model.outputImportance ?? [1, 0.9, 0.8, 0.7, 0.6], beta: beta)
                try expectOperatorMatches(model, x, options, "tms \(view) β \(beta)")
            }
            try expectOperatorMatches(model, x, KernelOptions(view: view, groups: ["b"]), "tms \(view) b")
        }
    }

    @Test("matches the jacobian route on a transformer in every view")
    func transformerEveryView() throws {
        for full in [false, true] {
            let (model, x) = try smallTransformer(full: full, samples: 10)
            for view in Self.views {
                try expectOperatorMatches(model, x, KernelOptions(view: view), "transformer full \(full) \(view)")
                try expectOperatorMatches(model, x, KernelOptions(view: view, groups: ["unembed.W_U", "blocks.0.attn.W_V"]),
                                          "transformer full \(full) \(view) W_U, W_V")
            }
        }
    }

    /// The Krylov iteration (not the solver's dense fallback) on the operator against dsyevd of
    /// the jacobian route's matrix: eigenvalues 1e-10, subspace 1e-8, residuals below 1e-8 of ‖K‖.
    func expectSpectrumMatches(_ model: any DifferentiableModel, _ x: Matrix, _ options: KernelOptions, _ what: String) throws {
        var o = options
        o.route = .jacobian
        let dense = try EmpiricalNTK(model: model, inputs: x, options: o).matrix()
        #expect(dense.rows > 240, "\(what): side \(dense.rows) too small for the Krylov iteration")
        let exact = try SymmetricEigen.all(dense)
        let k = gapCount(exact.values, 4...12)
        o.route = .operator
        let kernel = try EmpiricalNTK(model: model, inputs: x, options: o)
        let s = try kernel.spectrum(top: k)
        #expect(s.method == .iterative)
        let values = maxRelativeDifference(s.values, Array(exact.values.prefix(k)))
        #expect(values < 1e-10, report("\(what) eigenvalues (k = \(k))", values, 1e-10))
        let subspace = try subspaceDistance(s.vectors, columnSlice(exact.vectors, 0..<k))
        #expect(subspace < 1e-8, report("\(what) subspace", subspace, 1e-8))
        let reported = s.lastRelativeResiduals.max() ?? .infinity
        #expect(reported < 1e-8, report("\(what) reported residual", reported, 1e-8))
        let residual = try s.residualNorms().max()! / exact.values[0]
        #expect(residual < 1e-8, report("\(what) residual ‖Kv − λv‖/‖K‖", residual, 1e-8))
        #expect(s.products > 0 && kernel.operatorProducts >= s.products)
    }

    @Test("block Lanczos on the operator agrees with dsyevd: MLP, TMS and transformer, every symmetric view")
    func spectraAgree() throws {
        let (mlp, xm) = try smallMLP(samples: 40)
        try expectSpectrumMatches(mlp, xm, KernelOptions(view: .flat), "mlp flat")
        let (mlpWide, xw) = try smallMLP(samples: 260)
        for view in [KernelView.trace, .mean, .pair(2, 2)] {
            try expectSpectrumMatches(mlpWide, xw, KernelOptions(view: view), "mlp \(view)")
        }
        let (tms, xt) = try smallTMS(features: 6, hidden: 3, samples: 50)
        let importance = (0..<tms.outputSize).map { Foundation.pow(0.8, Double($0)) }
        try expectSpectrumMatches(tms, xt, KernelOptions(view: .flat, importance: importance, beta: 0.5), "tms flat β 0.5")
        let (transformer, xs) = try smallTransformer(full: true, samples: 60)
        try expectSpectrumMatches(transformer, xs, KernelOptions(view: .flat), "transformer flat")
        let (transformerLong, xl) = try smallTransformer(full: false, samples: 250)
        for view in [KernelView.trace, .mean] {
            try expectSpectrumMatches(transformerLong, xl, KernelOptions(view: view), "transformer \(view)")
        }
    }

    @Test("a warm start from the previous training step's vectors takes fewer products")
    func warmStartAcrossTraining() throws {
        let (model, x) = try smallMLP(samples: 40)
        let options = KernelOptions(view: .flat, route: .operator)
        let before = try EmpiricalNTK(model: model, inputs: x, options: options).spectrum(top: 6)
        var g = RandomGenerator(seed: 11)
        let targets = Matrix(rows: x.rows, cols: model.outputSize, storage: (0..<(x.rows * model.outputSize)).map { _ in g.nextNormal() })
        try train(model, try Dataset(inputs: x, targets: targets, isClassification: false), steps: 1, optimizer: try .sgd(lr: 1e-3))
        let kernel = try EmpiricalNTK(model: model, inputs: x, options: options)
        let cold = try kernel.spectrum(top: 6)
        let warm = try kernel.spectrum(top: 6, start: before.vectors)
        #expect(warm.products < cold.products, "warm \(warm.products) products, cold \(cold.products)")
        let d = maxRelativeDifference(warm.values, cold.values)
        #expect(d < 1e-10, report("warm vs cold eigenvalues", d, 1e-10))
    }

    @Test("auto takes the operator route when nothing else fits, and says what it needs")
    func autoChoosesOperator() throws {
        let (model, x) = try smallMLP(samples: 200)
        let budget = 2_000_000
        let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, memoryBudget: budget))
        #expect(k.route == .operator, "route \(k.route): \(k.routeReason)")
        #expect(k.routeReason.contains("no other route fits") && k.routeReason.contains("never holding J or K"), "\(k.routeReason)")
        #expect(throws: KernelError.self) {
            _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, route: .jacobian, memoryBudget: budget))
        }
        // A model changed since refuses products instead of answering for other weights.
        var p = model.parameters
        p[0] += 1
        model.parameters = p
        #expect(throws: KernelError.self) { _ = try k.apply(Matrix(rows: k.dimension, cols: 1, repeating: 1)) }
    }

    @Test("Ctrl-C at a block boundary keeps the pairs that had converged")
    func interruptionKeepsConverged() throws {
        let (model, x) = try smallMLP(samples: 40)
        let kernel = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, route: .operator))
        var stop = false, armed = true
        var seen: [IterativeEigenProgress] = []
        let s = try Spectrum(kernel: kernel, count: 20, shouldStop: { stop }, progress: { p in
            seen.append(p)
            if armed && p.converged >= 2 { stop = true; armed = false }
        })
        #expect(s.interrupted)
        #expect(s.count >= 2 && s.count < 20, "kept \(s.count)")
        let residual = try s.residualNorms().max()! / s.values[0]
        #expect(residual < 1e-9, report("kept pairs' residual", residual, 1e-9))
        #expect(seen.count >= 2 && seen.last!.products > seen.first!.products)
        // Extending resumes from the kept pairs.
        stop = false
        let before = s.products
        try s.extend(to: 20)
        #expect(!s.interrupted && s.count == 20 && s.products > before)
    }
}
