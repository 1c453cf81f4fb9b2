import Foundation

/// A JSON value with object keys kept in order: what the parser reads (safetensors headers are
/// JSON and their key order is part of what a reader may want to show) and what the JSON
/// export writes (`JSONValue+Writing.swift`).
public indirect enum JSONValue: Equatable, Sendable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// The number's literal text; `integer` interprets it.
    case number(String)
    /// An array of numbers kept as Doubles (written by the export, never produced by the
    /// parser), so a large tensor needs no text per element until it is written.
    case numbers([Double])
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(x), .array(y)): return x == y
        case let (.numbers(x), .numbers(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern }
        case let (.string(x), .string(y)), let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// The value as an exact integer (no fraction, no exponent, fits in `Int`), else nil.
    var integer: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    /// A strict JSON parser (RFC 8259) over UTF-8 bytes. Nesting deeper than `maxDepth` is
    /// refused so hostile input cannot exhaust the stack.
    struct Parser {
        let bytes: ArraySlice<UInt8>
        var position: Int
        var depth = 0
        let maxDepth = 64
        let format: String

        init(_ bytes: ArraySlice<UInt8>, format: String) {
            self.bytes = bytes; self.position = bytes.startIndex; self.format = format
        }

        func error(_ detail: String) -> TensorError {
            .corruptFile(format: format, detail: "malformed JSON header at byte \(position - bytes.startIndex): \(detail)")
        }

        var peek: UInt8? { position < bytes.endIndex ? bytes[position] : nil }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D { position += 1 }
        }

        /// The single JSON value making up the whole input (trailing spaces allowed).
        mutating func parseDocument() throws -> JSONValue {
            let v = try value()
            skipSpace()
            guard peek == nil else { throw error("unexpected text after the JSON value") }
            return v
        }

        mutating func value() throws -> JSONValue {
            skipSpace()
            guard let c = peek else { throw error("unexpected end of input") }
            switch c {
            case UInt8(ascii: "{"):
                depth += 1; defer { depth -= 1 }
                guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
                position += 1
                var members: [(key: String, value: JSONValue)] = []
                skipSpace()
                if peek == UInt8(ascii: "}") { position += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard peek == UInt8(ascii: "\"") else { throw error("expected a string key") }
                    let key = try string()
                    skipSpace()
                    guard peek == UInt8(ascii: ":") else { throw error("expected ':'") }
                    position += 1
                    members.append((key, try value()))
                    skipSpace()
                    if peek == UInt8(ascii: ",") { position += 1; continue }
                    guard peek == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
                    position += 1
                    return .object(members)
                }
            case UInt8(ascii: "["):
                depth += 1; defer { depth -= 1 }
                guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
                position += 1
                var items: [JSONValue] = []
                skipSpace()
                if peek == UInt8(ascii: "]") { position += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skipSpace()
                    if peek == UInt8(ascii: ",") { position += 1; continue }
                    guard peek == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
                    position += 1
                    return .array(items)
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try keyword("true"); return .bool(true)
            case UInt8(ascii: "f"): try keyword("false"); return .bool(false)
            case UInt8(ascii: "n"): try keyword("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func keyword(_ word: String) throws {
            for ch in word.utf8 {
                guard peek == ch else { throw error("expected '\(word)'") }
                position += 1
            }
        }

        mutating func number() throws -> String {
            let start = position
            func digits() -> Int { var n = 0; while let c = peek, c >= 0x30 && c <= 0x39 { position += 1; n += 1 }; return n }
            if peek == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("expected a value") }
            if peek == UInt8(ascii: ".") { position += 1; guard digits() > 0 else { throw error("expected digits after '.'") } }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                position += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw error("expected exponent digits") }
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func string() throws -> String {
            position += 1   // opening quote
            var out: [UInt8] = []
            while true {
                guard let c = peek else { throw error("unterminated string") }
                position += 1
                if c == UInt8(ascii: "\"") { break }
                if c < 0x20 { throw error("control character in string") }
                if c != UInt8(ascii: "\\") { out.append(c); continue }
                guard let e = peek else { throw error("unterminated escape") }
                position += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard peek == UInt8(ascii: "\\") else { throw error("unpaired surrogate") }
                        position += 1
                        guard peek == UInt8(ascii: "u") else { throw error("unpaired surrogate") }
                        position += 1
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw error("invalid escape")
                }
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw error("string is not valid UTF-8") }
            return s
        }

        mutating func hex4() throws -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let c = peek, let d = Character(UnicodeScalar(c)).hexDigitValue else { throw error("expected 4 hex digits") }
                v = v * 16 + UInt32(d); position += 1
            }
            return v
        }
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var s = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            default:
                if u.value < 0x20 { s += String(format: "\\u%04x", u.value) } else { s.unicodeScalars.append(u) }
            }
        }
        return s + "\""
    }
}
