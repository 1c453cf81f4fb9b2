import Testing
import Tensors

@Suite("Creating tensors")
struct CreationTests {
    @Test("zeros, ones, full and eye have the asked shape and values")
    func constants() throws {
        #expect(try Tensor.zeros([2, 3]).storage == [Double](repeating: 0, count: 6))
        #expect(try Tensor.ones([4]).storage == [1, 1, 1, 1])
        #expect(try Tensor.full([], 2.5) == Tensor(scalar: 2.5))
        #expect(try Tensor.eye(2, 3).storage == [1, 0, 0, 0, 1, 0])
        #expect(try Tensor.eye(3).storage == [1, 0, 0, 0, 1, 0, 0, 0, 1])
    }

    @Test("arange and linspace follow numpy's element counts and endpoints")
    func ranges() throws {
        #expect(try Tensor.arange(0, 5).storage == [0, 1, 2, 3, 4])
        #expect(try Tensor.arange(1, 2, 0.25).storage == [1, 1.25, 1.5, 1.75])
        #expect(try Tensor.arange(5, 0, -2).storage == [5, 3, 1])
        #expect(try Tensor.arange(3, 1).count == 0)
        #expect(try Tensor.linspace(0, 1, count: 5).storage == [0, 0.25, 0.5, 0.75, 1])
        #expect(try Tensor.linspace(2, 3, count: 1).storage == [2])
        #expect(try Tensor.linspace(0, 0.3, count: 7).storage.last == 0.3)
        #expect(throws: TensorError.self) { try Tensor.arange(0, 1, 0) }
        #expect(throws: TensorError.self) { try Tensor.arange(0, 1e300, 1e-300) }
        #expect(throws: TensorError.self) { try Tensor.linspace(0, 1, count: -1) }
    }

    @Test("rand and randn are reproducible from the seed and fill in row-major order")
    func random() throws {
        var g1 = RandomGenerator(seed: 5), g2 = RandomGenerator(seed: 5)
        let u = try Tensor.rand([3, 4], using: &g1)
        #expect(u.storage == (0..<12).map { _ in g2.nextUniform() })
        #expect(u.storage.allSatisfy { $0 >= 0 && $0 < 1 })
        let n = try Tensor.randn([2, 5], using: &g1)
        #expect(n.storage == (0..<10).map { _ in g2.nextNormal() })
    }

    @Test("shapes with a negative dimension or an overflowing count are refused")
    func invalidShapes() {
        #expect(throws: TensorError.invalidShape(operation: "full", shape: [2, -1], reason: "dimension -1 is negative")) {
            try Tensor.zeros([2, -1])
        }
        #expect(throws: TensorError.self) { try Tensor.ones([1 << 40, 1 << 40]) }
        #expect(throws: TensorError.self) { try Tensor(validating: [2, 2], storage: [1, 2, 3]) }
    }

    @Test("nested lists give their rectangular shape; ragged ones name the path")
    func literals() throws {
        let t = try Tensor(literal: [[[1, 2]], [[3, 4]]])
        #expect(t.shape == [2, 1, 2] && t.storage == [1, 2, 3, 4])
        #expect(try Tensor(literal: 7) == Tensor(scalar: 7))
        #expect(try Tensor(literal: []).shape == [0])
        do {
            _ = try Tensor(literal: [[1, 2], [3, 4], [5]])
            Issue.record("expected a ragged error")
        } catch let error as TensorError {
            #expect(error == .raggedLiteral(path: [2], detail: "expected 2 elements, found 1"))
            #expect(error.description == "ragged nested list at [2]: expected 2 elements, found 1")
        }
        #expect(throws: TensorError.raggedLiteral(path: [1, 0], detail: "expected a number, found a list")) {
            try Tensor(literal: [[1, 2], [[3], 4]])
        }
        #expect(throws: TensorError.raggedLiteral(path: [1], detail: "expected a list of 2 elements, found a number")) {
            try Tensor(literal: [[1, 2], 3])
        }
    }
}
