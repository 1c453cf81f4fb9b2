import Foundation
import LinearAlgebra

/// The Fourier families of modular arithmetic on Z_p (SCIENCE.md §3). For inputs (a, b), each
/// family is an N × 2K array, K = ⌊p/2⌋, with columns cos(2πk v/p), sin(2πk v/p) for k = 1 … K
/// (columns 2(k−1) and 2(k−1)+1), v the family's variable:
/// a, b, sum (a+b), diff (a−b), 2a, 2b; axisSum = F_a + F_b, axisDiff = F_a − F_b.
/// Restricted to chosen frequencies k₁, k₂, … (the key frequencies of a transformer), the
/// family keeps only their columns, in the order given: cos, sin of k₁, then of k₂, … — the
/// author's `build_fourier_features(labels, p, k)` with k offset by one (its k = [0, 11] is
/// frequencies 1 and 12).
public enum FourierFamily: String, CaseIterable, Sendable {
    case a, b, sum, diff
    case twoA = "2a", twoB = "2b"
    case axisSum = "axis_sum", axisDiff = "axis_diff"

    /// The family's N × 2K matrix for the given pairs (default: all p² pairs, index a·p + b);
    /// with `frequencies` [k₁, …, k_m] (each in 1 … ⌊p/2⌋, no repeats) the N × 2m matrix of
    /// those frequencies only, columns 2j and 2j + 1 holding cos and sin of k_j.
    public func matrix(p: Int, pairs: [(a: Int, b: Int)]? = nil, frequencies: [Int]? = nil) throws -> Matrix {
        guard p >= 3 else { throw KernelError.invalidArgument("fourier families need p ≥ 3, got \(p)") }
        let list = pairs ?? allPairs(p: p)
        let ks = frequencies ?? Array(1...(p / 2))
        guard !ks.isEmpty else { throw KernelError.invalidArgument("the list of frequencies is empty") }
        for k in ks where k < 1 || k > p / 2 {
            throw KernelError.invalidArgument("frequency \(k) is outside 1…\(p / 2) for p = \(p)")
        }
        guard Set(ks).count == ks.count else { throw KernelError.invalidArgument("frequencies \(ks) repeat a frequency") }
        switch self {
        case .axisSum, .axisDiff:
            let fa = try FourierFamily.a.matrix(p: p, pairs: list, frequencies: ks)
            let fb = try FourierFamily.b.matrix(p: p, pairs: list, frequencies: ks)
            let sign = self == .axisSum ? 1.0 : -1.0
            return Matrix(rows: fa.rows, cols: fa.cols, storage: zip(fa.storage, fb.storage).map { $0 + sign * $1 })
        default:
            var m = Matrix(rows: list.count, cols: 2 * ks.count)
            for (i, pair) in list.enumerated() {
                let v = variable(pair.a, pair.b, p)
                for (j, k) in ks.enumerated() {
                    let angle = 2 * Double.pi * Double(k * v % p) / Double(p)
                    m[i, 2 * j] = cos(angle)
                    m[i, 2 * j + 1] = sin(angle)
                }
            }
            return m
        }
    }

    /// The variable v of a single-variable family, reduced mod p.
    func variable(_ a: Int, _ b: Int, _ p: Int) -> Int {
        let v: Int
        switch self {
        case .a: v = a
        case .b: v = b
        case .sum: v = a + b
        case .diff: v = a - b
        case .twoA: v = 2 * a
        case .twoB: v = 2 * b
        case .axisSum, .axisDiff: v = 0
        }
        return ((v % p) + p) % p
    }
}

/// All p² pairs in data order, index i = a·p + b.
public func allPairs(p: Int) -> [(a: Int, b: Int)] {
    (0..<(p * p)).map { ($0 / p, $0 % p) }
}
