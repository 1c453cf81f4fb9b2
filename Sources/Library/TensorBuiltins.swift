import Foundation
import Language
import Tensors

/// The tensor functions and the `tensor` type's table: creation, arithmetic helpers, shape
/// operations, reductions and files.
extension Session {
    func installTensorBuiltins() throws {
        let registry = interpreter.registry
        try registry.register(creationBuiltins + shapeBuiltins + fileBuiltins)
        // These take over the core scalar `exp`, `sqrt`, `min`, `max`, … (numbers in still
        // give numbers out): the one place a Library table replaces core builtins.
        try registry.register(elementwiseBuiltins + reductionBuiltins, replacing: true)
        try registry.register(type: tensorType)
        try registry.register(type: TensorCollection.hostType)
    }

    private static var shapeParameter: BuiltinParameter { BuiltinParameter("shape", isVariadic: true, summary: "sizes, as integers or one list") }
    private static var seedParameter: BuiltinParameter { BuiltinParameter("seed", .optional(.integer), default: .nothing, requiresLabel: true,
                                                        summary: "seed for this call; none draws from the session generator") }
    private var creationBuiltins: [Builtin] {
        [
            Builtin("zeros", [Session.shapeParameter], returns: "tensor", summary: "a tensor of zeros") { [unowned self] a in
                .wrap(try Tensor.zeros(try self.checkedShape(a, "zeros")))
            },
            Builtin("ones", [Session.shapeParameter], returns: "tensor", summary: "a tensor of ones") { [unowned self] a in
                .wrap(try Tensor.ones(try self.checkedShape(a, "ones")))
            },
            Builtin("full", [BuiltinParameter("shape", .list, summary: "sizes"), BuiltinParameter("value", .number)],
                    returns: "tensor", summary: "a tensor filled with value") { [unowned self] a in
                let shape = try a.list("shape").map { v -> Int in
                    guard let n = v.integer, n >= 0 else { throw LanguageError("full: a shape holds non-negative integers", argument: "shape") }
                    return n
                }
                return .wrap(try Tensor.full(shape, try a.number("value")))
            },
            Builtin("eye", [BuiltinParameter("n", .naturalNumber), BuiltinParameter("m", .optional(.naturalNumber), default: .nothing)],
                    returns: "tensor", summary: "the n×m identity (m defaults to n)") { [unowned self] a in
                let n = try a.integer("n"), m = try a.optionalInteger("m") ?? n
                return .wrap(try Tensor.eye(n, m))
            },
            Builtin("arange", [BuiltinParameter("start", .finiteNumber), BuiltinParameter("stop", .optional(.finiteNumber), default: .nothing),
                               BuiltinParameter("step", .finiteNumber, default: .number(1))],
                    returns: "tensor", summary: "evenly spaced values in [start, stop), like numpy (arange(n) is 0…n−1)") { a in
                if a.has("stop") { return .wrap(try Tensor.arange(try a.number("start"), try a.number("stop"), try a.number("step"))) }
                return .wrap(try Tensor.arange(0, try a.number("start"), try a.number("step")))
            },
            Builtin("linspace", [BuiltinParameter("start", .finiteNumber), BuiltinParameter("stop", .finiteNumber), BuiltinParameter("count", .naturalNumber)],
                    returns: "tensor", summary: "count evenly spaced values from start to stop inclusive") { a in
                .wrap(try Tensor.linspace(try a.number("start"), try a.number("stop"), count: try a.integer("count")))
            },
            Builtin("rand", [Session.shapeParameter, Session.seedParameter], returns: "tensor",
                    summary: "uniform random values on [0, 1)",
                    detail: "Draws from xoshiro256** (see Documentation/Tensors.md); the same seed gives the same values on every machine.") { [unowned self] a in
                var g = self.generator(seed: try a.optionalInteger("seed"))
                return .wrap(try Tensor.rand(try self.checkedShape(a, "rand"), using: &g))
            },
            Builtin("randn", [Session.shapeParameter, Session.seedParameter], returns: "tensor",
                    summary: "standard normal random values (Box–Muller)") { [unowned self] a in
                var g = self.generator(seed: try a.optionalInteger("seed"))
                return .wrap(try Tensor.randn(try self.checkedShape(a, "randn"), using: &g))
            },
            Builtin("tensor", [BuiltinParameter("values", summary: "a number, a (nested) list of numbers, or a tensor")],
                    returns: "tensor", summary: "a tensor from nested lists: tensor([[1, 2], [3, 4]])") { a in
                .host(TensorObject(try a.tensor("values")))
            },
        ]
    }

