import LinearAlgebra

/// A batch as it flows between layers: N examples × T positions, one row of features per
/// (example, position), row n·T + t. Today's MLPs have T = 1; a transformer carries its context.
public struct Batch: Equatable, Sendable {
    public var examples: Int
    public var positions: Int
    public var rows: Int { examples * positions }

    public init(examples: Int, positions: Int = 1) { self.examples = examples; self.positions = positions }
}

/// One differentiable layer of a network, y = f(x; θ), on a whole batch, by raw pointer.
///
/// All derivative rules of a layer sit side by side in its type:
/// - `forward`: y from x, keeping in the layer what the derivatives need (the input pointer x
///   stays valid until the next forward: the owning `LayerStack` keeps it);
/// - `backward` (vector–Jacobian product): output seeds ∂L/∂y → input seeds ∂L/∂x, and parameter
///   gradients or per-seed traces into a `BackwardSink`;
/// - `tangent` (Jacobian–vector product): input tangents dx and parameter tangents dθ →
///   dy = (∂f/∂x)·dx + (∂f/∂θ)·dθ.
///
/// Seeds may come several per example (m of them: the C unit seeds of a per-output Jacobian):
/// seed row ((n·m + j)·T + t) belongs to example n. Tangents come m per batch, tangent-major:
/// tangent row ((j·N + n)·T + t), tangent j using parameter tangent dθ[j·P ..< (j+1)·P].
/// Parameters are read at absolute offsets of the model's flat vector θ, bound when the model
/// is built; a layer lists the groups it reads in `groups` (indices into the model's groups).
public protocol Layer: AnyObject {
    /// Features per row in.
    var inputWidth: Int { get }
    /// Features per row out.
    var outputWidth: Int { get }
    /// Indices of the model's parameter groups this layer reads.
    var groups: [Int] { get }
    /// Positions out for T positions in (T for every layer but a position selection).
    func outputPositions(_ positions: Int) -> Int
    /// True when `backward` may write its input seeds over its output seeds (same shape,
    /// elementwise): the stack then saves a buffer's worth of memory traffic.
    var backwardInPlace: Bool { get }
    /// A layer computing the same function of the same parameter slots with scratch state of
    /// its own (workspaces, the last forward's inputs), so two threads can run the two on
    /// different rows at once (`LayeredModel.replica`). A layer without such state returns itself.
    func replica() -> any Layer
    /// y (batch.rows' × outputWidth) ← f(x), x batch.rows × inputWidth.
    func forward(_ x: UnsafePointer<Double>, _ batch: Batch, _ theta: UnsafePointer<Double>,
                 into y: UnsafeMutablePointer<Double>)
    /// Back-propagates `seed` (m·rows' × outputWidth) through the layer at the input x of the
    /// last forward: writes ∂/∂x into `inputSeed` (m·rows × inputWidth) when it is non-nil, and
    /// what `sink` asks for (the summed gradient when m = 1, or the per-seed traces).
    func backward(_ seed: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ batch: Batch, seeds m: Int,
                  _ theta: UnsafePointer<Double>, _ sink: BackwardSink, inputSeed: UnsafeMutablePointer<Double>?)
    /// dy (m·rows' × outputWidth) ← (∂f/∂x)·dx + (∂f/∂θ)·dθ at the input x of the last forward;
    /// dx nil means zero input tangents, dθ nil zero parameter tangents (m vectors of length
    /// `parameterCount` back to back).
    func tangent(_ dx: UnsafePointer<Double>?, _ x: UnsafePointer<Double>, _ batch: Batch, tangents m: Int,
                 _ theta: UnsafePointer<Double>, _ dTheta: UnsafePointer<Double>?, parameterCount: Int,
                 into dy: UnsafeMutablePointer<Double>)
}

extension Layer {
    public func outputPositions(_ positions: Int) -> Int { positions }
    public var backwardInPlace: Bool { false }
}

/// Where a backward pass puts what it learns about the parameters.
///
/// - `.gradient`: Σ over seed rows of ∂/∂θ into a P-vector (m must be 1). The first layer to
///   write a group overwrites it, later ones add (a tied weight such as TMS's W gets both uses),
///   and `finish` zeroes the groups no layer wrote.
/// - `.traces`: every dense use of a selected weight records its inputs and per-seed
///   sensitivities (`DenseLayerTrace`), other parameters their `ElementwiseTrace`; nothing is
///   summed, so any m works.
/// - `.none`: input seeds only.
public final class BackwardSink {
    public enum Mode { case gradient(UnsafeMutablePointer<Double>), traces, none }
    public private(set) var mode: Mode
    /// The groups whose traces are wanted (nil = all); `.traces` only.
    let selected: Set<Int>?
    let groupNames: [String]
    private var written: [Bool]
    public private(set) var dense: [DenseLayerTrace] = []
    public private(set) var elementwise: [ElementwiseTrace] = []

    init(_ mode: Mode, groups: [ParameterGroup], selected: Set<Int>? = nil) {
        self.mode = mode; self.selected = selected
        groupNames = groups.map(\.name)
        written = [Bool](repeating: false, count: groups.count)
    }

    /// Ready for another gradient pass into `gradient` (a trainer reuses one sink per model).
    func restart(gradient: UnsafeMutablePointer<Double>) {
        mode = .gradient(gradient)
        for i in written.indices { written[i] = false }
    }

    /// The gradient buffer when the sink sums gradients.
    var gradient: UnsafeMutablePointer<Double>? {
        if case .gradient(let g) = mode { return g }
        return nil
    }

    /// β for a write into group `g`'s gradient: 0 the first time (overwrite), then 1 (add).
    func beta(_ g: Int) -> Double {
        defer { written[g] = true }
        return written[g] ? 1 : 0
    }

    /// Whether traces of group `g` are wanted.
    func wantsTrace(_ g: Int) -> Bool {
        if case .traces = mode { return selected?.contains(g) ?? true }
        return false
    }

    func record(_ t: DenseLayerTrace) { dense.append(t) }
    func record(_ t: ElementwiseTrace) { elementwise.append(t) }

    /// Zeroes the gradient of every group no layer wrote.
    func finish(_ groups: [ParameterGroup]) {
        guard let g = gradient else { return }
        for (i, group) in groups.enumerated() where !written[i] {
            (g + group.offset).initialize(repeating: 0, count: group.count)
        }
    }
}
