import Foundation
import Language
import LinearAlgebra
import Networks
import Tensors

/// The tables of the network host types: properties and methods of models, datasets,
/// histories and training results.
extension Session {
    var modelType: HostType {
        func model(_ v: Value) throws -> ModelObject { try v.object(ModelObject.self, named: "model") }
        func tms(_ a: Arguments) throws -> any SuperpositionModel {
            let model = try a.receiver(as: ModelObject.self).model
            guard let t = model as? any SuperpositionModel else {
                throw LanguageError("`\(a.callee)` needs a toy model of superposition (tms); this is a \(model.kind) model")
            }
            return t
        }
        return HostType(
            "model", summary: "a neural network with named parameter groups and a training step",
            detail: "Parameter groups read as tensors: `m.W`, `m.W1`, `m[\"layer0.weight\"]` is not supported; use `m.groups` for the names.",
            properties: [
                HostProperty("kind", type: "string", summary: "tms, modmlp or mlp") { .string(try model($0).model.kind) },
                HostProperty("step", type: "number", summary: "training steps taken so far") { .number(Double(try model($0).model.step)) },
                HostProperty("params", type: "number", summary: "number of parameters P") { .number(Double(try model($0).model.parameterCount)) },
                HostProperty("groups", type: "list", summary: "names of the parameter groups") { .list(try model($0).model.groupNames.map { .string($0) }) },
                HostProperty("history", type: "history", summary: "loss and accuracies recorded at every step") { .host(HistoryObject(try model($0).model.history)) },
                HostProperty("inputs", type: "number", summary: "input size") { .number(Double(try model($0).model.inputSize)) },
                HostProperty("outputs", type: "number", summary: "number of outputs C") { .number(Double(try model($0).model.outputSize)) },
            ],
            methods: [
                Builtin("summary", returns: "none", summary: "print the model's groups and shapes") { a in
                    let m = try a.receiver(as: ModelObject.self)
                    var lines = [m.summary]
                    for g in m.model.parameterGroups {
                        lines.append("  \(g.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(g.shape.map(String.init).joined(separator: "×"))  (\(g.count))")
                    }
                    a.context.write(lines.joined(separator: "\n") + "\n")
                    return .nothing
                },
                Builtin("samples", [BuiltinParameter("count", .count, default: .number(500)), Session.sampleSeed],
                        returns: "dataset", summary: "a fixed TMS sample set: sparse uniform features, each sample L2-normalised") { [unowned self] a in
                    var g = self.generator(seed: try a.optionalInteger("seed"))
                    return .host(DatasetObject(try tms(a).samples(try a.integer("count"), generator: &g)))
                },
                Builtin("n_represented", [BuiltinParameter("threshold", .finiteNumber, default: .number(0.75), requiresLabel: true)],
                        returns: "number", summary: "features the model represents: #{i : (WᵀW)ᵢᵢ ≥ threshold}") { a in
                    .number(Double(try tms(a).representedFeatures(threshold: try a.number("threshold"))))
                },
                Builtin("predict", [BuiltinParameter("x", summary: "inputs, N×d (or one input of length d)")], returns: "tensor",
                        summary: "the model's outputs") { a in
                    let m = try a.receiver(as: ModelObject.self).model
                    let x = try a.tensor("x")
                    let rows = x.rank == 1 ? Tensor(shape: [1, x.count], storage: x.storage) : x
                    guard let input = rows.matrix else { throw LanguageError("predict: x must be 1-d or 2-d, got shape \(Tensor.describe(shape: x.shape))", argument: "x") }
                    let y = Tensor(try m.predict(input))
                    return .wrap(x.rank == 1 ? y.flattened : y)
                },
                Builtin("residual", [BuiltinParameter("x", summary: "token sequences, N×T (e.g. data.all_x)")], returns: "tensor",
                        summary: "transformer: the final residual stream h at the last position, N×d_model (logits = h W_U)",
                        detail: "The class-mean kernel of unembed.W_U is exactly h(x)·h(x′)/C, C the number of logits: ntk(m, x, view: \"mean\", layers: [\"unembed.W_U\"]).matrix() equals h @ h.T / C.") { a in
                    guard let m = try a.receiver(as: ModelObject.self).model as? Transformer else {
                        throw LanguageError("residual is for transformer models")
                    }
                    guard let input = try a.tensor("x").matrix else { throw LanguageError("residual: x must be N×T token ids", argument: "x") }
                    do { return .wrap(Tensor(try m.finalResidual(input))) } catch let error as NetworkError {
                        throw LanguageError(error.description, argument: "x")
                    }
                },
                Builtin("accuracy", [BuiltinParameter("data", .host("dataset")),
                                     BuiltinParameter("split", .choice(["train", "test"]), default: .string("test"), requiresLabel: true)],
                        returns: "number", summary: "argmax accuracy on a dataset's train or test split") { a in
                    let m = try a.receiver(as: ModelObject.self).model
                    let d = try a.host("data", as: DatasetObject.self).dataset
                    if try a.string("split") == "train" { return .number(try m.accuracy(inputs: d.inputs, targets: d.targets)) }
                    guard let x = d.testInputs, let y = d.testTargets else { throw LanguageError("this dataset has no test split", argument: "split") }
                    return .number(try m.accuracy(inputs: x, targets: y))
                },
                Builtin("checkpoint", returns: "number", summary: "remember the parameters and optimizer state at this step; returns the step") { a in
                    let m = try a.receiver(as: ModelObject.self)
                    m.checkpoints[m.model.step] = m.model.checkpoint(optimizer: m.optimizer?.optimizer)
                    return .number(Double(m.model.step))
                },
                Builtin("restore", [BuiltinParameter("step", .naturalNumber)], summary: "go back to a checkpointed step (history is cut there)") { a in
                    let m = try a.receiver(as: ModelObject.self)
                    let step = try a.integer("step")
                    guard let c = m.checkpoints[step] else {
                        let known = m.checkpoints.keys.sorted().map(String.init).joined(separator: ", ")
                        throw LanguageError("no checkpoint at step \(step); checkpoints: \(known.isEmpty ? "none" : known)", argument: "step")
                    }
                    try m.model.restore(c, optimizer: m.optimizer?.optimizer)
                    return .nothing
                },
                Builtin("checkpoints", returns: "list", summary: "the steps with checkpoints") { a in
                    .list(try a.receiver(as: ModelObject.self).checkpoints.keys.sorted().map { .number(Double($0)) })
                },
            ])
    }

