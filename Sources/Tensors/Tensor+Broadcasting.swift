/// numpy broadcasting: shapes are aligned at their last axis; along each axis the sizes must
/// be equal or one of them 1 (which is stretched); missing leading axes count as 1.
extension Tensor {
    /// The shape two operands broadcast to, or `.broadcast` naming `operation` and both shapes.
    public static func broadcastShape(_ a: [Int], _ b: [Int], operation: String = "broadcast") throws -> [Int] {
        let r = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            if da == db || db == 1 { result[i] = da }
            else if da == 1 { result[i] = db }
            else { throw TensorError.broadcast(operation: operation, lhs: a, rhs: b) }
        }
        return result
    }

    /// This tensor stretched to `shape` (a copy), or `.broadcast` when it does not fit.
    public func broadcast(to target: [Int]) throws -> Tensor {
        _ = try Tensor.validated(target, "broadcast")
        let s = try Tensor.broadcastShape(shape, target, operation: "broadcast")
        guard s == target else { throw TensorError.broadcast(operation: "broadcast", lhs: shape, rhs: target) }
        if shape == target { return self }
        return try zipWith(Tensor(shape: target, repeating: 0), operation: "broadcast") { a, _ in a }
    }

    /// Strides (in elements) that read an operand of `shape` as if it had the broadcast shape
    /// `target`: stretched axes get stride 0.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(for: shape)
        let offset = target.count - shape.count
        return (0..<target.count).map { i in
            i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
        }
    }

    /// f applied elementwise under broadcasting. Same shapes and scalar operands run as one tight
    /// loop over the buffers; other cases walk the outer axes with an odometer and run the last
    /// axis as a strided inner loop.
    @inline(__always)
    func zipWith(_ other: Tensor, operation: String, _ f: (Double, Double) -> Double) throws -> Tensor {
        let outShape = shape == other.shape ? shape : try Tensor.broadcastShape(shape, other.shape, operation: operation)
        let n = outShape == shape || outShape == other.shape ? Tensor.elementCount(outShape) : try Tensor.validated(outShape, operation)
        let out = [Double](unsafeUninitializedCapacity: n) { o, initialized in
            storage.withUnsafeBufferPointer { a in
                other.storage.withUnsafeBufferPointer { b in
                    if shape == other.shape {
                        for i in 0..<n { o[i] = f(a[i], b[i]) }
                    } else if other.count == 1 && outShape == shape {
                        let y = b[0]
                        for i in 0..<n { o[i] = f(a[i], y) }
                    } else if count == 1 && outShape == other.shape {
                        let x = a[0]
                        for i in 0..<n { o[i] = f(x, b[i]) }
                    } else if n > 0 {
                        Tensor.stridedZip(outShape, a, Tensor.broadcastStrides(shape, to: outShape),
                                          b, Tensor.broadcastStrides(other.shape, to: outShape), o, f)
                    }
                }
            }
            initialized = n
        }
        return Tensor(shape: outShape, storage: out)
    }

    @inline(__always)
    static func stridedZip(_ outShape: [Int], _ a: UnsafeBufferPointer<Double>, _ sa: [Int],
                           _ b: UnsafeBufferPointer<Double>, _ sb: [Int],
                           _ o: UnsafeMutableBufferPointer<Double>, _ f: (Double, Double) -> Double) {
        let r = outShape.count
        let inner = outShape[r - 1], ia = sa[r - 1], ib = sb[r - 1]
        var counter = [Int](repeating: 0, count: r - 1)
        var offA = 0, offB = 0, w = 0
        let total = o.count
        while w < total {
            var pa = offA, pb = offB
            for _ in 0..<inner { o[w] = f(a[pa], b[pb]); pa += ia; pb += ib; w += 1 }
            var axis = r - 2
            while axis >= 0 {
                counter[axis] += 1; offA += sa[axis]; offB += sb[axis]
                if counter[axis] < outShape[axis] { break }
                offA -= sa[axis] * outShape[axis]; offB -= sb[axis] * outShape[axis]
                counter[axis] = 0; axis -= 1
            }
        }
    }
}
