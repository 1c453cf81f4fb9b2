import Testing
import LinearAlgebra
import TestSupport

@Suite("Matrix-free top-k eigen solver")
struct IterativeEigenTests {
    /// Solves with a dense GEMM operator and checks the answer against dsyevr on the same matrix:
    /// values, residuals against K itself, orthonormality and the spanned subspace.
    func checkAgainstDense(_ k: Matrix, count: Int, start: Matrix? = nil, compareSubspace: Bool = true,
                           label: String) throws -> IterativeEigenResult {
        let result = try IterativeEigen.top(count: count, dimension: k.rows, start: start) { try k.multiplied(by: $0) }
        let exact = try SymmetricEigen.top(k, count: count)
        let norm = exact.values[0]
        #expect(result.pairs.values.count == count && result.pairs.vectors.rows == k.rows && result.pairs.vectors.cols == count)
        let valueError = zip(exact.values, result.pairs.values).map { abs($0 - $1) / norm }.max() ?? 0
        #expect(valueError < 1e-10, "\(label): eigenvalues vs dsyevr, error \(valueError) of λmax, tolerance 1e-10")
        let residual = try TestMatrices.relativeResidual(k, result.pairs, norm: norm)
        #expect(residual < 1e-9, "\(label): ‖Kv − λv‖/‖K‖ = \(residual), tolerance 1e-9")
        let reported = (result.residuals.max() ?? 0) / norm
        #expect(reported <= 1e-10, "\(label): reported residual \(reported), tolerance 1e-10")
        let orth = try TestMatrices.orthonormalityError(result.pairs.vectors)
        #expect(orth < 1e-10, "\(label): ‖VᵀV − I‖max = \(orth), tolerance 1e-10")
        if compareSubspace {
            let distance = try TestMatrices.projectorDistance(result.pairs.vectors, exact.vectors)
            #expect(distance < 1e-8, "\(label): ‖P_iter − P_dsyevr‖max = \(distance), tolerance 1e-8")
        }
        return result
    }

    @Test("agrees with dsyevr on a PSD matrix with a decaying spectrum")
    func decaying() throws {
        let k = TestMatrices.decayingPSD(n: 400, cols: 60, seed: 21)
        let result = try checkAgainstDense(k, count: 10, label: "decaying n=400 k=10")
        #expect(result.iterations > 0 && result.products > 10)
    }

    @Test("eNTK-like plateau of 40 nearly equal values then a cliff: k inside and k across the plateau")
    func plateau() throws {
        let k = TestMatrices.plateauKernel(n: 600)
        // k = 20 cuts the plateau (degenerate cos/sin pairs): compare values and residuals; the
        // 20-dimensional subspace is not unique there.
        _ = try checkAgainstDense(k, count: 20, compareSubspace: false, label: "plateau k=20")
        // k = 41 ends at the cliff: the subspace is well defined and must match.
        _ = try checkAgainstDense(k, count: 41, label: "plateau k=41")
    }

    @Test("expansions narrower than k (block 4 for k = 10) reach the same pairs, with progress reported")
    func narrowBlocks() throws {
        let k = TestMatrices.decayingPSD(n: 400, cols: 60, seed: 24)
        var reports: [IterativeEigenProgress] = []
        let narrow = try IterativeEigen.top(count: 10, dimension: 400, block: 4, progress: { reports.append($0) }) { try k.multiplied(by: $0) }
        let exact = try SymmetricEigen.top(k, count: 10)
        let valueError = zip(exact.values, narrow.pairs.values).map { abs($0 - $1) / exact.values[0] }.max() ?? 1
        #expect(valueError < 1e-10, "block 4: eigenvalue error \(valueError) of λmax, tolerance 1e-10")
        let distance = try TestMatrices.projectorDistance(narrow.pairs.vectors, exact.vectors)
        #expect(distance < 1e-8, "block 4: ‖P_iter − P_dsyevr‖max = \(distance), tolerance 1e-8")
        #expect((narrow.relativeResiduals.max() ?? 1) <= 1e-10)
        #expect(reports.count == narrow.iterations + 1 && reports.last!.converged == 10)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.products < $1.products })
    }

    @Test("a warm start near the answer takes fewer operator products than a cold start")
    func warmStart() throws {
        let k = TestMatrices.decayingPSD(n: 400, cols: 60, seed: 22)
        let cold = try checkAgainstDense(k, count: 10, label: "cold")
        let exact = try SymmetricEigen.top(k, count: 10)
        var start = exact.vectors
        let noise = TestMatrices.pseudoRandom(400, 10, seed: 23)
        for i in 0..<start.storage.count { start.storage[i] += 1e-4 * noise.storage[i] }
        let warm = try checkAgainstDense(k, count: 10, start: start, label: "warm")
        #expect(warm.products < cold.products, "warm \(warm.products) products, cold \(cold.products)")
        #expect(warm.iterations < cold.iterations, "warm \(warm.iterations) iterations, cold \(cold.iterations)")
    }