    /// The shape of a creation call (the tensor allocator checks it against the memory budget).
    private func checkedShape(_ a: Arguments, _ what: String) throws -> [Int] {
        try a.shape(fromRest: what)
    }

    private var shapeBuiltins: [Builtin] {
        let t = BuiltinParameter("t", summary: "a tensor")
        return [
            Builtin("reshape", [t, Session.shapeParameter], returns: "tensor",
                    summary: "the same elements in a new shape (one size may be -1)") { a in
                var values = a.rest
                if values.count == 1, case .list(let elements) = values[0] { values = elements }
                let shape = try values.map { v -> Int in
                    guard let n = v.integer else { throw LanguageError("reshape: sizes must be integers", argument: "shape") }
                    return n
                }
                return .wrap(try a.tensor("t").reshaped(to: shape))
            },
            Builtin("transpose", [t, BuiltinParameter("axes", .optional(.list), default: .nothing)], returns: "tensor",
                    summary: "reverse the axes, or permute them as given") { a in
                let x = try a.tensor("t")
                guard a.has("axes") else { return .wrap(x.T) }
                return .wrap(try x.transposed(try a.list("axes").map { v in
                    guard let i = v.integer else { throw LanguageError("transpose: axes must be integers", argument: "axes") }
                    return i
                }))
            },
            Builtin("cat", [BuiltinParameter("tensors", .list), BuiltinParameter("axis", .integer, default: .number(0))],
                    returns: "tensor", summary: "join tensors along an existing axis") { a in
                .wrap(try Tensor.concatenate(try a.list("tensors").enumerated().map { try $1.asTensor(argument: "tensors[\($0)]") },
                                             axis: try a.integer("axis")))
            },
            Builtin("stack", [BuiltinParameter("tensors", .list), BuiltinParameter("axis", .integer, default: .number(0))],
                    returns: "tensor", summary: "join equal-shaped tensors along a new axis") { a in
                .wrap(try Tensor.stack(try a.list("tensors").enumerated().map { try $1.asTensor(argument: "tensors[\($0)]") },
                                       axis: try a.integer("axis")))
            },
            Builtin("matmul", [BuiltinParameter("a"), BuiltinParameter("b")], returns: "tensor",
                    summary: "matrix product through BLAS (same as a @ b)") { a in
                .wrap(try a.tensor("a").matmul(try a.tensor("b")))
            },
            Builtin("dot", [BuiltinParameter("a"), BuiltinParameter("b")], returns: "number",
                    summary: "inner product of two vectors of equal length") { a in
                .number(try a.tensor("a").dot(try a.tensor("b")))
            },
            Builtin("maximum", [BuiltinParameter("a"), BuiltinParameter("b")], returns: "tensor",
                    summary: "elementwise maximum under broadcasting") { a in
                .wrap(try a.tensor("a").combined(with: try a.tensor("b"), .maximum))
            },
            Builtin("minimum", [BuiltinParameter("a"), BuiltinParameter("b")], returns: "tensor",
                    summary: "elementwise minimum under broadcasting") { a in
                .wrap(try a.tensor("a").combined(with: try a.tensor("b"), .minimum))
            },
        ]
    }

    /// One builtin per elementwise function; numbers in give numbers out.
    private var elementwiseBuiltins: [Builtin] {
        UnaryFunction.allCases.filter { $0 != .negate }.map { f in
            Builtin(f.rawValue, [BuiltinParameter("x", .oneOf([.number, .host("tensor"), .list]))], returns: "number or tensor",
                    summary: "\(f.rawValue) of each element") { a in
                .wrap(try a.tensor("x").map(f))
            }
        }
    }

