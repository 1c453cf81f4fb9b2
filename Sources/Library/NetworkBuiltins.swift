import Foundation
import Language
import LinearAlgebra
import Networks
import Tensors

/// Models, datasets, optimizers and training: the functions and the host types' tables.
extension Session {
    func installNetworkBuiltins() throws {
        let registry = interpreter.registry
        try registry.register(modelBuiltins + optimizerBuiltins + [trainBuiltin, loadWeightsBuiltin])
        for type in [modelType, datasetType, historyType, trainingType,
                     HostType("optimizer", summary: "an optimizer with its moments (sgd, adam, adamw)")] {
            try registry.register(type: type)
        }
    }

    private static var seedParameter: BuiltinParameter {
        BuiltinParameter("seed", .optional(.integer), default: .nothing, requiresLabel: true,
                         summary: "initialisation seed; none draws one from the session generator")
    }

    private func modelSeed(_ a: Arguments) throws -> UInt64 {
        if let seed = try a.optionalInteger("seed") { return UInt64(bitPattern: Int64(seed)) }
        return random.nextUInt64()
    }

    private var modelBuiltins: [Builtin] {
        [
            Builtin("tms", [BuiltinParameter("features", .count, default: .number(50), requiresLabel: true, summary: "n, the number of features"),
                            BuiltinParameter("hidden", .count, default: .number(10), requiresLabel: true, summary: "m, the hidden width"),
                            BuiltinParameter("sparsity", .bounded(.number, .within(0, 1)), default: .number(0), requiresLabel: true, summary: "S: each feature is zero with probability S"),
                            BuiltinParameter("importance", .optional(.positiveNumber), default: .nothing, requiresLabel: true,
                                             summary: "decay r of the importances rⁱ (default 0.8)"),
                            Session.seedParameter],
                    returns: "model", summary: "a toy model of superposition ŷ = ReLU(WᵀW x + b)",
                    detail: "W is m×n, xavier-normal (std √(2/(m+n))), b = 0. Trained on the importance-weighted MSE. Groups `W` and `b`.") { [unowned self] a in
                let n = try a.integer("features")
                let decay = try a.has("importance") ? try a.number("importance") : 0.8
                return .host(ModelObject(try TMSModel(features: n, hidden: try a.integer("hidden"), sparsity: try a.number("sparsity"),
                                                      importanceDecay: decay, seed: try self.modelSeed(a))))
            },
            Builtin("modmlp", [BuiltinParameter("p", .bounded(.integer, .within(2, 1000)), default: .number(29), requiresLabel: true, summary: "the modulus"),
                               BuiltinParameter("width", .count, default: .number(512), requiresLabel: true, summary: "hidden width"),
                               BuiltinParameter("activation", .choice(of: Activation.self), default: .string("square"), requiresLabel: true),
                               Session.seedParameter],
                    returns: "model", summary: "the mean-field two-layer MLP for modular arithmetic",
                    detail: "z = W1 x/√(2p), out = W2 σ(z)/width; W1 width×2p and W2 p×width, both N(0, 1). Groups `W1`, `W2`.") { [unowned self] a in
                .host(ModelObject(try ModularMLP(p: try a.integer("p"), width: try a.integer("width"),
                                                 activation: try Session.activation(a), seed: try self.modelSeed(a))))
            },
            Builtin("mlp", [BuiltinParameter("sizes", .list, requiresLabel: true, summary: "layer sizes, input first: [2, 16, 1]"),
                            BuiltinParameter("activation", .choice(of: Activation.self), default: .string("relu"), requiresLabel: true),
                            BuiltinParameter("bias", .bool, default: .bool(true), requiresLabel: true, summary: "whether layers have biases"),
                            Session.seedParameter],
                    returns: "model", summary: "a plain multilayer perceptron",
                    detail: "PyTorch's default initialisation. Groups `layer0.weight`, `layer0.bias`, …") { [unowned self] a in
                let sizes = try a.list("sizes").map { v -> Int in
                    guard let n = v.integer else { throw LanguageError("mlp: sizes must be integers", argument: "sizes") }
                    return n
                }
                return .host(ModelObject(try MLPModel(sizes: sizes, activation: try Session.activation(a), bias: try a.bool("bias"),
                                                      seed: try self.modelSeed(a))))
            },
            Builtin("transformer", [BuiltinParameter("vocab", .bounded(.integer, .within(1, 1_000_000)), default: .number(30), requiresLabel: true, summary: "V, the vocabulary size (token ids 0..<V)"),
                                    BuiltinParameter("d_model", .count, default: .number(64), requiresLabel: true, summary: "D, the residual width"),
                                    BuiltinParameter("heads", .count, default: .number(4), requiresLabel: true, summary: "H, attention heads per block"),
                                    BuiltinParameter("d_head", .count, default: .number(16), requiresLabel: true, summary: "E, the width of one head"),
                                    BuiltinParameter("d_mlp", .count, default: .number(256), requiresLabel: true, summary: "M, the MLP's hidden width"),
                                    BuiltinParameter("layers", .count, default: .number(1), requiresLabel: true, summary: "transformer blocks"),
                                    BuiltinParameter("context", .count, default: .number(3), requiresLabel: true, summary: "T, tokens per input (inputs are N×T)"),
                                    BuiltinParameter("act", .choice(of: Activation.self), default: .string("relu"), requiresLabel: true, summary: "the MLP's nonlinearity"),
                                    BuiltinParameter("layernorm", .bool, default: .bool(false), requiresLabel: true, summary: "LayerNorm before attention, MLP and unembedding"),
                                    BuiltinParameter("bias", .bool, default: .bool(false), requiresLabel: true, summary: "biases b_Q, b_K, b_V, b_O, b_in, b_out, b_U"),
                                    BuiltinParameter("positions", .choice(["last", "all"]), default: .string("last"), requiresLabel: true,
                                                     summary: "logits at the last position (V outputs) or every position (T·V)"),
                                    Session.seedParameter],
                    returns: "model", summary: "a decoder-only transformer with TransformerLens' names and shapes",
                    detail: "Defaults are the paper's one-layer model (SCIENCE.md §4). Groups `embed.W_E` [V, D], `pos_embed.W_pos` [T, D], `blocks.0.attn.W_Q` [H, D, E] (W_K, W_V), `W_O` [H, E, D], `blocks.0.mlp.W_in` [D, M], `W_out` [M, D], `unembed.W_U` [D, V], and with bias:/layernorm: the b_* and ln*.w/b tensors. A TransformerLens state dict saved as safetensors loads with `load_weights`.") { [unowned self] a in
                let c = Transformer.Configuration(vocabulary: try a.integer("vocab"), width: try a.integer("d_model"), heads: try a.integer("heads"),
                                                  headWidth: try a.integer("d_head"), mlpWidth: try a.integer("d_mlp"), blocks: try a.integer("layers"),
                                                  context: try a.integer("context"), activation: try a.choice("act", as: Activation.self),
                                                  layerNorm: try a.bool("layernorm"), bias: try a.bool("bias"),
                                                  allPositions: try a.string("positions") == "all")
                return .host(ModelObject(try Transformer(c, seed: try self.modelSeed(a))))
            },
            Builtin("modular", [BuiltinParameter("p", .bounded(.integer, .within(2, 1000)), default: .number(29), requiresLabel: true, summary: "the modulus"),
                                BuiltinParameter("op", .choice(["add", "sub", "mul"]), default: .string("add"), requiresLabel: true),
                                BuiltinParameter("train", .bounded(.number, .within(0, 1)), default: .number(0.7), requiresLabel: true, summary: "fraction of pairs for training"),
                                BuiltinParameter("seed", .integer, default: .number(0), requiresLabel: true, summary: "seed of the train/test split")],
                    returns: "dataset", summary: "all p² pairs (a, b) ↦ (a op b) mod p, one-hot, split into train and test",
                    detail: "Pair i = a·p + b. `data.all_x` holds all p² inputs in that order (the kernels are taken on them).") { a in
                let op = try a.choice("op", as: ModularArithmetic.Operation.self)
                let task = try ModularArithmetic(p: try a.integer("p"), operation: op, trainFraction: try a.number("train"),
                                                 seed: UInt64(bitPattern: Int64(try a.integer("seed"))))
                return .host(DatasetObject(task.dataset, modular: task))
            },
            Builtin("modular_sequences", [BuiltinParameter("p", .bounded(.integer, .within(2, 1000)), default: .number(29), requiresLabel: true, summary: "the modulus"),
                                          BuiltinParameter("op", .choice(["add", "sub", "mul"]), default: .string("add"), requiresLabel: true),
                                          BuiltinParameter("train", .bounded(.number, .within(0, 1)), default: .number(0.5), requiresLabel: true, summary: "fraction of pairs for training"),
                                          BuiltinParameter("seed", .integer, default: .number(0), requiresLabel: true, summary: "seed of the train/test split"),
                                          BuiltinParameter("shuffle", .choice(["entk", "python"]), default: .string("entk"), requiresLabel: true,
                                                           summary: "whose shuffle splits the pairs")],
                    returns: "dataset", summary: "all p² token sequences (a, b, p) ↦ (a op b) mod p, split into train and test",
                    detail: """
                        Inputs are N×3 token ids (token p is "="; vocabulary p + 1), targets one-hot over p classes. Pair i = a·p + b; \
                        the split is a seeded shuffle of the p² rows, the first ⌊train·p²⌋ training (420 of 841 for p = 29), \
                        independent of any model seed. `shuffle: "python"` shuffles as CPython's random.seed(seed); \
                        random.shuffle(pairs) does (the paper author's split). `data.all_x` holds all p² sequences in pair order.
                        """) { a in
                let op = try a.choice("op", as: ModularArithmetic.Operation.self)
                let shuffle = try a.choice("shuffle", as: ModularArithmetic.Shuffle.self), seed = try a.integer("seed")
                // CPython seeds from |n|; entk's generator from n's 64 bits.
                let task = try ModularArithmetic(p: try a.integer("p"), operation: op, trainFraction: try a.number("train"),
                                                 seed: shuffle == .python ? UInt64(seed.magnitude) : UInt64(bitPattern: Int64(seed)),
                                                 encoding: .tokens, shuffle: shuffle)
                return .host(DatasetObject(task.dataset, modular: task))
            },
            Builtin("one_hot", [BuiltinParameter("labels", summary: "integer class labels, a vector of N"),
                                BuiltinParameter("classes", .optional(.count), default: .nothing, requiresLabel: true,
                                                 summary: "C (default: the largest label + 1)")],
                    returns: "tensor", summary: "an N×C tensor with a 1 in column labels[n] of row n") { a in
                .host(TensorObject(try Tensor.oneHot(try a.tensor("labels"), classes: try a.optionalInteger("classes"))))
            },
            Builtin("dataset", [BuiltinParameter("x", summary: "inputs, N×d"),
                                BuiltinParameter("y", summary: "targets, N×C, or N integer class labels (one-hot encoded, classification)"),
                                BuiltinParameter("test_x", default: .nothing, requiresLabel: true, summary: "test inputs"),
                                BuiltinParameter("test_y", default: .nothing, requiresLabel: true, summary: "test targets"),
                                BuiltinParameter("classification", .bool, default: .bool(false), requiresLabel: true,
                                                 summary: "record argmax accuracy while training")],
                    returns: "dataset", summary: "a dataset from your own tensors") { a in
                // Class labels (a vector) are one-hot encoded over the classes of train and test together.
                let y = try a.tensor("y")
                let testY = a.has("test_y") ? try a.tensor("test_y") : nil
                let labels = y.rank == 1
                let classes = labels ? Int(max(y.storage.max() ?? 0, testY?.storage.max() ?? 0)) + 1 : nil
                func encoded(_ t: Tensor) throws -> Tensor { labels && t.rank == 1 ? try Tensor.oneHot(t, classes: classes) : t }
                return .host(DatasetObject(try Dataset(inputs: try a.tensor("x"), targets: try encoded(y),
                                                       testInputs: a.has("test_x") ? try a.tensor("test_x") : nil,
                                                       testTargets: try testY.map(encoded),
                                                       isClassification: labels || (try a.bool("classification")))))
            },
        ]
    }

