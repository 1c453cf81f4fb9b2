import LinearAlgebra

/// y[n, t] = W_E[x[n, t]]: a token id per position (input width 1) to a row of W_E [vocab, D].
///
/// As a dense map it is y = W_Eᵀ·onehot(x), so its trace is that of a weight stored transposed
/// with one-hot inputs (vocab wide). Token ids are not differentiable: the input seed is zero.
///
///     backward  ∂L/∂W_E[v] = Σ_{(n,t): x = v} seed[n, t]      tangent  dy = dW_E[x]
public final class TokenEmbeddingLayer: Layer {
    public let weight: ParameterSlot
    public let vocabulary: Int
    public let outputWidth: Int
    public var inputWidth: Int { 1 }
    public var groups: [Int] { [weight.group] }

    public init(weight: ParameterSlot, vocabulary: Int, width: Int) {
        self.weight = weight; self.vocabulary = vocabulary; outputWidth = width
    }

    public func replica() -> any Layer { self }

    @inline(__always) private func token(_ x: UnsafePointer<Double>, _ r: Int) -> Int { Int(x[r]) }

    public func forward(_ x: UnsafePointer<Double>, _ batch: Batch, _ theta: UnsafePointer<Double>,
                        into y: UnsafeMutablePointer<Double>) {
        let d = outputWidth, w = theta + weight.offset
        for r in 0..<batch.rows { (y + r * d).update(from: w + token(x, r) * d, count: d) }
    }

    public func backward(_ seed: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ batch: Batch, seeds m: Int,
                         _ theta: UnsafePointer<Double>, _ sink: BackwardSink, inputSeed: UnsafeMutablePointer<Double>?) {
        let d = outputWidth, rows = batch.rows
        if let g = sink.gradient {
            let gw = g + weight.offset
            if sink.beta(weight.group) == 0 { gw.initialize(repeating: 0, count: vocabulary * d) }
            for r in 0..<rows { BLAS.axpy(count: d, alpha: 1, seed + r * d, gw + token(x, r) * d) }
        } else if sink.wantsTrace(weight.group) {
            var onehot = Matrix(rows: rows, cols: vocabulary)
            for r in 0..<rows { onehot.storage[r * vocabulary + token(x, r)] = 1 }
            sink.record(DenseLayerTrace(weightGroup: weight.name, weightOffset: weight.withinGroup, biasGroup: nil,
                                        weightIsTransposed: true, positions: batch.positions, inputs: onehot,
                                        sensitivities: Matrix(rows: m * rows, cols: d, storage: Array(UnsafeBufferPointer(start: seed, count: m * rows * d)))))
        }
        inputSeed?.initialize(repeating: 0, count: m * rows)
    }

    public func tangent(_ dx: UnsafePointer<Double>?, _ x: UnsafePointer<Double>, _ batch: Batch, tangents m: Int,
                        _ theta: UnsafePointer<Double>, _ dTheta: UnsafePointer<Double>?, parameterCount: Int,
                        into dy: UnsafeMutablePointer<Double>) {
        let d = outputWidth, rows = batch.rows
        guard let dTheta else { dy.initialize(repeating: 0, count: m * rows * d); return }
        for j in 0..<m {
            let w = dTheta + j * parameterCount + weight.offset
            for r in 0..<rows { (dy + (j * rows + r) * d).update(from: w + token(x, r) * d, count: d) }
        }
    }
}

/// y[n, t] = x[n, t] + W_pos[t], W_pos [context, D] (a learned positional embedding).
/// Its trace is a weight stored transposed with inputs onehot(t).
///
///     backward  ∂L/∂W_pos[t] = Σ_n seed[n, t],  ∂L/∂x = seed      tangent  dy = dx + dW_pos[t]
public final class PositionalEmbeddingLayer: Layer {
    public let weight: ParameterSlot
    public let context: Int
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    public var groups: [Int] { [weight.group] }

    public init(weight: ParameterSlot, context: Int, width: Int) {
        self.weight = weight; self.context = context; inputWidth = width
    }

    public func replica() -> any Layer { self }

    public func forward(_ x: UnsafePointer<Double>, _ batch: Batch, _ theta: UnsafePointer<Double>,
                        into y: UnsafeMutablePointer<Double>) {
        let d = inputWidth, t = batch.positions, w = theta + weight.offset
        for r in 0..<batch.rows {
            let pos = w + (r % t) * d, xr = x + r * d, yr = y + r * d
            for k in 0..<d { yr[k] = xr[k] + pos[k] }
        }
    }

    public func backward(_ seed: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ batch: Batch, seeds m: Int,
                         _ theta: UnsafePointer<Double>, _ sink: BackwardSink, inputSeed: UnsafeMutablePointer<Double>?) {
        let d = inputWidth, t = batch.positions, rows = batch.rows
        if let g = sink.gradient {
            let gw = g + weight.offset
            if sink.beta(weight.group) == 0 { gw.initialize(repeating: 0, count: context * d) }
            for r in 0..<rows { BLAS.axpy(count: d, alpha: 1, seed + r * d, gw + (r % t) * d) }
        } else if sink.wantsTrace(weight.group) {
            var onehot = Matrix(rows: rows, cols: context)
            for r in 0..<rows { onehot.storage[r * context + r % t] = 1 }
            sink.record(DenseLayerTrace(weightGroup: weight.name, weightOffset: weight.withinGroup, biasGroup: nil,
                                        weightIsTransposed: true, positions: t, inputs: onehot,
                                        sensitivities: Matrix(rows: m * rows, cols: d, storage: Array(UnsafeBufferPointer(start: seed, count: m * rows * d)))))
        }
        inputSeed?.update(from: seed, count: m * rows * d)
    }

    public func tangent(_ dx: UnsafePointer<Double>?, _ x: UnsafePointer<Double>, _ batch: Batch, tangents m: Int,
                        _ theta: UnsafePointer<Double>, _ dTheta: UnsafePointer<Double>?, parameterCount: Int,
                        into dy: UnsafeMutablePointer<Double>) {
        let d = inputWidth, t = batch.positions, rows = batch.rows
        if let dx { dy.update(from: dx, count: m * rows * d) } else { dy.initialize(repeating: 0, count: m * rows * d) }
        guard let dTheta else { return }
        for j in 0..<m {
            let w = dTheta + j * parameterCount + weight.offset
            for r in 0..<rows {
                let yr = dy + (j * rows + r) * d, pos = w + (r % t) * d
                for k in 0..<d { yr[k] += pos[k] }
            }
        }
    }
}
