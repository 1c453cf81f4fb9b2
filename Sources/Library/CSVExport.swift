import Foundation
import Language
import Networks
import Plots
import Tensors

/// The CSV form of the values `save(x, "f.csv")` takes: a header row of column names, then
/// one line per row, numbers in their shortest round-trip form and NaN, ±∞ as `nan`, `inf`,
/// `-inf` (see `CSVTable`), so `numpy.loadtxt(f, delimiter=",", skiprows=1)` and
/// `pandas.read_csv(f)` read them back exactly.
///
/// | value | columns | rows |
/// |---|---|---|
/// | number, 1-d tensor or list | `value` | one per element |
/// | 2-d tensor | `c0,c1,…` | one per row |
/// | spectrum | `index,eigenvalue,v0,…,v{n−1}` | one per eigenpair (row i: λᵢ and eigenvector i) |
/// | tracker, or a list of trackers filled at the same steps | `step,NAME,…` | one per point |
/// | history | `step,loss` and `train_acc`, `test_acc`, `test_loss` when recorded | one per step |
/// | heatmap | `c0,c1,…` (numbered from the column origin) | one per row of the matrix |
/// | line plot whose series share x | `X-LABEL,SERIES,…` | one per x |
/// | record of numbers, strings and bools | the field names | one |
///
/// Anything else (a tensor of rank 3, a nested record, a model) is refused with what to use.
extension Value {
    func csvTable() throws -> CSVTable {
        switch self {
        case .host(let spectrum as SpectrumObject): return spectrum.csvTable
        case .host(let tracker as TrackerObject): return try TrackerObject.csvTable([tracker])
        case .list(let items) where !items.isEmpty && items.allSatisfy({ if case .host(is TrackerObject) = $0 { true } else { false } }):
            return try TrackerObject.csvTable(items.compactMap { if case .host(let t as TrackerObject) = $0 { t } else { nil } })
        case .host(let history as HistoryObject): return history.csvTable
        case .host(let record as RecordObject): return try record.csvTable()
        case .host(let plot as PlotObject): return try plot.csvTable()
        case .host(is TensorObject), .number, .list: return try Value.csvTable(asTensor(argument: "value"))
        default:
            throw LanguageError("\(typeName) has no CSV form (CSV holds tensors of rank ≤ 2, spectra, trackers, histories, "
                                + "heatmaps and flat records)\(Value.formatsHint(for: self))", argument: "value")
        }
    }

    /// A tensor of rank ≤ 2 as a table: one `value` column, or `c0,c1,…` for a matrix.
    static func csvTable(_ t: Tensor) throws -> CSVTable {
        switch t.rank {
        case 0, 1: return .numeric(header: ["value"], rows: t.count) { r, _ in t.storage[r] }
        case 2:
            let cols = t.shape[1]
            return .numeric(header: (0..<cols).map { "c\($0)" }, rows: t.shape[0]) { r, c in t.storage[r * cols + c] }
        default:
            throw LanguageError("a tensor of rank \(t.rank) has no CSV form (CSV holds rank ≤ 2); reshape it, or save it as .npy or .json",
                                argument: "value")
        }
    }

    /// `; save it as .json` and the like: the formats this value does have.
    static func formatsHint(for value: Value) -> String {
        switch value {
        case .host(is NamedTensorExporting): return "; save it as .safetensors or .json"
        case .host(is TensorObject), .number, .list: return "; save it as .npy, .safetensors, .csv or .json"
        default: break
        }
        return value.hasFileForm ? "; save it as .json" : ""
    }
}

extension SpectrumObject {
    /// One row per eigenpair: its index, eigenvalue and the n entries of its unit eigenvector.
    var csvTable: CSVTable {
        let vectors = spectrum.vectors, n = vectors.rows, values = self.values
        return CSVTable(header: ["index", "eigenvalue"] + (0..<n).map { "v\($0)" }, rowCount: values.count) { i in
            [String(i), CSVTable.number(values[i])] + (0..<n).map { CSVTable.number(vectors.storage[$0 * vectors.cols + i]) }
        }
    }
}

extension TrackerObject {
    /// `step,NAME1,NAME2,…`: one row per step, one column per tracker; the trackers must have
    /// been filled at the same steps.
    static func csvTable(_ trackers: [TrackerObject]) throws -> CSVTable {
        let steps = trackers[0].steps
        if let other = trackers.first(where: { $0.steps != steps }) {
            throw LanguageError("trackers \(trackers[0].name) and \(other.name) were filled at different steps, so they make no one table; "
                                + "save them one by one, or as .json", argument: "value")
        }
        let series = trackers.map(\.values)
        return .numeric(header: ["step"] + trackers.map(\.name), rows: steps.count) { r, c in c == 0 ? steps[r] : series[c - 1][r] }
    }
}

extension HistoryObject {
    /// The columns every record has: step and loss, then the accuracies and test loss if recorded.
    var columns: [(name: String, values: [Double])] {
        let all: [(String, (TrainingRecord) -> Double?)] = [
            ("step", { Double($0.step) }), ("loss", { $0.loss }), ("train_acc", { $0.trainAccuracy }),
            ("test_acc", { $0.testAccuracy }), ("test_loss", { $0.testLoss }),
        ]
        return all.compactMap { name, pick in
            let values = records.compactMap(pick)
            return values.count == records.count ? (name, values) : nil
        }
    }

    var csvTable: CSVTable {
        let columns = self.columns
        return .numeric(header: columns.map(\.name), rows: records.count) { r, c in columns[c].values[r] }
    }
}

extension RecordObject {
    /// One row of the fields, when every field is a number, string, bool or none (empty).
    func csvTable() throws -> CSVTable {
        let cells = try fields.map { field -> String in
            switch field.value {
            case .number(let x): return CSVTable.number(x)
            case .string(let s): return CSVTable.text(s)
            case .bool(let b): return b ? "true" : "false"
            case .nothing: return ""
            default:
                throw LanguageError("record field \"\(field.name)\" is a \(field.value.typeName): a record saves as CSV only when every field "
                                    + "is a number, string or bool; save it as .json to keep nested values", argument: "value")
            }
        }
        return CSVTable(header: fields.map(\.name), rowCount: 1) { _ in cells }
    }
}

extension PlotObject {
    /// A heatmap's matrix, or the series of a line plot whose series share their x values.
    func csvTable() throws -> CSVTable {
        switch figure {
        case .heatmap(let h):
            return .numeric(header: (0..<h.columns).map { "c\(h.columnOrigin + $0)" }, rows: h.rows) { r, c in h[r, c] }
        case .line(let p):
            guard let x = p.series.first?.x, p.series.allSatisfy({ $0.x == x }) else {
                throw LanguageError("the series of this plot do not share their x values, so they make no one table; save it as .json",
                                    argument: "value")
            }
            let header = [p.xLabel.isEmpty ? "x" : p.xLabel] + p.series.enumerated().map { $1.name.isEmpty ? "y\($0)" : $1.name }
            return .numeric(header: header, rows: x.count) { r, c in c == 0 ? x[r] : p.series[c - 1].y[r] }
        }
    }
}
