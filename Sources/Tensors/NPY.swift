import Foundation

/// numpy's `.npy` format, versions 1.0, 2.0 and 3.0.
///
/// Layout: the magic `\x93NUMPY`, a major and minor version byte, the header length (2 bytes
/// little-endian in 1.0, 4 bytes in 2.0 and 3.0), a Python dict literal
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and a
/// newline, then the packed elements.
///
/// Reading accepts the dtypes f8 f4 i8 i4 i2 i1 u8 u4 u2 u1 b1 in either byte order (`<`, `>`,
/// `|` for one-byte types), C or Fortran order, and always returns Doubles (64-bit integers
/// beyond 2⁵³ round). Every length is checked against the bytes actually present before
/// anything is allocated, so a corrupt or hostile file gives `TensorError.corruptFile` or
/// `.unsupportedDType`, never a crash.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // \x93NUMPY

    /// The tensor stored in `bytes`.
    public static func read(_ bytes: [UInt8]) throws -> Tensor {
        func corrupt(_ detail: String) -> TensorError { .corruptFile(format: "npy", detail: detail) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw corrupt(bytes.count < 10 ? "file is \(bytes.count) bytes, too short for the npy preamble" : "missing the \\x93NUMPY magic")
        }
        let major = bytes[6], minor = bytes[7]
        guard (major == 1 || major == 2 || major == 3) && minor == 0 else {
            throw corrupt("unsupported format version \(major).\(minor)")
        }
        let prefix = major == 1 ? 10 : 12
        guard bytes.count >= prefix else { throw corrupt("file is \(bytes.count) bytes, too short for a version \(major).0 preamble") }
        let headerLength = major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        guard headerLength <= bytes.count - prefix else {
            throw corrupt("header length \(headerLength) exceeds the \(bytes.count - prefix) bytes after the preamble")
        }
        let header = try NPYHeader(bytes[prefix..<(prefix + headerLength)])
        let dataOffset = prefix + headerLength
        let count = try Tensor.validatedFileShape(header.shape, format: "npy")
        guard let needed = TensorFileIO.byteCount(count, header.type.size) else {
            throw corrupt("shape \(Tensor.describe(shape: header.shape)) of '\(header.descr)' overflows the byte count")
        }
        let available = bytes.count - dataOffset
        guard needed == available else {
            throw corrupt("data is \(available) bytes but shape \(Tensor.describe(shape: header.shape)) of '\(header.descr)' needs \(needed)")
        }
        let values = bytes.withUnsafeBytes { header.type.decode($0, offset: dataOffset, count: count) }
        if header.fortranOrder && header.shape.count > 1 {
            let reversed = Tensor(shape: header.shape.reversed(), storage: values)
            return reversed.T
        }
        return Tensor(shape: header.shape, storage: values)
    }

    /// The tensor stored in `data`.
    public static func read(_ data: Data) throws -> Tensor { try read([UInt8](data)) }

    /// The tensor stored in the file at `path`.
    public static func read(contentsOf path: String) throws -> Tensor { try read(TensorFileIO.readBytes(path)) }

    /// The `.npy` bytes of `tensor`: little-endian f8 (or f4), C order, version 1.0 unless the
    /// header needs more than 65535 bytes. The header is padded so the data starts at a
    /// multiple of 64 bytes, as numpy does.
    public static func encode(_ tensor: Tensor, precision: StoredPrecision = .float64) -> [UInt8] {
        var out = header(tensor, precision: precision)
        precision.append(tensor.storage, to: &out)
        return out
    }

    /// The bytes before the data: magic, version, header length and the padded header.
    static func header(_ tensor: Tensor, precision: StoredPrecision) -> [UInt8] {
        let descr = precision == .float64 ? "<f8" : "<f4"
        let dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(Tensor.describe(shape: tensor.shape)), }"
        var version: UInt8 = 1
        var prefix = 10
        var total = prefix + dict.utf8.count + 1
        var padding = (64 - total % 64) % 64
        if dict.utf8.count + padding + 1 > 65535 {
            version = 2; prefix = 12
            total = prefix + dict.utf8.count + 1
            padding = (64 - total % 64) % 64
        }
        let header = Array(dict.utf8) + [UInt8](repeating: 0x20, count: padding) + [0x0A]
        var out = magic + [version, 0]
        let n = header.count
        out += version == 1 ? [UInt8(n & 0xFF), UInt8(n >> 8)]
                            : [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
        out += header
        return out
    }

    /// Writes `tensor` to `path` as `.npy` (see `encode`), streaming the data (memory beyond
    /// the tensor: one 1 MB buffer) into a partial file renamed into place (see `FileWriter`).
    public static func write(_ tensor: Tensor, to path: String, precision: StoredPrecision = .float64) throws {
        try TensorFileIO.write(to: path) { writer in
            try writer.write(header(tensor, precision: precision))
            try precision.write(tensor.storage, to: writer)
        }
    }
}

extension Tensor {
    /// Element count of a shape read from a file, or `.corruptFile` for negative or overflowing dims.
    static func validatedFileShape(_ shape: [Int], format: String) throws -> Int {
        if let d = shape.first(where: { $0 < 0 }) {
            throw TensorError.corruptFile(format: format, detail: "negative dimension \(d) in shape \(describe(shape: shape))")
        }
        let n = elementCount(shape)
        guard n != Int.max else {
            throw TensorError.corruptFile(format: format, detail: "element count of shape \(describe(shape: shape)) overflows")
        }
        return n
    }
}

