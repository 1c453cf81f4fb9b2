import Foundation
import Kernels
import Language
import LinearAlgebra
import Networks
import Tensors

/// The eNTK functions and the kernel, spectrum and regression tables.
extension Session {
    func installKernelBuiltins() throws {
        let registry = interpreter.registry
        try registry.register([ntkBuiltin, regressBuiltin] + featureBuiltins)
        for type in [kernelType, spectrumType, regressionType,
                     HostType("cliffs", summary: "the largest consecutive eigenvalue ratios; index or list them for positions"),
                     HostType("metrics", summary: "how well the linearised model matches the trained one")] {
            try registry.register(type: type)
        }
    }

    /// Inputs from a tensor (N×d) or a dataset (its training inputs).
    private func inputs(_ a: Arguments, _ name: String) throws -> Matrix {
        if case .host(let d as DatasetObject) = a[name] { return d.dataset.inputs }
        let t = try a.tensor(name)
        guard let m = t.matrix else {
            throw LanguageError("\(name) must be a dataset or an N×d tensor, got shape \(Tensor.describe(shape: t.shape))", argument: name)
        }
        return m
    }

    private var ntkBuiltin: Builtin {
        Builtin("ntk", [BuiltinParameter("model", .host("model")),
                        BuiltinParameter("x", summary: "inputs: a dataset (its training inputs) or an N×d tensor"),
                        BuiltinParameter("x2", default: .nothing, requiresLabel: true, summary: "second inputs for a cross kernel (returns a tensor)"),
                        BuiltinParameter("view", .choice(["flat", "trace", "mean", "pair"]), default: .string("flat"), requiresLabel: true, summary: "pair needs `classes:`"),
                        BuiltinParameter("classes", .optional(.list), default: .nothing, requiresLabel: true, summary: "[c1, c2] for the pair view"),
                        BuiltinParameter("layers", .optional(.list), default: .nothing, requiresLabel: true, summary: "parameter groups to restrict to, e.g. [\"W1\"]"),
                        BuiltinParameter("beta", .finiteNumber, default: .number(0), requiresLabel: true, summary: "importance rescaling D^{β/2} K D^{β/2}"),
                        BuiltinParameter("importance", .optional(.host("tensor")), default: .nothing, requiresLabel: true,
                                         summary: "per-output importances for beta (tms models supply their own)"),
                        BuiltinParameter("route", .choice(["auto", "jacobian", "gram", "structured", "operator"]), default: .string("auto"), requiresLabel: true,
                                         summary: "operator: matrix-free K·V by VJPs then JVPs (auto takes it when nothing else fits)"),
                        BuiltinParameter("outputs", .optional(.string), default: .nothing, requiresLabel: true,
                                         summary: "differentiate a hidden state instead of the outputs: \"residual\" (transformer: m.residual, before the unembedding)"),
                        BuiltinParameter("metric", .optional(.host("tensor")), default: .nothing, requiresLabel: true,
                                         summary: "PSD C×C metric S on the outputs: K = S^{1/2} J Jᵀ S^{1/2}, e.g. W_U W_Uᵀ with outputs: \"residual\"")],
                returns: "kernel", summary: "the empirical NTK K = J Jᵀ of a model on inputs, at its current parameters",
                detail: """
                    Views: flat (channel-major, index c·N + n, size N·C), trace (mean over outputs, N×N), mean (kernel of the \
                    mean output), pair (K[:, :, c1, c2]). Routes are exact; auto picks the cheapest that fits the memory budget \
                    and `K.reason` says why; route operator holds nothing of J or K and answers every query by products \
                    (K @ v, entries, blocks, K.eig(k) by block Lanczos). Eigenpairs: K.eig(k). \
                    outputs: "residual" takes the Jacobian of the final residual stream h (d_model outputs; the \
                    unembedding's parameters drop out). metric: S makes it the kernel of S^{1/2} f, every view taken over \
                    those C outputs (flat and trace depend on S only); with S = W_U W_Uᵀ = UᵀU the flat kernel of h has \
                    the nonzero spectrum of the logits' kernel without the unembedding's groups. beta: does not combine \
                    with either (fold the importances into S).
                    """) { [unowned self] a in
            try self.ntk(a)
        }
    }

