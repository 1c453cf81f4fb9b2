import Foundation
import Kernels
import Language
import LinearAlgebra
import Tensors

/// The tables of the kernel, spectrum and regression types.
extension Session {
    var kernelType: HostType {
        func kernel(_ v: Value) throws -> KernelObject { try v.object(KernelObject.self, named: "kernel") }
        return HostType(
            "kernel", summary: "an empirical NTK at one model step: entries, blocks, products and eigenpairs",
            detail: "K[i, j] is an entry and K[a:b, c:d] a block (computed on demand for the gram route); K @ v applies K without forming it.",
            properties: [
                HostProperty("view", type: "string", summary: "flat, trace, mean or pair(c1, c2)") { .string("\(try kernel($0).kernel.view)") },
                HostProperty("size", type: "number", summary: "side of the kernel matrix") { .number(Double(try kernel($0).kernel.dimension)) },
                HostProperty("route", type: "string", summary: "how it was computed: jacobian, gram, structured or operator") { .string(try kernel($0).kernel.route.rawValue) },
                HostProperty("reason", type: "string", summary: "why auto chose that route") { .string(try kernel($0).kernel.routeReason) },
                HostProperty("rank_bound", type: "number", summary: "an upper bound on the rank (P for the gram route)") { .number(Double(try kernel($0).kernel.rankBound)) },
                HostProperty("step", type: "number", summary: "the model step the kernel was computed at") { .number(Double(try kernel($0).step)) },
                HostProperty("memory", type: "number", summary: "bytes held") { .number(Double(try kernel($0).kernel.heldBytes)) },
                HostProperty("by_layer", type: "list", summary: "one kernel per parameter group; they sum to this one") { v in
                    let k = try kernel(v)
                    guard k.model.model.parameterVersion == k.parameterVersion else {
                        throw LanguageError("the model's parameters have changed since this kernel was computed (at step \(k.step); "
                                            + "trained, loaded or restored since): by_layer recomputes from the model, so compute a new kernel first")
                    }
                    let layers = try EmpiricalNTK.byLayer(model: k.model.model, inputs: k.inputs, options: k.options)
                    return .list(layers.map { .host(KernelObject($0.kernel, model: k.model, inputs: k.inputs, options: k.options)) })
                },
            ],
            methods: [
                Builtin("eig", [BuiltinParameter("k", .count, summary: "how many of the largest eigenpairs"),
                                BuiltinParameter("method", .choice(of: SpectrumMethod.self), default: .string("auto"), requiresLabel: true),
                                BuiltinParameter("ridge", .nonNegativeNumber, default: .number(0), requiresLabel: true, summary: "relative ridge (the paper uses 1e-8)"),
                                BuiltinParameter("start", .optional(.host("spectrum")), default: .nothing, requiresLabel: true,
                                                 summary: "warm start from an earlier spectrum (tracking through training)")],
                        returns: "spectrum", summary: "the top k eigenpairs, descending; asking for more extends without starting over") { [unowned self] a in
                    try self.eig(a)
                },
                Builtin("matrix", returns: "tensor", summary: "the whole kernel as a tensor (refused over the memory budget)") { [unowned self] a in
                    let k = try a.receiver(as: KernelObject.self).kernel
                    try self.checkMemory(MemoryBudget.matrixBytes(k.dimension, k.dimension), for: "a \(k.dimension)×\(k.dimension) kernel matrix")
                    return .host(TensorObject(Tensor(try k.matrix())))
                },
                Builtin("diagonal", returns: "tensor", summary: "the diagonal K[i, i]") { a in
                    .host(TensorObject(Tensor(try a.receiver(as: KernelObject.self).kernel.diagonal)))
                },
            ])
    }

    private func eig(_ a: Arguments) throws -> Value {
        let k = try a.receiver(as: KernelObject.self)
        let count = try a.integer("k")
        let method = try a.choice("method", as: SpectrumMethod.self)
        let ridge = try a.number("ridge")
        let start = a.has("start") ? try a.host("start", as: SpectrumObject.self).spectrum.vectors : nil
        // A line on the terminal while the solve runs (the solvers report no steps of their own).
        progress.begin(total: nil, label: "eig top \(count) of \(k.kernel.dimension)")
        defer { progress.end() }
        // Reuse (and extend) the cached spectrum unless the request differs in kind.
        if let s = k.spectrum, start == nil, k.spectrumRidge == ridge, method == .auto || method == s.method {
            s.shouldStop = { [unowned self] in self.shouldStop }
            try s.extend(to: count)
            return .host(SpectrumObject(s, kernel: k, count: count))
        }
        let reporter = progress
        if k.kernel.isOperator { reporter.begin(total: nil, label: "eig") }
        defer { if k.kernel.isOperator { reporter.end() } }
        let s = try Spectrum(kernel: k.kernel, count: count, method: method, ridge: ridge, start: start,
                             shouldStop: { [unowned self] in self.shouldStop },
                             progress: { p in
                                 reporter.update(done: p.products, detail: String(format: "%d products  %d/%d converged  worst residual %.1e",
                                                                                 p.products, p.converged, p.relativeResiduals.count,
                                                                                 p.relativeResiduals.max() ?? 0))
                             })
        k.spectrum = s
        k.spectrumRidge = ridge
        return .host(SpectrumObject(s, kernel: k, count: count))
    }

