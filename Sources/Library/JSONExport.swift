import Foundation
import Language
import Plots
import Tensors

/// The JSON form of the values `save(x, "f.json")` takes, read back by `json.load`. Numbers
/// are written in their shortest round-trip form; NaN and ±∞, which JSON lacks, are `null`.
///
/// | value | JSON |
/// |---|---|
/// | number, string, bool, none, list | number, string, bool, null, array |
/// | tensor | nested arrays, as numpy's `tolist()` (a 0-d tensor is a number) |
/// | named tensors | an object of tensors, by name |
/// | spectrum | `{"dimension", "method", "eigenvalues": [λ…], "eigenvectors": [[v0…], …]}` (one list per eigenvector) |
/// | tracker | `{"name", "steps": […], "values": […]}` |
/// | history | `{"step": […], "loss": […], …}`: the columns every record has |
/// | record | an object of its fields, each in its own JSON form |
/// | plot | a heatmap's `{"title", "x_label", "y_label", "row_origin", "column_origin", "values": [[…]]}`; a line plot's `{"title", …, "series": [{"name", "x", "y"}]}` |
/// | cliffs, metrics | `[{"after", "ratio"}, …]`; `{"r2", "loss_ratio", "accuracy_gap"}` |
/// | a model | `{"type": "model", "summary", "tensors": {name: tensor}}` |
///
/// A value with no data form (a kernel, a dataset, a function) is refused at the top level and
/// written as `{"type", "summary"}` inside a record or list, so an experiment's record saves whole.
extension Value {
    /// Whether `save` writes this value at all: false for functions and for host objects with
    /// no data form (a kernel, a dataset, an optimizer), which are refused in every format.
    var hasFileForm: Bool {
        switch self {
        case .function: return false
        case .host(let object):
            return object is TensorObject || object is NamedTensorExporting || object is SpectrumObject || object is TrackerObject
                || object is HistoryObject || object is RecordObject || object is PlotObject || object is CliffsObject || object is MetricsObject
        default: return true
        }
    }

    func jsonValue() throws -> JSONValue {
        guard let json = try dataJSON() else { throw Value.noFileForm(self) }
        return json
    }

    /// The value inside a record or list: its JSON form, or its type and summary.
    func nestedJSON() throws -> JSONValue {
        if let json = try dataJSON() { return json }
        return .object([("type", .string(typeName)), ("summary", .string(summary))])
    }

    /// "a kernel cannot be saved to a file: …", for a value without `hasFileForm`.
    static func noFileForm(_ value: Value) -> LanguageError {
        LanguageError("a \(value.typeName) cannot be saved to a file: save writes tensors, named tensors, models' weights, spectra, "
                      + "trackers, histories, records, plots and plain values", argument: "value")
    }

    /// The JSON form, or nil for a value that has none (`hasFileForm` is false).
    private func dataJSON() throws -> JSONValue? {
        switch self {
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .nothing: return .null
        case .list(let elements): return .array(try elements.map { try $0.nestedJSON() })
        case .range(let range): return .numbers(try range.materialized().compactMap { $0.integer.map(Double.init) })
        case .function: return nil
        case .host(let object):
            switch object {
            case let t as TensorObject: return Value.json(t.tensor)
            case let collection as TensorCollection: return Value.json(collection.namedTensors)
            case let s as SpectrumObject:
                let vectors = s.spectrum.vectors
                return .object([
                    ("dimension", .number(Double(vectors.rows))), ("method", .string(s.spectrum.method.rawValue)),
                    ("eigenvalues", .numbers(s.values)),
                    ("eigenvectors", .array((0..<s.values.count).map { .numbers(vectors.column($0)) })),
                ])
            case let t as TrackerObject: return .object([("name", .string(t.name)), ("steps", .numbers(t.steps)), ("values", .numbers(t.values))])
            case let h as HistoryObject: return .object(h.columns.map { ($0.name, .numbers($0.values)) })
            case let r as RecordObject: return .object(try r.fields.map { ($0.name, try $0.value.nestedJSON()) })
            case let p as PlotObject: return p.json
            case let c as CliffsObject:
                return .array(c.cliffs.map { .object([("after", .number(Double($0.after))), ("ratio", .number($0.ratio))]) })
            case let m as MetricsObject:
                return .object([("r2", .number(m.metrics.r2)), ("loss_ratio", .number(m.metrics.lossRatio)),
                                ("accuracy_gap", .number(m.metrics.accuracyGap))])
            case let exporter as NamedTensorExporting:
                return .object([("type", .string(exporter.typeName)), ("summary", .string(exporter.summary)),
                                ("tensors", Value.json(exporter.namedTensors))])
            default: return nil
            }
        }
    }

    /// Nested arrays, as numpy's `tolist()`.
    static func json(_ t: Tensor) -> JSONValue {
        switch t.rank {
        case 0: return .number(t.storage[0])
        case 1: return .numbers(t.storage)
        default:
            let inner = Array(t.shape.dropFirst()), stride = inner.reduce(1, *)
            return .array((0..<t.shape[0]).map { i in
                json(Tensor(shape: inner, storage: Array(t.storage[(i * stride)..<((i + 1) * stride)])))
            })
        }
    }

    static func json(_ tensors: [(name: String, tensor: Tensor)]) -> JSONValue {
        .object(tensors.map { ($0.name, json($0.tensor)) })
    }
}

extension PlotObject {
    var json: JSONValue {
        switch figure {
        case .heatmap(let h):
            return .object([
                ("title", .string(h.title)), ("x_label", .string(h.xLabel)), ("y_label", .string(h.yLabel)),
                ("row_origin", .number(Double(h.rowOrigin))), ("column_origin", .number(Double(h.columnOrigin))),
                ("values", .array((0..<h.rows).map { r in .numbers(Array(h.values[(r * h.columns)..<((r + 1) * h.columns)])) })),
            ])
        case .line(let p):
            return .object([
                ("title", .string(p.title)), ("x_label", .string(p.xLabel)), ("y_label", .string(p.yLabel)), ("log_y", .bool(p.logY)),
                ("series", .array(p.series.map { .object([("name", .string($0.name)), ("x", .numbers($0.x)), ("y", .numbers($0.y))]) })),
            ])
        }
    }
}
