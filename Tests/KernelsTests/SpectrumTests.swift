import Foundation
import Kernels
import LinearAlgebra
import Networks
import Testing
import TestSupport

/// Largest |1 − |⟨u_i, v_i⟩|| over the first k columns (sign-free vector agreement).
private func vectorMismatch(_ a: Matrix, _ b: Matrix, _ k: Int) -> Double {
    (0..<k).map { j in 1 - abs(dot(a.column(j), b.column(j))) }.max() ?? 0
}

@Suite("spectra")
struct SpectrumTests {
    @Test("gram spectrum equals the dense full decomposition (values and vectors)")
    func gramMatchesDense() throws {
        let (model, x) = try smallTMS(features: 6, hidden: 3, samples: 12)
        let gram = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, route: .gram))
        let dense = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, route: .jacobian))
        let reference = try SymmetricEigen.all(try dense.matrix())
        let s = try gram.spectrum(top: 10)
        #expect(s.method == .gram)
        for i in 0..<10 {
            let d = relativeDifference(reference.values[i], s.values[i])
            #expect(d < 1e-10, report("λ\(i)", d, 1e-10))
        }
        let v = vectorMismatch(reference.vectors, s.vectors, 10)
        #expect(v < 1e-8, report("vectors", v, 1e-8))
        #expect(s.numericalRank() == min(gram.rankBound, reference.values.filter { $0 > 1e-10 * reference.values[0] }.count))
    }

    @Test("eigen residuals ‖Kv − λv‖ are small and vectors orthonormal for every method")
    func residuals() throws {
        let (model, x) = try smallModularMLP(p: 7, width: 16)
        let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace))
        for method in [SpectrumMethod.direct, .iterative] {
            let s = try k.spectrum(top: 12, method: method)
            let r = try s.residualNorms().max()!
            #expect(r < 1e-8 * s.values[0], "\(method): residual \(r), λ0 \(s.values[0])")
            let gram = try s.vectors.multiplied(by: s.vectors, .transpose)
            let off = matrixDifference(gram, Matrix.identity(12))
            #expect(off < 1e-10, report("\(method) orthonormality", off, 1e-10))
        }
    }

    @Test("extending a spectrum gives the same pairs as asking for all of them at once")
    func incrementalAgrees() throws {
        let (tms, xt) = try smallTMS(features: 6, hidden: 3, samples: 12)
        let (mlp, xm) = try smallModularMLP(p: 7, width: 16)
        let cases: [(EmpiricalNTK, SpectrumMethod)] = [
            (try EmpiricalNTK(model: tms, inputs: xt, options: KernelOptions(view: .flat)), .gram),
            (try EmpiricalNTK(model: mlp, inputs: xm, options: KernelOptions(view: .trace)), .direct),
            (try EmpiricalNTK(model: mlp, inputs: xm, options: KernelOptions(view: .trace)), .iterative),
        ]
        for (kernel, method) in cases {
            let grown = try kernel.spectrum(top: 3, method: method)
            try grown.extend(to: 9)
            let once = try kernel.spectrum(top: 9, method: method)
            let full = try SymmetricEigen.all(try kernel.matrix())
            #expect(grown.count >= 9)
            for i in 0..<9 {
                let d = relativeDifference(full.values[i], grown.values[i])
                #expect(d < 1e-9, report("\(method) λ\(i) grown", d, 1e-9))
                let e = relativeDifference(once.values[i], grown.values[i])
                #expect(e < 1e-9, report("\(method) λ\(i) once", e, 1e-9))
            }
            let (_, v) = try grown.top(9)
            let mismatch = vectorMismatch(full.vectors, v, 9)
            #expect(mismatch < 1e-7, report("\(method) vectors", mismatch, 1e-7))
        }
    }

    @Test("a warm start from the previous eigenvectors needs fewer products")
    func warmStart() throws {
        let (model, x) = try smallModularMLP(p: 17, width: 32)
        let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace))
        let cold = try k.spectrum(top: 8, method: .iterative)
        let warm = try k.spectrum(top: 8, method: .iterative, start: cold.vectors)
        #expect(warm.products < cold.products, "warm \(warm.products) vs cold \(cold.products)")
        let d = maxRelativeDifference(cold.values, warm.values)
        #expect(d < 1e-9, report("values", d, 1e-9))
    }

    @Test("cliffs are the largest consecutive ratios, skipping the zero tail")
    func cliffsOnSyntheticValues() {
        let values = [100, 90, 80, 10, 9, 8, 1, 0.9, 1e-14, 1e-15]
        let c = cliffs(of: values, limit: 2)
        #expect(c == [Cliff(after: 3, ratio: 8), Cliff(after: 6, ratio: 8)])
        #expect(cliffs(of: [5], limit: 3).isEmpty)
        #expect(c[0].description == "after 3 (×8)")
    }

    @Test("a flat eigenvector reshapes to samples × outputs, channel-major")
    func gridReshape() throws {
        let (model, x) = try smallTMS()
        let s = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat)).spectrum(top: 2)
        let g = try s.grid(1)
        let v = try s.vector(1)
        #expect(g.rows == x.rows && g.cols == model.outputSize)
        #expect(g[3, 2] == v[2 * x.rows + 3])
    }

    @Test("the relative ridge shifts eigenvalues by ridge · mean diagonal and nothing else")
    func ridgeShift() throws {
        let (model, x) = try smallTMS()
        let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace))
        let plain = try k.spectrum(top: 4)
        let ridged = try k.spectrum(top: 4, ridge: 1e-3)
        let diag = try k.diagonal
        let shift = 1e-3 * diag.reduce(0, +) / Double(diag.count)
        for i in 0..<4 {
            let d = relativeDifference(plain.values[i] + shift, ridged.values[i])
            #expect(d < 1e-12, report("λ\(i)", d, 1e-12))
        }
    }

    @Test("the iterative method stops at a safe point when asked")
    func interruption() throws {
        let (model, x) = try smallModularMLP(p: 17, width: 32)
        let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace))
        #expect(throws: LinearAlgebraError.self) { try k.spectrum(top: 8, method: .iterative, shouldStop: { true }) }
    }

    @Test("an off-diagonal pair view has no spectrum")
    func asymmetricRefused() throws {
        let (model, x) = try smallTMS()
        let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .pair(0, 1)))
        #expect(throws: KernelError.self) { try k.spectrum(top: 2) }
    }
}
