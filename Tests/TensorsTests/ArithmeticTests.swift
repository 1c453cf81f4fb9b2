import Foundation
import Testing
import Tensors
import TestSupport

@Suite("Elementwise arithmetic and broadcasting")
struct ArithmeticTests {
    @Test("binary operations broadcast exactly as numpy computed them")
    func broadcastingAgainstNumpy() throws {
        let cases = Fixtures.list("broadcast")
        #expect(cases.count > 100)
        for c in cases {
            let op = BinaryOperation.allCases.first { "\($0)" == c["op"] as! String }!
            let a = Fixtures.tensor(c["a"]), b = Fixtures.tensor(c["b"])
            if c["error"] != nil {
                #expect(throws: TensorError.broadcast(operation: op.rawValue, lhs: a.shape, rhs: b.shape)) {
                    try a.combined(with: b, op)
                }
                continue
            }
            let expected = Fixtures.tensor(c["result"])
            let observed = try a.combined(with: b, op)
            #expect(sameValues(observed, expected), mismatch(expected, observed, "\(op) \(a.shape) \(b.shape)"))
        }
    }

    @Test("unary functions match numpy to within one rounding")
    func unaryAgainstNumpy() {
        for c in Fixtures.list("unary") {
            let f = UnaryFunction(rawValue: c["function"] as! String)!
            let input = Fixtures.tensor(c["input"]), expected = Fixtures.tensor(c["result"])
            let observed = input.map(f)
            let error = maxRelativeDifference(expected.storage, observed.storage)
            #expect(observed.shape == expected.shape)
            #expect(error <= 2e-15, "\(f): relative error \(error), tolerance 2e-15")
        }
    }

    @Test("operators: tensor with tensor, tensor with scalar, unary minus, comparisons")
    func operators() throws {
        let a = try Tensor(literal: [[1, 2, 3], [4, 5, 6]])
        let row = Tensor([10, 20, 30])
        #expect(try a + row == Tensor(literal: [[11, 22, 33], [14, 25, 36]]))
        #expect(try a - row == Tensor(literal: [[-9, -18, -27], [-6, -15, -24]]))
        #expect(try a * a == a.map(.square))
        #expect(try (a / a).storage.allSatisfy { $0 == 1 })
        #expect((a * 2).storage == [2, 4, 6, 8, 10, 12])
        #expect((1 - a).storage == [0, -1, -2, -3, -4, -5])
        #expect((12 / a).storage == [12, 6, 4, 3, 2.4, 2])
        #expect((-a).storage == a.map { -$0 }.storage)
        #expect((a .> 3).storage == [0, 0, 0, 1, 1, 1])
        #expect(try (a .== Tensor([1, 0, 3])).storage == [1, 0, 1, 0, 0, 0])
        #expect(a.power(0.5).storage == a.map(.sqrt).storage)
        #expect(try a.power(Tensor(scalar: 2)) == a.map(.square))
    }

    @Test("broadcast errors name the operation and both shapes")
    func errorMessages() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([4])
        do {
            _ = try a + b
            Issue.record("expected a broadcast error")
        } catch let error as TensorError {
            #expect(error.description == "+: cannot broadcast shapes (2, 3) and (4,)")
        }
        #expect(throws: TensorError.broadcast(operation: "broadcast", lhs: [3], rhs: [2, 2])) {
            try Tensor([1, 2, 3]).broadcast(to: [2, 2])
        }
        #expect(try Tensor([1, 2]).broadcast(to: [2, 2]).storage == [1, 2, 1, 2])
        #expect(throws: TensorError.self) { try Tensor([1]).broadcast(to: [-1]) }
    }

    @Test("copies are independent values (copy-on-write)")
    func valueSemantics() throws {
        let a = try Tensor.arange(0, 4)
        var b = a
        try b.assign(9, at: [.at(0)])
        #expect(a.storage == [0, 1, 2, 3])
        #expect(b.storage == [9, 1, 2, 3])
    }

    @Test("the fast paths and the strided path agree on a large operand")
    func fastPathsAgree() throws {
        var g = RandomGenerator(seed: 11)
        let a = try Tensor.randn([64, 33], using: &g), col = try Tensor.randn([64, 1], using: &g)
        let viaBroadcast = try a + col
        let viaExpanded = try a + col.broadcast(to: [64, 33])
        #expect(viaBroadcast == viaExpanded)
        let scalar = try a * Tensor(scalar: 3)
        #expect(scalar == a * 3)
    }
}
