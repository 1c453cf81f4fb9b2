import Foundation

/// The tensors and metadata of one `.safetensors` file, in the order their data is stored.
public struct SafeTensorsFile: Equatable, Sendable {
    /// Named tensors, in data order.
    public var tensors: [(name: String, tensor: Tensor)]
    /// The `__metadata__` string map, when the file has one.
    public var metadata: [String: String]?

    /// A file's content: named tensors (written in this order) and optional metadata.
    public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String]? = nil) {
        self.tensors = tensors; self.metadata = metadata
    }

    /// A file's content from a dictionary; tensors are ordered by name so the bytes written
    /// are the same on every run.
    public init(named tensors: [String: Tensor], metadata: [String: String]? = nil) {
        self.init(tensors: tensors.keys.sorted().map { (name: $0, tensor: tensors[$0]!) }, metadata: metadata)
    }

    /// The tensors keyed by name.
    public var dictionary: [String: Tensor] {
        Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    }

    /// The tensor called `name`, if present.
    public subscript(name: String) -> Tensor? { tensors.first { $0.name == name }?.tensor }

    /// The tensor names, in data order.
    public var names: [String] { tensors.map(\.name) }

    /// Same names, tensors and order, and the same metadata.
    public static func == (a: SafeTensorsFile, b: SafeTensorsFile) -> Bool {
        a.metadata == b.metadata && a.tensors.count == b.tensors.count
            && zip(a.tensors, b.tensors).allSatisfy { $0.name == $1.name && $0.tensor == $1.tensor }
    }
}

/// Hugging Face's `.safetensors` format.
///
/// Layout: an 8-byte little-endian header length N, N bytes of a UTF-8 JSON object mapping each
/// name to `{"dtype": "F64", "shape": [2, 3], "data_offsets": [begin, end]}` (offsets relative
/// to the byte after the header) plus an optional `"__metadata__"` string map, then the data.
///
/// Reading accepts F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL and returns Doubles
/// (every F16 and BF16 value, subnormals, ±∞ and NaN included, is exactly a Double). It checks, before
/// allocating anything of a stated size: N against the file size, the JSON (strictly, nesting at
/// most 64), every shape (no negative dims, no overflowing element count), that each tensor's
/// byte range lies inside the data and equals shape × dtype size, and that the ranges tile the
/// data with no gap or overlap, as the reference implementation requires.
public enum SafeTensors {
    static let elementTypes: [String: StoredElementType] = [
        "F64": .init(kind: .float, size: 8, bigEndian: false), "F32": .init(kind: .float, size: 4, bigEndian: false),
        "F16": .init(kind: .half, size: 2, bigEndian: false), "BF16": .init(kind: .bfloat, size: 2, bigEndian: false),
        "I64": .init(kind: .signed, size: 8, bigEndian: false), "I32": .init(kind: .signed, size: 4, bigEndian: false),
        "I16": .init(kind: .signed, size: 2, bigEndian: false), "I8": .init(kind: .signed, size: 1, bigEndian: false),
        "U8": .init(kind: .unsigned, size: 1, bigEndian: false), "BOOL": .init(kind: .bool, size: 1, bigEndian: false),
    ]