    private static func activation(_ a: Arguments) throws -> Activation {
        try a.choice("activation", as: Activation.self)
    }

    private var optimizerBuiltins: [Builtin] {
        let lr = { (value: Double) in BuiltinParameter("lr", .positiveNumber, default: .number(value), requiresLabel: true, summary: "learning rate") }
        let decay = { (value: Double) in BuiltinParameter("weight_decay", .nonNegativeNumber, default: .number(value), requiresLabel: true, summary: "weight decay") }
        let betas = [BuiltinParameter("beta1", .bounded(.number, .within(0, 1)), default: .number(0.9), requiresLabel: true, summary: "first-moment decay"),
                     BuiltinParameter("beta2", .bounded(.number, .within(0, 1)), default: .number(0.999), requiresLabel: true, summary: "second-moment decay"),
                     BuiltinParameter("eps", .positiveNumber, default: .number(1e-8), requiresLabel: true, summary: "denominator guard")]
        return [
            Builtin("sgd", [lr(0.01), BuiltinParameter("momentum", .bounded(.number, .within(0, 1)), default: .number(0), requiresLabel: true, summary: "momentum"), decay(0)],
                    returns: "optimizer", summary: "stochastic gradient descent with momentum (PyTorch's definition)") { a in
                let text = "sgd lr=\(Value.format(try a.number("lr"))) momentum=\(Value.format(try a.number("momentum")))"
                return .host(OptimizerObject(try Optimizer.sgd(lr: try a.number("lr"), momentum: try a.number("momentum"),
                                                               weightDecay: try a.number("weight_decay")), text: text))
            },
            Builtin("adam", [lr(1e-3)] + betas + [decay(0)], returns: "optimizer",
                    summary: "Adam (PyTorch's definition; weight decay added to the gradient)") { a in
                .host(OptimizerObject(try Optimizer.adam(lr: try a.number("lr"), beta1: try a.number("beta1"), beta2: try a.number("beta2"),
                                                         eps: try a.number("eps"), weightDecay: try a.number("weight_decay")),
                                      text: "adam lr=\(Value.format(try a.number("lr")))"))
            },
            Builtin("adamw", [lr(1e-3)] + betas + [decay(0.01)], returns: "optimizer",
                    summary: "AdamW: Adam with decoupled weight decay θ ← θ − lr·wd·θ") { a in
                .host(OptimizerObject(try Optimizer.adamW(lr: try a.number("lr"), beta1: try a.number("beta1"), beta2: try a.number("beta2"),
                                                          eps: try a.number("eps"), weightDecay: try a.number("weight_decay")),
                                      text: "adamw lr=\(Value.format(try a.number("lr"))) weight_decay=\(Value.format(try a.number("weight_decay")))"))
            },
        ]
    }

