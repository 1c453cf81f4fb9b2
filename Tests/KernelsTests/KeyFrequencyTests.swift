import Foundation
import Kernels
import LinearAlgebra
import Tensors
import Testing
import TestSupport

@Suite("key frequencies and restricted Fourier families")
struct KeyFrequencyTests {
    /// The variable v of each single-variable family at (a, b), written out independently of
    /// `FourierFamily.variable`.
    static func variable(_ family: FourierFamily, _ a: Int, _ b: Int, _ p: Int) -> Int {
        let v: Int
        switch family {
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

    @Test("restricted families hold cos, sin 2πk·v/p for each chosen k, in the order given")
    func restrictedFamiliesMatchFormulas() throws {
        let p = 29, ks = [12, 1, 7]
        for family in FourierFamily.allCases {
            let f = try family.matrix(p: p, frequencies: ks)
            #expect(f.rows == p * p && f.cols == 2 * ks.count)
            var worst = 0.0
            for a in 0..<p {
                for b in 0..<p {
                    for (j, k) in ks.enumerated() {
                        func mode(_ v: Int) -> (Double, Double) {
                            let angle = 2 * Double.pi * Double(k) * Double(v) / Double(p)
                            return (cos(angle), sin(angle))
                        }
                        let expected: (Double, Double)
                        switch family {
                        case .axisSum, .axisDiff:
                            let s = family == .axisSum ? 1.0 : -1.0
                            let (ca, sa) = mode(a), (cb, sb) = mode(b)
                            expected = (ca + s * cb, sa + s * sb)
                        default:
                            expected = mode(Self.variable(family, a, b, p))
                        }
                        worst = max(worst, abs(f[a * p + b, 2 * j] - expected.0), abs(f[a * p + b, 2 * j + 1] - expected.1))
                    }
                }
            }
            #expect(worst < 1e-12, "\(family.rawValue): largest deviation \(worst) from the formula")
        }
    }

    @Test("a restricted family is the full family's columns at those frequencies; the overlap counts 2 per frequency")
    func restrictedFamilyIsColumnsOfTheFull() throws {
        let full = try FourierFamily.sum.matrix(p: 29)
        let kf = try FourierFamily.sum.matrix(p: 29, frequencies: [1, 12])
        for i in [0, 30, 500, 840] {
            #expect(kf[i, 0] == full[i, 0] && kf[i, 1] == full[i, 1])
            #expect(kf[i, 2] == full[i, 22] && kf[i, 3] == full[i, 23])
        }
        #expect(abs(try subspaceOverlap(kf, family: full) - 4) < 1e-9)
        #expect(abs(try subspaceOverlap(full, family: kf) - 4) < 1e-9)
        let other = try FourierFamily.sum.matrix(p: 29, frequencies: [2, 3])
        #expect(abs(try subspaceOverlap(kf, family: other)) < 1e-9)
        #expect(try FourierFamily.sum.matrix(p: 29, frequencies: nil) == full)
    }

    @Test("frequencies outside 1…⌊p/2⌋, repeated or none are refused")
    func badFrequencies() {
        #expect(throws: KernelError.self) { try FourierFamily.sum.matrix(p: 29, frequencies: [0]) }
        #expect(throws: KernelError.self) { try FourierFamily.sum.matrix(p: 29, frequencies: [15]) }
        #expect(throws: KernelError.self) { try FourierFamily.a.matrix(p: 29, frequencies: [3, 3]) }
        #expect(throws: KernelError.self) { try FourierFamily.axisSum.matrix(p: 29, frequencies: []) }
    }

    @Test("the power of a pure mode cos(2πk t/p + φ_j) is p²/4 at k and 0 elsewhere")
    func powerOfAPureMode() throws {
        let p = 29, d = 8, k = 5
        var e = Matrix(rows: p + 1, cols: d)   // one extra row: the "=" token, left out by p:
        for t in 0...p { for j in 0..<d { e[t, j] = cos(2 * Double.pi * Double(k * t) / Double(p) + 0.3 * Double(j)) } }
        let power = try EmbeddingFourierPower(embedding: e, p: p)
        #expect(power.power.count == p / 2 + 1)
        for q in 0...(p / 2) {
            let expected = q == k ? Double(p * p) / 4 : 0
            #expect(abs(power.power[q] - expected) < 1e-9, "P_\(q) = \(power.power[q]), expected \(expected)")
        }
        #expect(power.keyFrequencies() == [k])
    }

    @Test("the rule picks the frequencies a noisy embedding was built from, and the strongest when none stands out")
    func ruleOnAConstructedEmbedding() throws {
        // Frequencies 1, 7 and 12 at amplitudes 1, 0.8 and 0.6 with random phases, in 64
        // columns, plus N(0, 0.2²) noise: their powers (amplitude² · p²/4; the noise adds about
        // 1.2 at every frequency) are about 6.8×, 4.3× and 2.5× the mean over k = 1…14, so
        // threshold 8 passes none and the rule falls back to the strongest, k = 1.
        let p = 29, d = 64, keys: [(k: Int, amplitude: Double)] = [(1, 1), (7, 0.8), (12, 0.6)]
        var g = RandomGenerator(seed: 3)
        var e = Matrix(rows: p, cols: d)
        for j in 0..<d {
            let phases = keys.map { _ in 2 * Double.pi * g.nextUniform() }
            for t in 0..<p {
                var x = 0.2 * g.nextNormal()
                for (key, phase) in zip(keys, phases) { x += key.amplitude * cos(2 * Double.pi * Double(key.k * t) / Double(p) + phase) }
                e[t, j] = x
            }
        }
        let power = try EmbeddingFourierPower(embedding: e)
        #expect(power.keyFrequencies() == [1, 7, 12])
        #expect(power.keyFrequencies(threshold: 4) == [1, 7])
        #expect(power.keyFrequencies(threshold: 8) == [1])
        // A flat spectrum: white noise has no frequency at 100 × the mean: the strongest alone.
        let noise = Matrix(rows: p, cols: d, storage: (0..<(p * d)).map { _ in g.nextNormal() })
        let flat = try EmbeddingFourierPower(embedding: noise)
        let strongest = (1...(p / 2)).max { flat.power[$0] < flat.power[$1] }!
        #expect(flat.keyFrequencies(threshold: 100) == [strongest])
        #expect(throws: KernelError.self) { try EmbeddingFourierPower(embedding: e, p: 30) }
    }
}