    private static var axisParameter: BuiltinParameter { BuiltinParameter("axis", .optional(.integer), default: .nothing, requiresLabel: true,
                                                        summary: "axis to reduce (negative counts from the end); none reduces all") }
    private static var keepdimsParameter: BuiltinParameter { BuiltinParameter("keepdims", .bool, default: .bool(false), requiresLabel: true,
                                                            summary: "keep the reduced axis with size 1") }
    private static func reductionSummary(_ r: Reduction) -> String {
        switch r {
        case .sum: return "sum of elements"
        case .mean: return "mean of elements"
        case .max: return "largest element"
        case .min: return "smallest element"
        case .argmax: return "index of the largest element"
        case .argmin: return "index of the smallest element"
        case .norm: return "Euclidean (L2) norm √Σx²"
        }
    }

    private static func reduce(_ r: Reduction, _ x: Tensor, _ a: Arguments) throws -> Value {
        .wrap(try x.reduced(r, axis: try a.optionalInteger("axis"), keepdims: try a.bool("keepdims")))
    }

    /// One function per reduction (`sum(x, axis: 0)`); the same rows serve as tensor methods.
    private var reductionBuiltins: [Builtin] {
        Reduction.allCases.map { r in
            Builtin(r.rawValue, [BuiltinParameter("x"), Session.axisParameter, Session.keepdimsParameter],
                    returns: "number or tensor", summary: Session.reductionSummary(r)) { a in
                try Session.reduce(r, try a.tensor("x"), a)
            }
        }
    }

    private var fileBuiltins: [Builtin] {
        [
            Builtin("tensors", returns: "tensors", summary: "an empty set of named tensors, to fill by name: w[\"W\"] = t") { _ in
                .host(TensorCollection(SafeTensorsFile(tensors: [])))
            },
            Builtin("load", [BuiltinParameter("path", .string, summary: "a .npy or .safetensors file")],
                    returns: "tensor or tensors", summary: "read a tensor (.npy) or named tensors (.safetensors)",
                    detail: "float64, float32, float16 and bfloat16 (safetensors F16, BF16) and integer dtypes load as float64, exactly. A corrupt file gives an error naming what is wrong.") { a in
                let path = try a.string("path")
                if path.lowercased().hasSuffix(".safetensors") { return .host(TensorCollection(try SafeTensors.read(contentsOf: path))) }
                return .wrap(try NPY.read(contentsOf: path))
            },
            Builtin("save", [BuiltinParameter("value", summary: "a tensor, named tensors, model, spectrum, tracker, history, record or plot"),
                             BuiltinParameter("path", .string, summary: "ending in .npy, .safetensors, .csv or .json (.svg for a plot)"),
                             BuiltinParameter("precision", .string, default: .string("float64"), requiresLabel: true,
                                              summary: "\"float64\" or \"float32\" (.npy and .safetensors)")],
                    summary: "write a value in the format its path's extension names: .npy, .safetensors, .csv, .json or .svg",
                    detail: """
                        .npy holds one tensor; .safetensors a tensor, named tensors or a model's weights; .csv a header row, \
                        then rows (a tensor of rank ≤ 2, a spectrum: index,eigenvalue,v0…; a tracker or list of trackers: step,NAME…; a history; \
                        a heatmap's matrix; a record of plain fields); .json any of these, records nested; .svg a plot. CSV \
                        and JSON numbers round-trip exactly; CSV writes nan, inf, -inf and JSON null for them. Any other \
                        extension is refused. See Documentation/Tensors.md.
                        """) { a in
                let path = try a.string("path")
                let format = try SaveFormat(path: path)
                let precision: StoredPrecision
                switch try a.string("precision") {
                case "float64": precision = .float64
                case "float32": precision = .float32
                case let other: throw LanguageError("precision must be \"float64\" or \"float32\", got \"\(other)\"", argument: "precision")
                }
                if precision == .float32, format != .npy, format != .safetensors {
                    throw LanguageError("precision applies to .npy and .safetensors; .\(format.rawValue) numbers are written exactly", argument: "precision")
                }
                let value = a["value"]
                guard value.hasFileForm else { throw Value.noFileForm(value) }
                switch format {
                case .npy:
                    if case .host(let object) = value, !(object is TensorObject) {
                        throw LanguageError(".npy holds one tensor, not a \(value.typeName)\(Value.formatsHint(for: value))", argument: "value")
                    }
                    try NPY.write(try a.tensor("value"), to: path, precision: precision)
                case .safetensors:
                    let file: SafeTensorsFile
                    switch value {
                    case .host(let collection as TensorCollection): file = collection.file
                    case .host(let exporter as NamedTensorExporting): file = SafeTensorsFile(tensors: exporter.namedTensors)
                    case .host(let object) where !(object is TensorObject):
                        throw LanguageError(".safetensors holds tensors, not a \(value.typeName)\(Value.formatsHint(for: value))", argument: "value")
                    default: file = SafeTensorsFile(tensors: [("tensor", try a.tensor("value"))])
                    }
                    try SafeTensors.write(file, to: path, precision: precision)
                case .csv: try value.csvTable().write(to: path)
                case .json: try value.jsonValue().write(to: path)
                case .svg:
                    guard case .host(let plot as PlotObject) = value else {
                        throw LanguageError(".svg holds a plot, not a \(value.typeName)\(Value.formatsHint(for: value))", argument: "value")
                    }
                    try plot.save(path, argument: "path")
                }
                return .nothing
            },
        ]
    }

