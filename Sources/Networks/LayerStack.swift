/// Layers applied in order, y = f_L(…f_1(x)), with the buffers between them: boundary k holds
/// layer k's output from the last forward (what layer k + 1's derivatives read), so a training
/// step allocates nothing once the buffers have grown to the batch.
///
///     backward  seed_L = ∂L/∂y,  seed_{k−1} = layer_k.backward(seed_k)   (down to the lowest
///               layer the sink needs, or to the stack's input when its seeds are wanted)
///     tangent   t_0 = dx,  t_k = layer_k.tangent(t_{k−1})
public final class LayerStack {
    public let layers: [any Layer]
    /// Every layer's groups, read once (the backward pass asks them at every step).
    private let layerGroups: [[Int]]
    public let groups: [Int]
    private let workspace = Workspace()
    /// The input batch of every layer in the last forward.
    private var batches: [Batch]

    public init(_ layers: [any Layer]) {
        precondition(!layers.isEmpty, "a layer stack needs a layer")
        for (a, b) in zip(layers, layers.dropFirst()) {
            precondition(a.outputWidth == b.inputWidth, "layer widths do not chain: \(a.outputWidth) → \(b.inputWidth)")
        }
        self.layers = layers
        layerGroups = layers.map(\.groups)
        groups = layerGroups.flatMap { $0 }
        batches = [Batch](repeating: Batch(examples: 0), count: layers.count)
    }

    public var inputWidth: Int { layers[0].inputWidth }
    public var outputWidth: Int { layers[layers.count - 1].outputWidth }

    /// The same layers, each its own replica (`Layer.replica`), with buffers of its own.
    public func replica() -> LayerStack { LayerStack(layers.map { $0.replica() }) }

    public func outputPositions(_ positions: Int) -> Int {
        layers.reduce(positions) { $1.outputPositions($0) }
    }

    /// y ← f(x) for `batch`, keeping every layer's input.
    public func forward(_ x: UnsafePointer<Double>, _ batch: Batch, _ theta: UnsafePointer<Double>,
                        into y: UnsafeMutablePointer<Double>) {
        var input = x, b = batch
        for (k, layer) in layers.enumerated() {
            batches[k] = b
            let next = Batch(examples: b.examples, positions: layer.outputPositions(b.positions))
            let out = k == layers.count - 1 ? y : workspace.buffer(k, count: next.rows * layer.outputWidth)
            layer.forward(input, b, theta, into: out)
            input = UnsafePointer(out); b = next
        }
    }

    /// Layer k's input in the last forward (x for the first layer).
    private func input(of k: Int, _ x: UnsafePointer<Double>) -> UnsafePointer<Double> {
        k == 0 ? x : UnsafePointer(workspace.buffer(k - 1, count: 0))
    }

    /// Back-propagates `seed` (m per example, over the output of the last forward, which was
    /// on `x`). Writes the input seeds when `inputSeed` is non-nil; otherwise stops at the lowest
    /// layer whose parameters `sink` needs.
    public func backward(_ x: UnsafePointer<Double>, _ seed: UnsafePointer<Double>, seeds m: Int, _ theta: UnsafePointer<Double>,
                         _ sink: BackwardSink, inputSeed: UnsafeMutablePointer<Double>?) {
        var lowest = 0
        if inputSeed == nil {
            lowest = layers.count
            for k in layers.indices where layerGroups[k].contains(where: sink.needs) { lowest = k; break }
        }
        var current = seed
        var currentSlot: Int?   // which of the two seed buffers holds `current` (nil: the caller's, never written over)
        for k in stride(from: layers.count - 1, through: lowest, by: -1) {
            let layer = layers[k], b = batches[k]
            let dst: UnsafeMutablePointer<Double>?
            if k == lowest { dst = inputSeed } else if currentSlot != nil && layer.backwardInPlace {
                dst = UnsafeMutablePointer(mutating: current)
            } else {
                let slot = currentSlot == 0 ? 1 : 0
                dst = workspace.buffer(layers.count + slot, count: m * b.rows * layer.inputWidth)
                currentSlot = slot
            }
            layer.backward(current, input(of: k, x), b, seeds: m, theta, sink, inputSeed: dst)
            if let dst { current = UnsafePointer(dst) }
        }
    }

