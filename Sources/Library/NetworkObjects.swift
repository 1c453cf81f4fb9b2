import Foundation
import Language
import LinearAlgebra
import Networks
import Tensors

/// A model living in the language: `m.W` reads a parameter group as a tensor, `m.step` its
/// training step. It remembers the optimizer `train` last used (so training resumes with its
/// moments) and the checkpoints taken with `m.checkpoint()`.
public final class ModelObject: NamedTensorExporting {
    public let model: any DifferentiableModel
    var optimizer: OptimizerObject?
    var checkpoints: [Int: Checkpoint] = [:]

    init(_ model: any DifferentiableModel) { self.model = model }

    public var typeName: String { "model" }

    /// `tms  n=50 m=10  550 parameters  step 0`.
    public var summary: String {
        "\(model.kind)  \(model.shapeSummary)  \(model.parameterCount) parameters  step \(model.step)"
    }

    /// Parameter groups read and written as members (`m.W`, `net.layer0.weight`, where
    /// `net.layer0` is the path to the groups under it) or by name (`net["layer0.weight"]`).
    /// A write checks the shape and that every entry is finite.
    public var dynamicMemberNames: [String] { ParameterPath(model: self, prefix: nil).dynamicMemberNames }
    /// The methods only a toy model of superposition answers.
    public var unofferedMemberNames: Set<String> { model is any SuperpositionModel ? [] : ["samples", "n_represented"] }
    public func member(named name: String) throws -> Value? { try ParameterPath(model: self, prefix: nil).member(named: name) }
    public func setMember(named name: String, to value: Value) throws {
        try ParameterPath(model: self, prefix: nil).setMember(named: name, to: value)
    }
    public func subscriptValue(_ components: [IndexComponent]) throws -> Value {
        .host(TensorObject(try model.tensor(try Self.groupName(components))))
    }
    public func setSubscript(_ components: [IndexComponent], to value: Value) throws {
        try setGroup(try Self.groupName(components), to: value)
    }

    func setGroup(_ name: String, to value: Value) throws {
        do { try model.setTensor(name, try value.asTensor(argument: name)) } catch let error as NetworkError { throw LanguageError("\(error)") }
    }

    private static func groupName(_ components: [IndexComponent]) throws -> String {
        guard components.count == 1, case .single(.string(let name)) = components[0] else {
            throw LanguageError("a model is indexed by a parameter name, e.g. m[\"W\"]")
        }
        return name
    }

    public var namedTensors: [(name: String, tensor: Tensor)] {
        let tensors = model.namedTensors()
        return model.groupNames.compactMap { name in tensors[name].map { (name, $0) } }
    }
}

/// The parameter groups of a model under a dotted prefix: `net.layer0` holds `weight` and `bias`,
/// so `net.layer0.weight` reads the group `layer0.weight` (and assigns it).
public final class ParameterPath: HostObject {
    let model: ModelObject
    /// `layer0`, or nil for the model itself.
    let prefix: String?

    init(model: ModelObject, prefix: String?) {
        self.model = model
        self.prefix = prefix
    }

    public var typeName: String { "parameters" }
    private func full(_ name: String) -> String { prefix.map { "\($0).\(name)" } ?? name }
    private var groups: [String] {
        model.model.groupNames.filter { prefix == nil || $0.hasPrefix(prefix! + ".") }
    }

    /// `parameters layer0: weight (4, 3), bias (4,)`.
    public var summary: String {
        let shapes = model.model.parameterGroups.filter { groups.contains($0.name) }
            .map { "\($0.name.dropFirst(prefix.map { $0.count + 1 } ?? 0)) \(Tensor.describe(shape: $0.shape))" }
        return "parameters \(prefix ?? "")\(prefix == nil ? "" : ": ")\(shapes.joined(separator: ", "))"
    }

    /// The next name component of every group under the prefix (`weight`, `bias`; `layer0`).
    public var dynamicMemberNames: [String] {
        let skip = prefix.map { $0.count + 1 } ?? 0
        var seen: [String] = []
        for name in groups {
            let head = String(name.dropFirst(skip).prefix { $0 != "." })
            if !seen.contains(head) { seen.append(head) }
        }
        return seen
    }

