import Foundation
import Kernels
import LinearAlgebra
import Networks
import Tensors
import Testing
import TestSupport

/// J_S = S^{1/2} J per example: rows n·C + c of the sample-major Jacobian mixed by `root`.
func metricJacobian(_ j: Matrix, samples n: Int, root: Matrix) -> Matrix {
    let c = root.rows
    var out = Matrix(rows: j.rows, cols: j.cols)
    for e in 0..<n { for a in 0..<c { for b in 0..<c where root[a, b] != 0 {
        for p in 0..<j.cols { out[e * c + a, p] += root[a, b] * j[e * c + b, p] }
    } } }
    return out
}

/// A random PSD C×C matrix of rank `rank` (A Aᵀ, A C×rank).
func randomMetric(_ c: Int, rank: Int, seed: UInt64) -> Matrix {
    randomMatrix(c, rank, seed: seed).gram(.none)
}

/// The groups of `model` but the unembedding's.
func groupsBeforeUnembedding(_ model: Transformer) -> [String] {
    model.groupNames.filter { !$0.hasPrefix("unembed.") }
}

@Suite("output metric and hidden-state outputs")
struct OutputMetricTests {
    static let views: [KernelView] = [.flat, .trace, .mean, .pair(1, 1), .pair(0, 3)]

    /// Every route that serves `view` (the operator route included).
    static func routes(_ view: KernelView) -> [KernelRoute] {
        view.isSymmetric ? [.jacobian, .gram, .auto, .operator] : [.jacobian, .auto, .operator]
    }

    @Test("S^{1/2} is symmetric, squares to S, and clips round-off below zero")
    func root() throws {
        let s = randomMetric(7, rank: 4, seed: 11)
        let m = try OutputMetric(s)
        #expect(m.root.asymmetry == 0)
        let d = matrixDifference(try m.root.multiplied(by: m.root), s)
        #expect(d < 1e-12, report("root²", d, 1e-12))
        let identity = try OutputMetric(Matrix.identity(5))
        #expect(matrixDifference(identity.root, Matrix.identity(5)) < 1e-15)
    }

