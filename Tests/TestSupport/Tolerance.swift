import Foundation

/// Relative difference |a − b| / max(|a|, |b|, floor), the one measure tests use to compare numbers.
public func relativeDifference(_ a: Double, _ b: Double, floor: Double = 1e-300) -> Double {
    abs(a - b) / max(abs(a), abs(b), floor)
}

/// Largest relative difference over two equal-length arrays, scaled by the larger max-norm.
public func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "lengths \(a.count) and \(b.count) differ")
    let scale = max(a.map(abs).max() ?? 0, b.map(abs).max() ?? 0, 1e-300)
    return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}

/// A one-line report for a failed numeric check: expected, observed, relative error, tolerance.
public func numericReport(expected: Double, observed: Double, tolerance: Double) -> String {
    "expected \(expected), observed \(observed), relative error \(relativeDifference(expected, observed)), tolerance \(tolerance)"
}
