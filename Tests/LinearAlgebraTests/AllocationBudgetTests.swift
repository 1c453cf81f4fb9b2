import Foundation
import LinearAlgebra
import Testing

@Suite("Allocation budget")
struct AllocationBudgetTests {
    @Test("sizes are multiplied with overflow checks: an overflow is refused, never wrapped")
    func overflow() {
        #expect(AllocationBudget.bytes([2, 3]) == 48)
        #expect(AllocationBudget.bytes([1 << 31, 1 << 31]) == nil)
        #expect(AllocationBudget.bytes([-1, 4]) == nil)
        #expect(throws: AllocationRefused(what: "x", bytes: nil, limit: 1_000)) {
            try AllocationBudget.withLimit(1_000) { try AllocationBudget.reserve([1 << 31, 1 << 31], for: "x") }
        }
    }

    @Test("a request over the thread's budget is refused with its size; within it passes")
    func limit() throws {
        try AllocationBudget.withLimit(1_000) {
            #expect(throws: AllocationRefused(what: "a tensor", bytes: 8_000, limit: 1_000)) {
                try AllocationBudget.reserve([1_000], for: "a tensor")
            }
            try AllocationBudget.reserve([100], for: "a tensor")
            // The innermost limit wins, and the outer one comes back after it.
            try AllocationBudget.withLimit(100_000) { try AllocationBudget.reserve([1_000], for: "a tensor") }
            #expect(AllocationBudget.limit == 1_000)
        }
        let message = AllocationRefused(what: "eye(35000)", bytes: 9_800_000_000, limit: 1_340_000_000).description
        #expect(message == "eye(35000) needs 9.8 GB, over the memory budget of 1.34 GB (see .memory)")
    }

    @Test("another thread keeps its own budget")
    func perThread() {
        AllocationBudget.withLimit(1_000) {
            let other = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var seen = 0
            Thread { seen = AllocationBudget.limit; other.signal() }.start()
            other.wait()
            #expect(seen == AllocationBudget.defaultLimit() || seen > 1_000)
        }
    }

    @Test("the default budget is positive and no larger than half the available memory")
    func defaultLimit() throws {
        let limit = AllocationBudget.defaultLimit()
        #expect(limit > 0)
        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let line = try #require(meminfo.split(separator: "\n").first { $0.hasPrefix("MemAvailable:") })
        let kb = try #require(line.split(separator: " ").compactMap { Int($0) }.first)
        #expect(limit <= kb * 1024 / 2 + (1 << 26))
    }
}

@Suite("Interruption")
struct InterruptionTests {
    @Test("an abandonable call returns its result, and throws as soon as an interrupt is requested")
    func abandonable() throws {
        #expect(try Interruption.abandonable("sum", cost: 1e9) { 2 + 2 } == 4)
        let start = Date()
        let pressed = Flag()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { pressed.set() }
        #expect(throws: LinearAlgebraError.interrupted(routine: "a long solve")) {
            try Interruption.whenRequested({ pressed.isSet }) {
                try Interruption.abandonable("a long solve", cost: 1e12) { Thread.sleep(forTimeInterval: 5); return 0 }
            }
        }
        #expect(Date().timeIntervalSince(start) < 2.5)  // the call itself takes 5 s
    }
}

/// A flag set from another thread.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
