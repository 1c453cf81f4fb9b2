import Foundation

/// An element type as stored in a tensor file: how to turn `size` bytes into a Double.
struct StoredElementType: Equatable {
    /// `.float` is IEEE binary64 or binary32 by `size`; `.half` is IEEE binary16 (F16) and
    /// `.bfloat` bfloat16 (BF16: the top 16 bits of a binary32), both 2 bytes.
    enum Kind { case float, half, bfloat, signed, unsigned, bool }
    var kind: Kind
    var size: Int
    var bigEndian: Bool

    /// Decodes `count` packed elements starting at `bytes[offset]`. The caller has already
    /// checked that `offset + count·size ≤ bytes.count`.
    func decode(_ bytes: UnsafeRawBufferPointer, offset: Int, count: Int) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { out, initialized in
            var p = offset
            for i in 0..<count {
                out[i] = element(bytes, p)
                p += size
            }
            initialized = count
        }
    }

    @inline(__always)
    private func element(_ b: UnsafeRawBufferPointer, _ p: Int) -> Double {
        func raw<T: FixedWidthInteger>(_: T.Type) -> T {
            let v = b.loadUnaligned(fromByteOffset: p, as: T.self)
            return bigEndian ? T(bigEndian: v) : T(littleEndian: v)
        }
        switch (kind, size) {
        case (.float, 8): return Double(bitPattern: raw(UInt64.self))
        case (.float, 4): return Double(Float(bitPattern: raw(UInt32.self)))
        case (.half, 2): return StoredElementType.half(raw(UInt16.self))
        case (.bfloat, 2): return Double(Float(bitPattern: UInt32(raw(UInt16.self)) << 16))
        case (.signed, 8): return Double(raw(Int64.self))
        case (.signed, 4): return Double(raw(Int32.self))
        case (.signed, 2): return Double(raw(Int16.self))
        case (.signed, 1): return Double(raw(Int8.self))
        case (.unsigned, 8): return Double(raw(UInt64.self))
        case (.unsigned, 4): return Double(raw(UInt32.self))
        case (.unsigned, 2): return Double(raw(UInt16.self))
        case (.unsigned, 1): return Double(raw(UInt8.self))
        case (.bool, 1): return raw(UInt8.self) != 0 ? 1 : 0
        default: return .nan
        }
    }

    /// The IEEE binary16 value with bit pattern `bits`, exactly: 1 sign bit, 5 exponent bits
    /// (bias 15), 10 fraction bits; exponent 0 is subnormal (fraction · 2⁻²⁴), 31 is ∞ or NaN.
    static func half(_ bits: UInt16) -> Double {
        let sign: FloatingPointSign = bits & 0x8000 != 0 ? .minus : .plus
        let exponent = Int(bits >> 10 & 0x1F), fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return Double(sign: sign, exponent: -24, significand: fraction)
        case 31: return fraction == 0 ? Double(sign: sign, exponent: 0, significand: .infinity) : .nan
        default: return Double(sign: sign, exponent: exponent - 15, significand: 1 + fraction / 1024)
        }
    }
}

/// The precision a tensor is written in. Reading always gives Doubles.
public enum StoredPrecision: Sendable {
    /// IEEE binary64, exact.
    case float64
    /// IEEE binary32, rounded to nearest (about 7 significant digits).
    case float32

    /// Appends `values` little-endian in this precision.
    func append(_ values: [Double], to out: inout [UInt8]) {
        switch self {
        case .float64:
            out.reserveCapacity(out.count + 8 * values.count)
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        case .float32:
            out.reserveCapacity(out.count + 4 * values.count)
            for v in values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
    }

    /// Writes `values` little-endian in this precision, in chunks: no copy of the whole.
    func write(_ values: [Double], to writer: FileWriter) throws {
        if self == .float64, 1.0.bitPattern.littleEndian == 1.0.bitPattern {
            try values.withUnsafeBytes { raw in try writer.write(raw) }
            return
        }
        var chunk: [UInt8] = []
        let chunkElements = 1 << 16
        chunk.reserveCapacity(chunkElements * byteSize)
        var start = 0
        while start < values.count {
            let end = min(values.count, start + chunkElements)
            chunk.removeAll(keepingCapacity: true)
            append(Array(values[start..<end]), to: &chunk)
            try writer.write(chunk)
            start = end
        }
    }

    var byteSize: Int { self == .float64 ? 8 : 4 }
}

/// File access shared by the readers and writers.
enum TensorFileIO {
    static func readBytes(_ path: String) throws -> [UInt8] { try FileAccess.readBytes(path) }

    /// Writes through a `FileWriter`: `body` streams the bytes, then the file is renamed into
    /// place; any error removes the partial file.
    static func write(to path: String, _ body: (FileWriter) throws -> Void) throws {
        let writer = try FileWriter(path: path)
        do { try body(writer) } catch {
            writer.abandon()
            throw error
        }
        try writer.commit()
    }

    /// count·size in bytes, or nil when it overflows.
    static func byteCount(_ count: Int, _ size: Int) -> Int? {
        let (n, overflow) = count.multipliedReportingOverflow(by: size)
        return overflow ? nil : n
    }
}
