import Foundation

/// A table written as CSV (RFC 4180): a header row of column names, then one line per row.
///
/// Numbers are written in their shortest round-trip form (`NumberFormat.shortest`), NaN and
/// ±∞ as `nan`, `inf`, `-inf`, so `numpy.loadtxt(path, delimiter=",", skiprows=1)` and
/// `pandas.read_csv(path)` read back exactly the Doubles entk holds. A text field is quoted
/// only when it holds a comma, a quote or a line break. Rows are produced one at a time and
/// streamed through a `FileWriter`, so a wide table is never held as text.
public struct CSVTable {
    /// The column names.
    public var header: [String]
    /// The number of rows after the header.
    public var rowCount: Int
    /// The fields of row `i`, already formatted (`CSVTable.number`, `CSVTable.text`).
    public var row: (Int) -> [String]

    public init(header: [String], rowCount: Int, row: @escaping (Int) -> [String]) {
        self.header = header
        self.rowCount = rowCount
        self.row = row
    }

    /// A table of numbers: `value(r, c)` for `rows` rows and the header's columns.
    public static func numeric(header: [String], rows: Int, _ value: @escaping (Int, Int) -> Double) -> CSVTable {
        CSVTable(header: header, rowCount: rows) { r in (0..<header.count).map { number(value(r, $0)) } }
    }

    /// A number field.
    public static func number(_ x: Double) -> String { NumberFormat.shortest(x) }

    /// A text field, quoted (quotes doubled) when it holds a comma, a quote or a line break.
    public static func text(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The whole CSV text (for tests and small tables; files are streamed by `write(to:)`).
    public var text: String { TextChunks.collect { emit(to: &$0) } }

    /// Writes the table to `path` through a `FileWriter` (a partial file renamed into place).
    public func write(to path: String) throws {
        try TextChunks.write(to: path) { emit(to: &$0) }
    }

    private func emit(to out: inout TextChunks) {
        out.append(header.map(CSVTable.text).joined(separator: ",") + "\n")
        for r in 0..<rowCount { out.append(row(r).joined(separator: ",") + "\n") }
    }
}
