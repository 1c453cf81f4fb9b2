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
            try expectSameKernel(gram, try EmpiricalNTK(model: model, inputs: x, options: o), "tms \(groups ?? ["all"]) β=\(beta)")
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
            try expectSameKernel(gram, dense, "mlp \(sizes) \(groups ?? ["all"])")
        }
    }
}
