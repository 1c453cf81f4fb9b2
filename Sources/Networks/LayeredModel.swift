import LinearAlgebra

/// A model built of layers over one flat parameter vector θ: the implementation of
/// `DifferentiableModel` every model shares. A subclass lays out its parameter groups,
/// initialises θ and composes its `LayerStack`; forward, backward, traces and tangents are the
/// stack's. Inputs are N rows of `positions` × (first layer's input width) numbers.
///
/// A model can be read at another output without copying θ: `hiddenState(_:)` is the model
/// truncated at a named point of its stack (a transformer's "residual", before the unembedding),
/// `mapped(by:)` the model followed by a fixed linear map of its outputs (a kernel's output
/// metric). Both share this model's parameter vector and version, so a kernel on either sees
/// every later change of the weights.
public class LayeredModel: DifferentiableModel {
    /// θ and its version, shared by a model and the models derived from it.
    private final class Store {
        var values: [Double]
        var version = 0
        init(_ values: [Double]) { self.values = values }
    }

    public let kind: String
    public let parameterGroups: [ParameterGroup]
    public let layerStack: LayerStack
    public let inputSize: Int
    public let outputSize: Int
    /// T, the positions of one input (1 for the MLPs).
    public let positions: Int
    public let defaultLoss: Loss
    public let outputImportance: [Double]?
    public var step = 0
    public var history: [TrainingRecord] = []
    public var parameterVersion: Int { store.version }
    /// Hidden states `hiddenState(_:)` can read, each as the number of leading layers that compute it.
    public let hiddenStates: [(name: String, layers: Int)]
    private let store: Store
    /// The model this one was derived from (its `checkInputs` applies); nil for a model as built.
    private let source: LayeredModel?
    /// The sink every training step's backward pass reuses (no allocation per step).
    private lazy var gradientSink = BackwardSink(.none, groups: parameterGroups)

    /// `parameters` must hold P numbers laid out as `groups`; `layers` read them at the groups'
    /// offsets.
    /// offsets. `hiddenStates` names points of the stack (after that many layers) that
    /// `hiddenState(_:)` exposes.
    init(kind: String, groups: [ParameterGroup], parameters: [Double], layers: [any Layer], positions: Int = 1,
         defaultLoss: Loss, importance: [Double]? = nil, hiddenStates: [(name: String, layers: Int)] = []) {
        let stack = LayerStack(layers)
        self.kind = kind; parameterGroups = groups; store = Store(parameters); layerStack = stack
        self.positions = positions
        inputSize = positions * stack.inputWidth
        outputSize = stack.outputPositions(positions) * stack.outputWidth
        self.defaultLoss = defaultLoss; outputImportance = importance
        self.hiddenStates = hiddenStates; source = nil
        precondition(parameters.count == parameterCount, "\(kind): \(parameters.count) parameters, expected \(parameterCount)")
    }

    /// A model over `base`'s θ (shared, not copied) computed by `layers`: their output is its output.
    private init(deriving base: LayeredModel, layers: [any Layer]) {
        let stack = LayerStack(layers)
        kind = base.kind; parameterGroups = base.parameterGroups; store = base.store; layerStack = stack
        positions = base.positions
        inputSize = base.inputSize
        outputSize = stack.outputPositions(positions) * stack.outputWidth
        defaultLoss = base.defaultLoss; outputImportance = nil
        hiddenStates = []; source = base.source ?? base
        step = base.step
    }

    /// The model whose outputs are the hidden state `name` (one of `hiddenStates`): the stack's
    /// first layers up to that point, over the same θ. Its Jacobian is the hidden state's, so the
    /// parameters of the layers after the point (a transformer's unembedding) have zero columns.
    /// Throws naming the states there are.
    public func hiddenState(_ name: String) throws -> LayeredModel {
        guard let point = hiddenStates.first(where: { $0.name == name }) else {
            let known = hiddenStates.map { "\"\($0.name)\"" }
            throw NetworkError.invalidArgument(known.isEmpty
                ? "the \(kind) model exposes no hidden states (outputs \"\(name)\")"
                : "the \(kind) model has no hidden state \"\(name)\"; it has \(known.joined(separator: ", "))")
        }
        return LayeredModel(deriving: self, layers: Array(layerStack.layers.prefix(point.layers)))
    }

    /// The model x ↦ M · f(x) over the same θ (`LinearMapLayer` after this model's stack), M a
    /// C′ × C matrix on the C outputs; its Jacobian is M J per example.
    public func mapped(by m: Matrix) throws -> LayeredModel {
        guard m.cols == outputSize, m.rows > 0 else {
            throw NetworkError.shapeMismatch(argument: "output map", expected: [m.rows, outputSize], got: [m.rows, m.cols])
        }
        let t = layerStack.outputPositions(positions)
        return LayeredModel(deriving: self, layers: layerStack.layers + [LinearMapLayer(m, width: outputSize / t)])
    }

    public func replica() -> any DifferentiableModel { LayeredModel(deriving: self, layers: layerStack.layers.map { $0.replica() }) }

    public var shapeSummary: String { "\(inputSize)→\(outputSize)" }

    /// Whether `load` skips a tensor of this name (buffers other tools keep beside the weights).
    public func ignoresTensor(named name: String) -> Bool { false }
    public var parameterCount: Int { parameterGroups.last.map { $0.offset + $0.count } ?? 0 }

    /// The flat parameter vector. Assigning a vector of the wrong length is a programming
    /// error; use `setParameters(_:)` or `load(_:)` for checked input.
    public var parameters: [Double] {
        get { store.values }
        set {
            precondition(newValue.count == parameterCount, "\(kind): \(newValue.count) parameters, expected \(parameterCount)")
            store.values = newValue
            store.version += 1
        }
    }

