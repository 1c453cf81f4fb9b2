import Foundation
import LinearAlgebra

private let threadCountLock = NSLock()

/// Runs `body` with OpenBLAS configured for `threads` (the count `Lanes` reads), restoring the
/// count after. Tests that set the count take one process-wide lock, so two such tests never
/// interleave their settings (tests of different suites run at the same time).
public func withBLASThreads<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
    threadCountLock.lock()
    defer { threadCountLock.unlock() }
    let saved = BLASThreads.count
    BLASThreads.set(threads)
    defer { BLASThreads.set(saved) }
    return try body()
}
