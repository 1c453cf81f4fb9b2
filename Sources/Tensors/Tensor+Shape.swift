/// Shape changes: reshape, axis permutation, concatenation and stacking. All results are
/// contiguous row-major copies (or share storage when no element moves).
extension Tensor {
    /// The same elements under `newShape`; one dimension may be −1 and is then inferred.
    /// Throws `.cannotReshape` when the element counts differ. Cost: free (storage is shared).
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        var target = newShape
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        guard unknown.count <= 1, !newShape.contains(where: { $0 < -1 }) else {
            throw TensorError.cannotReshape(from: shape, to: newShape)
        }
        if let u = unknown.first {
            let known = Tensor.elementCount(newShape.enumerated().filter { $0.offset != u }.map(\.element))
            guard known > 0, known != Int.max, count % known == 0 else { throw TensorError.cannotReshape(from: shape, to: newShape) }
            target[u] = count / known
        }
        guard Tensor.elementCount(target) == count else { throw TensorError.cannotReshape(from: shape, to: newShape) }
        return Tensor(shape: target, storage: storage)
    }

    /// The elements as a 1-d tensor.
    public var flattened: Tensor { Tensor(shape: [count], storage: storage) }

    /// All axes reversed (numpy's `.T`): the matrix transpose for rank 2, a no-op for rank ≤ 1.
    public var T: Tensor {
        // Reversed axes are always a valid permutation.
        (try? transposed(Array((0..<rank).reversed()))) ?? self
    }

    /// Axes permuted: result axis i is this tensor's axis `axes[i]` (negative axes allowed).
    /// Throws when `axes` is not a permutation of 0..<rank. Cost: one strided copy.
    public func transposed(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank else {
            throw TensorError.invalidArgument(operation: "transpose", detail: "axes \(axes) do not match rank \(rank) of shape \(Tensor.describe(shape: shape))")
        }
        let perm = try axes.map { try Tensor.normalized(axis: $0, rank: rank, "transpose") }
        guard Set(perm).count == rank else {
            throw TensorError.invalidArgument(operation: "transpose", detail: "axes \(axes) repeat an axis")
        }
        if perm == Array(0..<rank) { return self }
        let own = strides
        let outShape = perm.map { shape[$0] }
        if rank == 2 { return transposed2D() }
        return Tensor(shape: outShape, storage: gather(base: 0, shape: outShape, strides: perm.map { own[$0] }))
    }

    /// Cache-blocked 2-d transpose (blocks of 32×32 keep both sides in L1).
    private func transposed2D() -> Tensor {
        let rows = shape[0], cols = shape[1], block = 32
        let out = [Double](unsafeUninitializedCapacity: count) { o, initialized in
            storage.withUnsafeBufferPointer { a in
                for i0 in stride(from: 0, to: rows, by: block) {
                    for j0 in stride(from: 0, to: cols, by: block) {
                        for i in i0..<Swift.min(i0 + block, rows) {
                            for j in j0..<Swift.min(j0 + block, cols) { o[j * rows + i] = a[i * cols + j] }
                        }
                    }
                }
            }
            initialized = count
        }
        return Tensor(shape: [shape[1], shape[0]], storage: out)
    }

    /// The elements at base + Σ iₖ·strides[k] for every multi-index i of `shape`, row-major.
    func gather(base: Int, shape outShape: [Int], strides s: [Int]) -> [Double] {
        let n = Tensor.elementCount(outShape)
        return [Double](unsafeUninitializedCapacity: n) { o, initialized in
            storage.withUnsafeBufferPointer { a in
                Tensor.walk(shape: outShape, strides: s, base: base) { w, src in o[w] = a[src] }
            }
            initialized = n
        }
    }

    /// Calls `visit(w, offset)` for every multi-index of `shape` in row-major order, w counting
    /// from 0 and offset = base + Σ iₖ·strides[k]. The last axis runs as a tight inner loop.
    @inline(__always)
    static func walk(shape: [Int], strides s: [Int], base: Int, _ visit: (Int, Int) -> Void) {
        let n = elementCount(shape)
        if n == 0 { return }
        if shape.isEmpty { visit(0, base); return }
        let r = shape.count, inner = shape[r - 1], step = s[r - 1]
        var counter = [Int](repeating: 0, count: r - 1)
        var offset = base, w = 0
        while w < n {
            var p = offset
            for _ in 0..<inner { visit(w, p); p += step; w += 1 }
            var axis = r - 2
            while axis >= 0 {
                counter[axis] += 1; offset += s[axis]
                if counter[axis] < shape[axis] { break }
                offset -= s[axis] * shape[axis]; counter[axis] = 0; axis -= 1
            }
        }
    }

    /// Tensors joined along an existing `axis`; all other sizes must agree.
    /// Throws naming the first shape that differs.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(operation: "concatenate", detail: "needs at least one tensor")
        }
        guard first.rank > 0 else {
            throw TensorError.invalidArgument(operation: "concatenate", detail: "cannot concatenate 0-d tensors")
        }
        let ax = try normalized(axis: axis, rank: first.rank, "concatenate")
        for t in tensors.dropFirst() {
            var a = first.shape, b = t.shape
            if a.count == b.count { a[ax] = 0; b[ax] = 0 }
            guard a == b else {
                throw TensorError.shapeMismatch(operation: "concatenate",
                    detail: "shapes \(describe(shape: first.shape)) and \(describe(shape: t.shape)) differ outside axis \(axis)")
            }
        }
        let outer = elementCount(Array(first.shape[..<ax]))
        var outShape = first.shape
        outShape[ax] = tensors.reduce(0) { $0 + $1.shape[ax] }
        _ = try validated(outShape, "concatenate")
        var out: [Double] = []
        out.reserveCapacity(elementCount(outShape))
        for o in 0..<outer {
            for t in tensors {
                let chunk = t.count / Swift.max(outer, 1)
                out.append(contentsOf: t.storage[(o * chunk)..<((o + 1) * chunk)])
            }
        }
        return Tensor(shape: outShape, storage: out)
    }

    /// Equal-shaped tensors joined along a new `axis` (0...rank).
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(operation: "stack", detail: "needs at least one tensor")
        }
        let ax = try normalized(axis: axis, rank: first.rank + 1, "stack")
        if let odd = tensors.first(where: { $0.shape != first.shape }) {
            throw TensorError.shapeMismatch(operation: "stack",
                detail: "all shapes must be equal, got \(describe(shape: first.shape)) and \(describe(shape: odd.shape))")
        }
        var expanded = first.shape
        expanded.insert(1, at: ax)
        return try concatenate(tensors.map { Tensor(shape: expanded, storage: $0.storage) }, axis: ax)
    }
}