    private var trainBuiltin: Builtin {
        Builtin("train", [BuiltinParameter("model", .host("model")), BuiltinParameter("data", .host("dataset")),
                          BuiltinParameter("steps", .optional(.naturalNumber), default: .nothing, requiresLabel: true,
                                           summary: "full-batch optimizer updates to apply"),
                          BuiltinParameter("epochs", .optional(.naturalNumber), default: .nothing, requiresLabel: true,
                                           summary: "minibatch passes over the training rows (with `batch`), instead of `steps`"),
                          BuiltinParameter("batch", .optional(.count), default: .nothing, requiresLabel: true,
                                           summary: "with `epochs`: rows per minibatch (more than the rows: one full batch)"),
                          BuiltinParameter("shuffle_seed", .integer, default: .number(0), requiresLabel: true,
                                           summary: "with `epochs`: seed of the per-epoch row shuffles"),
                          BuiltinParameter("opt", .optional(.host("optimizer")), default: .nothing, requiresLabel: true,
                                           summary: "optimizer; none reuses the model's last one, or adam(lr: 1e-3)"),
                          BuiltinParameter("loss", .optional(.choice(["mse", "weighted_mse", "cross_entropy"])), default: .nothing, requiresLabel: true,
                                           summary: "none uses the model's own"),
                          BuiltinParameter("classes", .optional(.count), default: .nothing, requiresLabel: true,
                                           summary: "cross_entropy over the first this many logits only (targets have this many columns)"),
                          BuiltinParameter("every", .naturalNumber, default: .number(0), requiresLabel: true,
                                           summary: "call `do` every this many steps; with `epochs`, record and call `do` every this many epochs"),
                          BuiltinParameter("do", .optional(.function), default: .nothing, requiresLabel: true,
                                           summary: "a function called with the step number, or with `epochs` the epoch (model at that point)")],
                returns: "training", summary: "full-batch (steps) or minibatch (epochs) training that continues from the model's current step",
                detail: """
                    With `steps`: records loss (and accuracy on classification data) at every step in `m.history`. With \
                    `epochs` and `batch`: each epoch shuffles the training rows (Fisher–Yates from the seeded generator) and takes \
                    one optimizer step per minibatch of `batch` rows, the last one smaller; `m.step` counts those steps. It records \
                    the loss and accuracies on the full train and test splits at the first epoch, every `every` epochs (0: none \
                    between) and at the end, each record carrying its epoch. `classes: k` trains the cross-entropy on the first k \
                    logits (targets with k columns); accuracy is the argmax over the same logits. Ctrl-C stops at a step \
                    boundary, leaving the model at its last completed step. A loss that becomes NaN or infinite restores the last \
                    finite state and reports an error.
                    """) { [unowned self] a in
            try self.train(a)
        }
    }