    static var sampleSeed: BuiltinParameter {
        BuiltinParameter("seed", .optional(.integer), default: .nothing, requiresLabel: true,
                         summary: "seed of the sample draw; none draws from the session generator")
    }

    var datasetType: HostType {
        func data(_ v: Value) throws -> DatasetObject { try v.object(DatasetObject.self, named: "dataset") }
        func tensor(_ m: Matrix?) -> Value { m.map { .host(TensorObject(Tensor($0))) } ?? .nothing }
        func modular(_ v: Value) throws -> ModularArithmetic {
            guard let task = try data(v).modular else { throw LanguageError("only modular datasets have this property") }
            return task
        }
        return HostType(
            "dataset", summary: "inputs and targets, with an optional test split",
            properties: [
                HostProperty("x", type: "tensor", summary: "training inputs, N×d") { tensor(try data($0).dataset.inputs) },
                HostProperty("y", type: "tensor", summary: "training targets, N×C") { tensor(try data($0).dataset.targets) },
                HostProperty("test_x", type: "tensor", summary: "test inputs, or none") { tensor(try data($0).dataset.testInputs) },
                HostProperty("test_y", type: "tensor", summary: "test targets, or none") { tensor(try data($0).dataset.testTargets) },
                HostProperty("size", type: "number", summary: "number of training samples") { .number(Double(try data($0).dataset.count)) },
                HostProperty("all_x", type: "tensor", summary: "modular: all p² inputs in the order i = a·p + b") { tensor(try modular($0).allInputs) },
                HostProperty("all_y", type: "tensor", summary: "modular: all p² one-hot targets") { tensor(try modular($0).allTargets) },
                HostProperty("p", type: "number", summary: "modular: the modulus") { .number(Double(try modular($0).p)) },
            ])
    }

    var historyType: HostType {
        func history(_ v: Value) throws -> HistoryObject { try v.object(HistoryObject.self, named: "history") }
        return HostType(
            "history", summary: "one record per training step: step, loss, accuracies",
            properties: [
                HostProperty("step", type: "tensor", summary: "the steps") { try history($0).column { Double($0.step) } },
                HostProperty("epoch", type: "tensor", summary: "the epochs (epoch training), or none") { try history($0).column { $0.epoch.map(Double.init) } },
                HostProperty("loss", type: "tensor", summary: "training loss at each step") { try history($0).column { $0.loss } },
                HostProperty("train_acc", type: "tensor", summary: "training accuracy (classification), or none") { try history($0).column { $0.trainAccuracy } },
                HostProperty("test_acc", type: "tensor", summary: "test accuracy (when there is a test split), or none") { try history($0).column { $0.testAccuracy } },
                HostProperty("test_loss", type: "tensor", summary: "test loss, or none") { try history($0).column { $0.testLoss } },
            ])
    }

    var trainingType: HostType {
        func training(_ v: Value) throws -> TrainingObject { try v.object(TrainingObject.self, named: "training result") }
        return HostType(
            "training", summary: "what one train call did",
            properties: [
                HostProperty("steps", type: "number", summary: "updates applied by this call") { .number(Double(try training($0).report.stepsTaken)) },
                HostProperty("loss", type: "number", summary: "loss at the final parameters") { .number(try training($0).report.finalLoss) },
            ])
    }
}
