import Foundation
import LinearAlgebra
import Networks

/// A PSD metric S (C × C) on the output axis and its symmetric square root, for the kernel
///
///     K̃ = S^{1/2} J Jᵀ S^{1/2},   i.e. the eNTK of the outputs S^{1/2} f(x)   (J_S = S^{1/2} J per example)
///
/// (for hidden-state outputs h with an unembedding logits = U h, S = UᵀU makes K̃'s flat
/// spectrum that of the logits' kernel, the unembedding's own parameters aside).
/// S^{1/2} = Q diag(√λ) Qᵀ from one symmetric eigendecomposition S = Q diag(λ) Qᵀ (dsyevd);
/// eigenvalues within round-off below zero (λ ≥ −`negativeTolerance` · max|λ|) are clipped to 0,
/// clearly negative ones refused. S must be symmetric within `Matrix.symmetryTolerance`
/// (relative, as the symmetric eigensolvers require).
public struct OutputMetric: Sendable {
    /// S as given.
    public let matrix: Matrix
    /// S^{1/2}, symmetric.
    public let root: Matrix
    /// The smallest eigenvalue of S (before clipping).
    public let smallestEigenvalue: Double

    /// Relative size of a negative eigenvalue still taken for round-off.
    public static let negativeTolerance = 1e-10

    public init(_ s: Matrix) throws {
        guard s.rows == s.cols, s.rows > 0 else {
            throw KernelError.invalidArgument("metric: must be a square C×C matrix, got \(s.rows)×\(s.cols)")
        }
        guard s.isFinite else { throw KernelError.invalidArgument("metric: has a NaN or infinite entry") }
        let asymmetry = s.asymmetry
        guard asymmetry <= Matrix.symmetryTolerance else {
            throw KernelError.invalidArgument("metric: must be symmetric (max |S_ij − S_ji| / max |S_ij| = \(asymmetry), tolerance \(Matrix.symmetryTolerance))")
        }
        let e = try SymmetricEigen.all(s)
        let n = s.rows
        let largest = e.values.map(abs).max() ?? 0
        let smallest = e.values.last ?? 0
        guard smallest >= -Self.negativeTolerance * largest else {
            throw KernelError.invalidArgument("metric: must be positive semi-definite; its smallest eigenvalue is \(smallest) (largest \(e.values.first ?? 0))")
        }
        // S^{1/2} = Σ_k √λ_k q_k q_kᵀ = B Bᵀ with B = Q diag(λ^{1/4}): one SYRK, exactly symmetric.
        var b = e.vectors
        for k in 0..<n {
            let w = sqrt(sqrt(max(0, e.values[k])))
            for i in 0..<n { b[i, k] *= w }
        }
        matrix = s; root = b.gram(.none); smallestEigenvalue = smallest
    }

    /// The model whose outputs are S^{1/2} f: `model` followed by the fixed map S^{1/2}.
    func model(_ model: any DifferentiableModel) throws -> any DifferentiableModel {
        guard matrix.rows == model.outputSize else {
            throw KernelError.invalidArgument("metric: is \(matrix.rows)×\(matrix.cols) but the outputs are \(model.outputSize) numbers per input; it must be \(model.outputSize)×\(model.outputSize)")
        }
        guard let layered = model as? LayeredModel else {
            throw KernelError.invalidArgument("metric: needs a model built of layers")
        }
        return try layered.mapped(by: root)
    }
}

extension KernelOptions {
    /// The model whose Jacobian the kernel is built from, the one place `outputs` and `metric`
    /// act, so every route (dense Jacobian, Gram and layer traces, operator) sees the same J:
    /// `model`, truncated at the hidden state `outputs` (`LayeredModel.hiddenState`), then
    /// followed by the map S^{1/2} (`OutputMetric`). Throws when `beta` is combined with either
    /// (β rescales the model's own outputs; fold D^{β/2} S D^{β/2} into the metric instead), or
    /// when `groups` names a group the hidden state does not depend on (its kernel is zero).
    func kernelModel(_ model: any DifferentiableModel) throws -> any DifferentiableModel {
        guard outputs != nil || metric != nil else { return model }
        if beta != 0 {
            throw KernelError.invalidArgument("beta: rescales the model's own outputs and does not compose with \(outputs != nil ? "outputs:" : "metric:"); "
                                              + "give the rescaled metric D^{β/2} S D^{β/2} (D = diag(importance)) as metric: instead")
        }
        var derived = model
        if let outputs {
            guard let layered = model as? LayeredModel else {
                throw KernelError.invalidArgument("outputs: needs a model built of layers")
            }
            do { derived = try layered.hiddenState(outputs) } catch let e as NetworkError {
                throw KernelError.invalidArgument("outputs: \(e.description)")
            }
            let used = Set(derived.layerStack.groups)
            if let unused = groups?.first(where: { g in model.parameterGroups.firstIndex { $0.name == g }.map { !used.contains($0) } ?? false }) {
                throw KernelError.invalidArgument("layers: the group \(unused) comes after the hidden state \"\(outputs)\", so its kernel is zero")
            }
        }
        if let metric { derived = try metric.model(derived) }
        return derived
    }
}
