import LinearAlgebra

/// TransformerLens' LayerNorm over each row of D features:
///
///     μ = mean(x),  σ = √(mean((x − μ)²) + ε),  x̂ = (x − μ)/σ,  y = w ⊙ x̂ + b     (ε = 1e-5)
///     backward  g = seed ⊙ w,  ∂L/∂x = (g − mean(g) − x̂·mean(g ⊙ x̂))/σ,
///               ∂L/∂w = Σ seed ⊙ x̂,  ∂L/∂b = Σ seed
///     tangent   dx̂ = (dx − mean(dx) − x̂·mean(dx ⊙ x̂))/σ,  dy = w ⊙ dx̂ + dw ⊙ x̂ + db
///
/// w and b are elementwise parameters (`ElementwiseTrace`, u = x̂ and u ≡ 1).
public final class LayerNormLayer: Layer {
    public let scale: ParameterSlot
    public let shift: ParameterSlot
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    public let epsilon: Double
    public var groups: [Int]
    private let workspace = Workspace()

    public init(scale: ParameterSlot, shift: ParameterSlot, width: Int, epsilon: Double = 1e-5) {
        self.scale = scale; self.shift = shift; inputWidth = width; self.epsilon = epsilon
        groups = [scale.group, shift.group]
    }

    public func replica() -> any Layer { LayerNormLayer(scale: scale, shift: shift, width: inputWidth, epsilon: epsilon) }

    /// x̂ (rows × D) and 1/σ (rows) of the last forward.
    private func normalized(_ rows: Int) -> (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) {
        (workspace.buffer(0, count: rows * inputWidth), workspace.buffer(1, count: rows))
    }

    public func forward(_ x: UnsafePointer<Double>, _ batch: Batch, _ theta: UnsafePointer<Double>,
                        into y: UnsafeMutablePointer<Double>) {
        let d = inputWidth, rows = batch.rows
        let (xhat, inv) = normalized(rows)
        let w = theta + scale.offset, b = theta + shift.offset
        for r in 0..<rows {
            let xr = x + r * d, hr = xhat + r * d, yr = y + r * d
            var mean = 0.0
            for k in 0..<d { mean += xr[k] }
            mean /= Double(d)
            var variance = 0.0
            for k in 0..<d { let c = xr[k] - mean; variance += c * c }
            let s = 1 / (variance / Double(d) + epsilon).squareRoot()
            inv[r] = s
            for k in 0..<d { hr[k] = (xr[k] - mean) * s; yr[k] = w[k] * hr[k] + b[k] }
        }
    }

    /// out = (g − mean(g) − x̂·mean(g ⊙ x̂))·s for one row.
    @inline(__always) private func project(_ g: UnsafePointer<Double>, _ xhat: UnsafePointer<Double>, _ s: Double,
                                           into out: UnsafeMutablePointer<Double>) {
        let d = inputWidth
        var mean = 0.0, dotHat = 0.0
        for k in 0..<d { mean += g[k]; dotHat += g[k] * xhat[k] }
        mean /= Double(d); dotHat /= Double(d)
        for k in 0..<d { out[k] = (g[k] - mean - xhat[k] * dotHat) * s }
    }

    public func backward(_ seed: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ batch: Batch, seeds m: Int,
                         _ theta: UnsafePointer<Double>, _ sink: BackwardSink, inputSeed: UnsafeMutablePointer<Double>?) {
        let d = inputWidth, rows = batch.rows, t = batch.positions
        let (xhat, inv) = normalized(rows)
        if let g = sink.gradient {
            let gw = g + scale.offset, gb = g + shift.offset
            if sink.beta(scale.group) == 0 { gw.initialize(repeating: 0, count: d) }
            if sink.beta(shift.group) == 0 { gb.initialize(repeating: 0, count: d) }
            for r in 0..<rows {
                for k in 0..<d { gw[k] += seed[r * d + k] * xhat[r * d + k]; gb[k] += seed[r * d + k] }
            }
        } else {
            let sensitivities = { Matrix(rows: m * rows, cols: d, storage: Array(UnsafeBufferPointer(start: seed, count: m * rows * d))) }
            if sink.wantsTrace(scale.group) {
                sink.record(ElementwiseTrace(group: scale.name, positions: t,
                                             inputs: Matrix(rows: rows, cols: d, storage: Array(UnsafeBufferPointer(start: xhat, count: rows * d))),
                                             sensitivities: sensitivities()))
            }
            if sink.wantsTrace(shift.group) {
                sink.record(ElementwiseTrace(group: shift.name, positions: t, inputs: nil, sensitivities: sensitivities()))
            }
        }
        guard let dx = inputSeed else { return }
        let w = theta + scale.offset
        let g = workspace.buffer(2, count: d)
        for n in 0..<batch.examples {
            for j in 0..<m {
                for p in 0..<t {
                    let row = n * t + p, seedRow = (n * m + j) * t + p
                    for k in 0..<d { g[k] = seed[seedRow * d + k] * w[k] }
                    project(g, xhat + row * d, inv[row], into: dx + seedRow * d)
                }
            }
        }
    }

    public func tangent(_ dx: UnsafePointer<Double>?, _ x: UnsafePointer<Double>, _ batch: Batch, tangents m: Int,
                        _ theta: UnsafePointer<Double>, _ dTheta: UnsafePointer<Double>?, parameterCount: Int,
                        into dy: UnsafeMutablePointer<Double>) {
        let d = inputWidth, rows = batch.rows
        let (xhat, inv) = normalized(rows)
        let w = theta + scale.offset
        let hat = workspace.buffer(2, count: d)
        for j in 0..<m {
            let dw = dTheta.map { $0 + j * parameterCount + scale.offset }
            let db = dTheta.map { $0 + j * parameterCount + shift.offset }
            for r in 0..<rows {
                let out = dy + (j * rows + r) * d, xr = xhat + r * d
                if let dx {
                    project(dx + (j * rows + r) * d, xr, inv[r], into: hat)
                    for k in 0..<d { out[k] = w[k] * hat[k] }
                } else {
                    for k in 0..<d { out[k] = 0 }
                }
                if let dw, let db { for k in 0..<d { out[k] += dw[k] * xr[k] + db[k] } }
            }
        }
    }
}
