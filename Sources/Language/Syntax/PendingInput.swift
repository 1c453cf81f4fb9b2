/// The lines of one input as they arrive, and whether they make a whole input yet, in time
/// linear in the input's length.
///
/// Asking the parser about the whole text after every line is quadratic (a list written one
/// element per line took 79 s for 10,000 lines). So each line is first scanned on its own for
/// the brackets, braces and strings it opens and closes, and the parser is asked only when the
/// line could end the input: when nothing opened on an earlier line is still open. Two
/// exceptions keep errors prompt: the first `linesAlwaysParsed` lines are always parsed (at the
/// prompt an error inside an open bracket shows at once, as before), and after that the input
/// is also parsed whenever it has doubled in length since the parser last saw it, so an error
/// inside a long open bracket ends the input at most one doubling later. The total work stays
/// linear: every parse either follows a line that closes everything or covers a doubling.
public struct PendingInput: Sendable {
    /// The lines so far, joined by `\n`.
    public private(set) var text = ""
    /// How many lines have been appended.
    public private(set) var lineCount = 0
    /// Lines up to this count are always parsed.
    public static let linesAlwaysParsed = 64
    private var nesting = NestingScanner()
    private var parsedLength = 0

    public init() {}

    /// Appends `line` and returns the status of the input so far; `status` is the parser's
    /// verdict on a whole text (`Interpreter.inputStatus`), asked only when needed.
    public mutating func append(_ line: String, status: (String) -> InputStatus) -> InputStatus {
        if lineCount > 0 { text += "\n" }
        text += line
        lineCount += 1
        nesting.scan(line)
        let length = text.utf8.count
        guard nesting.isClosed || lineCount <= Self.linesAlwaysParsed || length >= 2 * parsedLength else {
            return .incomplete
        }
        parsedLength = length
        return status(text)
    }
}

/// Brackets and strings still open after the lines scanned so far, by the lexer's rules:
/// `#` starts a comment outside strings, strings use `"` or `'`, may span lines, and `\`
/// escapes the next character. Unbalanced closers count down, so `)` alone is "closed" (the
/// parser then reports it).
struct NestingScanner: Sendable {
    private(set) var depth = 0
    private var quote: Unicode.Scalar?
    private var escaped = false

    /// Nothing opened is still open.
    var isClosed: Bool { quote == nil && depth <= 0 }

    mutating func scan(_ line: String) {
        for scalar in line.unicodeScalars {
            if let open = quote {
                if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == open { quote = nil }
                continue
            }
            switch scalar {
            case "#": return
            case "\"", "'": quote = scalar
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            default: break
            }
        }
        // A backslash at the end of a line inside a string escapes the line break.
        escaped = false
    }
}
