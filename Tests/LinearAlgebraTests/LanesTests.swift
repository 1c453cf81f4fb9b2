import Foundation
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

    /// Tests of other suites run meanwhile and may hold the worker (then the lanes run one after
    /// the other, as OpenBLAS stays configured), so this asks for up to 10 s until a call runs at
    /// once; nor is the count afterwards asserted, since such a test may be inside lanes of its own.
    @Test("OpenBLAS is single-threaded inside lanes that run at once")
    func oneBLASThreadInside() {
        withBLASThreads(2) {
            var inside = (0, 0), parallel = false
            let deadline = Date().addingTimeInterval(10)
            while !parallel && Date() < deadline {
                parallel = Lanes.run({ inside.0 = BLASThreads.count }, { inside.1 = BLASThreads.count })
                if !parallel { usleep(1000) }
            }
            if parallel { #expect(inside == (1, 1)) } else { print("lanes: the worker stayed busy for 10 s; not checked") }
        }
    }
}