/// The parsed header dict of a `.npy` file.
struct NPYHeader {
    var descr = ""
    var type = StoredElementType(kind: .float, size: 8, bigEndian: false)
    var fortranOrder = false
    var shape: [Int] = []

    /// Parses the Python dict literal; keys descr, fortran_order and shape must all be present.
    init(_ text: ArraySlice<UInt8>) throws {
        var p = PythonLiteralScanner(bytes: Array(text))
        var seen = Set<String>()
        try p.expect(UInt8(ascii: "{"))
        while true {
            p.skipSpace()
            if p.peek == UInt8(ascii: "}") { p.position += 1; break }
            let key = try p.string()
            try p.expect(UInt8(ascii: ":"))
            switch key {
            case "descr":
                p.skipSpace()
                guard p.peek == UInt8(ascii: "'") || p.peek == UInt8(ascii: "\"") else {
                    throw TensorError.unsupportedDType(format: "npy", dtype: p.rest(upTo: 40))
                }
                descr = try p.string()
                type = try NPYHeader.elementType(descr)
            case "fortran_order": fortranOrder = try p.boolean()
            case "shape": shape = try p.integerTuple()
            default: throw p.error("unexpected key '\(key)'")
            }
            seen.insert(key)
            p.skipSpace()
            if p.peek == UInt8(ascii: ",") { p.position += 1; continue }
            try p.expect(UInt8(ascii: "}"))
            break
        }
        for key in ["descr", "fortran_order", "shape"] where !seen.contains(key) {
            throw p.error("header lacks the key '\(key)'")
        }
    }

    /// `<f8`, `>i4`, `|u1`, `|b1`, … → element type; anything else is unsupported.
    static func elementType(_ descr: String) throws -> StoredElementType {
        let chars = Array(descr)
        guard chars.count >= 3, let size = Int(String(chars[2...])), "<>|=".contains(chars[0]) else {
            throw TensorError.unsupportedDType(format: "npy", dtype: descr)
        }
        let kind: StoredElementType.Kind
        switch (chars[1], size) {
        case ("f", 8), ("f", 4): kind = .float
        case ("i", 8), ("i", 4), ("i", 2), ("i", 1): kind = .signed
        case ("u", 8), ("u", 4), ("u", 2), ("u", 1): kind = .unsigned
        case ("b", 1): kind = .bool
        default: throw TensorError.unsupportedDType(format: "npy", dtype: descr)
        }
        if chars[0] == "|" && size != 1 { throw TensorError.unsupportedDType(format: "npy", dtype: descr) }
        let bigEndian = chars[0] == ">" || (chars[0] == "=" && UInt16(1).bigEndian == 1)
        return StoredElementType(kind: kind, size: size, bigEndian: bigEndian)
    }
}

/// A scanner for the small Python literal subset `.npy` headers use: quoted strings,
/// True/False, and tuples of integers.
struct PythonLiteralScanner {
    let bytes: [UInt8]
    var position = 0

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    func error(_ detail: String) -> TensorError { .corruptFile(format: "npy", detail: "malformed header at byte \(position): \(detail)") }

    func rest(upTo n: Int) -> String {
        String(decoding: bytes[position..<Swift.min(bytes.count, position + n)], as: UTF8.self)
    }

    mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D { position += 1 }
    }

    mutating func expect(_ c: UInt8) throws {
        skipSpace()
        guard peek == c else { throw error("expected '\(Character(UnicodeScalar(c)))'") }
        position += 1
    }

    mutating func string() throws -> String {
        skipSpace()
        guard let quote = peek, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else { throw error("expected a quoted string") }
        position += 1
        let start = position
        while let c = peek, c != quote { position += 1 }
        guard peek == quote else { throw error("unterminated string") }
        defer { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func boolean() throws -> Bool {
        skipSpace()
        if rest(upTo: 4) == "True" { position += 4; return true }
        if rest(upTo: 5) == "False" { position += 5; return false }
        throw error("expected True or False")
    }

    mutating func integerTuple() throws -> [Int] {
        try expect(UInt8(ascii: "("))
        var values: [Int] = []
        while true {
            skipSpace()
            if peek == UInt8(ascii: ")") { position += 1; return values }
            let negative = peek == UInt8(ascii: "-")
            if negative { position += 1 }
            var value = 0, digits = 0
            while let c = peek, c >= 0x30 && c <= 0x39 {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (plus, o2) = times.addingReportingOverflow(Int(c - 0x30))
                guard !o1 && !o2 else { throw error("dimension does not fit in 64 bits") }
                value = plus; digits += 1; position += 1
            }
            if peek == UInt8(ascii: "L") { position += 1 }    // Python 2 long suffix
            guard digits > 0 else { throw error("expected an integer in the shape tuple") }
            values.append(negative ? -value : value)
            skipSpace()
            if peek == UInt8(ascii: ",") { position += 1; continue }
            try expect(UInt8(ascii: ")"))
            return values
        }
    }
}
