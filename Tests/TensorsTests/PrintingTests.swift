import Testing
import Tensors

@Suite("Printing")
struct PrintingTests {
    @Test("the numpy layout with the shared number rule, snapshots made by numpy's array2string")
    func snapshotsFromNumpy() {
        let cases = Fixtures.list("printing")
        #expect(cases.count >= 15)
        for c in cases {
            let t = Fixtures.tensor(c["tensor"])
            let expected = c["text"] as! String
            #expect(t.description == expected, "shape \(t.shape):\nexpected\n\(expected)\nobserved\n\(t.description)")
        }
    }

    @Test("hand-written snapshots")
    func handSnapshots() throws {
        #expect(try Tensor(literal: [[1, 2], [3, 4]]).description == "[[1, 2],\n [3, 4]]")
        #expect(try Tensor(literal: [[1, -2.5], [100, 4]]).description == "[[   1, -2.5],\n [ 100,    4]]")
        #expect(Tensor([0.1, 1e-7, -0.0]).description == "[  0.1, 1e-07,     0]")
        #expect(try Tensor.arange(0, 2000).description == "[   0,    1,    2, ..., 1997, 1998, 1999]")
    }

    @Test("numbers follow %.6g with -0, nan and inf spelled out")
    func numberRule() {
        let cases: [(Double, String)] = [(0, "0"), (-0.0, "0"), (.nan, "nan"), (.infinity, "inf"), (-.infinity, "-inf"),
                                         (1, "1"), (0.1, "0.1"), (1.0 / 3, "0.333333"), (1e-5, "1e-05"), (123456789, "1.23457e+08"),
                                         (-2.5e-300, "-2.5e-300"), (999999.5, "1e+06"), (0.0001, "0.0001")]
        for (x, text) in cases { #expect(NumberFormat.format(x) == text, "\(x)") }
    }

    @Test("one-line summaries")
    func summaries() throws {
        #expect(try Tensor.zeros([500, 50]).summary == "tensor 500×50")
        #expect(Tensor([1, 2, 3]).summary == "tensor 3")
        #expect(Tensor(scalar: -0.0).summary == "tensor scalar 0")
    }
}
