import Foundation
import LinearAlgebra

/// The Fourier power of a token embedding along its token axis (SCIENCE.md §4, "Key
/// frequencies"): for an embedding E whose first p rows are the tokens 0 … p−1 (d columns),
///
///     P_k = (1/d) Σ_j |Σ_t E[t, j] e^{−2πi k t/p}|²,   k = 0 … ⌊p/2⌋,
///
/// the author's `(fft(W_E[:p], dim=0).abs()**2).mean(dim=1)` (P_{p−k} = P_k for a real E, so
/// only k ≤ ⌊p/2⌋ is kept; P_0 is the power of the token mean). A transformer that has learned
/// modular addition concentrates its embedding on a few "key" frequencies.
///
/// **The rule.** Frequency k ∈ 1 … ⌊p/2⌋ is key when P_k ≥ `threshold` × the mean of
/// P_1 … P_⌊p/2⌋ (default threshold 2: twice the power an even spread would give each frequency).
/// The key frequencies are returned in increasing order; when none passes (an untrained, flat
/// embedding), the single strongest frequency is returned alone, so the list is never empty.
/// Cost: O(p² d).
public struct EmbeddingFourierPower: Sendable {
    /// The modulus: the number of token rows transformed.
    public let p: Int
    /// P_k for k = 0 … ⌊p/2⌋ (index = frequency).
    public let power: [Double]

    /// The power of the first `p` rows of `embedding` (tokens × d); `p` defaults to all rows.
    public init(embedding: Matrix, p: Int? = nil) throws {
        let p = p ?? embedding.rows
        guard p >= 3 else { throw KernelError.invalidArgument("key frequencies need p ≥ 3 token rows, got \(p)") }
        guard p <= embedding.rows else {
            throw KernelError.invalidArgument("p = \(p) but the embedding has only \(embedding.rows) token rows")
        }
        guard embedding.cols > 0 else { throw KernelError.invalidArgument("the embedding has no columns") }
        self.p = p
        var power = [Double](repeating: 0, count: p / 2 + 1)
        for k in 0...(p / 2) {
            var total = 0.0
            for j in 0..<embedding.cols {
                var re = 0.0, im = 0.0
                for t in 0..<p {
                    let angle = 2 * Double.pi * Double(k * t % p) / Double(p)
                    re += embedding[t, j] * cos(angle)
                    im -= embedding[t, j] * sin(angle)
                }
                total += re * re + im * im
            }
            power[k] = total / Double(embedding.cols)
        }
        self.power = power
    }

    /// The mean of P_1 … P_⌊p/2⌋, the reference of the rule.
    public var meanNonzeroPower: Double {
        let nonzero = power.dropFirst()
        return nonzero.reduce(0, +) / Double(nonzero.count)
    }

    /// The key frequencies: every k ≥ 1 with P_k ≥ threshold × `meanNonzeroPower`, ascending;
    /// the strongest k alone (the lowest on a tie) when none passes.
    public func keyFrequencies(threshold: Double = 2) -> [Int] {
        let bar = threshold * meanNonzeroPower
        let passing = (1...(p / 2)).filter { power[$0] >= bar && power[$0] > 0 }
        if !passing.isEmpty { return passing }
        let strongest = (1...(p / 2)).max { power[$0] < power[$1] || (power[$0] == power[$1] && $0 > $1) } ?? 1
        return [strongest]
    }
}
