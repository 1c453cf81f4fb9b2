import LinearAlgebra
import Testing
import TestSupport

@Suite("Lanes")
struct LanesTests {
    @Test("both lanes run to completion every round, many rounds in a row, on one thread or two")
    func everyRoundCompletes() {
        for threads in [1, 2] { withBLASThreads(threads) {
            var first = [Int](repeating: 0, count: 20_000), second = first
            for r in 0..<first.count {
                Lanes.run({ first[r] = r }, { second[r] = 2 * r })
            }
            #expect(first == Array(0..<20_000))
            #expect(second == (0..<20_000).map { 2 * $0 })
        } }
    }

    @Test("a lane that runs lanes of its own runs them one after the other, without a deadlock")
    func nestedLanesRunInOrder() {
        var order: [String] = []
        var inner: [String] = []
        Lanes.run({
            Lanes.run({ inner.append("a") }, { inner.append("b") })
            order.append("first")
        }, {})
        #expect(inner == ["a", "b"] && order == ["first"])
    }

    /// (That the count is back afterwards is not asserted: any training test running meanwhile
    /// may be inside lanes of its own.)
    @Test("OpenBLAS is single-threaded inside the lanes")
    func oneBLASThreadInside() {
        withBLASThreads(2) {
            var inside = (0, 0)
            Lanes.run({ inside.0 = BLASThreads.count }, { inside.1 = BLASThreads.count })
            #expect(inside == (1, 1))
        }
    }
}
