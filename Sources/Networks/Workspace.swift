internal import CKernels

/// Grow-only scratch buffers for the training hot loop, so a step allocates nothing once the
/// buffers have reached the largest batch seen. Slot `k` is independent of every other slot;
/// index slots are a separate family.
final class Workspace {
    private var slots: [UnsafeMutablePointer<Double>?] = []
    private var capacities: [Int] = []
    private var indexSlots: [UnsafeMutablePointer<Int>?] = []
    private var indexCapacities: [Int] = []

    /// A buffer of at least `count` doubles for slot `slot` (contents undefined after a grow).
    func buffer(_ slot: Int, count: Int) -> UnsafeMutablePointer<Double> {
        Self.grow(&slots, &capacities, slot, count)
    }

    /// A buffer of at least `count` integers for index slot `slot`.
    func indices(_ slot: Int, count: Int) -> UnsafeMutablePointer<Int> {
        Self.grow(&indexSlots, &indexCapacities, slot, count)
    }

    private static func grow<T: Numeric>(_ slots: inout [UnsafeMutablePointer<T>?], _ capacities: inout [Int],
                                         _ slot: Int, _ count: Int) -> UnsafeMutablePointer<T> {
        while slots.count <= slot { slots.append(nil); capacities.append(0) }
        if capacities[slot] < count {
            slots[slot]?.deallocate()
            let n = max(count, 1)
            let p = UnsafeMutablePointer<T>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            slots[slot] = p
            capacities[slot] = n
        }
        return slots[slot]!
    }

    deinit {
        for p in slots { p?.deallocate() }
        for p in indexSlots { p?.deallocate() }
    }
}

/// The nonzeros of a row-major rows×cols input in compressed-row form, built in workspace
/// buffers: row r holds entries start[r]..<start[r+1] of (column, value).
struct SparseRows {
    let start: UnsafeMutablePointer<Int>
    let column: UnsafeMutablePointer<Int>
    let value: UnsafeMutablePointer<Double>

    /// The compressed form when at most 1/8 of the entries are nonzero (one-hot inputs:
    /// 2 of 2p), else nil: below that density a gather/scatter beats a dense GEMM. Cost: one
    /// pass over x, without a branch per entry (`entk_compress_rows`).
    static func compress(_ x: UnsafePointer<Double>, rows: Int, cols: Int, workspace: Workspace,
                         slot: Int) -> SparseRows? {
        let limit = rows * cols / 8
        let start = workspace.indices(slot, count: rows + 1)
        // One slot of slack: the branchless loop writes each entry before knowing it is kept.
        let column = workspace.indices(slot + 1, count: limit + 1)
        let value = workspace.buffer(slot, count: limit + 1)
        guard entk_compress_rows(x, rows, cols, limit, start, column, value) >= 0 else { return nil }
        return SparseRows(start: start, column: column, value: value)
    }
}
