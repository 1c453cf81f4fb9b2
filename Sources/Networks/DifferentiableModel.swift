import LinearAlgebra

/// Named slice of the flat parameter vector, e.g. "W" (m×n) and "b" (n) for TMS.
public struct ParameterGroup: Equatable, Sendable {
    public let name: String
    public let shape: [Int]
    /// Index of the group's first element in the flat parameter vector.
    public let offset: Int
    /// Π shape.
    public let count: Int

    public init(name: String, shape: [Int], offset: Int) {
        self.name = name; self.shape = shape; self.offset = offset
        self.count = shape.reduce(1, *)
    }

    /// Groups laid out back to back in the order given.
    static func layout(_ named: [(String, [Int])]) -> [ParameterGroup] {
        var offset = 0
        return named.map { name, shape in
            let g = ParameterGroup(name: name, shape: shape, offset: offset)
            offset += g.count
            return g
        }
    }
}

/// A model with exact forward and backward passes over a flat parameter vector: the contract
/// Kernels and the trainer use. `LayeredModel` is its one implementation: every model is a
/// stack of layers (`Layer`), and what a model can do is asked of its layers.
public protocol DifferentiableModel: AnyObject {
    /// "tms", "modmlp", "mlp" or "transformer".
    var kind: String { get }
    /// The model's sizes in words, e.g. `n=50 m=10 sparsity=0.9` (for its summary line).
    var shapeSummary: String { get }
    /// Numbers per input row.
    var inputSize: Int { get }
    /// C, the number of outputs.
    var outputSize: Int { get }
    var parameterGroups: [ParameterGroup] { get }
    /// P.
    var parameterCount: Int { get }
    /// Flat, groups concatenated in order, each row-major.
    var parameters: [Double] { get set }
    /// Advanced by every change of the parameters (assignment, `load`, `setParameters`, an
    /// optimiser step through `withMutableParameters`): what a kernel compares to tell whether
    /// the weights it was computed at are still the model's.
    var parameterVersion: Int { get }
    /// Training steps taken so far (the trainer advances it).
    var step: Int { get set }
    /// The loss the paper trains this model with.
    var defaultLoss: Loss { get }
    /// Output importances I_c when the model carries them (TMS), for importance-rescaled kernels.
    var outputImportance: [Double]? { get }
    /// Training history, appended to by `train`.
    var history: [TrainingRecord] { get set }
    /// The layers, in order.
    var layerStack: LayerStack { get }
    /// Throws when `x` is not a batch of this model's inputs (width, and token ids for a
    /// sequence model), naming `argument`.
    func checkInputs(_ x: Matrix, argument: String) throws
    /// Whether `load` skips a tensor of this name (buffers other tools keep beside the weights,
    /// such as TransformerLens' attention masks).
    func ignoresTensor(named name: String) -> Bool
    /// N×inputSize → N×C. Requires valid inputs; use `predict` for a checked call.
    func forward(_ x: Matrix) -> Matrix
    /// Every layer's traces on `x` for the seeds `seeds` (m×C, the same m seeds for every input;
    /// nil = the C unit seeds), restricted to `groups` (nil = all): one forward pass and one
    /// backward pass of N·m seeds, stopping below the lowest layer that uses a selected group.
    func layerTraces(_ x: Matrix, seeds: Matrix?, groups: [String]?) throws -> LayerTraces
    /// Jacobian–vector products: J·v for the m parameter tangents in the rows of `parameterTangents`
    /// (m×P), as an (m·N)×C matrix, row j·N + n = Σ_p ∂f(x_n)/∂θ_p · v_j[p]. One forward pass and
    /// one tangent pass of m·N rows.
    func tangents(_ x: Matrix, parameterTangents: Matrix) throws -> Matrix
    /// Forward pass on `rows` row-major inputs into `outputs` (rows × C), keeping the
    /// activations that `backward` needs. Allocation-free once the workspace has grown.
    func forward(_ x: UnsafePointer<Double>, rows: Int, into outputs: UnsafeMutablePointer<Double>)
    /// Calls `body` with the flat parameters in place (no copy, no allocation): the trainer's
    /// optimiser update goes through this.
    func withMutableParameters<R>(_ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R
    /// Swaps the flat parameters with `other` (P numbers) without copying: the trainer writes
    /// each step's θ′ into a second buffer and swaps it in, keeping θ as its backup.
    func exchangeParameters(_ other: inout [Double])
    /// Gradient Σ_{n,c} g[n,c] · ∂f_c(x_n)/∂θ into `gradient` (P), for the inputs of the last
    /// `forward(_:rows:into:)` call, with g = `outputGradient` (rows × C).
    func backward(_ x: UnsafePointer<Double>, rows: Int, outputGradient: UnsafePointer<Double>,
                  into gradient: UnsafeMutablePointer<Double>)
    /// The same function of the same θ (shared, not copied) with activations and scratch buffers
    /// of its own: the trainer runs a model and its replica on the two halves of a batch at once.
    func replica() -> any DifferentiableModel
}

extension DifferentiableModel {
    /// The largest Jacobian `jacobian` will allocate: 2³⁰ entries (8 GB).
    public static var jacobianElementLimit: Int { 1 << 30 }

