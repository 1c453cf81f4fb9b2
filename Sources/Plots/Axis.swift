import Foundation

/// Tick placement and tick-label formatting shared by every plot, so the terminal and SVG
/// forms of one plot agree and the text is stable across machines.
public enum Axis {
    /// A tick label: C's `%.3g`, with `-0` as `0`, NaN as `nan`, infinities as `inf`/`-inf`.
    public static func format(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == 0 { return "0" }
        return String(format: "%.3g", x)
    }

    /// "Nice" linear ticks covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `target` of them.
    /// Returns the padded range (rounded out to whole steps) and the ticks inside it. With
    /// `integer` (indices, steps, epochs) the step is at least 1, so no tick falls between.
    public static func linearTicks(_ lo: Double, _ hi: Double, target: Int, integer: Bool = false) -> (lo: Double, hi: Double, ticks: [Double]) {
        var lo = lo, hi = hi
        if !(hi > lo) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad; hi += pad
        }
        let raw = (hi - lo) / Double(max(target, 1))
        let magnitude = pow(10, floor(log10(raw)))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.min { abs(log($0 / raw)) < abs(log($1 / raw)) } ?? magnitude
        if integer { step = max(step, 1) }
        let first = floor(lo / step + 1e-9), last = ceil(hi / step - 1e-9)
        let ticks = stride(from: first, through: last, by: 1).map { clean($0 * step) }
        return (first * step, last * step, ticks)
    }

    /// Decade ticks for a log axis over positive [lo, hi]: the range is rounded out to whole
    /// decades (in log10 units) and every k-th decade is ticked so at most `target` show.
    public static func logTicks(_ lo: Double, _ hi: Double, target: Int) -> (lo: Double, hi: Double, ticks: [Double]) {
        var a = floor(log10(lo) + 1e-9), b = ceil(log10(hi) - 1e-9)
        if b <= a { a -= 1; b += 1 }
        let decades = Int(b - a)
        let every = max(1, Int((Double(decades) / Double(max(target, 1))).rounded(.up)))
        let ticks = stride(from: Int(a), through: Int(b), by: every).map { pow(10, Double($0)) }
        return (a, b, ticks)
    }

    /// Integer ticks for an index axis of `count` entries (rows, columns): multiples of a nice step.
    public static func indexTicks(count: Int, target: Int) -> [Int] {
        guard count > 0 else { return [] }
        let t = linearTicks(0, Double(max(count - 1, 1)), target: target)
        let step = max(1, Int((t.ticks.count > 1 ? t.ticks[1] - t.ticks[0] : 1).rounded()))
        return Array(stride(from: 0, to: count, by: step))
    }

    /// Removes floating noise such as 0.30000000000000004 from a tick value.
    private static func clean(_ x: Double) -> Double {
        abs(x) < 1e-12 ? 0 : Double(String(format: "%.12g", x)) ?? x
    }
}
