/// A dense row-major matrix of Doubles: element (i, j) lives at `storage[i * cols + j]`.
///
/// Row-major matches `Tensor` so the two convert without copying (the `[Double]` is shared
/// copy-on-write). BLAS is called with `CblasRowMajor`; LAPACK routines that only exist
/// column-major are fed the transpose or, for symmetric input, the matrix itself.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    public var storage: [Double]

    /// A matrix over existing row-major storage; `storage.count` must equal `rows * cols`.
    public init(rows: Int, cols: Int, storage: [Double]) {
        precondition(rows >= 0 && cols >= 0 && storage.count == rows * cols,
                     "Matrix storage has \(storage.count) elements, expected \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.init(rows: rows, cols: cols, storage: [Double](repeating: value, count: rows * cols))
    }

    /// The identity of size `n`.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.storage[i * n + i] = 1 }
        return m
    }

    public subscript(i: Int, j: Int) -> Double {
        get { storage[i * cols + j] }
        set { storage[i * cols + j] = newValue }
    }

    /// The transpose, as a new matrix (O(rows·cols)).
    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        storage.withUnsafeBufferPointer { src in
            t.storage.withUnsafeMutableBufferPointer { dst in
                for i in 0..<rows { for j in 0..<cols { dst[j * rows + i] = src[i * cols + j] } }
            }
        }
        return t
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] { Array(storage[(i * cols)..<((i + 1) * cols)]) }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] { (0..<rows).map { storage[$0 * cols + j] } }

    /// Frobenius norm √(Σ a_ij²).
    public var frobeniusNorm: Double { dot(storage, storage).squareRoot() }
}
