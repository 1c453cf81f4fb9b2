import Foundation
import Kernels
import LinearAlgebra
import Networks
import Testing
import TestSupport

/// The flat gram route holds TMS's Jacobian as layer traces (`TraceFactor`): every operation the
/// kernel offers must agree with the dense jacobian route, itself checked against finite
/// differences in EmpiricalNTKTests.
@Suite("gram route through layer traces")
struct TraceFactorTests {
    /// Every kernel operation of `gram` against the dense `dense`.
    func expectAgreement(_ gram: EmpiricalNTK, _ dense: EmpiricalNTK, _ what: String) throws {
        let n = dense.dimension
        let d = matrixDifference(try gram.matrix(), try dense.matrix())
        #expect(d < 1e-10, report("\(what) matrix", d, 1e-10))
        let e = relativeDifference(try gram.entry(n - 1, 2), try dense.entry(n - 1, 2))
        #expect(e < 1e-10, report("\(what) entry", e, 1e-10))
        let b = matrixDifference(try gram.block(rows: 3..<9, cols: 1..<n), try dense.block(rows: 3..<9, cols: 1..<n))
        #expect(b < 1e-10, report("\(what) block", b, 1e-10))
        let v = randomMatrix(n, 4, seed: 9)
        let a = matrixDifference(try gram.apply(v), try dense.apply(v))
        #expect(a < 1e-10, report("\(what) K·V", a, 1e-10))
        let g = maxRelativeDifference(gram.diagonal, dense.diagonal)
        #expect(g < 1e-10, report("\(what) diagonal", g, 1e-10))
        // Spectrum: gram values against dsyevd of the dense matrix; vectors by residuals.
        let s = try gram.spectrum(top: 8)
        let reference = try SymmetricEigen.all(try dense.matrix())
        let values = maxRelativeDifference(s.values, Array(reference.values.prefix(8)))
        #expect(values < 1e-10, report("\(what) eigenvalues", values, 1e-10))
        let residual = try s.residualNorms().max()! / reference.values[0]
        #expect(residual < 1e-10, report("\(what) residual", residual, 1e-10))
    }

    @Test("TMS flat kernel by layer traces: whole, per group, with β, against the jacobian route")
    func tmsAgrees() throws {
        let (model, x) = try smallTMS(features: 8, hidden: 3, samples: 12)
        let importance = (0..<8).map { pow(0.8, Double($0)) }
        for (groups, beta) in [(nil, 1.0), (["W"], 1.0), (["b"], 1.0), (["b", "W"], 1.0), (nil, 0.3)] as [([String]?, Double)] {
            var o = KernelOptions(view: .flat, groups: groups, importance: beta == 1 ? nil : importance, beta: beta, route: .gram)
            let gram = try EmpiricalNTK(model: model, inputs: x, options: o)
            // A single small group is cheaper as explicit rows; whole models take the traces.
            if groups?.count != 1 { #expect(gram.routeReason.contains("layer traces"), "\(groups ?? ["all"]): \(gram.routeReason)") }
            o.route = .jacobian
            try expectAgreement(gram, try EmpiricalNTK(model: model, inputs: x, options: o), "tms \(groups ?? ["all"]) β=\(beta)")
        }
    }

    @Test("deep MLP flat kernels by the gram route agree with the jacobian route, by traces and by explicit rows")
    func mlpAgrees() throws {
        // C = 5: traces are cheaper, also for a weight without its bias plus a bias without its
        // weight; C = 1: explicit rows are.
        let cases: [([Int], [String]?, Bool)] = [
            ([6, 8, 8, 5], nil, true), ([6, 8, 8, 5], ["layer1.bias", "layer0.weight"], true), ([3, 6, 1], nil, false),
        ]
        for (sizes, groups, traces) in cases {
            let model = try MLPModel(sizes: sizes, seed: 4)
            let x = randomMatrix(30, sizes[0], seed: 5)
            let gram = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, groups: groups, route: .gram))
            #expect(gram.routeReason.contains("layer traces") == traces, "\(sizes): \(gram.routeReason)")
            let dense = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, groups: groups, route: .jacobian))
            try expectAgreement(gram, dense, "mlp \(sizes) \(groups ?? ["all"])")
        }
    }
}
