import Testing
import Tensors
import TestSupport

@Suite("Reductions")
struct ReductionTests {
    @Test("sum, mean, max, min, argmax, argmin and norm match numpy over every axis")
    func againstNumpy() throws {
        let input = Fixtures.tensor(Fixtures.cases["reductionInput"])
        let cases = Fixtures.list("reductions")
        #expect(cases.count == 84)
        for c in cases {
            let kind = Reduction(rawValue: c["reduction"] as! String)!
            let axis = (c["axis"] as? Int)
            let keep = c["keepdims"] as! Bool
            let expected = Fixtures.tensor(c["result"])
            let observed = try input.reduced(kind, axis: axis, keepdims: keep)
            #expect(observed.shape == expected.shape, "\(kind) axis \(String(describing: axis)) keepdims \(keep)")
            let error = maxRelativeDifference(expected.storage, observed.storage)
            #expect(error <= 1e-15, "\(kind) axis \(String(describing: axis)): relative error \(error), tolerance 1e-15")
        }
    }

    @Test("empty axes, NaN propagation and bad axes")
    func edgeCases() throws {
        let empty = try Tensor.zeros([0, 3])
        #expect(try empty.sum(axis: 0).storage == [0, 0, 0])
        #expect(try empty.mean().scalar!.isNaN)
        #expect(throws: TensorError.self) { try empty.max(axis: 0) }
        #expect(try empty.max(axis: 1).shape == [0])
        let withNaN = Tensor([1, .nan, 3, .nan])
        #expect(try withNaN.max().scalar!.isNaN)
        #expect(try withNaN.argmin().scalar == 1)
        #expect(throws: TensorError.invalidAxis(operation: "sum", axis: 2, rank: 2)) { try empty.sum(axis: 2) }
        #expect(try Tensor([3, 4]).norm().scalar == 5)
    }
}
