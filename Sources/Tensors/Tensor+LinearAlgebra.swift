import LinearAlgebra

/// Products through BLAS.
extension Tensor {
    /// The matrix product with numpy's `matmul` semantics:
    /// - 2-d × 2-d: (m×k)·(k×n) → m×n, one DGEMM straight on the two buffers;
    /// - a 1-d left operand is a row vector and a 1-d right operand a column vector, and the
    ///   added axis is removed from the result (1-d × 1-d gives a 0-d tensor);
    /// - ranks ≥ 3 are stacks of matrices whose batch axes broadcast, one DGEMM per matrix.
    /// Cost: 2·m·n·k flops per batch element. Throws naming both shapes when sizes disagree.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank >= 1, other.rank >= 1 else {
            throw TensorError.shapeMismatch(operation: "matmul",
                detail: "operands need at least one axis, got shapes \(Tensor.describe(shape: shape)) and \(Tensor.describe(shape: other.shape))")
        }
        let aShape = rank == 1 ? [1, shape[0]] : shape
        let bShape = other.rank == 1 ? [other.shape[0], 1] : other.shape
        let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1]
        let k2 = bShape[bShape.count - 2], n = bShape[bShape.count - 1]
        guard k == k2 else {
            throw TensorError.shapeMismatch(operation: "matmul",
                detail: "inner sizes differ (\(k) vs \(k2)) for shapes \(Tensor.describe(shape: shape)) and \(Tensor.describe(shape: other.shape))")
        }
        guard Swift.max(m, n, k) <= Int(Int32.max) else {
            throw TensorError.invalidArgument(operation: "matmul",
                detail: "sizes \(m), \(k), \(n) exceed the 32-bit BLAS limit \(Int32.max)")
        }
        let batchA = Array(aShape.dropLast(2)), batchB = Array(bShape.dropLast(2))
        let batch: [Int]
        do { batch = try Tensor.broadcastShape(batchA, batchB, operation: "matmul") } catch {
            throw TensorError.broadcast(operation: "matmul", lhs: shape, rhs: other.shape)
        }
        var outShape = batch + [m, n]
        let total = try Tensor.validated(outShape, "matmul")
        let out: [Double]
        if k == 0 || total == 0 {
            out = [Double](repeating: 0, count: total)
        } else {
            let stepA = Tensor.broadcastStrides(batchA, to: batch).map { $0 * m * k }
            let stepB = Tensor.broadcastStrides(batchB, to: batch).map { $0 * k * n }
            out = [Double](unsafeUninitializedCapacity: total) { c, initialized in
                storage.withUnsafeBufferPointer { a in
                    other.storage.withUnsafeBufferPointer { b in
                        let pa = a.baseAddress!, pb = b.baseAddress!, pc = c.baseAddress!
                        var batchIndex = 0
                        Tensor.walk(shape: batch, strides: stepA, base: 0) { _, offA in
                            let offB = Tensor.batchOffset(batchIndex, batch, stepB)
                            BLAS.gemm(.none, .none, m: m, n: n, k: k, a: pa + offA, lda: k,
                                      b: pb + offB, ldb: n, c: pc + batchIndex * m * n, ldc: n)
                            batchIndex += 1
                        }
                    }
                }
                initialized = total
            }
        }
        if other.rank == 1 { outShape.removeLast() }
        if rank == 1 { outShape.remove(at: outShape.count - (other.rank == 1 ? 1 : 2)) }
        return Tensor(shape: outShape, storage: out)
    }

    /// Offset of the flat batch index `i` of `shape` under (possibly zero) strides.
    private static func batchOffset(_ i: Int, _ shape: [Int], _ s: [Int]) -> Int {
        var rest = i, offset = 0
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            offset += (rest % shape[axis]) * s[axis]
            rest /= shape[axis]
        }
        return offset
    }

    /// Σ xᵢ yᵢ of two 1-d tensors of equal length (DDOT).
    public func dot(_ other: Tensor) throws -> Double {
        guard rank == 1, other.rank == 1, count == other.count else {
            throw TensorError.shapeMismatch(operation: "dot",
                detail: "needs two vectors of equal length, got shapes \(Tensor.describe(shape: shape)) and \(Tensor.describe(shape: other.shape))")
        }
        return storage.withUnsafeBufferPointer { x in
            other.storage.withUnsafeBufferPointer { y in
                count == 0 ? 0 : BLAS.dot(count: count, x.baseAddress!, y.baseAddress!)
            }
        }
    }
}
