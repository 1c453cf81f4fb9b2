import Foundation

/// Writing JSON (RFC 8259), for the export of values as `.json` files.
///
/// Numbers are written in their shortest round-trip form (`NumberFormat.shortest`), so
/// `json.load` reads back exactly the Doubles entk holds; NaN and ±∞, which JSON cannot
/// express, are written as `null`. Objects keep their key order. The text is compact, one
/// line per top-level member, and streamed through a `FileWriter` in 64 kB chunks.
extension JSONValue {
    /// A number, or `null` when it is NaN or infinite.
    public static func number(_ x: Double) -> JSONValue {
        x.isFinite ? .number(NumberFormat.shortest(x)) : .null
    }

    /// The JSON text (for tests and small values; files are streamed by `write(to:)`).
    public var text: String { TextChunks.collect { append(to: &$0, depth: 0) } }

    /// Writes the value, and a final newline, to `path` through a `FileWriter` (a partial file
    /// renamed into place).
    public func write(to path: String) throws {
        try TextChunks.write(to: path) { out in
            append(to: &out, depth: 0)
            out.append("\n")
        }
    }

    private func append(to out: inout TextChunks, depth: Int) {
        switch self {
        case .object(let members):
            guard !members.isEmpty else { out.append("{}"); return }
            let separator = depth == 0 ? ",\n" : ", "
            out.append(depth == 0 ? "{\n" : "{")
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(separator) }
                out.append(JSONValue.quoted(member.key) + ": ")
                member.value.append(to: &out, depth: depth + 1)
            }
            out.append(depth == 0 ? "\n}" : "}")
        case .array(let items):
            out.append("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(", ") }
                item.append(to: &out, depth: depth + 1)
            }
            out.append("]")
        case .numbers(let values):
            out.append("[")
            for (i, x) in values.enumerated() {
                if i > 0 { out.append(", ") }
                out.append(x.isFinite ? NumberFormat.shortest(x) : "null")
            }
            out.append("]")
        case .string(let text): out.append(JSONValue.quoted(text))
        case .number(let text): out.append(text)
        case .bool(let flag): out.append(flag ? "true" : "false")
        case .null: out.append("null")
        }
    }
}
