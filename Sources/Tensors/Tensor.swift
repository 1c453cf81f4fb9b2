import LinearAlgebra

/// An n-dimensional array of Doubles, row-major (C order), with value semantics.
///
/// Storage is a `[Double]`, so copies are copy-on-write: `let b = a` costs nothing until one
/// of them is mutated. Every tensor is contiguous; slicing copies (tensors here are at most a
/// few hundred MB and contiguity keeps every BLAS call a single big call).
/// A 0-dimensional tensor (`shape == []`) holds one scalar.
public struct Tensor: Equatable, Sendable {
    /// Sizes along each axis; the product is `count`.
    public private(set) var shape: [Int]
    /// Elements in row-major order.
    public internal(set) var storage: [Double]

    /// A tensor over `storage` with the given `shape`; the element counts must agree.
    public init(shape: [Int], storage: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(Tensor.elementCount(shape) == storage.count,
                     "shape \(shape) needs \(Tensor.elementCount(shape)) elements, got \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Double) {
        self.init(shape: shape, storage: [Double](repeating: value, count: Tensor.elementCount(shape)))
    }

    /// A 0-d tensor holding `value`.
    public init(scalar value: Double) { self.init(shape: [], storage: [value]) }

    /// A 1-d tensor of `values`.
    public init(_ values: [Double]) { self.init(shape: [values.count], storage: values) }

    /// A rank-2 tensor sharing a matrix's storage.
    public init(_ matrix: Matrix) { self.init(shape: [matrix.rows, matrix.cols], storage: matrix.storage) }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { storage.count }
    /// The single element of a one-element tensor, nil otherwise.
    public var scalar: Double? { storage.count == 1 ? storage[0] : nil }

    /// Row-major strides in elements: stride[i] = Π shape[i+1...].
    public var strides: [Int] { Tensor.strides(for: shape) }

    /// This rank-2 tensor as a matrix (shares storage); nil for other ranks.
    public var matrix: Matrix? {
        rank == 2 ? Matrix(rows: shape[0], cols: shape[1], storage: storage) : nil
    }

    /// Element at a full multi-index (no negative indices; see `Tensor+Indexing` for those).
    public subscript(_ index: Int...) -> Double {
        get { storage[flatIndex(index)] }
        set { storage[flatIndex(index)] = newValue }
    }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor? {
        Tensor.elementCount(newShape) == count ? Tensor(shape: newShape, storage: storage) : nil
    }

    func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "index \(index) does not match rank \(rank)")
        var flat = 0
        for (i, n) in zip(index, shape) {
            precondition(i >= 0 && i < n, "index \(index) out of bounds for shape \(shape)")
            flat = flat * n + i
        }
        return flat
    }

    /// Π shape, checked against overflow (returns Int.max on overflow so callers refuse it).
    public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return Int.max }
            n = p
        }
        return n
    }

    static func strides(for shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) { s[i] = acc; acc *= shape[i] }
        return s
    }
}