    @Test("small n and k close to n take the dense route")
    func smallDense() throws {
        let k = try TestMatrices.withSpectrum((0..<30).map { 1 / Double(1 + $0) }, seed: 24)
        let small = try checkAgainstDense(k, count: 5, label: "n=30 k=5")
        #expect(small.iterations == 0 && small.products == 30)
        let full = try checkAgainstDense(k, count: 30, label: "n=30 k=30")
        #expect(full.pairs.values.count == 30)
    }

    @Test("the dense matrix and the Krylov basis are refused over the budget before the first product")
    func budgeted() throws {
        let k = TestMatrices.decayingPSD(n: 400, cols: 60, seed: 25)
        var calls = 0
        for count in [10, 400] {
            #expect(throws: AllocationRefused.self) {
                try AllocationBudget.withLimit(100_000) {
                    _ = try IterativeEigen.top(count: count, dimension: 400) { block in
                        calls += 1
                        return try k.multiplied(by: block)
                    }
                }
            }
        }
        #expect(calls == 0)
    }

    @Test("shouldStop interrupts at a safe point")
    func interrupted() throws {
        let k = TestMatrices.decayingPSD(n: 400, cols: 60, seed: 25)
        var calls = 0
        #expect(throws: LinearAlgebraError.interrupted(routine: "the iterative eigen solve")) {
            _ = try IterativeEigen.top(count: 10, dimension: 400, shouldStop: { calls >= 2 }) { block in
                calls += 1
                return try k.multiplied(by: block)
            }
        }
        #expect(calls == 2)
    }

    @Test("exhausting maxIterations reports noConvergence with the residual reached")
    func noConvergence() throws {
        let k = TestMatrices.plateauKernel(n: 600)
        do {
            _ = try IterativeEigen.top(count: 20, dimension: 600, maxIterations: 1) { try k.multiplied(by: $0) }
            Issue.record("expected noConvergence")
        } catch LinearAlgebraError.noConvergence(let routine, let detail) {
            #expect(routine == "IterativeEigen.top")
            #expect(detail.contains("residual"), "detail: \(detail)")
        }
    }

    @Test("NaN in the start block or the operator output is a typed error")
    func nonFinite() throws {
        let k = TestMatrices.decayingPSD(n: 400, cols: 60, seed: 26)
        let start = TestMatrices.poisoned(TestMatrices.pseudoRandom(400, 3, seed: 27))
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "IterativeEigen.top")) {
            _ = try IterativeEigen.top(count: 3, dimension: 400, start: start) { try k.multiplied(by: $0) }
        }
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "IterativeEigen.top (operator output)")) {
            _ = try IterativeEigen.top(count: 3, dimension: 400) { TestMatrices.poisoned(try k.multiplied(by: $0)) }
        }
    }

    @Test("bad requests and operators of the wrong shape are typed errors")
    func badRequests() throws {
        let k = Matrix.identity(50)
        #expect(throws: LinearAlgebraError.self) { _ = try IterativeEigen.top(count: 0, dimension: 50) { $0 } }
        #expect(throws: LinearAlgebraError.self) { _ = try IterativeEigen.top(count: 51, dimension: 50) { $0 } }
        #expect(throws: LinearAlgebraError.self) {
            _ = try IterativeEigen.top(count: 2, dimension: 50, start: Matrix(rows: 49, cols: 2)) { try k.multiplied(by: $0) }
        }
        #expect(throws: LinearAlgebraError.self) {
            _ = try IterativeEigen.top(count: 2, dimension: 50) { Matrix(rows: $0.rows, cols: $0.cols + 1) }
        }
    }
}

@Suite("Matrix-free top-k eigen solver at scale")
struct IterativeEigenScaleTests {
    @Test("n = 2000 plateau kernel, k = 60: agrees with dsyevr", .enabled(if: heavyTestsEnabled))
    func plateauAtScale() throws {
        let k = TestMatrices.plateauKernel(n: 2000)
        let result = try IterativeEigen.top(count: 60, dimension: 2000) { try k.multiplied(by: $0) }
        let exact = try SymmetricEigen.top(k, count: 60)
        let norm = exact.values[0]
        let valueError = zip(exact.values, result.pairs.values).map { abs($0 - $1) / norm }.max() ?? 0
        #expect(valueError < 1e-10, "eigenvalues vs dsyevr, error \(valueError) of λmax, tolerance 1e-10")
        let residual = try TestMatrices.relativeResidual(k, result.pairs, norm: norm)
        #expect(residual < 1e-9, "‖Kv − λv‖/‖K‖ = \(residual), tolerance 1e-9")
        // The top 41 (isolated value + plateau) end at the cliff: same subspace as dsyevr.
        var iterative41 = Matrix(rows: 2000, cols: 41), exact41 = iterative41
        for i in 0..<2000 { for j in 0..<41 { iterative41[i, j] = result.pairs.vectors[i, j]; exact41[i, j] = exact.vectors[i, j] } }
        let distance = try TestMatrices.projectorDistance(iterative41, exact41)
        #expect(distance < 1e-8, "‖P_iter − P_dsyevr‖max (top 41) = \(distance), tolerance 1e-8")
    }
}
