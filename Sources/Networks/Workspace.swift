/// Grow-only scratch buffers for the training hot loop, so a step allocates nothing once the
/// buffers have reached the largest batch seen. Slot `k` is independent of every other slot.
final class Workspace {
    private var slots: [UnsafeMutablePointer<Double>?] = []
    private var capacities: [Int] = []

    /// A buffer of at least `count` doubles for slot `slot` (contents undefined after a grow).
    func buffer(_ slot: Int, count: Int) -> UnsafeMutablePointer<Double> {
        while slots.count <= slot { slots.append(nil); capacities.append(0) }
        if capacities[slot] < count {
            slots[slot]?.deallocate()
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            slots[slot] = p
            capacities[slot] = max(count, 1)
        }
        return slots[slot]!
    }

    deinit { for p in slots { p?.deallocate() } }
}