    @Test("an invalid metric is refused, naming metric:")
    func invalid() throws {
        var negative = Matrix.identity(3)
        negative[2, 2] = -0.5
        var asymmetric = Matrix.identity(3)
        asymmetric[0, 1] = 0.3
        var nan = Matrix.identity(2)
        nan[1, 1] = .nan
        for (s, words) in [(Matrix(rows: 2, cols: 3), "square"), (negative, "positive semi-definite"),
                           (asymmetric, "symmetric"), (nan, "NaN")] {
            #expect { _ = try OutputMetric(s) } throws: { e in
                let text = "\(e)"
                return text.hasPrefix("metric:") && text.contains(words)
            }
        }
        let (model, x) = try smallMLP(samples: 4)
        #expect { _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(metric: try OutputMetric(Matrix.identity(3)))) } throws: { e in
            "\(e)".hasPrefix("metric: is 3×3") && "\(e)".contains("8×8")
        }
        #expect { _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(importance: [Double](repeating: 1, count: 8), beta: 0.5,
                                                                                        metric: try OutputMetric(Matrix.identity(8)))) } throws: { e in
            "\(e)".hasPrefix("beta:")
        }
        #expect { _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(outputs: "residual")) } throws: { e in
            "\(e)".hasPrefix("outputs:") && "\(e)".contains("no hidden states")
        }
        let (t, tx) = try smallTransformer(full: false)
        #expect { _ = try EmpiricalNTK(model: t, inputs: tx, options: KernelOptions(outputs: "resid")) } throws: { e in
            "\(e)".hasPrefix("outputs:") && "\(e)".contains("\"residual\"")
        }
        #expect { _ = try EmpiricalNTK(model: t, inputs: tx, options: KernelOptions(groups: ["unembed.W_U"], outputs: "residual")) } throws: { e in
            "\(e)".hasPrefix("layers:") && "\(e)".contains("unembed.W_U")
        }
    }

    @Test("metric = identity gives the plain kernel on every route and view")
    func identity() throws {
        let (model, x) = try smallMLP(samples: 6)
        let metric = try OutputMetric(Matrix.identity(model.outputSize))
        for view in Self.views {
            let plain = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, route: .jacobian)).matrix()
            for route in Self.routes(view) {
                let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, route: route, metric: metric))
                let d = matrixDifference(try k.matrix(), plain)
                #expect(d < 1e-12, report("identity \(view) \(route)", d, 1e-12))
            }
        }
    }

    @Test("a random PSD metric on every route and view is the kernel of S^{1/2} J from the explicit Jacobian")
    func randomMetricEveryRoute() throws {
        let (mlp, mx) = try smallMLP(samples: 6)
        let (tms, tx) = try smallTMS(samples: 6)
        let (transformer, sx) = try smallTransformer(full: true)
        let cases: [(String, any DifferentiableModel, Matrix, [String]?)] = [
            ("mlp", mlp, mx, nil), ("mlp layer1.weight", mlp, mx, ["layer1.weight"]), ("tms", tms, tx, nil),
            ("transformer", transformer, sx, nil), ("transformer W_V ln1.w", transformer, sx, ["blocks.1.attn.W_V", "blocks.0.ln1.w"]),
        ]
        for (name, model, x, groups) in cases {
            let c = model.outputSize
            let metric = try OutputMetric(randomMetric(c, rank: c - 1, seed: 21))
            let j = metricJacobian(try model.jacobian(x, groups: groups), samples: x.rows, root: metric.root)
            for view in Self.views {
                let expected = explicitView(j, samples: x.rows, outputs: c, view: view)
                for route in Self.routes(view) {
                    let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, groups: groups, route: route, metric: metric))
                    let d = matrixDifference(try k.matrix(), expected)
                    #expect(d < 1e-10, report("\(name) \(view) \(route)", d, 1e-10))
                }
            }
        }
    }

    @Test("outputs: \"residual\" is what the unembedding reads, and the logits' flat kernel is (W_Uᵀ ⊗ I) K_h (W_U ⊗ I)")
    func residualOutputs() throws {
        for full in [false, true] {
            let (model, x) = try smallTransformer(full: full)
            let hidden = try model.hiddenState("residual")
            let n = x.rows, d = hidden.outputSize, v = model.outputSize
            let w = try model.tensor("unembed.W_U").matrix!   // D × V
            // logits = h W_U + b_U with h the hidden state's outputs.
            var mappedOutputs = try hidden.forward(x).multiplied(by: w)
            if full { let b = try model.tensor("unembed.b_U").storage; for i in mappedOutputs.storage.indices { mappedOutputs.storage[i] += b[i % v] } }
            let f = matrixDifference(mappedOutputs, model.forward(x))
            #expect(f < 1e-12, report("full \(full) h W_U + b_U vs logits", f, 1e-12))
            #expect(try model.finalResidual(x) == hidden.forward(x))
            let groups = groupsBeforeUnembedding(model)
            let logits = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(groups: groups, route: .jacobian)).matrix()
            for route in Self.routes(.flat) {
                let kh = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(route: route, outputs: "residual"))
                #expect(kh.outputs == d && kh.dimension == n * d)
                let h = try kh.matrix()
                var mapped = Matrix(rows: n * v, cols: n * v)
                for c in 0..<v { for c2 in 0..<v { for a in 0..<n { for b in 0..<n {
                    var t = 0.0
                    for e in 0..<d { for e2 in 0..<d { t += w[e, c] * h[e * n + a, e2 * n + b] * w[e2, c2] } }
                    mapped[c * n + a, c2 * n + b] = t
                } } } }
                let diff = matrixDifference(mapped, logits)
                #expect(diff < 1e-10, report("full \(full) \(route) (W_Uᵀ⊗I) K_h (W_U⊗I)", diff, 1e-10))
            }
        }
    }

    /// With S = W_U W_Uᵀ (= UᵀU for the unembedding U = W_Uᵀ, logits = U h): J_logits = U J_h on
    /// the groups before the unembedding, so K_logits = (U⊗I) J_h J_hᵀ (Uᵀ⊗I) and K̃ = (S^{1/2}⊗I) J_h J_hᵀ (S^{1/2}⊗I)
    /// are A Aᵀ and B Bᵀ with AᵀA = J_hᵀ (S⊗I) J_h = BᵀB: the same nonzero eigenvalues. The trace
    /// view is exact entrywise: Σ_d (S^{1/2}J_h)_d·(S^{1/2}J_h′)_d = Σ_c (U J_h)_c·(U J_h′)_c, so D·K̃_tr = V·K_tr.
    @Test("outputs: \"residual\" with metric W_U W_Uᵀ has the logits' flat spectrum and trace kernel, on every route")
    func unembeddingMetric() throws {
        for full in [false, true] {
            let (model, x) = try smallTransformer(full: full)
            let w = try model.tensor("unembed.W_U").matrix!
            let metric = try OutputMetric(w.gram(.none))
            let groups = groupsBeforeUnembedding(model)
            let d = Double(w.rows), v = Double(w.cols)
            let logits = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(groups: groups, route: .jacobian))
            let expected = try SymmetricEigen.all(try logits.matrix()).values
            let logitTrace = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace, groups: groups, route: .jacobian)).matrix()
            for route in Self.routes(.flat) {
                let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(route: route, outputs: "residual", metric: metric))
                let values = try SymmetricEigen.all(try k.matrix()).values
                let scale = expected[0]
                let e = zip(values, expected).map { abs($0 - $1) }.max()! / scale
                #expect(e < 1e-10, report("full \(full) \(route) flat spectrum", e, 1e-10))
                let rest = values.dropFirst(expected.count).map(abs).max() ?? 0
                #expect(rest < 1e-10 * scale, "full \(full) \(route): eigenvalues beyond the logits' rank reach \(rest / scale) of λ₀")
                let top = try k.spectrum(top: 6).values
                let t = zip(top, expected).map { abs($0 - $1) }.max()! / scale
                #expect(t < 1e-10, report("full \(full) \(route) top 6", t, 1e-10))
            }
            for route in Self.routes(.trace) {
                var tr = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace, route: route, outputs: "residual", metric: metric)).matrix()
                for i in tr.storage.indices { tr.storage[i] *= d / v }
                let diff = matrixDifference(tr, logitTrace)
                #expect(diff < 1e-10, report("full \(full) \(route) D·K̃_tr = V·K_tr", diff, 1e-10))
            }
        }
    }

    @Test("by_layer with outputs: \"residual\" covers the groups before the unembedding and sums to the kernel")
    func residualByLayer() throws {
        let (model, x) = try smallTransformer(full: false)
        let options = KernelOptions(view: .trace, outputs: "residual", metric: try OutputMetric(randomMetric(8, rank: 8, seed: 4)))
        let parts = try EmpiricalNTK.byLayer(model: model, inputs: x, options: options)
        #expect(parts.map(\.group) == groupsBeforeUnembedding(model))
        var sum = Matrix(rows: x.rows, cols: x.rows)
        for p in parts { let m = try p.kernel.matrix(); for i in sum.storage.indices { sum.storage[i] += m.storage[i] } }
        let d = matrixDifference(sum, try EmpiricalNTK(model: model, inputs: x, options: options).matrix())
        #expect(d < 1e-12, report("Σ by_layer", d, 1e-12))
    }

    @Test("an operator kernel on the residual refuses once the model's parameters change")
    func residualOperatorStale() throws {
        let (model, x) = try smallTransformer(full: false)
        let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(route: .operator, outputs: "residual"))
        _ = try k.apply(randomMatrix(k.dimension, 2, seed: 1))
        var p = model.parameters
        p[0] += 0.1
        try model.setParameters(p)
        #expect(throws: KernelError.self) { _ = try k.apply(randomMatrix(k.dimension, 2, seed: 1)) }
    }
}
