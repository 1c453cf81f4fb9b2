/// The reductions over one axis or over all elements.
/// - sum Σx, mean Σx/n (NaN for an empty axis), norm √(Σx²) (the L2 norm);
/// - max, min and their positions argmax, argmin (first occurrence; NaN wins, as in numpy).
public enum Reduction: String, CaseIterable, Sendable {
    case sum, mean, max, min, argmax, argmin, norm
}

extension Tensor {
    /// Reduces along `axis` (negative counts from the end) or over all elements when `axis` is
    /// nil, like numpy. With `keepdims` the reduced axis stays with size 1. Over all elements,
    /// argmax/argmin give the row-major flat position. Throws for a bad axis, or for
    /// max/min/argmax/argmin over an empty axis. Cost: one pass over the elements.
    public func reduced(_ kind: Reduction, axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        let outer: Int, n: Int, inner: Int
        var outShape: [Int]
        if let axis {
            let a = try Tensor.normalized(axis: axis, rank: rank, kind.rawValue)
            outer = Tensor.elementCount(Array(shape[..<a]))
            n = shape[a]
            inner = Tensor.elementCount(Array(shape[(a + 1)...]))
            outShape = shape
            if keepdims { outShape[a] = 1 } else { outShape.remove(at: a) }
        } else {
            (outer, n, inner) = (1, count, 1)
            outShape = keepdims ? [Int](repeating: 1, count: rank) : []
        }
        let m = outer * inner
        if n == 0 {
            switch kind {
            case .sum, .norm: return Tensor(shape: outShape, repeating: 0)
            case .mean: return Tensor(shape: outShape, repeating: .nan)
            default:
                throw TensorError.invalidArgument(operation: kind.rawValue,
                    detail: "cannot reduce an empty axis of shape \(Tensor.describe(shape: shape))")
            }
        }
        var acc = [Double](repeating: 0, count: m)
        var arg = [Int](repeating: 0, count: m)
        storage.withUnsafeBufferPointer { x in
            acc.withUnsafeMutableBufferPointer { acc in
                arg.withUnsafeMutableBufferPointer { arg in
                    for o in 0..<outer {
                        let row = o * n * inner, out = o * inner
                        switch kind {
                        case .sum, .mean:
                            for j in 0..<n { for i in 0..<inner { acc[out + i] += x[row + j * inner + i] } }
                        case .norm:
                            for j in 0..<n { for i in 0..<inner { let v = x[row + j * inner + i]; acc[out + i] += v * v } }
                        case .max, .argmax, .min, .argmin:
                            let wantMax = kind == .max || kind == .argmax
                            for i in 0..<inner { acc[out + i] = x[row + i] }
                            for j in 1..<Swift.max(n, 1) {
                                for i in 0..<inner {
                                    let v = x[row + j * inner + i], best = acc[out + i]
                                    if best.isNaN { continue }
                                    if v.isNaN || (wantMax ? v > best : v < best) { acc[out + i] = v; arg[out + i] = j }
                                }
                            }
                        }
                    }
                }
            }
        }
        let values: [Double]
        switch kind {
        case .sum, .max, .min: values = acc
        case .mean: values = acc.map { $0 / Double(n) }
        case .norm: values = acc.map { $0.squareRoot() }
        case .argmax, .argmin: values = arg.map(Double.init)
        }
        return Tensor(shape: outShape, storage: values)
    }

    /// Σx along `axis` (all elements when nil).
    public func sum(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor { try reduced(.sum, axis: axis, keepdims: keepdims) }
    /// Σx/n along `axis`.
    public func mean(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor { try reduced(.mean, axis: axis, keepdims: keepdims) }
    /// Largest element along `axis` (NaN if any is NaN).
    public func max(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor { try reduced(.max, axis: axis, keepdims: keepdims) }
    /// Smallest element along `axis` (NaN if any is NaN).
    public func min(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor { try reduced(.min, axis: axis, keepdims: keepdims) }
    /// Position of the first largest element along `axis`.
    public func argmax(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor { try reduced(.argmax, axis: axis, keepdims: keepdims) }
    /// Position of the first smallest element along `axis`.
    public func argmin(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor { try reduced(.argmin, axis: axis, keepdims: keepdims) }
    /// √(Σx²) along `axis`.
    public func norm(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor { try reduced(.norm, axis: axis, keepdims: keepdims) }
}
