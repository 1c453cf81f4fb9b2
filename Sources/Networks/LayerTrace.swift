import LinearAlgebra

/// One dense use y = α·V·h (+ b) of a weight inside a model, possibly at T positions of a
/// sequence, seen on a batch of N inputs with m seeds each: the inputs h[n, t, :] and the
/// per-seed sensitivities g[(n, j), t, :] of the seeded outputs to y (α folded into the inputs,
/// so the bias's derivative is the sensitivity itself).
///
/// With V the weight as the layer uses it (out×in) and f_j = Σ_c seed[j, c] f_c:
///
///     ∂f_j(x_n)/∂V[o, i] = Σ_t sensitivities[(n·m + j)·T + t, o] · inputs[n·T + t, i]   (inputs = α·h)
///     ∂f_j(x_n)/∂b[o]    = Σ_t sensitivities[(n·m + j)·T + t, o]
///
/// so the layer kernel is K[(n,j), (n',j')] = Σ_{t,t'} (g·g′)(h·h′). With unit seeds (m = C)
/// the rows are the per-output derivatives. V may be a block of a larger group (an attention
/// head's slice of W_Q): it starts `weightOffset` elements into the group, and the bias
/// `biasOffset` into its group.
public struct DenseLayerTrace {
    /// The parameter group that stores the weight (nil when only the bias is traced; then
    /// `inputs` has no columns).
    public let weightGroup: String?
    /// First element of V inside the weight's group.
    public let weightOffset: Int
    /// The parameter group that stores the bias, if the layer has one.
    public let biasGroup: String?
    /// First element of b inside the bias's group.
    public let biasOffset: Int
    /// True when the group stores V transposed (in×out, as TransformerLens' W_U and TMS's
    /// decoder do): then ∂f/∂W[i, o] = Σ_t sensitivities[·, o] · inputs[·, i].
    public let weightIsTransposed: Bool
    /// T, the positions the weight is applied at.
    public let positions: Int
    /// (N·T) × in: the layer's inputs α·h.
    public let inputs: Matrix
    /// (N·m·T) × out: the seeded sensitivities ∂f_j/∂y.
    public let sensitivities: Matrix

    public init(weightGroup: String?, weightOffset: Int = 0, biasGroup: String?, biasOffset: Int = 0,
                weightIsTransposed: Bool, positions: Int = 1, inputs: Matrix, sensitivities: Matrix) {
        self.weightGroup = weightGroup; self.weightOffset = weightOffset
        self.biasGroup = biasGroup; self.biasOffset = biasOffset
        self.weightIsTransposed = weightIsTransposed; self.positions = positions
        self.inputs = inputs; self.sensitivities = sensitivities
    }

    /// out.
    public var outputs: Int { sensitivities.cols }
}

/// An elementwise use y[d] = w[d]·u[d] of a parameter vector at T positions (LayerNorm's
/// scale with u = x̂; its shift and any bias without a weight, with u ≡ 1):
///
///     ∂f_j(x_n)/∂w[d] = Σ_t sensitivities[(n·m + j)·T + t, d] · inputs[n·T + t, d]
public struct ElementwiseTrace {
    public let group: String
    public let positions: Int
    /// (N·T) × D: u, or nil for u ≡ 1.
    public let inputs: Matrix?
    /// (N·m·T) × D.
    public let sensitivities: Matrix
}

/// Every trace of one backward pass, and its shape.
public struct LayerTraces {
    public let examples: Int
    /// m, seeds per example.
    public let seedsPerExample: Int
    public var dense: [DenseLayerTrace]
    public var elementwise: [ElementwiseTrace]
}
