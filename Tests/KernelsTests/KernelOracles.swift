import Foundation
import Kernels
import LinearAlgebra
import Networks
import Tensors
import TestSupport

/// Central-difference Jacobian (N·C × P, sample-major row n·C + c) from `forward` alone:
/// the independent oracle for every route.
func finiteDifferenceJacobian(_ model: any DifferentiableModel, _ x: Matrix, step h: Double = 1e-5) -> Matrix {
    let n = x.rows, c = model.outputSize, p = model.parameterCount
    var j = Matrix(rows: n * c, cols: p)
    let base = model.parameters
    for k in 0..<p {
        var plus = base, minus = base
        plus[k] += h; minus[k] -= h
        model.parameters = plus
        let fp = model.forward(x)
        model.parameters = minus
        let fm = model.forward(x)
        for r in 0..<(n * c) { j[r, k] = (fp.storage[r] - fm.storage[r]) / (2 * h) }
    }
    model.parameters = base
    return j
}

/// The view's matrix from an explicit sample-major Jacobian, by the definitions with loops
/// (K4[n, n', c, d] = Σ_p s_c J[nC+c, p] s_d J[n'C+d, p]).
func explicitView(_ j: Matrix, samples n: Int, outputs c: Int, view: KernelView, scales: [Double]? = nil) -> Matrix {
    let s = scales ?? [Double](repeating: 1, count: c)
    func k4(_ a: Int, _ b: Int, _ ca: Int, _ cb: Int) -> Double {
        var t = 0.0
        for p in 0..<j.cols { t += j[a * c + ca, p] * j[b * c + cb, p] }
        return s[ca] * s[cb] * t
    }
    switch view {
    case .flat:
        var k = Matrix(rows: n * c, cols: n * c)
        for a in 0..<n { for b in 0..<n { for ca in 0..<c { for cb in 0..<c { k[ca * n + a, cb * n + b] = k4(a, b, ca, cb) } } } }
        return k
    case .trace:
        var k = Matrix(rows: n, cols: n)
        for a in 0..<n { for b in 0..<n { k[a, b] = (0..<c).reduce(0) { $0 + k4(a, b, $1, $1) } / Double(c) } }
        return k
    case .mean:
        var k = Matrix(rows: n, cols: n)
        for a in 0..<n { for b in 0..<n {
            var t = 0.0
            for ca in 0..<c { for cb in 0..<c { t += k4(a, b, ca, cb) } }
            k[a, b] = t / Double(c * c)
        } }
        return k
    case .pair(let c1, let c2):
        var k = Matrix(rows: n, cols: n)
        for a in 0..<n { for b in 0..<n { k[a, b] = k4(a, b, c1, c2) } }
        return k
    }
}

/// max |a − b| / max |a|, with a readable report.
func matrixDifference(_ a: Matrix, _ b: Matrix) -> Double {
    guard a.rows == b.rows, a.cols == b.cols else { return .infinity }
    return maxRelativeDifference(a.storage, b.storage)
}

func report(_ what: String, _ observed: Double, _ tolerance: Double) -> Comment {
    Comment(rawValue: "\(what): relative difference \(observed), tolerance \(tolerance)")
}

/// A small TMS with nonzero bias and a few Adam steps, so every ReLU branch is exercised.
func smallTMS(features: Int = 5, hidden: Int = 3, samples: Int = 7, steps: Int = 20, seed: UInt64 = 1) throws -> (TMSModel, Matrix) {
    let model = try TMSModel(features: features, hidden: hidden, sparsity: 0.3, seed: seed)
    var g = RandomGenerator(seed: seed + 100)
    let data = try Dataset.tms(samples: samples, features: features, sparsity: 0.3, generator: &g)
    try train(model, data, steps: steps, optimizer: try .adam(lr: 1e-2))
    return (model, data.inputs)
}

/// A small modular MLP on all p² inputs.
func smallModularMLP(p: Int = 5, width: Int = 8, seed: UInt64 = 2) throws -> (ModularMLP, Matrix) {
    let model = try ModularMLP(p: p, width: width, seed: seed)
    let task = try ModularArithmetic(p: p, seed: seed)
    return (model, task.allInputs)
}

/// A deterministic pseudo-random n×k matrix.
func randomMatrix(_ n: Int, _ k: Int, seed: UInt64) -> Matrix {
    var g = RandomGenerator(seed: seed)
    return Matrix(rows: n, cols: k, storage: (0..<(n * k)).map { _ in g.nextNormal() })
}

import Testing

/// Every operation of `kernel` against `reference` (a dense jacobian-route kernel): entries,
/// blocks, K·V and the diagonal first (so a kernel that forms its matrix lazily is checked
/// without it), then the matrix and the top eigenpairs (values against dsyevd, vectors by residuals).
func expectSameKernel(_ kernel: EmpiricalNTK, _ reference: EmpiricalNTK, _ what: String) throws {
    let n = reference.dimension
    let e = relativeDifference(try kernel.entry(n - 1, 2), try reference.entry(n - 1, 2))
    #expect(e < 1e-10, report("\(what) entry", e, 1e-10))
    let b = matrixDifference(try kernel.block(rows: 3..<9, cols: 1..<n), try reference.block(rows: 3..<9, cols: 1..<n))
    #expect(b < 1e-10, report("\(what) block", b, 1e-10))
    let v = randomMatrix(n, 4, seed: 9)
    let a = matrixDifference(try kernel.apply(v), try reference.apply(v))
    #expect(a < 1e-10, report("\(what) K·V", a, 1e-10))
    let g = maxRelativeDifference(try kernel.diagonal, try reference.diagonal)
    #expect(g < 1e-10, report("\(what) diagonal", g, 1e-10))
    let d = matrixDifference(try kernel.matrix(), try reference.matrix())
    #expect(d < 1e-10, report("\(what) matrix", d, 1e-10))
    let s = try kernel.spectrum(top: 8)
    let expected = try SymmetricEigen.all(try reference.matrix())
    let values = maxRelativeDifference(s.values, Array(expected.values.prefix(8)))
    #expect(values < 1e-10, report("\(what) eigenvalues", values, 1e-10))
    let residual = try s.residualNorms().max()! / expected.values[0]
    #expect(residual < 1e-10, report("\(what) residual", residual, 1e-10))
}
