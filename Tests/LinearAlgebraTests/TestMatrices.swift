import Foundation
import LinearAlgebra

/// Deterministic test matrices. LinearAlgebraTests cannot see Tensors' `RandomGenerator`, so the
/// entries come from a fixed SplitMix64 hash of (seed, index): reproducible, well spread in [−½, ½).
enum TestMatrices {
    static func hashed(_ seed: UInt64, _ index: Int) -> Double {
        var z = (seed &* 0x9E37_79B9_7F4A_7C15) &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53) - 0.5
    }

    /// A rows × cols matrix of hashed entries.
    static func pseudoRandom(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
        Matrix(rows: rows, cols: cols, storage: (0..<(rows * cols)).map { hashed(seed, $0) })
    }

    /// 120 simple eigenvalues, 10·0.93ⁱ − ½: a decaying spectrum with negative ones at its end,
    /// the known spectrum the dense eigen tests build their matrices from (`withSpectrum`).
    static let decayingSpectrum: [Double] = (0..<120).map { 10 * pow(0.93, Double($0)) - 0.5 }

    /// Q·diag(values)·Qᵀ with Q the orthogonal factor of a hashed square matrix: a symmetric
    /// matrix whose spectrum is known exactly (up to rounding in forming it).
    static func withSpectrum(_ values: [Double], seed: UInt64) throws -> Matrix {
        let n = values.count
        let q = try Factorization.qr(pseudoRandom(n, n, seed: seed)).q
        var scaled = q
        for i in 0..<n { for j in 0..<n { scaled[i, j] *= values[j] } }
        return symmetrised(try scaled.multiplied(by: q, .none, .transpose))
    }

    /// (A + Aᵀ)/2, removing the last-bit asymmetry GEMM leaves.
    static func symmetrised(_ a: Matrix) -> Matrix {
        var s = a
        for i in 0..<a.rows { for j in 0..<a.cols { s[i, j] = 0.5 * (a[i, j] + a[j, i]) } }
        return s
    }

    /// K = J·Jᵀ for an eNTK-like structured J (n × 71): one dominant constant column, 40 Fourier
    /// columns cos/sin(2π f i / n), f = 1…20, of nearly equal weight (exactly degenerate in
    /// cos/sin pairs, split by 1e-4 between frequencies), then 30 weak hashed columns. Spectrum:
    /// an isolated top eigenvalue, a plateau of 40, a cliff, a tail of 30, then zeros.
    static func plateauKernel(n: Int) -> Matrix {
        let p = 71
        var j = Matrix(rows: n, cols: p)
        for i in 0..<n {
            j[i, 0] = 3
            for f in 1...20 {
                let weight = 1 + 1e-4 * Double(f)
                let angle = 2 * Double.pi * Double(f * i) / Double(n)
                j[i, 2 * f - 1] = weight * cos(angle)
                j[i, 2 * f] = weight * sin(angle)
            }
            for c in 41..<p { j[i, c] = 0.2 * hashed(99, i * p + c) }
        }
        return j.gram(.none)
    }

    /// A PSD matrix B·Bᵀ/cols + diag(1/(1+i)) with a decaying spectrum (the benchmark matrix).
    static func decayingPSD(n: Int, cols: Int, seed: UInt64) -> Matrix {
        var b = pseudoRandom(n, cols, seed: seed)
        for i in 0..<n { for c in 0..<cols { b[i, c] *= 1 / Double(1 + c) } }
        var k = b.gram(.none)
        for i in 0..<n { k[i, i] += 1 / Double(1 + i) }
        return k
    }

    /// max_i ‖A·v_i − λ_i·v_i‖ / max|λ(A)|, with max|λ| estimated by the largest |value| given.
    static func relativeResidual(_ a: Matrix, _ pairs: EigenPairs, norm: Double) throws -> Double {
        let av = try a.multiplied(by: pairs.vectors)
        var worst = 0.0
        for i in 0..<pairs.count {
            var s = 0.0
            for r in 0..<a.rows {
                let d = av[r, i] - pairs.values[i] * pairs.vectors[r, i]
                s += d * d
            }
            worst = max(worst, s.squareRoot() / norm)
        }
        return worst
    }

    /// max |(VᵀV − I)_ij|, the loss of orthonormality of the columns of V.
    static func orthonormalityError(_ v: Matrix) throws -> Double {
        let g = try v.multiplied(by: v, .transpose, .none)
        var worst = 0.0
        for i in 0..<g.rows { for j in 0..<g.cols { worst = max(worst, abs(g[i, j] - (i == j ? 1 : 0))) } }
        return worst
    }

    /// ‖P_U − P_V‖_max for the orthogonal projectors onto the column spaces of U and V: zero when
    /// the two orthonormal blocks span the same subspace, whatever the basis inside it.
    static func projectorDistance(_ u: Matrix, _ v: Matrix) throws -> Double {
        let pu = try u.multiplied(by: u, .none, .transpose)
        let pv = try v.multiplied(by: v, .none, .transpose)
        return zip(pu.storage, pv.storage).map { abs($0 - $1) }.max() ?? 0
    }

    /// max |A − B| / max |A|.
    static func relativeDistance(_ a: Matrix, _ b: Matrix) -> Double {
        let scale = max(a.storage.map(abs).max() ?? 0, 1e-300)
        return (zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0) / scale
    }

    /// A copy of `m` with a NaN at its first element.
    static func poisoned(_ m: Matrix) -> Matrix {
        var p = m
        p.storage[0] = .nan
        return p
    }
}
