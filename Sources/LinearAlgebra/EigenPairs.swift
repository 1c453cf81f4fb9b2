/// Eigenpairs of a symmetric n×n matrix, largest first.
///
/// `values[i]` pairs with column i of `vectors` (n × k, row-major): A·v_i = λ_i·v_i with
/// ‖v_i‖ = 1 and λ_0 ≥ λ_1 ≥ … ≥ λ_{k−1}. The sign of each vector is LAPACK's (arbitrary).
public struct EigenPairs: Equatable, Sendable {
    /// Eigenvalues in descending order.
    public var values: [Double]
    /// n × k, column i is the unit eigenvector of `values[i]`.
    public var vectors: Matrix

    public init(values: [Double], vectors: Matrix) {
        self.values = values
        self.vectors = vectors
    }

    /// Number of pairs k.
    public var count: Int { values.count }

    /// Eigenvector i as an array of length n (a strided copy of column i).
    public func vector(_ i: Int) -> [Double] { vectors.column(i) }
}
