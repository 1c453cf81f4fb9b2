/// y = σ(x) elementwise (`Activation`), no parameters.
///
///     backward  ∂L/∂x = seed ⊙ σ′(x)        tangent  dy = dx ⊙ σ′(x)
public final class ActivationLayer: Layer {
    public let activation: Activation
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    public var groups: [Int] { [] }
    public var backwardInPlace: Bool { true }

    public init(_ activation: Activation, width: Int) { self.activation = activation; inputWidth = width }

    public func replica() -> any Layer { self }

    public func forward(_ x: UnsafePointer<Double>, _ batch: Batch, _ theta: UnsafePointer<Double>,
                        into y: UnsafeMutablePointer<Double>) {
        activation.apply(x, into: y, count: batch.rows * inputWidth)
    }

    public func backward(_ seed: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ batch: Batch, seeds m: Int,
                         _ theta: UnsafePointer<Double>, _ sink: BackwardSink, inputSeed: UnsafeMutablePointer<Double>?) {
        guard let dx = inputSeed else { return }
        let block = batch.positions * inputWidth
        if m == 1 { activation.derivativeProduct(seed, at: x, into: dx, count: batch.examples * block); return }
        // Seeds of example n are m consecutive blocks of T·width, all against x's block n.
        for n in 0..<batch.examples {
            for j in 0..<m {
                let r = (n * m + j) * block
                activation.derivativeProduct(seed + r, at: x + n * block, into: dx + r, count: block)
            }
        }
    }

    public func tangent(_ dx: UnsafePointer<Double>?, _ x: UnsafePointer<Double>, _ batch: Batch, tangents m: Int,
                        _ theta: UnsafePointer<Double>, _ dTheta: UnsafePointer<Double>?, parameterCount: Int,
                        into dy: UnsafeMutablePointer<Double>) {
        let count = batch.rows * inputWidth
        guard let dx else { dy.initialize(repeating: 0, count: m * count); return }
        for j in 0..<m { activation.derivativeProduct(dx + j * count, at: x, into: dy + j * count, count: count) }
    }
}
