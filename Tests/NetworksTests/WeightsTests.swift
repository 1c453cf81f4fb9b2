import Networks
import Tensors
import Testing

@Suite("Weights in and out")
struct WeightsTests {
    @Test("export then import into a differently seeded model reproduces it exactly", arguments: Fixture.modelNames)
    func roundTrip(name: String) throws {
        let a = try Fixture.model(name, seed: 1), b = try Fixture.model(name, seed: 2)
        let tensors = a.namedTensors()
        #expect(Set(tensors.keys) == Set(a.groupNames))
        for g in a.parameterGroups { #expect(tensors[g.name]?.shape == g.shape) }
        try b.load(tensors)
        #expect(b.parameters == a.parameters)
        let x = Fixture.inputs(for: a, rows: 3)
        #expect(a.forward(x) == b.forward(x))
    }

    @Test("mismatches name the tensor and both shapes; nothing changes on error")
    func mismatches() throws {
        let model = try TMSModel(features: 5, hidden: 3)
        let before = model.parameters
        var tensors = model.namedTensors()
        tensors["W"] = Tensor(shape: [5, 3], repeating: 0)
        do { try model.load(tensors); Issue.record("accepted a transposed W") } catch let e as NetworkError {
            #expect(e.description == "tensor 'W' has shape [5, 3], expected [3, 5]")
        }
        tensors["W"] = nil
        do { try model.load(tensors); Issue.record("accepted a missing W") } catch let e as NetworkError {
            #expect(e.description == "missing tensor 'W'")
        }
        var extra = model.namedTensors()
        extra["c"] = Tensor([1])
        do { try model.load(extra); Issue.record("accepted an unknown tensor") } catch let e as NetworkError {
            #expect(e.description == "unexpected tensor 'c' (expected 'W', 'b')")
        }
        #expect(model.parameters == before)
        #expect(try model.tensor("b").shape == [5])
    }
}
