import Foundation
import Testing
import LinearAlgebra
import TestSupport

@Suite("Tridiagonal reduction, eigenvectors on demand")
struct TridiagonalEigenTests {
    let spectrum = TestMatrices.decayingSpectrum

    @Test("every eigenvalue; vectors in pieces: residuals, orthonormality, agreement with dsyevd")
    func piecesAgreeWithTheFullDecomposition() throws {
        let a = try TestMatrices.withSpectrum(spectrum, seed: 3)
        let reduced = try TridiagonalEigen(a)
        let all = try SymmetricEigen.all(a)
        let expected = spectrum.sorted(by: >)
        #expect(maxRelativeDifference(expected, reduced.values) < 1e-12)
        // The first 30 pairs, then 30..<50 asked for later (as `Spectrum.extend` does).
        let first = try reduced.pairs(0..<30), later = try reduced.pairs(30..<50)
        #expect(first.values == Array(reduced.values[0..<30]) && later.values == Array(reduced.values[30..<50]))
        for (pairs, offset) in [(first, 0), (later, 30)] {
            let residual = try TestMatrices.relativeResidual(a, pairs, norm: 10)
            #expect(residual < 1e-10, "‖Av − λv‖/‖A‖ = \(residual), tolerance 1e-10")
            for i in 0..<pairs.count {
                let overlap = abs(dot(pairs.vector(i), all.vector(offset + i)))
                #expect(abs(overlap - 1) < 1e-10, "vector \(offset + i): |⟨u, u_dsyevd⟩| = \(overlap)")
            }
        }
        let both = Matrix(rows: 120, cols: 50, storage: (0..<120).flatMap { r in
            (0..<30).map { first.vectors[r, $0] } + (0..<20).map { later.vectors[r, $0] }
        })
        let orth = try TestMatrices.orthonormalityError(both)
        #expect(orth < 1e-12, "the two pieces together: ‖VᵀV − I‖max = \(orth)")
    }

    @Test("a degenerate plateau: residuals stay small; bad input is refused as by dsyevd")
    func plateauAndBadInput() throws {
        let k = TestMatrices.plateauKernel(n: 300)
        let reduced = try TridiagonalEigen(k)
        let pairs = try reduced.pairs(0..<80)
        let residual = try TestMatrices.relativeResidual(k, pairs, norm: pairs.values[0])
        #expect(residual < 1e-10, "‖Kv − λv‖/‖K‖ = \(residual), tolerance 1e-10")
        #expect(try TestMatrices.orthonormalityError(pairs.vectors) < 1e-12)
        var bad = k
        bad[3, 4] = .nan
        #expect(throws: LinearAlgebraError.self) { try TridiagonalEigen(bad) }
        #expect(throws: LinearAlgebraError.self) { try TridiagonalEigen(Matrix(rows: 3, cols: 4)) }
    }
}