    private var tensorType: HostType {
        func receiver(_ value: Value) throws -> Tensor { try value.object(TensorObject.self, named: "tensor").tensor }
        let reductionMethods = Reduction.allCases.map { r in
            Builtin(r.rawValue, [Session.axisParameter, Session.keepdimsParameter], returns: "number or tensor",
                    summary: Session.reductionSummary(r)) { a in
                try Session.reduce(r, try a.receiver(as: TensorObject.self).tensor, a)
            }
        }
        return HostType(
            "tensor", summary: "an n-dimensional array of float64, row-major",
            detail: "Arithmetic broadcasts like numpy; `@` multiplies matrices through BLAS; `t[0, :]`, `v[2:8:2]` and negative indices select.",
            properties: [
                HostProperty("shape", type: "list", summary: "sizes along each axis") { v in
                    .list(try receiver(v).shape.map { .number(Double($0)) })
                },
                HostProperty("rank", type: "number", summary: "number of axes") { v in .number(Double(try receiver(v).rank)) },
                HostProperty("size", type: "number", summary: "number of elements") { v in .number(Double(try receiver(v).count)) },
                HostProperty("T", type: "tensor", summary: "the transpose (axes reversed)") { v in .wrap(try receiver(v).T) },
            ],
            methods: reductionMethods + [
                Builtin("reshape", [Session.shapeParameter], returns: "tensor", summary: "the same elements in a new shape") { a in
                    let shape = try a.rest.flatMap { v -> [Value] in if case .list(let l) = v { return l } else { return [v] } }
                        .map { v -> Int in
                            guard let n = v.integer else { throw LanguageError("reshape: sizes must be integers", argument: "shape") }
                            return n
                        }
                    return .wrap(try a.receiver(as: TensorObject.self).tensor.reshaped(to: shape))
                },
                Builtin("flatten", returns: "tensor", summary: "the elements as a vector") { a in
                    .wrap(try a.receiver(as: TensorObject.self).tensor.flattened)
                },
                Builtin("tolist", returns: "list", summary: "the elements as nested lists of numbers") { a in
                    func nest(_ t: Tensor) throws -> Value {
                        if t.rank == 0 { return .number(t.storage[0]) }
                        return .list(try (0..<t.shape[0]).map { try nest(try t.slice(.at($0))) })
                    }
                    return try nest(try a.receiver(as: TensorObject.self).tensor)
                },
            ])
    }
}

/// The file formats `save` writes, named by the path's extension (any case).
enum SaveFormat: String, CaseIterable {
    case npy, safetensors, csv, json, svg

    init(path: String) throws {
        let name = (path as NSString).lastPathComponent
        let ext = name.contains(".") ? (name as NSString).pathExtension.lowercased() : ""
        guard let format = SaveFormat(rawValue: ext) else {
            let said = ext.isEmpty ? "has no extension" : "ends in .\(ext)"
            throw LanguageError("\"\(path)\" \(said): save writes .npy, .safetensors, .csv or .json (and .svg for a plot)", argument: "path")
        }
        self = format
    }
}

