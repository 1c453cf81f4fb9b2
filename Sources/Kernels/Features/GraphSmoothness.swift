import LinearAlgebra

/// Graph Laplacians on the p×p torus of input pairs (a, b), data index a·p + b (SCIENCE.md §3).
/// With S(dx, dy) the shift (a, b) ↦ (a+dx, b+dy) mod p:
/// - alongA  = kron(L1d, I) = 2I − S(+1,0) − S(−1,0)   (variation along a)
/// - alongB  = kron(I, L1d) = 2I − S(0,+1) − S(0,−1)   (variation along b)
/// - alongSum  = 2I − S(+1,+1) − S(−1,−1)
/// - alongDiff = 2I − S(+1,−1) − S(−1,+1)
/// where L1d = 2I − shift(+1) − shift(−1) is the cycle Laplacian on Z_p. Applied matrix-free
/// (5 entries per row), so p = 113 (N = 12,769) costs O(N·k) per block.
public enum CycleLaplacian: String, CaseIterable, Sendable {
    case alongA = "a", alongB = "b", alongSum = "sum", alongDiff = "diff"

    var step: (Int, Int) {
        switch self {
        case .alongA: return (1, 0)
        case .alongB: return (0, 1)
        case .alongSum: return (1, 1)
        case .alongDiff: return (1, -1)
        }
    }

    /// L·M for an N×k block M, N = p².
    public func apply(_ m: Matrix, p: Int) throws -> Matrix {
        guard m.rows == p * p else {
            throw KernelError.shapeMismatch("a laplacian on Z_\(p)² acts on \(p * p) rows, got a \(m.rows)×\(m.cols) block")
        }
        let (dx, dy) = step
        var out = Matrix(rows: m.rows, cols: m.cols)
        for a in 0..<p {
            for b in 0..<p {
                let i = a * p + b
                let up = ((a + dx) % p + p) % p * p + ((b + dy) % p + p) % p
                let down = ((a - dx) % p + p) % p * p + ((b - dy) % p + p) % p
                for j in 0..<m.cols { out[i, j] = 2 * m[i, j] - m[up, j] - m[down, j] }
            }
        }
        return out
    }

    /// The dense N×N Laplacian (for inspection and tests; O(N²) memory).
    public func dense(p: Int) throws -> Matrix {
        try apply(Matrix.identity(p * p), p: p)
    }
}

/// Which pair of Laplacians separates which cliff.
public enum SmoothnessStage: Sendable {
    /// Cliff 1 (the a/b modes): first alongA, then alongB.
    case cliff1
    /// Cliff 2 (the sum/diff modes): first alongSum, then alongDiff.
    case cliff2
    /// Any two Laplacians.
    case custom(CycleLaplacian, CycleLaplacian)

    var laplacians: (CycleLaplacian, CycleLaplacian) {
        switch self {
        case .cliff1: return (.alongA, .alongB)
        case .cliff2: return (.alongSum, .alongDiff)
        case .custom(let l1, let l2): return (l1, l2)
        }
    }
}

/// The two-stage graph-smoothness rotation of a degenerate eigenvector block C (N×k) into
/// single-frequency atoms (SCIENCE.md §3): Q = qr(C); eigh(Qᵀ L1 Q) ascending → Q1 = Q V1;
/// with H = Q1[:, :k/2], eigh(Hᵀ L2 H) ascending → Q2 = H V2; result [Q2 | Q1[:, k/2:]].
/// Still an orthonormal basis of span C. Cost: a thin QR, two k×k eigensolves, O(N·k²).
public func smoothnessRotation(_ block: Matrix, stage: SmoothnessStage, p: Int) throws -> Matrix {
    guard block.rows == p * p else {
        throw KernelError.shapeMismatch("block is \(block.rows)×\(block.cols) but p = \(p) needs \(p * p) rows")
    }
    guard block.cols >= 2 else { throw KernelError.invalidArgument("rotation needs a block of at least 2 vectors, got \(block.cols)") }
    let (l1, l2) = stage.laplacians
    let q = try Factorization.qr(block).q
    let q1 = try q.multiplied(by: try ascendingEigenvectors(q.multiplied(by: l1.apply(q, p: p), .transpose)))
    let k = block.cols, half = k / 2
    let h = columns(q1, 0..<half)
    let q2 = try h.multiplied(by: try ascendingEigenvectors(h.multiplied(by: l2.apply(h, p: p), .transpose)))
    var out = Matrix(rows: block.rows, cols: k)
    for i in 0..<block.rows {
        for j in 0..<half { out[i, j] = q2[i, j] }
        for j in half..<k { out[i, j] = q1[i, j] }
    }
    return out
}

/// Eigenvectors of a small symmetric matrix in ascending eigenvalue order (symmetrised first).
func ascendingEigenvectors(_ m: Matrix) throws -> Matrix {
    var s = m
    for i in 0..<m.rows { for j in 0..<m.cols { s[i, j] = 0.5 * (m[i, j] + m[j, i]) } }
    let pairs = try SymmetricEigen.all(s)
    return reversedColumns(pairs.vectors)
}

func reversedColumns(_ m: Matrix) -> Matrix {
    var out = m
    for i in 0..<m.rows { for j in 0..<m.cols { out[i, j] = m[i, m.cols - 1 - j] } }
    return out
}

/// Phase-insensitive correlation of atoms with a family's frequencies (SCIENCE.md §3):
/// entry [k−1, j] = sqrt(⟨ĉos_k, â_j⟩² + ⟨ŝin_k, â_j⟩²), hats = unit columns. Shape K × atoms.
public func phaseInsensitiveCorrelation(_ atoms: Matrix, family: FourierFamily, p: Int,
                                        pairs: [(a: Int, b: Int)]? = nil) throws -> Matrix {
    let f = normalised(try family.matrix(p: p, pairs: pairs))
    guard f.rows == atoms.rows else {
        throw KernelError.shapeMismatch("atoms are \(atoms.rows)×\(atoms.cols) but the \(family.rawValue) family has \(f.rows) rows")
    }
    let dots = try f.multiplied(by: normalised(atoms), .transpose)   // 2K × atoms
    let kMax = f.cols / 2
    var out = Matrix(rows: kMax, cols: atoms.cols)
    for k in 0..<kMax {
        for j in 0..<atoms.cols {
            out[k, j] = (dots[2 * k, j] * dots[2 * k, j] + dots[2 * k + 1, j] * dots[2 * k + 1, j]).squareRoot()
        }
    }
    return out
}
