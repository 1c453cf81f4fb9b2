import Foundation

/// The memory rule every large allocation in Kernels follows: estimate the bytes first, compare
/// with a budget, refuse with `KernelError.overBudget` (bytes needed, and a view or route that
/// fits) instead of allocating.
public enum MemoryBudget {
    /// Fraction of available memory a kernel computation may use when no budget is given.
    public static let defaultFraction = 0.5

    /// `MemAvailable` from /proc/meminfo in bytes (nil when the file cannot be read).
    public static func availableBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            if let kb = line.split(separator: " ").compactMap({ Int($0) }).first { return kb * 1024 }
        }
        return nil
    }

    /// The default budget: `defaultFraction` of available memory, or 4 GB when unknown.
    public static func defaultBudget() -> Int {
        availableBytes().map { Int(Double($0) * defaultFraction) } ?? 4_000_000_000
    }

    /// Bytes of a rows × cols matrix of Doubles.
    public static func matrixBytes(_ rows: Int, _ cols: Int) -> Int {
        rows.multipliedReportingOverflow(by: cols).partialValue &* 8
    }
}
