import CKernels
import Foundation
import Networks
import Tensors
import Testing

/// The C elementwise kernels against their formulas written out in Swift, bit for bit (`==` on
/// the raw bits), out of place and in place. That every instruction set gives the same bits is
/// checked by `scripts/test`, which builds the kernels once per set (scripts/lib/elementwise-probe.c).
@Suite("Elementwise kernels")
struct ElementwiseKernelTests {
    static func random(_ n: Int, seed: UInt64, scale: Double = 2) -> [Double] {
        var g = RandomGenerator(seed: seed)
        return (0..<n).map { _ in scale * g.nextNormal() }
    }

    static func bits(_ a: [Double]) -> [UInt64] { a.map(\.bitPattern) }

    @Test("relu, square and their backward products, out of place and in place")
    func activations() {
        let n = 1003, x = Self.random(n, seed: 1), d = Self.random(n, seed: 2)
        var y = [Double](repeating: 0, count: n)
        entk_relu(x, &y, n); #expect(Self.bits(y) == Self.bits(x.map { $0 > 0 ? $0 : 0 }))
        entk_square(x, &y, n); #expect(Self.bits(y) == Self.bits(x.map { $0 * $0 }))
        entk_relu_backward(d, x, &y, n); #expect(Self.bits(y) == Self.bits(zip(d, x).map { $1 > 0 ? $0 : 0 }))
        entk_square_backward(d, x, &y, n); #expect(Self.bits(y) == Self.bits(zip(d, x).map { $0 * (2 * $1) }))
        var z = x
        z.withUnsafeMutableBufferPointer { entk_relu($0.baseAddress!, $0.baseAddress!, n) }
        #expect(Self.bits(z) == Self.bits(x.map { $0 > 0 ? $0 : 0 }))
        z = d
        z.withUnsafeMutableBufferPointer { entk_square_backward($0.baseAddress!, x, $0.baseAddress!, n) }
        #expect(Self.bits(z) == Self.bits(zip(d, x).map { $0 * (2 * $1) }))
        z = d
        z.withUnsafeMutableBufferPointer { entk_relu_backward($0.baseAddress!, x, $0.baseAddress!, n) }
        #expect(Self.bits(z) == Self.bits(zip(d, x).map { $1 > 0 ? $0 : 0 }))
    }

    @Test("rows plus a bias; the squared errors in eight partial sums, weighted or not, with their gradient")
    func rowsAndSquaredErrors() {
        let rows = 37, cols = 53
        let o = Self.random(rows * cols, seed: 3), t = Self.random(rows * cols, seed: 4)
        let w = Self.random(cols, seed: 5).map(abs), s = 0.37, sw = w.map { s * $0 }
        var y = o
        let b = Self.random(cols, seed: 6)
        entk_add_rows(b, &y, rows, cols)
        #expect(Self.bits(y) == Self.bits((0..<(rows * cols)).map { o[$0] + b[$0 % cols] }))
        for weighted in [false, true] {
            var expected = 0.0, gradient = [Double](repeating: 0, count: rows * cols)
            for r in 0..<rows {
                var lanes = [Double](repeating: 0, count: 8), row = 0.0
                for c in 0..<cols {
                    let i = r * cols + c, d = o[i] - t[i]
                    let term = weighted ? w[c] * d * d : d * d
                    if c < cols - cols % 8 { lanes[c % 8] += term } else { if c == cols - cols % 8 { row = lanes.reduce(0, +) }; row += term }
                    gradient[i] = weighted ? sw[c] * d : s * d
                }
                expected += row
            }
            var g = [Double](repeating: 0, count: rows * cols)
            let total = weighted ? entk_squared_errors(o, t, rows, cols, w, sw, s, &g) : entk_squared_errors(o, t, rows, cols, nil, nil, s, &g)
            #expect(total.bitPattern == expected.bitPattern, "weighted \(weighted): \(total) against \(expected)")
            #expect(Self.bits(g) == Self.bits(gradient))
            let valueOnly = weighted ? entk_squared_errors(o, t, rows, cols, w, sw, s, nil) : entk_squared_errors(o, t, rows, cols, nil, nil, s, nil)
            #expect(valueOnly.bitPattern == expected.bitPattern)
        }
    }

    @Test("Adam and AdamW's rule, element by element")
    func adam() {
        let n = 1003
        let theta = Self.random(n, seed: 7), g = Self.random(n, seed: 8, scale: 0.1)
        let m = Self.random(n, seed: 9, scale: 0.01), v = Self.random(n, seed: 10, scale: 0.01).map { $0 * $0 }
        let (b1, b2, step, root2, eps, wd) = (0.9, 0.999, 0.013, 0.3, 1e-8, 0.01)
        for coupled in [false, true] {
            let decay = coupled ? 1 : 1 - 0.05 * wd
            var out = [Double](repeating: 0, count: n), m2 = out, v2 = out
            entk_adam(theta, &out, g, n, m, v, &m2, &v2, b1, 1 - b1, b2, 1 - b2, step, root2, eps, decay, wd, coupled ? 1 : 0)
            for i in 0..<n {
                let gi = coupled ? g[i] + wd * theta[i] : g[i]
                let ti = coupled ? theta[i] : theta[i] * decay
                let mi = b1 * m[i] + (1 - b1) * gi, vi = b2 * v[i] + (1 - b2) * gi * gi
                let expected = ti - step * mi / (vi.squareRoot() / root2 + eps)
                if out[i].bitPattern != expected.bitPattern || m2[i] != mi || v2[i] != vi {
                    Issue.record("coupled \(coupled), element \(i): \(out[i]) against \(expected)"); break
                }
            }
        }
    }
}