    public func withMutableParameters<R>(_ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        store.version += 1
        return try store.values.withUnsafeMutableBufferPointer { try body($0) }
    }

    public func exchangeParameters(_ other: inout [Double]) {
        precondition(other.count == parameterCount, "\(kind): \(other.count) parameters, expected \(parameterCount)")
        swap(&store.values, &other)
        store.version += 1
    }

    public func checkInputs(_ x: Matrix, argument: String) throws {
        if let source { return try source.checkInputs(x, argument: argument) }
        guard x.cols == inputSize else {
            throw NetworkError.shapeMismatch(argument: argument, expected: [x.rows, inputSize], got: [x.rows, x.cols])
        }
    }

    public func forward(_ x: Matrix) -> Matrix {
        // The raw pass would read past the input buffer; callers with user input use `predict`.
        precondition(x.cols == inputSize, "\(kind): forward needs \(inputSize) input columns, got \(x.cols); use predict(_:) for checked input")
        var out = Matrix(rows: x.rows, cols: outputSize)
        guard x.rows > 0 else { return out }
        x.storage.withUnsafeBufferPointer { xp in
            out.storage.withUnsafeMutableBufferPointer { op in forward(xp.baseAddress!, rows: x.rows, into: op.baseAddress!) }
        }
        return out
    }

    public func forward(_ x: UnsafePointer<Double>, rows: Int, into outputs: UnsafeMutablePointer<Double>) {
        store.values.withUnsafeBufferPointer { layerStack.forward(x, Batch(examples: rows, positions: positions), $0.baseAddress!, into: outputs) }
    }

    public func backward(_ x: UnsafePointer<Double>, rows: Int, outputGradient: UnsafePointer<Double>,
                         into gradient: UnsafeMutablePointer<Double>) {
        guard rows > 0 else { gradient.initialize(repeating: 0, count: parameterCount); return }
        gradientSink.restart(gradient: gradient)
        let sink = gradientSink
        store.values.withUnsafeBufferPointer { layerStack.backward(x, outputGradient, seeds: 1, $0.baseAddress!, sink, inputSeed: nil) }
        sink.finish(parameterGroups)
    }

    public func layerTraces(_ x: Matrix, seeds: Matrix?, groups: [String]?) throws -> LayerTraces {
        try checkInputs(x, argument: "inputs")
        let n = x.rows, c = outputSize
        if let seeds, seeds.cols != c { throw NetworkError.shapeMismatch(argument: "seeds", expected: [seeds.rows, c], got: [seeds.rows, seeds.cols]) }
        let m = seeds?.rows ?? c
        let selected = try groups.map { names in Set(try names.map { name in try groupIndex(name) }) }
        var seedRows = [Double](repeating: 0, count: n * m * c)
        for e in 0..<n {
            for j in 0..<m {
                let row = (e * m + j) * c
                if let seeds { for k in 0..<c { seedRows[row + k] = seeds[j, k] } } else { seedRows[row + j] = 1 }
            }
        }
        var outputs = [Double](repeating: 0, count: n * c)
        let sink = BackwardSink(.traces, groups: parameterGroups, selected: selected)
        if n > 0 {
            store.values.withUnsafeBufferPointer { tp in
                x.storage.withUnsafeBufferPointer { xp in
                    outputs.withUnsafeMutableBufferPointer { op in
                        let batch = Batch(examples: n, positions: positions)
                        layerStack.forward(xp.baseAddress!, batch, tp.baseAddress!, into: op.baseAddress!)
                        seedRows.withUnsafeBufferPointer { sp in
                            layerStack.backward(xp.baseAddress!, sp.baseAddress!, seeds: m, tp.baseAddress!, sink, inputSeed: nil)
                        }
                    }
                }
            }
        }
        return LayerTraces(examples: n, seedsPerExample: m, dense: sink.dense, elementwise: sink.elementwise)
    }

    public func tangents(_ x: Matrix, parameterTangents v: Matrix) throws -> Matrix {
        try checkInputs(x, argument: "inputs")
        guard v.cols == parameterCount else {
            throw NetworkError.shapeMismatch(argument: "parameter tangents", expected: [v.rows, parameterCount], got: [v.rows, v.cols])
        }
        let n = x.rows, c = outputSize, m = v.rows
        try AllocationBudget.reserve([m, n, c], for: "\(m) tangents of \(n) inputs")
        var out = Matrix(rows: m * n, cols: c)
        guard n > 0, m > 0 else { return out }
        var outputs = [Double](repeating: 0, count: n * c)
        store.values.withUnsafeBufferPointer { tp in
            x.storage.withUnsafeBufferPointer { xp in
                outputs.withUnsafeMutableBufferPointer { op in
                    layerStack.forward(xp.baseAddress!, Batch(examples: n, positions: positions), tp.baseAddress!, into: op.baseAddress!)
                }
                v.storage.withUnsafeBufferPointer { vp in
                    out.storage.withUnsafeMutableBufferPointer { dp in
                        layerStack.tangent(xp.baseAddress!, nil, tangents: m, tp.baseAddress!, vp.baseAddress!,
                                           parameterCount: parameterCount, into: dp.baseAddress!)
                    }
                }
            }
        }
        return out
    }

    func groupIndex(_ name: String) throws -> Int {
        guard let i = parameterGroups.firstIndex(where: { $0.name == name }) else {
            throw NetworkError.unknownGroup(name, available: groupNames)
        }
        return i
    }
}
