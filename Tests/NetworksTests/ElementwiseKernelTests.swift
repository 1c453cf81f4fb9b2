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

    @Test("the sparse rows' gather and scatter, and the blocked transpose, against their formulas")
    func sparseRowsAndTranspose() {
        // Rows with 0, 1, 2 and 3 nonzeros; a width that is not a multiple of eight.
        let rows = 11, inputs = 7, width = 37, alpha = 0.3
        var start = [0], column: [Int] = [], value: [Double] = []
        var g = RandomGenerator(seed: 11)
        for r in 0..<rows {
            for k in 0..<(r % 4) { column.append((r + 3 * k) % inputs); value.append(g.nextNormal()) }
            start.append(column.count)
        }
        let vt = Self.random(inputs * width, seed: 12), seed = Self.random(rows * width, seed: 13)
        var y = [Double](repeating: .nan, count: rows * width)
        entk_gather_rows(vt, width, start, column, value, alpha, rows, &y)
        var expected = [Double](repeating: 0, count: rows * width)
        for r in 0..<rows { for j in 0..<width {
            var sum = 0.0
            for k in start[r]..<start[r + 1] { let term = alpha * value[k] * vt[column[k] * width + j]; sum = k == start[r] ? term : sum + term }
            expected[r * width + j] = sum
        } }
        #expect(Self.bits(y) == Self.bits(expected))

        let g0 = Self.random(inputs * width, seed: 14)
        var scattered = g0
        entk_scatter_rows(seed, width, start, column, value, alpha, rows, &scattered)
        expected = g0
        for r in 0..<rows { for k in start[r]..<start[r + 1] { for j in 0..<width {
            expected[column[k] * width + j] += alpha * value[k] * seed[r * width + j]
        } } }
        #expect(Self.bits(scattered) == Self.bits(expected))

        // Whole 8 × 8 blocks, ragged edges on either side, and a single row.
        for (m, n) in [(16, 24), (29, 13), (5, 19), (1, 9)] {
            let a = Self.random(m * n, seed: UInt64(100 + m)), old = Self.random(m * n, seed: UInt64(200 + n))
            for accumulate in [false, true] {
                var t = old
                entk_transpose(a, m, n, alpha, accumulate ? 1 : 0, &t)
                let want = (0..<(m * n)).map { k in
                    let (j, i) = (k / m, k % m)
                    return accumulate ? old[k] + alpha * a[i * n + j] : alpha * a[i * n + j]
                }
                #expect(Self.bits(t) == Self.bits(want), "\(m) × \(n), accumulate \(accumulate)")
            }
            var copy = [Double](repeating: 0, count: m * n)
            entk_transpose(a, m, n, 1, 0, &copy)
            #expect((0..<(m * n)).allSatisfy { copy[$0] == a[($0 % m) * n + $0 / m] })
        }
    }

    @Test("compressed rows: the nonzeros in column order (NaN kept, −0 dropped), refused past the limit")
    func compressRows() {
        let rows = 9, cols = 13
        var x = [Double](repeating: 0, count: rows * cols)
        var g = RandomGenerator(seed: 15)
        for r in 0..<rows { for k in 0..<(r % 4) { x[r * cols + (2 * r + 5 * k) % cols] = g.nextNormal() } }
        x[3] = .nan; x[4] = -0.0
        let nonzeros = x.filter { $0 != 0 }.count
        var expectedStart = [0], expectedColumn: [Int] = []
        for r in 0..<rows {
            for c in 0..<cols where x[r * cols + c] != 0 { expectedColumn.append(c) }
            expectedStart.append(expectedColumn.count)
        }
        for limit in [nonzeros, nonzeros + 3] {
            var start = [Int](repeating: -1, count: rows + 1), column = [Int](repeating: -1, count: limit + 1)
            var value = [Double](repeating: 0, count: limit + 1)
            #expect(entk_compress_rows(x, rows, cols, limit, &start, &column, &value) == nonzeros)
            #expect(start == expectedStart && Array(column[0..<nonzeros]) == expectedColumn)
            #expect(Self.bits(Array(value[0..<nonzeros])) == Self.bits(x.filter { $0 != 0 }))
        }
        var start = [Int](repeating: 0, count: rows + 1), column = [Int](repeating: 0, count: nonzeros)
        var value = [Double](repeating: 0, count: nonzeros)
        #expect(entk_compress_rows(x, rows, cols, nonzeros - 1, &start, &column, &value) == -1)
    }
}
