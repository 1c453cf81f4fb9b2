import LinearAlgebra

/// An orthonormal basis of the column space of `m`: the left singular vectors whose singular
/// values exceed `relativeTolerance` · s_max (so a rank-deficient block yields fewer columns
/// instead of arbitrary ones).
public func orthonormalColumns(_ m: Matrix, relativeTolerance: Double = 1e-10) throws -> Matrix {
    guard m.rows > 0, m.cols > 0 else { return Matrix(rows: m.rows, cols: 0) }
    let (u, s, _) = try Factorization.svd(m)
    let top = s.first ?? 0
    let kept = s.prefix { $0 > relativeTolerance * top && $0 > 0 }.count
    return columns(u, 0..<kept)
}

/// Each column minus its mean over rows.
public func centredColumns(_ m: Matrix) -> Matrix {
    var out = m
    for j in 0..<m.cols {
        var mean = 0.0
        for i in 0..<m.rows { mean += m[i, j] }
        mean /= Double(m.rows)
        for i in 0..<m.rows { out[i, j] -= mean }
    }
    return out
}

/// Subspace overlap of a block of vectors with a feature family (SCIENCE.md §3):
/// Q = orthonormal basis of `block` (N × d), F = `family` with column means removed, then
/// orthonormalised, s = singular values of QᵀF, overlap = Σ s² ∈ [0, min(d, rank F)].
/// Σ s² = ‖QᵀF‖²_F because both bases are orthonormal. Cost: two thin SVDs and one GEMM.
public func subspaceOverlap(_ block: Matrix, family: Matrix) throws -> Double {
    guard block.rows == family.rows else {
        throw KernelError.shapeMismatch("block is \(block.rows)×\(block.cols) but family is \(family.rows)×\(family.cols); rows must match")
    }
    let q = try orthonormalColumns(block)
    let f = try orthonormalColumns(centredColumns(family))
    guard q.cols > 0, f.cols > 0 else { return 0 }
    let s = try Factorization.singularValues(try q.multiplied(by: f, .transpose))
    return s.reduce(0) { $0 + $1 * $1 }
}

extension Spectrum {
    /// Overlap of eigenvectors `range` (e.g. 57..<113) with a feature family (N × 2K).
    public func overlap(_ range: Range<Int>, family: Matrix) throws -> Double {
        try extend(to: range.upperBound)
        guard range.lowerBound >= 0, range.upperBound <= count, !range.isEmpty else {
            throw KernelError.invalidArgument("eigenvectors \(range.lowerBound)..<\(range.upperBound) are not available (\(count) held)")
        }
        return try subspaceOverlap(columns(vectors, range), family: family)
    }
}
