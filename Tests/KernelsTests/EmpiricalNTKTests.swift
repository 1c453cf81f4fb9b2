import Foundation
import Kernels
import LinearAlgebra
import Networks
import Testing
import TestSupport

private let views: [KernelView] = [.flat, .trace, .mean, .pair(1, 1), .pair(0, 2)]

@Suite("empirical NTK routes")
struct EmpiricalNTKTests {
    @Test("jacobian route equals J Jᵀ from finite differences in every view (TMS and modular MLP)")
    func jacobianMatchesFiniteDifferences() throws {
        let (tms, xt) = try smallTMS()
        let (mlp, xm) = try smallModularMLP(p: 3, width: 6)
        for (model, x) in [(tms as any DifferentiableModel, xt), (mlp, xm)] {
            let j = finiteDifferenceJacobian(model, x)
            for view in views {
                let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, route: .jacobian))
                let expected = explicitView(j, samples: x.rows, outputs: model.outputSize, view: view)
                let d = matrixDifference(try k.matrix(), expected)
                #expect(d < 1e-7, report("\(model.kind) \(view)", d, 1e-7))
            }
        }
    }

    @Test("gram and jacobian routes agree on TMS in every symmetric view")
    func gramAgreesWithJacobianOnTMS() throws {
        let (model, x) = try smallTMS(features: 6, hidden: 3, samples: 9)
        for view in views where view.isSymmetric {
            let dense = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, route: .jacobian))
            let gram = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, route: .gram))
            #expect(gram.isFactored && gram.route == .gram)
            let d = matrixDifference(try dense.matrix(), try gram.matrix())
            #expect(d < 1e-10, report("tms \(view)", d, 1e-10))
            let e = relativeDifference(try gram.entry(3, 5), try dense.entry(3, 5))
            #expect(e < 1e-10, report("entry", e, 1e-10))
            let b = matrixDifference(try gram.block(rows: 1..<4, cols: 2..<6), try dense.block(rows: 1..<4, cols: 2..<6))
            #expect(b < 1e-10, report("block", b, 1e-10))
        }
    }

    @Test("structured, gram and jacobian routes agree on the modular MLP, whole and per layer")
    func routesAgreeOnModularMLP() throws {
        let (model, x) = try smallModularMLP(p: 5, width: 8)
        for view in views where view != .flat {
            for groups in [nil, ["W1"], ["W2"]] as [[String]?] {
                let dense = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, groups: groups, route: .jacobian))
                let structured = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, groups: groups, route: .structured))
                let d = matrixDifference(try dense.matrix(), try structured.matrix())
                #expect(d < 1e-10, report("modmlp \(view) \(groups ?? ["all"]) structured", d, 1e-10))
                if view.isSymmetric {
                    let gram = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, groups: groups, route: .gram))
                    let g = matrixDifference(try dense.matrix(), try gram.matrix())
                    #expect(g < 1e-10, report("modmlp \(view) gram", g, 1e-10))
                }
            }
        }
    }

    @Test("structured route over several row tiles (N = 289) matches the jacobian route")
    func structuredTiles() throws {
        let (model, x) = try smallModularMLP(p: 17, width: 16)
        for view in [KernelView.trace, .pair(2, 5)] {
            let d = matrixDifference(try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, route: .jacobian)).matrix(),
                                     try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view, route: .structured)).matrix())
            #expect(d < 1e-10, report("modmlp p=17 \(view)", d, 1e-10))
        }
    }

    @Test("structured kernels answer entries, blocks, K·V and the diagonal before their matrix exists")
    func structuredOperator() throws {
        let (model, onehot) = try smallModularMLP(p: 7, width: 8)
        let dense = randomMatrix(30, 14, seed: 3)
        let importance = (0..<7).map { pow(0.8, Double($0)) }
        for (x, inputs) in [(onehot, "one-hot"), (dense, "dense")] {
            for view in [KernelView.trace, .mean, .pair(1, 1)] {
                for groups in [nil, ["W1"], ["W2"]] as [[String]?] {
                    var o = KernelOptions(view: view, groups: groups, importance: importance, beta: 0.5, route: .structured)
                    let structured = try EmpiricalNTK(model: model, inputs: x, options: o)
                    o.route = .jacobian
                    try expectSameKernel(structured, try EmpiricalNTK(model: model, inputs: x, options: o),
                                         "\(inputs) \(view) \(groups ?? ["all"])")
                }
            }
        }
    }

    @Test("structured route on dense inputs (W1 by tiles, not one-hot blocks) matches the jacobian route")
    func structuredDenseInputs() throws {
        let (model, _) = try smallModularMLP(p: 5, width: 8)
        let x = randomMatrix(30, 10, seed: 3)
        for view in [KernelView.trace, .mean, .pair(1, 3)] {
            for groups in [nil, ["W1"]] as [[String]?] {
                let o = KernelOptions(view: view, groups: groups, route: .jacobian)
                var s = o
                s.route = .structured
                let d = matrixDifference(try EmpiricalNTK(model: model, inputs: x, options: o).matrix(),
                                         try EmpiricalNTK(model: model, inputs: x, options: s).matrix())
                #expect(d < 1e-10, report("modmlp dense inputs \(view) \(groups ?? ["all"])", d, 1e-10))
            }
        }
    }

    @Test("structured route with importance rescaling matches the jacobian route")
    func structuredWithBeta() throws {
        let (model, x) = try smallModularMLP(p: 5, width: 8)
        let importance = (0..<5).map { pow(0.8, Double($0)) }
        for view in [KernelView.trace, .mean, .pair(1, 3)] {
            let o = KernelOptions(view: view, importance: importance, beta: 0.7, route: .jacobian)
            var s = o
            s.route = .structured
            let d = matrixDifference(try EmpiricalNTK(model: model, inputs: x, options: o).matrix(),
                                     try EmpiricalNTK(model: model, inputs: x, options: s).matrix())
            #expect(d < 1e-10, report("modmlp β \(view)", d, 1e-10))
        }
    }

    @Test("layer kernels sum to the full kernel")
    func layersSumToFull() throws {
        let (model, x) = try smallTMS()
        for view in [KernelView.flat, .trace] {
            let full = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view)).matrix()
            let layers = try EmpiricalNTK.byLayer(model: model, inputs: x, options: KernelOptions(view: view))
            #expect(layers.map(\.group) == ["W", "b"])
            var sum = Matrix(rows: full.rows, cols: full.cols)
            for (_, k) in layers { let m = try k.matrix(); for i in sum.storage.indices { sum.storage[i] += m.storage[i] } }
            let d = matrixDifference(full, sum)
            #expect(d < 1e-12, report("sum of layers \(view)", d, 1e-12))
        }
    }

    @Test("importance rescaling is D^{β/2} K D^{β/2} on the output index")
    func betaRescaling() throws {
        let (model, x) = try smallTMS()
        let n = x.rows, c = model.outputSize, beta = 0.3
        let plain = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat)).matrix()
        let scaled = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, importance: model.importance, beta: beta)).matrix()
        var expected = plain
        for i in 0..<(n * c) { for j in 0..<(n * c) {
            expected[i, j] *= pow(model.importance[i / n], beta / 2) * pow(model.importance[j / n], beta / 2)
        } }
        let d = matrixDifference(expected, scaled)
        #expect(d < 1e-12, report("β = 0.3", d, 1e-12))
    }

    @Test("auto picks gram for TMS flat, structured for the modular MLP trace, and says why")
    func autoRoute() throws {
        let (tms, xt) = try smallTMS(features: 5, hidden: 2, samples: 20)
        let k = try EmpiricalNTK(model: tms, inputs: xt, options: KernelOptions(view: .flat))
        #expect(k.route == .gram)
        #expect(k.routeReason.contains("rank"))
        let (mlp, xm) = try smallModularMLP()
        let m = try EmpiricalNTK(model: mlp, inputs: xm, options: KernelOptions(view: .trace))
        #expect(m.route == .structured)
        let (wide, xw) = try smallModularMLP(p: 5, width: 16)
        let flat = try EmpiricalNTK(model: wide, inputs: xw, options: KernelOptions(view: .flat))
        #expect(flat.route == .jacobian)
    }

    @Test("kernels are symmetric and positive semidefinite")
    func symmetricPSD() throws {
        let (model, x) = try smallModularMLP(p: 5, width: 8)
        for view in [KernelView.trace, .mean, .pair(2, 2)] {
            let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view)).matrix()
            var asym = 0.0
            for i in 0..<k.rows { for j in 0..<k.cols { asym = max(asym, abs(k[i, j] - k[j, i])) } }
            let scale = k.storage.map(abs).max()!
            #expect(asym <= 1e-13 * scale, "asymmetry \(asym) vs scale \(scale)")
            let lowest = try SymmetricEigen.all(k).values.last!
            #expect(lowest >= -1e-10 * scale, "lowest eigenvalue \(lowest), scale \(scale)")
        }
    }

    @Test("pairwise Jacobian blocks give the same kernel as the cached factor")
    func pairwiseBlocks() throws {
        let (model, x) = try smallModularMLP(p: 7, width: 64)
        let cached = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace, route: .jacobian))
        let lean = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .trace, route: .jacobian, memoryBudget: 5_000_000))
        #expect(lean.routeReason.contains("pairwise"), "reason: \(lean.routeReason)")
        let d = matrixDifference(try cached.matrix(), try lean.matrix())
        #expect(d < 1e-12, report("pairwise", d, 1e-12))
    }

    @Test("over the memory budget the kernel is refused with the bytes needed and a view that fits")
    func overBudget() throws {
        let (model, x) = try smallTMS(features: 20, hidden: 5, samples: 200)
        do {
            _ = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, route: .jacobian, memoryBudget: 8_000_000))
            Issue.record("expected overBudget")
        } catch let KernelError.overBudget(needed, budget, _, suggestion) {
            #expect(needed > budget && budget == 8_000_000)
            #expect(suggestion.contains("view"), "suggestion: \(suggestion)")
        }
        let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, memoryBudget: 8_000_000))
        #expect(k.route == .gram)
        #expect(throws: KernelError.self) { try k.matrix() }
    }

    @Test("cross kernels equal the off-diagonal block of the kernel on the joined inputs")
    func crossKernel() throws {
        let (model, x) = try smallTMS(samples: 9)
        let x1 = Matrix(rows: 4, cols: x.cols, storage: Array(x.storage[0..<(4 * x.cols)]))
        let x2 = Matrix(rows: 5, cols: x.cols, storage: Array(x.storage[(4 * x.cols)...]))
        for view in [KernelView.trace, .pair(0, 1)] {
            let whole = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: view))
            let cross = try EmpiricalNTK.cross(model: model, x1, x2, options: KernelOptions(view: view))
            let d = matrixDifference(try whole.block(rows: 0..<4, cols: 4..<9), cross)
            #expect(d < 1e-12, report("cross \(view)", d, 1e-12))
        }
        let flat = try EmpiricalNTK.cross(model: model, x1, x2, options: KernelOptions(view: .flat))
        let full = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat)).matrix()
        let c = model.outputSize
        var expected = Matrix(rows: 4 * c, cols: 5 * c)
        for ca in 0..<c { for a in 0..<4 { for cb in 0..<c { for b in 0..<5 {
            expected[ca * 4 + a, cb * 5 + b] = full[ca * 9 + a, cb * 9 + 4 + b]
        } } } }
        let d = matrixDifference(expected, flat)
        #expect(d < 1e-12, report("cross flat", d, 1e-12))
    }

    @Test("bad arguments are typed errors naming what was wrong")
    func badArguments() throws {
        let (model, x) = try smallTMS()
        #expect(throws: KernelError.self) { try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(groups: ["W9"])) }
        #expect(throws: KernelError.self) { try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .pair(0, 9))) }
        #expect(throws: KernelError.self) { try EmpiricalNTK(model: model, inputs: Matrix(rows: 2, cols: 3), options: KernelOptions()) }
        #expect(throws: KernelError.self) { try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(route: .structured)) }
        #expect(throws: KernelError.self) { try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .pair(0, 1), route: .gram)) }
        #expect(throws: KernelError.self) { try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(importance: [1, 2])) }
    }
}
