import Testing
import LinearAlgebra
import TestSupport

@Suite("QR, SVD and positive-definite solves")
struct FactorizationTests {
    let a = TestMatrices.pseudoRandom(40, 12, seed: 11)

    @Test("qr reconstructs A, Q has orthonormal columns, R is upper triangular with a non-negative diagonal")
    func qr() throws {
        let (q, r) = try Factorization.qr(a)
        #expect(q.rows == 40 && q.cols == 12 && r.rows == 12 && r.cols == 12)
        let back = TestMatrices.relativeDistance(a, try q.multiplied(by: r))
        #expect(back < 1e-13, "‖QR − A‖max/‖A‖max = \(back), tolerance 1e-13")
        let orth = try TestMatrices.orthonormalityError(q)
        #expect(orth < 1e-13, "‖QᵀQ − I‖max = \(orth), tolerance 1e-13")
        for i in 0..<12 {
            #expect(r[i, i] >= 0)
            for j in 0..<i { #expect(r[i, j] == 0) }
        }
        #expect(throws: LinearAlgebraError.self) { try Factorization.qr(a.transposed) }
    }

    @Test("orthonormalBasis spans the columns of A")
    func basis() throws {
        let q = try Factorization.orthonormalBasis(a)
        // A lies in span(Q): (I − QQᵀ)A = 0.
        let projected = try q.multiplied(by: try q.multiplied(by: a, .transpose, .none))
        let distance = TestMatrices.relativeDistance(a, projected)
        #expect(distance < 1e-13, "‖QQᵀA − A‖max/‖A‖max = \(distance), tolerance 1e-13")
    }

    @Test("svd reconstructs A (tall and wide) and its values match singularValues and eigenvalues of AᵀA")
    func svd() throws {
        for m in [a, a.transposed] {
            let (u, s, vt) = try Factorization.svd(m)
            let r = min(m.rows, m.cols)
            #expect(u.rows == m.rows && u.cols == r && s.count == r && vt.rows == r && vt.cols == m.cols)
            var us = u
            for i in 0..<u.rows { for j in 0..<r { us[i, j] *= s[j] } }
            let back = TestMatrices.relativeDistance(m, try us.multiplied(by: vt))
            #expect(back < 1e-13, "‖UΣVᵀ − A‖max/‖A‖max = \(back), tolerance 1e-13")
            #expect(try TestMatrices.orthonormalityError(u) < 1e-13)
            #expect(try TestMatrices.orthonormalityError(vt.transposed) < 1e-13)
            let values = try Factorization.singularValues(m)
            #expect(maxRelativeDifference(s, values) < 1e-13)
            // Independent route: σ² are the eigenvalues of the Gram matrix.
            let gram = try SymmetricEigen.top(m.gram(m.rows >= m.cols ? .transpose : .none), count: r)
            let squared = s.map { $0 * $0 }
            let error = maxRelativeDifference(gram.values, squared)
            #expect(error < 1e-12, "σ² vs eig(AᵀA): relative error \(error), tolerance 1e-12")
        }
    }

    @Test("solvePositiveDefinite: small residual for an SPD system, typed error otherwise")
    func solve() throws {
        var spd = a.gram(.transpose)
        for i in 0..<12 { spd[i, i] += 1 }
        let b = TestMatrices.pseudoRandom(12, 3, seed: 12)
        let x = try Factorization.solvePositiveDefinite(spd, b)
        let residual = TestMatrices.relativeDistance(b, try spd.multiplied(by: x))
        #expect(residual < 1e-13, "‖AX − B‖max/‖B‖max = \(residual), tolerance 1e-13")

        let indefinite = try TestMatrices.withSpectrum([3, 2, -1, 0.5], seed: 13)
        #expect(throws: LinearAlgebraError.self) {
            try Factorization.solvePositiveDefinite(indefinite, Matrix(rows: 4, cols: 1, repeating: 1))
        }
        do {
            _ = try Factorization.solvePositiveDefinite(Matrix(rows: 2, cols: 2, storage: [1, 0, 0, -1]),
                                                        Matrix(rows: 2, cols: 1, repeating: 1))
            Issue.record("expected notPositiveDefinite")
        } catch let error as LinearAlgebraError {
            #expect(error == .notPositiveDefinite(order: 2))
        }
        #expect(throws: LinearAlgebraError.self) { try Factorization.solvePositiveDefinite(spd, Matrix(rows: 5, cols: 1)) }
    }

    @Test("NaN input is refused by every factorization")
    func nonFinite() throws {
        let bad = TestMatrices.poisoned(a)
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dgeqrf")) { try Factorization.qr(bad) }
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dgeqrf")) { try Factorization.orthonormalBasis(bad) }
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dgesdd")) { try Factorization.svd(bad) }
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dgesdd")) { try Factorization.singularValues(bad) }
        let spd = Matrix.identity(3)
        let rhs = Matrix(rows: 3, cols: 1, repeating: 1)
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dposv")) {
            try Factorization.solvePositiveDefinite(TestMatrices.poisoned(spd), rhs)
        }
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dposv")) {
            try Factorization.solvePositiveDefinite(spd, TestMatrices.poisoned(rhs))
        }
    }
}
