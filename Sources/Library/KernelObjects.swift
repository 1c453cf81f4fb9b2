import Foundation
import Kernels
import Language
import LinearAlgebra
import Tensors

/// An eNTK living in the language. It is a true snapshot of the weights it was computed at:
/// its matrix, factors, entries and spectrum never change when the model does. Only `by_layer`,
/// which must recompute from the model, refuses once the model's parameters have changed in any
/// way (training, `load_weights`, `restore`), detected by `parameterVersion`. Its spectrum is
/// computed once and extended on later `K.eig(k)` calls (never recomputed).
public final class KernelObject: HostObject {
    public let kernel: EmpiricalNTK
    /// What is needed to split it by layer later: the model, its inputs and the options.
    let model: ModelObject
    let inputs: Matrix
    let options: KernelOptions
    let step: Int
    /// The model's `parameterVersion` when the kernel was computed.
    let parameterVersion: Int
    /// The spectrum computed so far and the ridge it was asked with.
    var spectrum: Spectrum?
    var spectrumRidge = 0.0

    init(_ kernel: EmpiricalNTK, model: ModelObject, inputs: Matrix, options: KernelOptions) {
        self.kernel = kernel
        self.model = model
        self.inputs = inputs
        self.options = options
        self.step = model.model.step
        self.parameterVersion = model.model.parameterVersion
    }

    public var typeName: String { "kernel" }
    /// `kernel flat 25000×25000  rank ≤ 550  route gram  step 5000`.
    public var summary: String {
        let layers = kernel.groups.map { "  layers \($0.joined(separator: ", "))" } ?? ""
        let outputs = (options.outputs.map { "  outputs \($0)" } ?? "") + (options.metric == nil ? "" : "  metric \(kernel.outputs)×\(kernel.outputs)")
        return "kernel \(kernel.view) \(kernel.dimension)×\(kernel.dimension)  rank ≤ \(kernel.rankBound)  route \(kernel.route.rawValue)\(layers)\(outputs)  step \(step)"
    }
    public var count: Int? { kernel.dimension }

    /// `K[i, j]` is an entry; `K[a:b, c:d]` a block, as a tensor.
    public func subscriptValue(_ components: [IndexComponent]) throws -> Value {
        guard components.count == 2 else { throw LanguageError("a kernel is indexed by two indices, K[i, j] or K[a:b, c:d]") }
        let n = kernel.dimension
        func range(_ c: IndexComponent) throws -> Range<Int> {
            switch c {
            case .single(let v):
                guard let i = v.integer else { throw LanguageError("kernel indices must be integers or slices") }
                let r = try IndexComponent.resolve(i, count: n)
                return r..<(r + 1)
            case .slice(let bounds):
                guard bounds.step == nil || bounds.step == 1 else { throw LanguageError("kernel blocks take contiguous slices (no step)") }
                let idx = try bounds.indices(count: n)
                return (idx.first ?? 0)..<((idx.last ?? -1) + 1)
            }
        }
        let rows = try range(components[0]), cols = try range(components[1])
        if case .single = components[0], case .single = components[1] {
            return .number(try kernel.entry(rows.lowerBound, cols.lowerBound))
        }
        return .host(TensorObject(Tensor(try kernel.block(rows: rows, cols: cols))))
    }

    /// `K @ V`: the kernel applied to a vector or block without forming K.
    public func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value? {
        guard op == .matrixMultiply, selfOnLeft else { return nil }
        let v = try other.asTensor(argument: "right operand of @")
        let block: Matrix
        switch v.rank {
        case 1: block = Matrix(rows: v.count, cols: 1, storage: v.storage)
        case 2: block = v.matrix!
        default: throw LanguageError("K @ v needs a vector or a matrix, got shape \(Tensor.describe(shape: v.shape))")
        }
        let product = Tensor(try kernel.apply(block))
        return .wrap(v.rank == 1 ? product.flattened : product)
    }
}

/// The top eigenpairs of a kernel, as many as were asked for (`K.eig(k)`).
public final class SpectrumObject: HostObject {
    let spectrum: Spectrum
    let kernel: KernelObject
    let shown: Int

    init(_ spectrum: Spectrum, kernel: KernelObject, count: Int) {
        self.spectrum = spectrum
        self.kernel = kernel
        self.shown = min(count, spectrum.count)
    }

    public var typeName: String { "spectrum" }
    public var count: Int? { shown }
    var values: [Double] { Array(spectrum.values.prefix(shown)) }

    /// `spectrum 80 of 25000  λ 755.6 … 0.01234  method gram`.
    public var summary: String {
        guard let first = values.first, let last = values.last else { return "spectrum (empty)" }
        return "spectrum \(shown) of \(kernel.kernel.dimension)  λ \(format4(first)) … \(format4(last))  method \(spectrum.method.rawValue)"
    }
}

/// The largest consecutive eigenvalue ratios: `after 50 (×12.3)  after 29 (×2.4)`.
public final class CliffsObject: HostObject {
    let cliffs: [Cliff]
    init(_ cliffs: [Cliff]) { self.cliffs = cliffs }
    public var typeName: String { "cliffs" }
    public var count: Int? { cliffs.count }
    public var summary: String {
        cliffs.isEmpty ? "no cliffs" : cliffs.map { "after \($0.after) (×\(format4($0.ratio)))" }.joined(separator: "  ")
    }
    public func elements() throws -> [Value]? { cliffs.map { .number(Double($0.after)) } }
    public func subscriptValue(_ components: [IndexComponent]) throws -> Value {
        guard components.count == 1, case .single(let v) = components[0], let i = v.integer else {
            throw LanguageError("cliffs are indexed by one integer")
        }
        return .number(Double(cliffs[try IndexComponent.resolve(i, count: cliffs.count)].after))
    }
}

/// A linearised (kernel-regression) predictor with its fit on the training data.
public final class RegressionObject: HostObject {
    let regression: KernelRegression
    let trainMetrics: RegressionMetrics
    init(_ regression: KernelRegression, trainMetrics: RegressionMetrics) {
        self.regression = regression
        self.trainMetrics = trainMetrics
    }
    public var typeName: String { "regression" }
    public var summary: String {
        "regression ridge \(Value.format(regression.ridge))  route \(regression.route)  " + RegressionObject.describe(trainMetrics)
    }
    static func describe(_ m: RegressionMetrics) -> String {
        "R² \(format4(m.r2))  loss ratio \(format4(m.lossRatio))  accuracy gap \(format4(m.accuracyGap))"
    }
}

/// Regression metrics as echoed by `reg.evaluate(x, y)`.
public final class MetricsObject: HostObject {
    let metrics: RegressionMetrics
    init(_ metrics: RegressionMetrics) { self.metrics = metrics }
    public var typeName: String { "metrics" }
    public var summary: String { RegressionObject.describe(metrics) }
}
