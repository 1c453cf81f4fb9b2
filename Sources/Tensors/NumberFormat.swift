import Foundation

/// The project's one rule for printing a number (shared with the Language module):
/// C's `%.6g` (six significant digits, exponent form below 1e-4 and from 1e6), except that
/// −0 prints as `0`, NaN as `nan` and infinities as `inf` / `-inf`. The C library formats the
/// digits from the exact binary value, so the text is identical on every machine.
public enum NumberFormat {
    /// `x` formatted by the shared rule: 0.1 → "0.1", 1e-7 → "1e-07", 1234567 → "1.23457e+06".
    public static func format(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return "0" }
        return String(format: "%.6g", x)
    }
}