    /// Names of the parameter groups, in order.
    public var groupNames: [String] { parameterGroups.map(\.name) }

    /// The group called `name`, or `.unknownGroup`.
    public func group(_ name: String) throws -> ParameterGroup {
        guard let g = parameterGroups.first(where: { $0.name == name }) else {
            throw NetworkError.unknownGroup(name, available: groupNames)
        }
        return g
    }

    /// `forward` with the inputs checked.
    public func predict(_ x: Matrix) throws -> Matrix {
        try checkInputs(x, argument: "inputs")
        return forward(x)
    }

    public func checkInputs(_ x: Matrix) throws { try checkInputs(x, argument: "inputs") }

    /// The per-output Jacobian: `jacobian(x, seeds: nil, groups:)`.
    public func jacobian(_ x: Matrix, groups: [String]?) throws -> Matrix {
        try jacobian(x, seeds: nil, groups: groups)
    }

    /// Per-example, per-seed parameter gradients: an (N·m) × P_sel matrix, row n·m + j =
    /// ∂(Σ_c seeds[j, c] f_c(x_n))/∂θ, columns the selected groups' parameters in group order
    /// (nil = all; nil seeds = the C unit seeds, the per-output Jacobian, row n·C + c).
    ///
    /// Assembled from `layerTraces`: each dense use adds Σ_t g[(n·m+j)·T + t, o] · h[n·T + t, i]
    /// to its weight's column of V[o, i] and Σ_t g to its bias's; an elementwise use adds
    /// Σ_t g·u. A weight used twice (TMS) receives both terms. Cost: O(N·m·T·P_sel) writes plus
    /// the traces.
    public func jacobian(_ x: Matrix, seeds: Matrix?, groups: [String]?) throws -> Matrix {
        try checkInputs(x, argument: "inputs")
        let names = groups ?? groupNames
        var columnStart: [String: Int] = [:]
        var width = 0
        for name in names {
            let g = try group(name)
            if columnStart[name] == nil { columnStart[name] = width; width += g.count }
        }
        let m = seeds?.rows ?? outputSize, rows = x.rows * m
        let (elements, overflow) = rows.multipliedReportingOverflow(by: width)
        guard !overflow, elements <= Self.jacobianElementLimit else {
            throw NetworkError.invalidArgument("jacobian: \(rows) × \(width) entries (\(overflow ? "more than Int.max" : "\(elements * 8 / 1_000_000) MB")) exceed the \(Self.jacobianElementLimit * 8 / 1_000_000_000) GB limit; select fewer groups or use jacobianBlocks")
        }
        let traces = try layerTraces(x, seeds: seeds, groups: names)
        var j = Matrix(rows: rows, cols: width)
        j.storage.withUnsafeMutableBufferPointer { jp in
            for t in traces.dense {
                let weightStart = t.weightGroup.flatMap { columnStart[$0] }
                let biasStart = t.biasGroup.flatMap { columnStart[$0] }.map { $0 + t.biasOffset }
                let out = t.outputs, inputs = t.inputs.cols, positions = t.positions
                t.sensitivities.storage.withUnsafeBufferPointer { sp in
                    t.inputs.storage.withUnsafeBufferPointer { hp in
                        for r in 0..<rows {
                            let row = jp.baseAddress! + r * width
                            for p in 0..<positions {
                                let s = sp.baseAddress! + (r * positions + p) * out
                                if let start = weightStart {
                                    let h = hp.baseAddress! + ((r / m) * positions + p) * inputs
                                    for o in 0..<out {
                                        let so = s[o]
                                        if so == 0 { continue }
                                        if t.weightIsTransposed {
                                            let dst = row + start + t.weightOffset + o
                                            for i in 0..<inputs { dst[i * out] += so * h[i] }
                                        } else {
                                            let dst = row + start + t.weightOffset + o * inputs
                                            for i in 0..<inputs { dst[i] += so * h[i] }
                                        }
                                    }
                                }
                                if let start = biasStart { for o in 0..<out { row[start + o] += s[o] } }
                            }
                        }
                    }
                }
            }
            for e in traces.elementwise {
                guard let start = columnStart[e.group] else { continue }
                let d = e.sensitivities.cols, positions = e.positions
                for r in 0..<rows {
                    let row = jp.baseAddress! + r * width + start
                    for p in 0..<positions {
                        let s = (r * positions + p) * d, u = ((r / m) * positions + p) * d
                        for k in 0..<d { row[k] += e.sensitivities.storage[s + k] * (e.inputs?.storage[u + k] ?? 1) }
                    }
                }
            }
        }
        return j
    }
}

extension DifferentiableModel {
    /// The loss on (x, targets) and its gradient with respect to every parameter (P), by one
    /// forward and one backward pass. `loss` defaults to the model's training loss.
    public func lossAndGradient(_ x: Matrix, targets: Matrix, loss: Loss? = nil) throws -> (loss: Double, gradient: [Double]) {
        try checkInputs(x, argument: "inputs")
        let objective = loss ?? defaultLoss
        try objective.check(outputs: Matrix(rows: x.rows, cols: outputSize), targets: targets)
        guard x.rows > 0 else { return (0, [Double](repeating: 0, count: parameterCount)) }
        var outputs = [Double](repeating: 0, count: x.rows * outputSize)
        var outputGradient = outputs
        var gradient = [Double](repeating: 0, count: parameterCount)
        var value = 0.0
        x.storage.withUnsafeBufferPointer { xp in
            targets.storage.withUnsafeBufferPointer { tp in
                outputs.withUnsafeMutableBufferPointer { op in
                    outputGradient.withUnsafeMutableBufferPointer { gp in
                        gradient.withUnsafeMutableBufferPointer { dp in
                            forward(xp.baseAddress!, rows: x.rows, into: op.baseAddress!)
                            value = objective.evaluate(outputs: op.baseAddress!, targets: tp.baseAddress!, rows: x.rows,
                                                       cols: outputSize, gradient: gp.baseAddress!)
                            backward(xp.baseAddress!, rows: x.rows, outputGradient: gp.baseAddress!, into: dp.baseAddress!)
                        }
                    }
                }
            }
        }
        return (value, gradient)
    }
}

extension DifferentiableModel {
    /// The Jacobian in blocks of at most `examples` inputs: `body(range, block)` receives the
    /// examples `range` of `x` and their (range.count·C) × P_sel rows (row (n − range.lowerBound)·C + c),
    /// so a caller can contract J block by block without holding all N·C rows.
    /// Cost: that of `jacobian` on each block; memory: one block.
    public func jacobianBlocks(_ x: Matrix, groups: [String]?, examples: Int,
                               _ body: (Range<Int>, Matrix) throws -> Void) throws {
        guard examples > 0 else { throw NetworkError.invalidArgument("jacobian blocks: examples (\(examples)) must be positive") }
        try checkInputs(x, argument: "inputs")
        var start = 0
        while start < x.rows {
            let end = min(start + examples, x.rows)
            let slice = Matrix(rows: end - start, cols: x.cols, storage: Array(x.storage[(start * x.cols)..<(end * x.cols)]))
            try body(start..<end, try jacobian(slice, groups: groups))
            start = end
        }
    }
}
