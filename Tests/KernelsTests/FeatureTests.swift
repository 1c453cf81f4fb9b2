import Foundation
import Kernels
import LinearAlgebra
import Networks
import Testing
import TestSupport

@Suite("feature tools")
struct FeatureTests {
    @Test("fourier families are N × 2⌊p/2⌋ with orthogonal columns of norm² p²/2")
    func fourierShapes() throws {
        for family in FourierFamily.allCases where family != .axisSum && family != .axisDiff {
            let f = try family.matrix(p: 29)
            #expect(f.rows == 841 && f.cols == 28)
            let g = try f.multiplied(by: f, .transpose)
            let expected = Matrix(rows: 28, cols: 28, storage: Matrix.identity(28).storage.map { $0 * 841 / 2 })
            let d = matrixDifference(g, expected)
            #expect(d < 1e-10, report("\(family.rawValue) gram", d, 1e-10))
        }
        let a = try FourierFamily.a.matrix(p: 29), b = try FourierFamily.b.matrix(p: 29)
        let axis = try FourierFamily.axisSum.matrix(p: 29)
        #expect(axis[100, 3] == a[100, 3] + b[100, 3])
        #expect(abs(a[2 * 29 + 5, 0] - cos(2 * Double.pi * 2 / 29)) < 1e-15)
    }

    @Test("a block spanned by a family has overlap 28 with it and 0 with an orthogonal family")
    func overlapSanity() throws {
        let sum = try FourierFamily.sum.matrix(p: 29)
        let block = try sum.multiplied(by: randomMatrix(28, 28, seed: 5))
        let full = try subspaceOverlap(block, family: sum)
        #expect(abs(full - 28) < 1e-9, "overlap \(full), expected 28")
        let none = try subspaceOverlap(block, family: try FourierFamily.a.matrix(p: 29))
        #expect(abs(none) < 1e-9, "overlap \(none), expected 0")
        let half = try subspaceOverlap(columns(of: sum, 0..<10), family: sum)
        #expect(abs(half - 10) < 1e-9, "overlap \(half), expected 10")
        let random = try subspaceOverlap(randomMatrix(841, 28, seed: 9), family: sum)
        #expect(random > 0 && random < 5, "random overlap \(random)")
    }

    @Test("laplacians are symmetric with zero row sums and constant null vector")
    func laplacians() throws {
        for l in CycleLaplacian.allCases {
            let d = try l.dense(p: 5)
            #expect(matrixDifference(d, d.transposed) == 0)
            for i in 0..<25 { #expect(abs(d.row(i).reduce(0, +)) < 1e-15) }
            #expect(d[0, 0] == 2)
        }
        // Along a: (a, b) and (a + 1, b) are neighbours.
        let la = try CycleLaplacian.alongA.dense(p: 5)
        #expect(la[0 * 5 + 2, 1 * 5 + 2] == -1 && la[0 * 5 + 2, 0 * 5 + 3] == 0)
    }

    @Test("the two-stage rotation splits a mixed a/b block into single-frequency atoms")
    func rotationSeparatesFrequencies() throws {
        let p = 13
        let fa = try FourierFamily.a.matrix(p: p), fb = try FourierFamily.b.matrix(p: p)
        var both = Matrix(rows: p * p, cols: fa.cols + fb.cols)
        for i in 0..<(p * p) { for j in 0..<fa.cols { both[i, j] = fa[i, j]; both[i, fa.cols + j] = fb[i, j] } }
        let mixed = try both.multiplied(by: randomMatrix(both.cols, both.cols, seed: 11))
        let atoms = try smoothnessRotation(mixed, stage: .cliff1, p: p)
        let orth = matrixDifference(try atoms.multiplied(by: atoms, .transpose), Matrix.identity(atoms.cols))
        #expect(orth < 1e-10, report("orthonormal atoms", orth, 1e-10))
        let ca = try phaseInsensitiveCorrelation(atoms, family: .a, p: p)
        let cb = try phaseInsensitiveCorrelation(atoms, family: .b, p: p)
        for j in 0..<atoms.cols {
            let best = max(ca.column(j).max()!, cb.column(j).max()!)
            #expect(best > 0.999, "atom \(j): best single-frequency correlation \(best)")
        }
    }

    @Test("the feature heatmap equals |Zᵀ E| of normalised indicators and eigenvectors")
    func heatmapMatchesIndicators() throws {
        let (model, x) = try smallTMS(features: 6, hidden: 3, samples: 10)
        let k = try EmpiricalNTK(model: model, inputs: x, options: KernelOptions(view: .flat, importance: model.importance, beta: 0.3))
        let s = try k.spectrum(top: 5)
        let z = FeatureIndicators.indicators(inputs: x)
        let expected = try z.multiplied(by: s.vectors, .transpose)
        let raw = try FeatureIndicators.heatmap(s, inputs: x, count: 5, columnNormalised: false)
        let d = matrixDifference(Matrix(rows: 6, cols: 5, storage: expected.storage.map(abs)), raw)
        #expect(d < 1e-12, report("heatmap", d, 1e-12))
        let normed = try FeatureIndicators.heatmap(s, inputs: x, count: 5)
        for i in 0..<5 { #expect(abs(normed.column(i).reduce(0) { $0 + $1 * $1 } - 1) < 1e-12) }
        let best = FeatureIndicators.bestMatches(raw)
        for i in 0..<5 { #expect(raw[best[i], i] == raw.column(i).max()!) }
    }
}

func columns(of m: Matrix, _ range: Range<Int>) -> Matrix {
    var out = Matrix(rows: m.rows, cols: range.count)
    for i in 0..<m.rows { for (k, j) in range.enumerated() { out[i, k] = m[i, j] } }
    return out
}