    public func member(named name: String) throws -> Value? {
        let path = full(name)
        if model.model.groupNames.contains(path) { return .host(TensorObject(try model.model.tensor(path))) }
        if model.model.groupNames.contains(where: { $0.hasPrefix(path + ".") }) { return .host(ParameterPath(model: model, prefix: path)) }
        return nil
    }

    public func setMember(named name: String, to value: Value) throws {
        let path = full(name)
        guard model.model.groupNames.contains(path) else {
            throw LanguageError("the model has no parameter group `\(path)`; groups: \(model.model.groupNames.joined(separator: ", "))")
        }
        try model.setGroup(path, to: value)
    }
}

/// A dataset: training inputs and targets, an optional test split, and for modular arithmetic
/// the full table of p² pairs (`all_x`, `a`, `b`) that the kernels are taken on.
public final class DatasetObject: HostObject {
    public let dataset: Dataset
    let modular: ModularArithmetic?

    init(_ dataset: Dataset, modular: ModularArithmetic? = nil) {
        self.dataset = dataset
        self.modular = modular
    }

    public var typeName: String { "dataset" }
    public var count: Int? { dataset.count }
    /// `dataset 500 samples  50→50` or `dataset modular add p=29  588 train + 253 test  58→29`.
    public var summary: String {
        let io = "\(dataset.inputs.cols)→\(dataset.targets.cols)"
        let task = modular.map { "modular \($0.operation.rawValue) p=\($0.p)\($0.encoding == .tokens ? " tokens" : "")  " } ?? ""
        if let test = dataset.testInputs { return "dataset \(task)\(dataset.count) train + \(test.rows) test  \(io)" }
        return "dataset \(task)\(dataset.count) samples  \(io)"
    }
}

/// An optimizer with its state; reusing it across `train` calls keeps its moments.
public final class OptimizerObject: HostObject {
    public let optimizer: Optimizer
    let text: String
    init(_ optimizer: Optimizer, text: String) {
        self.optimizer = optimizer
        self.text = text
    }
    public var typeName: String { "optimizer" }
    public var summary: String { text }
}

/// A model's training history: one record per step, as columns of tensors.
public final class HistoryObject: HostObject {
    let records: [TrainingRecord]
    init(_ records: [TrainingRecord]) { self.records = records }
    public var typeName: String { "history" }
    public var count: Int? { records.count }
    public var summary: String {
        guard let first = records.first, let last = records.last else { return "history (empty)" }
        return "history \(records.count) records, steps \(first.step)…\(last.step)"
    }
    /// The summary, then the last record.
    public var displayText: String {
        guard let last = records.last else { return summary }
        return summary + "\n" + TrainingObject.describe(last)
    }

    /// A column: steps, losses, or accuracies (none when the data has no such column).
    func column(_ pick: (TrainingRecord) -> Double?) -> Value {
        let values = records.compactMap(pick)
        guard values.count == records.count, !values.isEmpty else { return .nothing }
        return .host(TensorObject(Tensor(values)))
    }
}

/// What one `train` call did; echoes as `step 5000  loss 0.004119  …`.
public final class TrainingObject: HostObject {
    let report: TrainingReport
    let record: TrainingRecord?
    init(_ report: TrainingReport, record: TrainingRecord?) {
        self.report = report
        self.record = record
    }
    public var typeName: String { "training" }
    public var summary: String {
        record.map(TrainingObject.describe) ?? "step \(report.finalStep)  loss \(format4(report.finalLoss))"
    }

    /// `step 500  loss 0.001234  train acc 100.0%  test acc 98.42%`, four significant digits so
    /// replays on other CPUs still match.
    static func describe(_ r: TrainingRecord) -> String {
        var parts = (r.epoch.map { ["epoch \($0)"] } ?? []) + ["step \(r.step)", "loss \(format4(r.loss))"]
        if let a = r.trainAccuracy { parts.append("train acc \(String(format: "%.1f", 100 * a))%") }
        if let a = r.testAccuracy { parts.append("test acc \(String(format: "%.1f", 100 * a))%") }
        return parts.joined(separator: "  ")
    }
}

/// `%.4g`, with the project's rules for zero, NaN and infinities.
func format4(_ x: Double) -> String {
    if !x.isFinite || x == 0 { return Value.format(x) }
    return String(format: "%.4g", x)
}