/// Anything that exports itself as named tensors (a model's weights), so `save(x, "f.safetensors")` works.
public protocol NamedTensorExporting: HostObject {
    var namedTensors: [(name: String, tensor: Tensor)] { get }
}

/// The named tensors of a `.safetensors` file: `w = load("f.safetensors"); w.W`.
/// Named tensors, as `load` of a .safetensors file returns them and `tensors()` builds them:
/// read by name (`w["0.weight"]`, `w.bias`), assigned by name (adding or replacing), renamed and
/// removed in place, so a file from another tool can be mapped to a model's names in entk.
public final class TensorCollection: NamedTensorExporting {
    private(set) var file: SafeTensorsFile
    init(_ file: SafeTensorsFile) { self.file = file }

    public var typeName: String { "tensors" }
    public var summary: String {
        "tensors " + file.tensors.map { "\($0.name) \(Tensor.describe(shape: $0.tensor.shape))" }.joined(separator: ", ")
    }
    public var namedTensors: [(name: String, tensor: Tensor)] { file.tensors }
    public var count: Int? { file.tensors.count }
    public var dynamicMemberNames: [String] { file.names }
    public func member(named name: String) throws -> Value? { file[name].map { .host(TensorObject($0)) } }
    public func subscriptValue(_ components: [IndexComponent]) throws -> Value {
        guard components.count == 1, case .single(.string(let name)) = components[0] else {
            throw LanguageError("named tensors are indexed by name, e.g. w[\"W\"]")
        }
        guard let tensor = file[name] else {
            throw LanguageError("no tensor named \"\(name)\"\(Suggestion.hint(for: name, among: file.names))")
        }
        return .host(TensorObject(tensor))
    }

    public func setSubscript(_ components: [IndexComponent], to value: Value) throws {
        guard components.count == 1, case .single(.string(let name)) = components[0] else {
            throw LanguageError("named tensors are assigned by name, e.g. w[\"layer0.weight\"] = t")
        }
        let tensor = try value.asTensor(argument: name)
        if let i = file.tensors.firstIndex(where: { $0.name == name }) { file.tensors[i].tensor = tensor } else { file.tensors.append((name, tensor)) }
    }

    private func index(of name: String, argument: String) throws -> Int {
        guard let i = file.tensors.firstIndex(where: { $0.name == name }) else {
            throw LanguageError("no tensor named \"\(name)\"\(Suggestion.hint(for: name, among: file.names))", argument: argument)
        }
        return i
    }

    static var hostType: HostType {
        HostType(
            "tensors", summary: "named tensors: read, assign, rename and remove by name",
            detail: "`w = load(\"model.safetensors\")` or `w = tensors()`; `w[\"name\"]` reads one, `w[\"name\"] = t` adds or replaces it, `load_weights(m, w)` loads a model from them.",
            properties: [
                HostProperty("names", type: "list", summary: "the names, in order") { v in
                    .list(try v.object(TensorCollection.self, named: "tensors").file.names.map { .string($0) })
                },
            ],
            methods: [
                Builtin("rename", [BuiltinParameter("from", .string), BuiltinParameter("to", .string)], returns: "none",
                        summary: "renames a tensor in place (e.g. PyTorch's \"0.weight\" to \"layer0.weight\")") { a in
                    let w = try a.receiver(as: TensorCollection.self)
                    let from = try a.string("from"), to = try a.string("to")
                    let i = try w.index(of: from, argument: "from")
                    if from != to, w.file.tensors.contains(where: { $0.name == to }) {
                        throw LanguageError("a tensor named \"\(to)\" exists already; remove it first", argument: "to")
                    }
                    w.file.tensors[i].name = to
                    return .nothing
                },
                Builtin("remove", [BuiltinParameter("name", .string)], returns: "none", summary: "removes a tensor") { a in
                    let w = try a.receiver(as: TensorCollection.self)
                    w.file.tensors.remove(at: try w.index(of: try a.string("name"), argument: "name"))
                    return .nothing
                },
            ])
    }
}
