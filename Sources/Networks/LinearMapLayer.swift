import LinearAlgebra

/// A fixed linear map of each example's whole output, y_n = M · vec(x_n), no parameters: M is
/// C′ × C with C = T·width the example's T positions side by side (rows n·T + t of the batch are
/// contiguous, so vec(x_n) is row n of the N × C matrix the batch already is), and the output is
/// one position of width C′. A kernel's output metric is this layer with M = S^{1/2}
/// (`LayeredModel.mapped(by:)`).
///
///     forward  Y = X Mᵀ        backward  ∂L/∂X = seed · M        tangent  dY = dX Mᵀ
///
/// each one GEMM over the N (or m·N) rows.
public final class LinearMapLayer: Layer {
    public let matrix: Matrix
    public let inputWidth: Int
    public var outputWidth: Int { matrix.rows }
    public var groups: [Int] { [] }

    /// `matrix` must have `positions · width` columns for the T positions the layer will see.
    public init(_ matrix: Matrix, width: Int) {
        precondition(width > 0 && matrix.cols % width == 0, "a linear map over whole outputs needs a multiple of the width \(width) columns, got \(matrix.cols)")
        self.matrix = matrix; inputWidth = width
    }

    public func outputPositions(_ positions: Int) -> Int { 1 }

    public func replica() -> any Layer { self }

    private func multiply(_ a: UnsafePointer<Double>, rows: Int, transposed: Bool, into y: UnsafeMutablePointer<Double>) {
        let m = matrix
        m.storage.withUnsafeBufferPointer { mp in
            // Y (rows × out) = A (rows × C) · Mᵀ, or A (rows × out) · M (out × C).
            BLAS.gemm(.none, transposed ? .transpose : .none, m: rows, n: transposed ? m.rows : m.cols,
                      k: transposed ? m.cols : m.rows, a: a, lda: transposed ? m.cols : m.rows,
                      b: mp.baseAddress!, ldb: m.cols, c: y, ldc: transposed ? m.rows : m.cols)
        }
    }

    public func forward(_ x: UnsafePointer<Double>, _ batch: Batch, _ theta: UnsafePointer<Double>,
                        into y: UnsafeMutablePointer<Double>) {
        precondition(batch.positions * inputWidth == matrix.cols, "the linear map takes \(matrix.cols) numbers per example, got \(batch.positions * inputWidth)")
        multiply(x, rows: batch.examples, transposed: true, into: y)
    }

    public func backward(_ seed: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ batch: Batch, seeds m: Int,
                         _ theta: UnsafePointer<Double>, _ sink: BackwardSink, inputSeed: UnsafeMutablePointer<Double>?) {
        // Seed row n·m + j (one position out) maps to the T input rows ((n·m + j)·T + t): the same memory.
        guard let dx = inputSeed else { return }
        multiply(seed, rows: m * batch.examples, transposed: false, into: dx)
    }

    public func tangent(_ dx: UnsafePointer<Double>?, _ x: UnsafePointer<Double>, _ batch: Batch, tangents m: Int,
                        _ theta: UnsafePointer<Double>, _ dTheta: UnsafePointer<Double>?, parameterCount: Int,
                        into dy: UnsafeMutablePointer<Double>) {
        guard let dx else { dy.initialize(repeating: 0, count: m * batch.examples * matrix.rows); return }
        multiply(dx, rows: m * batch.examples, transposed: true, into: dy)
    }
}
