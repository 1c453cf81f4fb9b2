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

/// One dense layer y = V·h (+ b) inside a model, seen on a batch of N inputs: its inputs h and the
/// per-example, per-output sensitivities of the model outputs to y.
///
/// With V the weight as the layer uses it (out×in):
///     ∂f_c(x_n)/∂V[o, i] = sensitivities[n·C + c, o] · inputs[n, i],   ∂f_c(x_n)/∂b[o] = sensitivities[n·C + c, o].
/// Scales that sit next to the layer (the modular MLP's 1/√(2p), 1/H) are folded into the
/// sensitivities, so this identity holds exactly. The layer kernel is
/// K_l[(n,c), (n',d)] = (G Gᵀ)[(n,c), (n',d)] · (H Hᵀ)[n, n'].
public struct DenseLayerTrace {
    /// The parameter group that stores the weight.
    public let weightGroup: String
    /// The parameter group that stores the bias, if the layer has one.
    public let biasGroup: String?
    /// True when the layer uses the *transpose* of the stored group (the TMS decoder uses Wᵀ):
    /// then V = Wᵀ and ∂f/∂W[i, o] = sensitivities[·, o] · inputs[·, i].
    public let weightIsTransposed: Bool
    /// N × in: the layer's inputs h.
    public let inputs: Matrix
    /// (N·C) × out: ∂f_c(x_n)/∂y_o in row n·C + c.
    public let sensitivities: Matrix
}

/// A model with exact forward and backward passes over a flat parameter vector.
///
/// The contract shared with Kernels is the first block of requirements; the rest is what the
/// trainer needs (allocation-free forward/backward on raw buffers) and what the layer-structured
/// kernel routes need (`layerTraces`).
public protocol DifferentiableModel: AnyObject {
    /// "tms", "modmlp" or "mlp".
    var kind: String { get }
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
    /// N×inputSize → N×C. Requires `x.cols == inputSize`; use `predict` for a checked call.
    func forward(_ x: Matrix) -> Matrix
    /// Per-example, per-output parameter gradients: an (N·C) × P_sel matrix, row n·C + c
    /// (sample-major), columns = the selected groups' parameters in group order (nil = all).
    func jacobian(_ x: Matrix, groups: [String]?) throws -> Matrix

    /// The loss the paper trains this model with.
    var defaultLoss: Loss { get }
    /// Training history, appended to by `train`.
    var history: [TrainingRecord] { get set }
    /// Every dense layer's inputs and per-output sensitivities on `x` (see `DenseLayerTrace`).
    /// Cost: a forward pass plus O(N·C·width) per layer (one GEMM per layer for deep MLPs).
    func layerTraces(_ x: Matrix) throws -> [DenseLayerTrace]
    /// Forward pass on `rows` row-major inputs into `outputs` (rows × C), keeping the
    /// activations that `backward` needs. Allocation-free once the workspace has grown.
    func forward(_ x: UnsafePointer<Double>, rows: Int, into outputs: UnsafeMutablePointer<Double>)
    /// Calls `body` with the flat parameters in place (no copy, no allocation): the trainer's
    /// optimiser update goes through this.
    func withMutableParameters<R>(_ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R
    /// Gradient Σ_{n,c} g[n,c] · ∂f_c(x_n)/∂θ into `gradient` (P), for the inputs of the last
    /// `forward(_:rows:into:)` call, with g = `outputGradient` (rows × C).
    func backward(_ x: UnsafePointer<Double>, rows: Int, outputGradient: UnsafePointer<Double>,
                  into gradient: UnsafeMutablePointer<Double>)
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

    /// `forward` with the input width checked.
    public func predict(_ x: Matrix) throws -> Matrix {
        try checkInputs(x)
        return forward(x)
    }

    func checkInputs(_ x: Matrix, argument: String = "inputs") throws {
        guard x.cols == inputSize else {
            throw NetworkError.shapeMismatch(argument: argument, expected: [x.rows, inputSize], got: [x.rows, x.cols])
        }
    }

    /// Allocating forward through the raw-buffer form.
    func forwardAllocating(_ x: Matrix) -> Matrix {
        // The raw pass would read past the input buffer; callers with user input use `predict`.
        precondition(x.cols == inputSize, "\(kind): forward needs \(inputSize) input columns, got \(x.cols); use predict(_:) for checked input")
        var out = Matrix(rows: x.rows, cols: outputSize)
        guard x.rows > 0 else { return out }
        x.storage.withUnsafeBufferPointer { xp in
            out.storage.withUnsafeMutableBufferPointer { op in
                forward(xp.baseAddress!, rows: x.rows, into: op.baseAddress!)
            }
        }
        return out
    }

    /// The Jacobian assembled from `layerTraces`: each dense layer contributes the outer product
    /// sensitivities[r, o] · inputs[n, i] (r = n·C + c) to its weight's columns, and
    /// sensitivities[r, o] to its bias's; a weight used twice (TMS) receives both terms.
    /// Cost: O(N·C·P_sel) writes plus the traces.
    public func jacobian(_ x: Matrix, groups: [String]?) throws -> Matrix {
        try checkInputs(x)
        let names = groups ?? groupNames
        var columnStart: [String: Int] = [:]
        var width = 0
        for name in names {
            let g = try group(name)
            if columnStart[name] == nil { columnStart[name] = width; width += g.count }
        }
        let c = outputSize, rows = x.rows * c
        let (elements, overflow) = rows.multipliedReportingOverflow(by: width)
        guard !overflow, elements <= Self.jacobianElementLimit else {
            throw NetworkError.invalidArgument("jacobian: \(rows) × \(width) entries (\(overflow ? "more than Int.max" : "\(elements * 8 / 1_000_000) MB")) exceed the \(Self.jacobianElementLimit * 8 / 1_000_000_000) GB limit; select fewer groups or use jacobianBlocks")
        }
        let traces = try layerTraces(x)
        var j = Matrix(rows: rows, cols: width)
        j.storage.withUnsafeMutableBufferPointer { jp in
            for t in traces {
                let gOut = t.sensitivities.cols, gIn = t.inputs.cols
                if let start = columnStart[t.weightGroup] {
                    t.sensitivities.storage.withUnsafeBufferPointer { sp in
                        t.inputs.storage.withUnsafeBufferPointer { hp in
                            for r in 0..<rows {
                                let h = hp.baseAddress! + (r / c) * gIn
                                let s = sp.baseAddress! + r * gOut
                                let row = jp.baseAddress! + r * width + start
                                for o in 0..<gOut {
                                    let so = s[o]
                                    if so == 0 { continue }
                                    if t.weightIsTransposed {
                                        for i in 0..<gIn { row[i * gOut + o] += so * h[i] }
                                    } else {
                                        let dst = row + o * gIn
                                        for i in 0..<gIn { dst[i] += so * h[i] }
                                    }
                                }
                            }
                        }
                    }
                }
                if let bias = t.biasGroup, let start = columnStart[bias] {
                    t.sensitivities.storage.withUnsafeBufferPointer { sp in
                        for r in 0..<rows {
                            for o in 0..<gOut { jp[r * width + start + o] += sp[r * gOut + o] }
                        }
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
        try checkInputs(x)
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
        try checkInputs(x)
        var start = 0
        while start < x.rows {
            let end = min(start + examples, x.rows)
            let slice = Matrix(rows: end - start, cols: x.cols, storage: Array(x.storage[(start * x.cols)..<(end * x.cols)]))
            try body(start..<end, try jacobian(slice, groups: groups))
            start = end
        }
    }
}