    /// dy ← J·(dx, dθ) for m tangents at the last forward's input x (see `Layer.tangent`).
    public func tangent(_ x: UnsafePointer<Double>, _ dx: UnsafePointer<Double>?, tangents m: Int, _ theta: UnsafePointer<Double>,
                        _ dTheta: UnsafePointer<Double>?, parameterCount: Int, into dy: UnsafeMutablePointer<Double>) {
        var current = dx
        for (k, layer) in layers.enumerated() {
            let b = batches[k]
            let rows = b.examples * layer.outputPositions(b.positions)
            let out = k == layers.count - 1 ? dy : workspace.buffer(layers.count + 2 + k % 2, count: m * rows * layer.outputWidth)
            layer.tangent(current, input(of: k, x), b, tangents: m, theta, dTheta, parameterCount: parameterCount, into: out)
            current = UnsafePointer(out)
        }
    }
}

extension BackwardSink {
    /// Whether the pass needs derivatives for group `g` (so it must reach the layer using it).
    func needs(_ g: Int) -> Bool {
        switch mode {
        case .gradient: return true
        case .traces: return selected?.contains(g) ?? true
        case .none: return false
        }
    }
}

/// y = x + f(x), f a stack from and to the same width (a transformer block's attention or MLP).
///
///     backward  ∂L/∂x = seed + f.backward(seed)        tangent  dy = dx + f.tangent(dx)
///
/// When f keeps only the last of T positions (the last block's attention of a model read at its
/// last position), the skip adds that position of x: y_n = x_{n,T−1} + f(x)_n, and the seed and
/// tangent of the skip go to and come from that position alone.
public final class ResidualLayer: Layer {
    public let body: LayerStack

    public init(_ body: LayerStack) {
        precondition(body.inputWidth == body.outputWidth, "a residual body must keep the width")
        self.body = body
    }

    public var inputWidth: Int { body.inputWidth }
    public var outputWidth: Int { body.outputWidth }
    public var groups: [Int] { body.groups }   // stored by the body

    public func replica() -> any Layer { ResidualLayer(body.replica()) }

    public func outputPositions(_ positions: Int) -> Int {
        let out = body.outputPositions(positions)
        precondition(out == positions || out == 1, "a residual body keeps every position or the last one")
        return out
    }

    /// For output row r (of `count`), the row of the input it adds: r itself, or the last
    /// position of its example when the body keeps only that one.
    @inline(__always) private func skipRow(_ r: Int, positions t: Int, kept: Int) -> Int { kept == t ? r : r * t + t - 1 }

    public func forward(_ x: UnsafePointer<Double>, _ batch: Batch, _ theta: UnsafePointer<Double>,
                        into y: UnsafeMutablePointer<Double>) {
        body.forward(x, batch, theta, into: y)
        let t = batch.positions, kept = outputPositions(t), d = inputWidth
        if kept == t { for k in 0..<(batch.rows * d) { y[k] += x[k] }; return }
        for r in 0..<batch.examples {
            let yr = y + r * d, xr = x + skipRow(r, positions: t, kept: kept) * d
            for k in 0..<d { yr[k] += xr[k] }
        }
    }

    public func backward(_ seed: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ batch: Batch, seeds m: Int,
                         _ theta: UnsafePointer<Double>, _ sink: BackwardSink, inputSeed: UnsafeMutablePointer<Double>?) {
        body.backward(x, seed, seeds: m, theta, sink, inputSeed: inputSeed)
        guard let dx = inputSeed else { return }
        let t = batch.positions, kept = outputPositions(t), d = inputWidth
        if kept == t { for k in 0..<(m * batch.rows * d) { dx[k] += seed[k] }; return }
        for r in 0..<(m * batch.examples) {
            let dr = dx + skipRow(r, positions: t, kept: kept) * d, sr = seed + r * d
            for k in 0..<d { dr[k] += sr[k] }
        }
    }

    public func tangent(_ dx: UnsafePointer<Double>?, _ x: UnsafePointer<Double>, _ batch: Batch, tangents m: Int,
                        _ theta: UnsafePointer<Double>, _ dTheta: UnsafePointer<Double>?, parameterCount: Int,
                        into dy: UnsafeMutablePointer<Double>) {
        body.tangent(x, dx, tangents: m, theta, dTheta, parameterCount: parameterCount, into: dy)
        guard let dx else { return }
        let t = batch.positions, kept = outputPositions(t), d = inputWidth
        if kept == t { for k in 0..<(m * batch.rows * d) { dy[k] += dx[k] }; return }
        for r in 0..<(m * batch.examples) {
            let yr = dy + r * d, xr = dx + skipRow(r, positions: t, kept: kept) * d
            for k in 0..<d { yr[k] += xr[k] }
        }
    }
}
