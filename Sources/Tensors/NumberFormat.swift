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

    /// `x` as the shortest text that reads back as exactly the same Double, for files other
    /// programs read (CSV, JSON): integral values below 2⁵³ without a fraction (`3`, `-0`),
    /// others as Swift's shortest round-trip form (`0.1`, `1e-05`, `5e-324`,
    /// `1.7976931348623157e+308`); NaN as `nan` and infinities as `inf` / `-inf`, which
    /// `numpy.loadtxt` and `pandas.read_csv` read (JSON, which has no such numbers, writes null).
    public static func shortest(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return x.sign == .minus ? "-0" : "0" }
        if x.rounded() == x, abs(x) < 0x1p53 { return String(Int64(x)) }
        return x.description
    }
}
