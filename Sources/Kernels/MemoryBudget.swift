import Foundation
import LinearAlgebra

/// The memory rule every large allocation in Kernels follows: estimate the bytes first, compare
/// with a budget, refuse with `KernelError.overBudget` (bytes needed, and a view or route that
/// fits) instead of allocating.
public enum MemoryBudget {
    /// The default budget: the process's `AllocationBudget` (set by `.memory`).
    public static func defaultBudget() -> Int { AllocationBudget.limit }

    /// Bytes of a rows × cols matrix of Doubles.
    public static func matrixBytes(_ rows: Int, _ cols: Int) -> Int {
        AllocationBudget.bytes([rows, cols]) ?? Int.max
    }
}
