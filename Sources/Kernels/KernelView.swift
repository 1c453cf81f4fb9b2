/// How the four-index kernel K[n, n', c, d] becomes a matrix (SCIENCE.md §1).
public enum KernelView: Equatable, Sendable, CustomStringConvertible {
    /// Channel-major (N·C)×(N·C): row c·N + n. Eigenvectors live in R^{N·C}.
    case flat
    /// K_tr(x, x') = (1/C) Σ_c K_cc(x, x'), N×N.
    case trace
    /// (1/C²) Σ_{c,d} K_cd(x, x') = ∇f̄(x)·∇f̄(x') with f̄ the mean output, N×N.
    case mean
    /// K[:, :, c1, c2], N×N (symmetric only when c1 = c2).
    case pair(Int, Int)

    public var description: String {
        switch self {
        case .flat: return "flat"
        case .trace: return "trace"
        case .mean: return "mean"
        case .pair(let a, let b): return "pair(\(a), \(b))"
        }
    }

    /// Parses "flat", "trace", "mean" (pairs are built with `.pair(c1, c2)`).
    public init?(name: String) {
        switch name {
        case "flat": self = .flat
        case "trace": self = .trace
        case "mean": self = .mean
        default: return nil
        }
    }

    /// Whether the view's matrix is symmetric (every view but an off-diagonal pair).
    public var isSymmetric: Bool {
        if case .pair(let a, let b) = self { return a == b }
        return true
    }

    /// The matrix side for N samples and C outputs: N·C for flat, N otherwise.
    public func dimension(samples n: Int, outputs c: Int) -> Int { self == .flat ? n * c : n }
}

/// How the kernel is computed. All routes are exact; they differ in cost and memory.
public enum KernelRoute: String, Sendable, CaseIterable {
    /// Choose the cheapest route that fits the memory budget (recorded with a reason).
    case auto
    /// General: Jacobian row blocks, K accumulated by SYRK/GEMM into a dense matrix.
    case jacobian
    /// P < N·C: hold the view's factor A (K = A Aᵀ) and G = AᵀA; never form K.
    case gram
    /// Closed forms for the modular MLP's W1/W2 kernels (SCIENCE.md §1), a few GEMMs.
    case structured
    /// Matrix-free: K·V = J (Jᵀ V) by backward then tangent passes over input chunks; nothing of
    /// J, K or the layer traces is held (`KernelOperator`). Queries are products.
    case `operator`
}

/// Everything that selects one kernel besides the model and the inputs.
public struct KernelOptions: Sendable {
    /// How the four-index kernel becomes a matrix.
    public var view: KernelView
    /// Parameter groups to restrict to (the layerwise kernel); nil = all parameters.
    public var groups: [String]?
    /// Importance I_c of each output; with `beta`, Jacobian rows of output c are scaled by
    /// I_c^{β/2}, i.e. K_β = D^{β/2} K D^{β/2} with D = diag(I). nil = no rescaling.
    public var importance: [Double]?
    /// The exponent β of the importance rescaling (0 = none).
    public var beta: Double
    /// Requested route (`.auto` picks).
    public var route: KernelRoute
    /// Memory budget in bytes; nil = `MemoryBudget.defaultBudget()`.
    public var memoryBudget: Int?
    /// A hidden state to differentiate instead of the model's outputs (one of
    /// `LayeredModel.hiddenStates`, e.g. a transformer's "residual"); nil = the outputs.
    public var outputs: String?
    /// A PSD metric S on the output axis (after `outputs`): the kernel is that of S^{1/2} f,
    /// K̃ = S^{1/2} J Jᵀ S^{1/2}, and every view is taken over those C transformed outputs. It
    /// does not compose with `beta` (fold the importances into S instead). nil = S = I.
    public var metric: OutputMetric?

    public init(view: KernelView = .flat, groups: [String]? = nil, importance: [Double]? = nil,
                beta: Double = 0, route: KernelRoute = .auto, memoryBudget: Int? = nil,
                outputs: String? = nil, metric: OutputMetric? = nil) {
        self.view = view; self.groups = groups; self.importance = importance
        self.beta = beta; self.route = route; self.memoryBudget = memoryBudget
        self.outputs = outputs; self.metric = metric
    }
}