    /// The loss `train` was asked for (none: the model's own), restricted to the first
    /// `classes` logits when given.
    private func trainingLoss(_ a: Arguments, _ object: ModelObject) throws -> Loss? {
        let loss: Loss?
        switch a["loss"] {
        case .string("mse"): loss = .mse
        case .string("cross_entropy"): loss = .crossEntropy
        case .string("weighted_mse"):
            guard let importance = object.model.outputImportance else {
                throw LanguageError("weighted_mse needs a model that carries importances (tms)", argument: "loss")
            }
            loss = .weightedMSE(importance: importance)
        default: loss = nil
        }
        guard let classes = try a.optionalInteger("classes") else { return loss }
        let outputs = object.model.outputSize
        switch loss ?? object.model.defaultLoss {
        case .crossEntropy, .leadingCrossEntropy: break
        default: throw LanguageError("classes applies to cross_entropy; add loss: \"cross_entropy\"", argument: "classes")
        }
        guard classes <= outputs else {
            throw LanguageError("classes (\(classes)) is more than the model's \(outputs) outputs", argument: "classes")
        }
        return classes == outputs ? .crossEntropy : .leadingCrossEntropy(classes: classes)
    }

    private func train(_ a: Arguments) throws -> Value {
        let object = try a.host("model", as: ModelObject.self)
        let data = try a.host("data", as: DatasetObject.self).dataset
        let epochs = try a.optionalInteger("epochs"), batch = try a.optionalInteger("batch")
        let steps = try a.optionalInteger("steps")
        switch (steps, epochs, batch) {
        case (_?, _?, _): throw LanguageError("give either steps (full batch) or epochs (minibatches), not both", argument: "epochs")
        case (nil, nil, _): throw LanguageError("train needs steps: (full batch) or epochs: with batch: (minibatches)", argument: "steps")
        case (_?, nil, _?): throw LanguageError("batch applies to epochs; steps trains on the full batch", argument: "batch")
        case (nil, _?, nil): throw LanguageError("epochs needs batch: (rows per minibatch)", argument: "batch")
        default: break
        }
        let optimizer = a.has("opt") ? try a.host("opt", as: OptimizerObject.self)
            : try object.optimizer ?? OptimizerObject(Optimizer.adam(lr: 1e-3), text: "adam lr=0.001")
        object.optimizer = optimizer
        let loss = try trainingLoss(a, object)
        let outputs = object.model.outputSize, targetCols = data.targets.cols
        if case .crossEntropy = loss ?? object.model.defaultLoss, targetCols < outputs {
            throw LanguageError("the targets have \(targetCols) columns and the model \(outputs) outputs; classes: \(targetCols) trains "
                                + "the cross-entropy on the first \(targetCols) logits", argument: "data")
        }
        let callback = a["do"]
        let passesStep: Bool
        if case .function(let f) = callback, case .closure(let declaration, _) = f.kind { passesStep = !declaration.parameters.isEmpty } else { passesStep = true }
        var hookError: Error?
        let start = object.model.step
        let every = try a.integer("every")
        let hook: (TrainingRecord) -> Void = { record in
            guard hookError == nil else { return }
            let position = record.epoch ?? record.step
            do { _ = try a.context.call(callback, passesStep ? [.number(Double(position))] : []) } catch { hookError = error }
        }
        let shouldStop: () -> Bool = { [unowned self] in hookError != nil || self.shouldStop }
        let report: TrainingReport
        do {
            if let epochs, let batch {
                progress.begin(total: epochs, label: "train")
                defer { progress.end() }
                report = try Networks.train(
                    object.model, data, epochs: epochs, batch: batch, shuffleSeed: UInt64(bitPattern: Int64(try a.integer("shuffle_seed"))),
                    optimizer: optimizer.optimizer, loss: loss, every: every, hook: callback.isNothing ? nil : hook,
                    shouldStop: shouldStop,
                    progress: { [unowned self] done, total in
                        self.progress.update(done: done, detail: "epoch \(done)  step \(object.model.step)")
                    })
            } else {
                let steps = steps ?? 0
                progress.begin(total: steps, label: "train")
                defer { progress.end() }
                report = try Networks.train(
                    object.model, data, steps: steps, optimizer: optimizer.optimizer, loss: loss,
                    every: callback.isNothing ? 0 : every, hook: hook, shouldStop: shouldStop,
                    progress: { [unowned self] done, total in
                        if done % 10 == 0 || done == total {
                            self.progress.update(done: done, detail: object.model.history.last.map { "loss \(format4($0.loss))" })
                        }
                    })
            }
        } catch let error as NetworkError {
            throw LanguageError("\(error)")
        }
        if let hookError { throw hookError }
        if report.stopped {
            throw LanguageError("interrupted: training stopped at step \(object.model.step) (started at \(start))")
        }
        return .host(TrainingObject(report, record: object.model.history.last))
    }

    private var loadWeightsBuiltin: Builtin {
        Builtin("load_weights", [BuiltinParameter("model", .host("model")),
                                 BuiltinParameter("path", .oneOf([.string, .host("tensors")]), summary: "a .safetensors file, or named tensors")],
                summary: "set a model's parameters from named tensors in a .safetensors file (or from named tensors in entk)",
                detail: "Names and shapes: tms `W` m×n, `b` n; modmlp `W1` width×2p, `W2` p×width; mlp `layerK.weight` out×in, `layerK.bias`; transformer: TransformerLens' names (`embed.W_E`, `blocks.0.attn.W_Q`, …; its `attn.mask` and `attn.IGNORE` buffers are skipped). A mismatch names the tensor and both shapes.") { a in
            let object = try a.host("model", as: ModelObject.self)
            let file: SafeTensorsFile
            if case .host(let w as TensorCollection) = a["path"] { file = w.file } else { file = try SafeTensors.read(contentsOf: try a.string("path")) }
            var tensors: [String: Tensor] = [:]
            for (name, tensor) in file.tensors { tensors[name] = tensor }
            do { try object.model.load(tensors) } catch let error as NetworkError { throw LanguageError("\(error)", argument: "path") }
            return .nothing
        }
    }
}
