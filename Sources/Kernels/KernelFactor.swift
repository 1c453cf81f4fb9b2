import LinearAlgebra

/// A factor A of a symmetric kernel K = A Aᵀ (n × F), as the gram route uses it: everything the
/// kernel offers (entries, blocks, products, the spectrum) comes from these four operations, so
/// the n×n matrix is never formed. Two forms exist: the explicit matrix (`Matrix`, built from
/// Jacobian rows) and the implicit `TraceFactor` (the model's dense-layer traces).
protocol KernelFactor {
    /// n, the side of the kernel.
    var rows: Int { get }
    /// F, the factor's width (the rank bound).
    var cols: Int { get }
    /// Bytes the factor holds.
    var heldBytes: Int { get }
    /// Rows `range` of A, explicitly (|range| × F).
    func rowBlock(_ range: Range<Int>) -> Matrix
    /// A·V for an F×k block V.
    func times(_ v: Matrix) throws -> Matrix
    /// Aᵀ·U for an n×k block U.
    func transposeTimes(_ u: Matrix) throws -> Matrix
    /// G = AᵀA (F×F), whose nonzero spectrum is K's.
    func gram() throws -> Matrix
}

extension Matrix: KernelFactor {
    var heldBytes: Int { MemoryBudget.matrixBytes(rows, cols) }
    func rowBlock(_ range: Range<Int>) -> Matrix { sliceRows(self, range) }
    func times(_ v: Matrix) throws -> Matrix { try multiplied(by: v) }
    func transposeTimes(_ u: Matrix) throws -> Matrix { try multiplied(by: u, .transpose) }
    func gram() throws -> Matrix { gram(.transpose) }
}