    private func ntk(_ a: Arguments) throws -> Value {
        let model = try a.host("model", as: ModelObject.self)
        let x = try inputs(a, "x")
        let viewName = try a.string("view")
        var view: KernelView
        if viewName == "pair" {
            let given = a.has("classes") ? try a.list("classes") : []
            let classes = given.compactMap(\.integer)
            guard given.count == 2, classes.count == 2 else {
                throw LanguageError("the pair view needs classes: [c1, c2], two integer class indices", argument: "classes")
            }
            view = .pair(classes[0], classes[1])
        } else {
            guard let v = KernelView(name: viewName) else { throw LanguageError("unknown view \"\(viewName)\"", argument: "view") }
            view = v
        }
        let route = try a.choice("route", as: KernelRoute.self)
        let layers = try Self.groupNames(a)
        let beta = try a.number("beta")
        var importance: [Double]?
        if a.has("importance") { importance = try a.tensor("importance").storage }
        else if beta != 0 {
            guard let carried = model.model.outputImportance else {
                throw LanguageError("beta needs importances: pass importance: for a \(model.model.kind) model", argument: "importance")
            }
            importance = carried
        }
        var metric: OutputMetric?
        if a.has("metric") {
            guard let s = try a.tensor("metric").matrix else { throw LanguageError("metric must be a C×C matrix", argument: "metric") }
            do { metric = try OutputMetric(s) } catch let e as KernelError { throw LanguageError(e.description, argument: "metric") }
        }
        let outputs = a.has("outputs") ? try a.string("outputs") : nil
        let options = KernelOptions(view: view, groups: layers, importance: importance, beta: beta, route: route, memoryBudget: memoryBudget,
                                    outputs: outputs, metric: metric)
        do {
            if a.has("x2") {
                return .host(TensorObject(Tensor(try EmpiricalNTK.cross(model: model.model, x, try inputs(a, "x2"), options: options))))
            }
            return .host(KernelObject(try EmpiricalNTK(model: model.model, inputs: x, options: options), model: model, inputs: x, options: options))
        } catch let e as KernelError {
            // Refusals of outputs:, metric: (and their combinations) start with the argument's name.
            guard case .invalidArgument(let text) = e, let argument = ["outputs", "metric", "beta", "layers"].first(where: { text.hasPrefix("\($0):") }) else { throw e }
            throw LanguageError(text, argument: argument)
        }
    }

    private var regressBuiltin: Builtin {
        Builtin("regress", [BuiltinParameter("model", .host("model")),
                            BuiltinParameter("x", summary: "training inputs: a dataset or an N×d tensor"),
                            BuiltinParameter("y", default: .nothing, summary: "targets (a dataset supplies its own)"),
                            BuiltinParameter("ridge", .nonNegativeNumber, default: .number(1e-4), requiresLabel: true, summary: "absolute ridge r"),
                            BuiltinParameter("layers", .optional(.list), default: .nothing, requiresLabel: true, summary: "parameter groups")],
                returns: "regression", summary: "kernel regression with the eNTK: the model linearised around its parameters",
                detail: "α = (K + rI)⁻¹ (y − f(X)), prediction f(x) + K(x, X) α (around the model) or K(x, X)(K + rI)⁻¹ y (pure). Echo shows R², loss ratio and accuracy gap on the training data.") { [unowned self] a in
            let model = try a.host("model", as: ModelObject.self).model
            let x = try self.inputs(a, "x")
            let y: Matrix
            if a.has("y") {
                guard let m = try a.tensor("y").matrix else { throw LanguageError("y must be N×C", argument: "y") }
                y = m
            } else if case .host(let d as DatasetObject) = a["x"] {
                y = d.dataset.targets
            } else {
                throw LanguageError("regress needs targets y when x is a tensor", argument: "y")
            }
            let layers = try Self.groupNames(a)
            let regression = try KernelRegression(model: model, inputs: x, targets: y, ridge: try a.number("ridge"), groups: layers, memoryBudget: self.memoryBudget)
            return .host(RegressionObject(regression, trainMetrics: try regression.evaluate(inputs: x, targets: y)))
        }
    }

    /// `layers:`: parameter-group names, or nil when not given. Anything but a list of strings is an error.
    static func groupNames(_ a: Arguments) throws -> [String]? {
        guard a.has("layers") else { return nil }
        return try a.list("layers").map { v in
            guard case .string(let s) = v else { throw LanguageError("layers are group names (strings), got \(v.typeName)", argument: "layers") }
            return s
        }
    }
}
