import Foundation
import Testing
import LinearAlgebra
import TestSupport

@Suite("Symmetric eigendecomposition")
struct SymmetricEigenTests {
    let spectrum = TestMatrices.decayingSpectrum

    @Test("all pairs: known spectrum, small residuals, orthonormal vectors, descending")
    func allPairs() throws {
        let a = try TestMatrices.withSpectrum(spectrum, seed: 1)
        let pairs = try SymmetricEigen.all(a)
        let expected = spectrum.sorted(by: >)
        #expect(pairs.values.count == 120 && pairs.vectors.rows == 120 && pairs.vectors.cols == 120)
        let valueError = maxRelativeDifference(expected, pairs.values)
        #expect(valueError < 1e-12, "eigenvalues: relative error \(valueError), tolerance 1e-12")
        #expect(zip(pairs.values, pairs.values.dropFirst()).allSatisfy { $0 >= $1 }, "not descending")
        let residual = try TestMatrices.relativeResidual(a, pairs, norm: 10)
        #expect(residual < 1e-10, "‖Kv − λv‖/‖K‖ = \(residual), tolerance 1e-10")
        let orth = try TestMatrices.orthonormalityError(pairs.vectors)
        #expect(orth < 1e-12, "‖VᵀV − I‖max = \(orth), tolerance 1e-12")
    }

    @Test("top-k: residuals, orthonormality, and agreement with all pairs")
    func topPairs() throws {
        let a = try TestMatrices.withSpectrum(spectrum, seed: 2)
        let all = try SymmetricEigen.all(a)
        for k in [1, 7, 120] {
            let top = try SymmetricEigen.top(a, count: k)
            #expect(top.values.count == k && top.vectors.rows == 120 && top.vectors.cols == k)
            let valueError = maxRelativeDifference(Array(all.values.prefix(k)), top.values)
            #expect(valueError < 1e-12, "k = \(k): eigenvalues relative error \(valueError), tolerance 1e-12")
            let residual = try TestMatrices.relativeResidual(a, top, norm: 10)
            #expect(residual < 1e-10, "k = \(k): ‖Kv − λv‖/‖K‖ = \(residual), tolerance 1e-10")
            let orth = try TestMatrices.orthonormalityError(top.vectors)
            #expect(orth < 1e-12, "k = \(k): ‖VᵀV − I‖max = \(orth), tolerance 1e-12")
            // Simple, well-separated eigenvalues: the vectors agree up to sign.
            for i in 0..<k {
                let overlap = abs(dot(top.vector(i), all.vector(i)))
                #expect(abs(overlap - 1) < 1e-10, "k = \(k), vector \(i): |⟨top, all⟩| = \(overlap), expected 1, tolerance 1e-10")
            }
        }
    }

    @Test("degenerate plateau + cliff spectrum of an eNTK-like J·Jᵀ: residuals stay small")
    func plateau() throws {
        let k = TestMatrices.plateauKernel(n: 300)
        let pairs = try SymmetricEigen.top(k, count: 45)
        let norm = pairs.values[0]
        let residual = try TestMatrices.relativeResidual(k, pairs, norm: norm)
        #expect(residual < 1e-10, "‖Kv − λv‖/‖K‖ = \(residual), tolerance 1e-10")
        // Structure: one isolated value 9n, a plateau of 40 near n/2, then a cliff.
        #expect(relativeDifference(pairs.values[0], 9 * 300) < 0.05)
        #expect(pairs.values[1...40].allSatisfy { abs($0 / 150 - 1) < 0.05 }, "plateau: \(pairs.values[1...40])")
        #expect(pairs.values[41] < 0.2 * pairs.values[40], "no cliff after the plateau: \(pairs.values[40]) → \(pairs.values[41])")
    }

    @Test("NaN or infinity is refused by all and top")
    func nonFinite() throws {
        let a = TestMatrices.poisoned(try TestMatrices.withSpectrum([3, 2, 1], seed: 3))
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dsyevd")) { try SymmetricEigen.all(a) }
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dsyevr")) { try SymmetricEigen.top(a, count: 1) }
        var inf = Matrix.identity(3)
        inf[1, 2] = .infinity
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dsyevd")) { try SymmetricEigen.all(inf) }
    }

    @Test("non-square, non-symmetric and out-of-range k are typed errors")
    func badRequests() throws {
        #expect(throws: LinearAlgebraError.self) { try SymmetricEigen.all(Matrix(rows: 2, cols: 3)) }
        var skew = Matrix.identity(3)
        skew[0, 2] = 1
        #expect(throws: LinearAlgebraError.self) { try SymmetricEigen.all(skew) }
        #expect(throws: LinearAlgebraError.self) { try SymmetricEigen.top(Matrix.identity(3), count: 0) }
        #expect(throws: LinearAlgebraError.self) { try SymmetricEigen.top(Matrix.identity(3), count: 4) }
        #expect(try SymmetricEigen.all(Matrix(rows: 0, cols: 0)).values.isEmpty)
    }

    @Test("asymmetry: max |a_ij − a_ji| / max |a_ij|, wherever the worst pair sits")
    func asymmetryMeasure() throws {
        for n in [0, 1, 2, 31, 32, 33, 70] {
            let a = TestMatrices.symmetrised(TestMatrices.pseudoRandom(n, n, seed: UInt64(n)))
            #expect(a.asymmetry == 0, "n = \(n)")
            for (i, j) in [(0, n - 1), (n / 2, n / 3), (n - 1, n - 2), (n / 3, n - 1)] where n > 1 && i != j {
                var b = a
                b[i, j] += 0.25
                var worst = 0.0, scale = 0.0
                for r in 0..<n { for c in 0..<n { worst = max(worst, abs(b[r, c] - b[c, r])); scale = max(scale, abs(b[r, c])) } }
                #expect(b.asymmetry == worst / scale, "n = \(n), entry (\(i), \(j))")
            }
        }
        #expect(Matrix(rows: 2, cols: 3).asymmetry == .infinity)
    }

    @Test("dsyevd size limit: refused above 32,766 before anything is allocated")
    func sizeLimit() throws {
        let limit = SymmetricEigen.fullDecompositionLimit
        #expect(limit == 32_766)
        // Independent check of the workspace formula lwork = 1 + 6n + 2n² against Int32.
        #expect(1 + 6 * limit + 2 * limit * limit <= Int(Int32.max))
        #expect(1 + 6 * (limit + 1) + 2 * (limit + 1) * (limit + 1) > Int(Int32.max))
        try SymmetricEigen.checkFullDecompositionSize(limit)
        #expect(throws: LinearAlgebraError.sizeTooLarge(routine: "dsyevd", n: 32_767, limit: 32_766)) {
            try SymmetricEigen.checkFullDecompositionSize(32_767)
        }
    }
}