    var spectrumType: HostType {
        func spectrum(_ v: Value) throws -> SpectrumObject { try v.object(SpectrumObject.self, named: "spectrum") }
        return HostType(
            "spectrum", summary: "the top eigenpairs of a kernel: values, vectors, cliffs",
            properties: [
                HostProperty("values", type: "tensor", summary: "eigenvalues, descending") { .host(TensorObject(Tensor(try spectrum($0).values))) },
                HostProperty("vectors", type: "tensor", summary: "unit eigenvectors as columns (size × k)") { v in
                    let s = try spectrum(v)
                    return .host(TensorObject(Tensor(s.spectrum.vectors.leadingColumns(s.shown))))
                },
                HostProperty("rank", type: "number", summary: "numerical rank among the values held (λ > 1e-10·λ₀)") { .number(Double(try spectrum($0).spectrum.numericalRank())) },
                HostProperty("method", type: "string", summary: "gram, direct or iterative") { .string(try spectrum($0).spectrum.method.rawValue) },
            ],
            methods: [
                Builtin("vector", [BuiltinParameter("i", .naturalNumber)], returns: "tensor",
                        summary: "eigenvector i; for a flat kernel reshaped N×C (sample, output)") { a in
                    let s = try a.receiver(as: SpectrumObject.self)
                    let i = try IndexComponent.resolve(try a.integer("i"), count: s.shown)
                    if s.kernel.kernel.view == .flat { return .host(TensorObject(Tensor(try s.spectrum.grid(i)))) }
                    return .host(TensorObject(Tensor(try s.spectrum.vector(i))))
                },
                Builtin("cliffs", [BuiltinParameter("limit", .naturalNumber, default: .number(3), requiresLabel: true, summary: "how many"),
                                   BuiltinParameter("floor", .nonNegativeNumber, default: .number(1e-8), requiresLabel: true,
                                                    summary: "ignore values below floor·λ₀ (the numerical-zero tail)")],
                        returns: "cliffs", summary: "the largest ratios λᵢ/λᵢ₊₁ and where they fall (after how many eigenvalues)") { a in
                    let s = try a.receiver(as: SpectrumObject.self)
                    return .host(CliffsObject(cliffs(of: s.values, limit: try a.integer("limit"), floor: try a.number("floor"))))
                },
                Builtin("residuals", returns: "tensor", summary: "‖K v − λ v‖ for each eigenpair (a check of accuracy)") { a in
                    let s = try a.receiver(as: SpectrumObject.self)
                    return .host(TensorObject(Tensor(Array(try s.spectrum.residualNorms().prefix(s.shown)))))
                },
            ])
    }

    var regressionType: HostType {
        func regression(_ v: Value) throws -> RegressionObject { try v.object(RegressionObject.self, named: "regression") }
        /// x as inputs (a dataset gives its training inputs), or a tensor argument as a matrix.
        func matrix(_ a: Arguments, _ name: String) throws -> Matrix {
            if case .host(let d as DatasetObject) = a[name] { return d.dataset.inputs }
            guard let m = try a.tensor(name).matrix else { throw LanguageError("\(name) must be a matrix", argument: name) }
            return m
        }
        /// y, or the targets of the dataset given as x.
        func targets(_ a: Arguments) throws -> Matrix {
            if a.has("y") { return try matrix(a, "y") }
            guard case .host(let d as DatasetObject) = a["x"] else { throw LanguageError("give targets y, or a dataset as x", argument: "y") }
            return d.dataset.targets
        }
        let around = BuiltinParameter("around", .bool, default: .bool(true), requiresLabel: true,
                                      summary: "linearise around the model (f(x) + K(x, X)α) rather than the pure kernel predictor")
        return HostType(
            "regression", summary: "the eNTK kernel-regression (linearised) predictor",
            properties: [
                HostProperty("r2", type: "number", summary: "R² of the linear predictor against the model on the training data") { .number(try regression($0).trainMetrics.r2) },
                HostProperty("loss_ratio", type: "number", summary: "loss of the linear predictor / loss of the model") { .number(try regression($0).trainMetrics.lossRatio) },
                HostProperty("accuracy_gap", type: "number", summary: "accuracy of the model − accuracy of the linear predictor") { .number(try regression($0).trainMetrics.accuracyGap) },
            ],
            methods: [
                Builtin("predict", [BuiltinParameter("x"), around], returns: "tensor", summary: "the linearised prediction at new inputs") { a in
                    .host(TensorObject(Tensor(try a.receiver(as: RegressionObject.self).regression.predict(try matrix(a, "x"), aroundModel: try a.bool("around")))))
                },
                Builtin("evaluate", [BuiltinParameter("x", summary: "inputs, or a dataset"), BuiltinParameter("y", default: .nothing), around],
                        returns: "metrics", summary: "R², loss ratio and accuracy gap on other data") { a in
                    .host(MetricsObject(try a.receiver(as: RegressionObject.self).regression.evaluate(
                        inputs: try matrix(a, "x"), targets: try targets(a), aroundModel: try a.bool("around"))))
                },
            ])
    }
}
