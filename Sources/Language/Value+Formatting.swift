import Foundation

extension Value {
    /// Formats a number by the project's shared rule: C's `%.6g`, except that `-0` prints as
    /// `0`, NaN as `nan` and the infinities as `inf` and `-inf`.
    public static func format(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return "0" }
        return String(format: "%.6g", x)
    }

    /// What the console echoes for the value: strings quoted, host objects by their display text
    /// (which may span lines).
    public var echoText: String {
        switch self {
        case .host(let object): return object.displayText
        default: return literalText
        }
    }

    /// What `print` and `str` show: strings as they are, everything else as echoed.
    public var plainText: String {
        if case .string(let text) = self { return text }
        return echoText
    }

    /// A single line describing the value, for `.vars` and completion lists; long lists and
    /// strings are cut with `…`.
    public var summary: String {
        switch self {
        case .host(let object): return object.summary
        case .list(let elements):
            let text = literalText
            return text.count <= 60 ? text : "list of \(elements.count)"
        case .string:
            let text = literalText
            return text.count <= 60 ? text : String(text.prefix(57)) + "…\""
        default: return literalText
        }
    }

    /// Lists nested deeper than this print their inner levels as `[…]`, which keeps printing a
    /// pathological value from exhausting the stack.
    static let maximumPrintedDepth = 100

    /// The value written as a literal where one exists; host objects inside lists use their summary.
    public var literalText: String { literalText(depth: 0) }

    private func literalText(depth: Int) -> String {
        switch self {
        case .number(let x): return Value.format(x)
        case .string(let text): return Value.quote(text)
        case .bool(let flag): return flag ? "true" : "false"
        case .nothing: return "none"
        case .list(let elements):
            if depth >= Value.maximumPrintedDepth { return "[…]" }
            return "[" + elements.map { $0.literalText(depth: depth + 1) }.joined(separator: ", ") + "]"
        case .range(let range):
            if range.step == 1 { return "\(range.lower)..<\(range.upper)" }
            return "range(\(range.lower), \(range.upper), step: \(range.step))"
        case .function(let function):
            if case .closure = function.kind { return "<fn \(function.signature)>" }
            return "<builtin \(function.signature)>"
        case .host(let object): return object.summary
        }
    }

    /// A string literal with escapes for quotes, backslashes and control characters.
    public static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\0": result += "\\0"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
