import Testing
import Tensors

@Suite("Indexing and slicing")
struct IndexingTests {
    @Test("basic indexing selects what numpy selects, including negative steps and newaxis")
    func slicingAgainstNumpy() throws {
        let base = Fixtures.tensor(Fixtures.cases["indexingBase"])
        let cases = Fixtures.list("indexing")
        #expect(cases.count >= 20)
        for c in cases {
            let index = Fixtures.index(c["index"])
            if c["error"] != nil {
                #expect(throws: TensorError.self, "\(index) should fail") { try base.slice(index) }
                continue
            }
            let expected = Fixtures.tensor(c["result"])
            let observed = try base.slice(index)
            #expect(observed == expected, mismatch(expected, observed, "\(index)"))
        }
    }

    @Test("assignment broadcasts the value into the selection like numpy")
    func assignmentAgainstNumpy() throws {
        let base = Fixtures.tensor(Fixtures.cases["indexingBase"])
        for c in Fixtures.list("assignment") {
            let index = Fixtures.index(c["index"])
            let value = Fixtures.tensor(c["value"])
            var target = base
            if c["error"] != nil {
                #expect(throws: TensorError.self, "\(index) = \(value.shape) should fail") { try target.assign(value, at: index) }
                #expect(target == base, "a failed assignment must leave the tensor unchanged")
                continue
            }
            try target.assign(value, at: index)
            let expected = Fixtures.tensor(c["result"])
            #expect(target == expected, mismatch(expected, target, "\(index) = \(value.shape)"))
        }
    }

    @Test("errors name the axis, the index and the size")
    func errors() throws {
        let t = try Tensor.zeros([3, 4])
        do { _ = try t.slice(.all, .at(-5)); Issue.record("expected an error") } catch let e as TensorError {
            #expect(e == .indexOutOfRange(axis: 1, index: -5, size: 4))
            #expect(e.description == "index -5 is out of range for axis 1 with size 4")
        }
        #expect(throws: TensorError.tooManyIndices(count: 3, rank: 2)) { try t.slice(.at(0), .at(0), .at(0)) }
        #expect(throws: TensorError.invalidArgument(operation: "slice", detail: "slice step cannot be zero (axis 0)")) {
            try t.slice(.slice(nil, nil, 0))
        }
        var u = t
        do { try u.assign(Tensor([1, 2, 3]), at: [.at(0)]); Issue.record("expected an error") } catch let e as TensorError {
            #expect(e.description == "assign: cannot broadcast shapes (3,) and (4,)")
        }
    }

    @Test("extreme slice bounds and steps clamp instead of overflowing")
    func extremes() throws {
        let t = try Tensor.arange(0, 5)
        #expect(try t.slice(.slice(Int.min, Int.max, Int.max)).storage == [0])
        #expect(try t.slice(.slice(Int.max, Int.min, Int.min)).storage == [4])
        #expect(try t.slice(.slice(nil, nil, Int.min)).storage == [4])
        #expect(throws: TensorError.self) { try t.slice(.at(Int.min)) }
        #expect(throws: TensorError.self) { try t.slice(.at(Int.max)) }
    }

    @Test("element access with negative indices; scalar assignment")
    func elements() throws {
        var t = try Tensor.arange(0, 6).reshaped(to: [2, 3])
        #expect(try t.element([-1, -1]) == 5)
        try t.assign(9, at: [.all, .at(1)])
        #expect(t.storage == [0, 9, 2, 3, 9, 5])
        #expect(throws: TensorError.self) { try t.element([0]) }
    }
}