    /// The tensors stored in `bytes`.
    public static func read(_ bytes: [UInt8]) throws -> SafeTensorsFile {
        func corrupt(_ detail: String) -> TensorError { .corruptFile(format: "safetensors", detail: detail) }
        guard bytes.count >= 8 else { throw corrupt("file is \(bytes.count) bytes, too short for the 8-byte header length") }
        var stated: UInt64 = 0
        for i in 0..<8 { stated |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard stated <= UInt64(bytes.count - 8) else {
            throw corrupt("header length \(stated) exceeds the \(bytes.count - 8) bytes after it")
        }
        let headerEnd = 8 + Int(stated)
        var parser = JSONValue.Parser(bytes[8..<headerEnd], format: "safetensors")
        guard case .object(let entries) = try parser.parseDocument() else { throw corrupt("header is not a JSON object") }
        let dataSize = bytes.count - headerEnd
        var metadata: [String: String]?
        var pending: [(name: String, type: StoredElementType, shape: [Int], begin: Int, count: Int, end: Int)] = []
        var names = Set<String>()
        for (name, value) in entries {
            guard names.insert(name).inserted else { throw corrupt("the name '\(name)' appears twice") }
            if name == "__metadata__" {
                guard case .object(let pairs) = value else { throw corrupt("__metadata__ is not an object") }
                var map: [String: String] = [:]
                for (k, v) in pairs {
                    guard case .string(let s) = v else { throw corrupt("__metadata__ value for '\(k)' is not a string") }
                    map[k] = s
                }
                metadata = map
                continue
            }
            guard case .object(let fields) = value else { throw corrupt("entry '\(name)' is not an object") }
            func field(_ key: String) throws -> JSONValue {
                guard let v = fields.first(where: { $0.key == key })?.value else { throw corrupt("entry '\(name)' lacks '\(key)'") }
                return v
            }
            guard case .string(let dtype) = try field("dtype") else { throw corrupt("entry '\(name)': dtype is not a string") }
            guard let type = elementTypes[dtype] else { throw TensorError.unsupportedDType(format: "safetensors", dtype: dtype) }
            guard case .array(let dims) = try field("shape") else { throw corrupt("entry '\(name)': shape is not a list") }
            let shape = try dims.map { d -> Int in
                guard let n = d.integer else { throw corrupt("entry '\(name)': shape holds a non-integer or too large dimension") }
                return n
            }
            guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
                  let begin = offsets[0].integer, let end = offsets[1].integer, begin >= 0, end >= begin else {
                throw corrupt("entry '\(name)': data_offsets must be two integers with 0 ≤ begin ≤ end")
            }
            let count: Int
            do { count = try Tensor.validatedFileShape(shape, format: "safetensors") } catch {
                throw corrupt("entry '\(name)': shape \(Tensor.describe(shape: shape)) has a negative or overflowing dimension")
            }
            guard end <= dataSize else {
                throw corrupt("entry '\(name)': data_offsets [\(begin), \(end)] run past the \(dataSize) data bytes")
            }
            guard let bytesNeeded = TensorFileIO.byteCount(count, type.size), bytesNeeded == end - begin else {
                throw corrupt("entry '\(name)': data_offsets [\(begin), \(end)] span \(end - begin) bytes but shape \(Tensor.describe(shape: shape)) of \(dtype) needs \(TensorFileIO.byteCount(count, type.size).map(String.init) ?? "more than Int.max")")
            }
            pending.append((name, type, shape, begin, count, end))
        }
        pending.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var cursor = 0
        for p in pending {
            guard p.begin == cursor else {
                throw corrupt("entry '\(p.name)' starts at data byte \(p.begin), expected \(cursor) (gap or overlap)")
            }
            cursor = p.end
        }
        guard cursor == dataSize else { throw corrupt("tensors cover \(cursor) of the \(dataSize) data bytes") }
        let tensors = bytes.withUnsafeBytes { raw in
            pending.map { p in
                (name: p.name, tensor: Tensor(shape: p.shape, storage: p.type.decode(raw, offset: headerEnd + p.begin, count: p.count)))
            }
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// The tensors stored in `data`.
    public static func read(_ data: Data) throws -> SafeTensorsFile { try read([UInt8](data)) }

    /// The tensors stored in the file at `path`.
    public static func read(contentsOf path: String) throws -> SafeTensorsFile { try read(TensorFileIO.readBytes(path)) }

    /// The `.safetensors` bytes of `file`: tensors in the given order, F64 (or F32), header keys
    /// in a fixed order (`__metadata__` first, sorted by key) and padded with spaces to a
    /// multiple of 8 bytes. Throws when a name repeats or is `__metadata__`.
    public static func encode(_ file: SafeTensorsFile, precision: StoredPrecision = .float64) throws -> [UInt8] {
        var out = try header(file, precision: precision)
        for (_, tensor) in file.tensors { precision.append(tensor.storage, to: &out) }
        return out
    }

    /// The 8-byte header length and the padded JSON header.
    static func header(_ file: SafeTensorsFile, precision: StoredPrecision) throws -> [UInt8] {
        var seen = Set<String>()
        for (name, _) in file.tensors {
            guard name != "__metadata__", seen.insert(name).inserted else {
                throw TensorError.invalidArgument(operation: "safetensors", detail: "tensor name '\(name)' is reserved or repeated")
            }
        }
        var parts: [String] = []
        if let metadata = file.metadata {
            let pairs = metadata.keys.sorted().map { JSONValue.quoted($0) + ":" + JSONValue.quoted(metadata[$0]!) }
            parts.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        let dtype = precision == .float64 ? "F64" : "F32"
        var offset = 0
        for (name, tensor) in file.tensors {
            let size = tensor.count * precision.byteSize
            parts.append(JSONValue.quoted(name) + ":{\"dtype\":\"\(dtype)\",\"shape\":[" + tensor.shape.map(String.init).joined(separator: ",")
                         + "],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        var header = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out += header
        return out
    }

    /// Writes `file` to `path` (see `encode`), streaming each tensor's data into a partial
    /// file renamed into place (see `FileWriter`).
    public static func write(_ file: SafeTensorsFile, to path: String, precision: StoredPrecision = .float64) throws {
        let header = try header(file, precision: precision)
        try TensorFileIO.write(to: path) { writer in
            try writer.write(header)
            for (_, tensor) in file.tensors { try precision.write(tensor.storage, to: writer) }
        }
    }
}
