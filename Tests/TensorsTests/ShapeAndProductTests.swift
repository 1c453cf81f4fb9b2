import Testing
import Tensors
import TestSupport

@Suite("Products and shape changes")
struct ShapeAndProductTests {
    @Test("matmul follows numpy for 1-d, 2-d and batched operands")
    func matmulAgainstNumpy() throws {
        let cases = Fixtures.list("matmul")
        #expect(cases.count >= 10)
        for c in cases {
            let a = Fixtures.tensor(c["a"]), b = Fixtures.tensor(c["b"])
            if c["error"] != nil {
                #expect(throws: TensorError.self, "matmul \(a.shape) \(b.shape) should fail") { try a.matmul(b) }
                continue
            }
            let expected = Fixtures.tensor(c["result"])
            let observed = try a.matmul(b)
            #expect(observed == expected, mismatch(expected, observed, "matmul \(a.shape) \(b.shape)"))
        }
    }

    @Test("matmul errors name both shapes")
    func matmulError() throws {
        do {
            _ = try Tensor.zeros([3, 4]).matmul(Tensor.zeros([3, 4]))
            Issue.record("expected a shape error")
        } catch let error as TensorError {
            #expect(error.description == "matmul: inner sizes differ (4 vs 3) for shapes (3, 4) and (3, 4)")
        }
    }

    @Test("matmul of random matrices agrees with a plain triple loop")
    func matmulOracle() throws {
        var g = RandomGenerator(seed: 9)
        let a = try Tensor.randn([17, 23], using: &g), b = try Tensor.randn([23, 11], using: &g)
        let c = try a.matmul(b)
        var worst = 0.0
        for i in 0..<17 {
            for j in 0..<11 {
                var s = 0.0
                for k in 0..<23 { s += a[i, k] * b[k, j] }
                worst = max(worst, abs(s - c[i, j]))
            }
        }
        #expect(worst < 1e-12, "max absolute difference \(worst), tolerance 1e-12")
    }

    @Test("dot of vectors; mismatched lengths are refused")
    func dotProduct() throws {
        #expect(try Tensor([1, 2, 3]).dot(Tensor([4, 5, 6])) == 32)
        #expect(throws: TensorError.self) { try Tensor([1, 2]).dot(Tensor([1, 2, 3])) }
    }

    @Test("transpose: .T reverses axes, permutations move elements like numpy")
    func transposes() throws {
        let m = try Tensor.arange(0, 6).reshaped(to: [2, 3])
        #expect(m.T.shape == [3, 2] && m.T.storage == [0, 3, 1, 4, 2, 5])
        let big = try Tensor.arange(0, 70 * 45).reshaped(to: [70, 45])
        #expect(big.T.T == big)
        #expect(try big.T.element([44, 69]) == big.element([69, 44]))
        let cube = try Tensor.arange(0, 24).reshaped(to: [2, 3, 4])
        let p = try cube.transposed([1, 2, 0])
        #expect(p.shape == [3, 4, 2])
        #expect(try p.element([2, 1, 1]) == cube.element([1, 2, 1]))
        #expect(try cube.transposed([-1, 0, 1]).shape == [4, 2, 3])
        #expect(throws: TensorError.self) { try cube.transposed([0, 0, 1]) }
        #expect(throws: TensorError.self) { try cube.transposed([0, 1]) }
    }

    @Test("reshape infers one -1 and refuses counts that differ")
    func reshape() throws {
        let t = try Tensor.arange(0, 12)
        #expect(try t.reshaped(to: [3, -1]).shape == [3, 4])
        #expect(try t.reshaped(to: [-1]).shape == [12])
        #expect(throws: TensorError.cannotReshape(from: [12], to: [5, -1])) { try t.reshaped(to: [5, -1]) }
        #expect(throws: TensorError.cannotReshape(from: [12], to: [-1, -1])) { try t.reshaped(to: [-1, -1]) }
        do { _ = try t.reshaped(to: [5, 2]); Issue.record("expected an error") } catch let e as TensorError {
            #expect(e.description == "reshape: cannot reshape (12,) (12 elements) into (5, 2)")
        }
    }

    @Test("concatenate and stack along any axis")
    func joining() throws {
        let a = try Tensor(literal: [[1, 2], [3, 4]]), b = try Tensor(literal: [[5, 6]])
        #expect(try Tensor.concatenate([a, b]) == Tensor(literal: [[1, 2], [3, 4], [5, 6]]))
        #expect(try Tensor.concatenate([a, a], axis: -1) == Tensor(literal: [[1, 2, 1, 2], [3, 4, 3, 4]]))
        #expect(try Tensor.stack([a, a]).shape == [2, 2, 2])
        #expect(try Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1) == Tensor(literal: [[1, 3], [2, 4]]))
        #expect(try Tensor.stack([a, a], axis: 2).storage == [1, 1, 2, 2, 3, 3, 4, 4])
        do { _ = try Tensor.concatenate([a, b], axis: 1); Issue.record("expected an error") } catch let e as TensorError {
            #expect(e.description == "concatenate: shapes (2, 2) and (1, 2) differ outside axis 1")
        }
        #expect(throws: TensorError.self) { try Tensor.stack([a, b]) }
        #expect(throws: TensorError.self) { try Tensor.concatenate([]) }
        #expect(throws: TensorError.invalidAxis(operation: "concatenate", axis: 2, rank: 2)) { try Tensor.concatenate([a], axis: 2) }
    }
}
