/// Turns source text into tokens.
///
/// Lexical rules:
/// - `#` starts a comment that runs to the end of the line.
/// - Numbers: `12`, `1_000`, `3.25`, `.5`, `1e-3`, `2.5E+4`. `0..<n` lexes as `0`, `..<`, `n`.
/// - Strings: `"…"` or `'…'` with escapes `\n \t \r \0 \\ \" \'`; a string may span lines.
/// - Line breaks become `.newline` tokens (runs collapse to one); the parser ignores them
///   inside `(…)` and `[…]`, so long argument lists and list literals can span lines.
///
/// Lexical errors (an unexpected character, an unterminated string) are collected as
/// diagnostics and lexing continues, so the parser still sees the rest of the input.
public struct Lexer {
    private let source: SourceText
    private let scalars: [Unicode.Scalar]
    private var offset = 0
    public private(set) var diagnostics: [Diagnostic] = []

    /// A lexer positioned at the start of `source`.
    public init(source: SourceText) {
        self.source = source
        self.scalars = source.scalars
    }

    /// Lexes the whole input; the last token is always `.endOfInput`.
    public static func tokenize(_ source: SourceText) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source: source)
        var tokens: [Token] = []
        while true {
            let token = lexer.next()
            // Collapse runs of separators: the parser only cares that one is there.
            if token.kind == .newline, tokens.last?.kind == .newline { continue }
            tokens.append(token)
            if token.kind == .endOfInput { break }
        }
        return (tokens, lexer.diagnostics)
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        offset + ahead < scalars.count ? scalars[offset + ahead] : nil
    }

    private func span(_ start: Int) -> SourceSpan { SourceSpan(source: source, start: start, end: offset) }

    private func token(_ kind: TokenKind, from start: Int) -> Token {
        // Fixed spellings come from the table: building a String per token dominates lexing time.
        let text: String
        switch kind {
        case .identifier, .number, .string: text = source.text(from: start, to: offset)
        case .newline: text = "\n"
        case .endOfInput: text = ""
        default: text = TokenKind.spellings[kind] ?? source.text(from: start, to: offset)
        }
        return Token(kind: kind, start: start, end: offset, text: text)
    }

    /// The next token, skipping blanks and comments.
    public mutating func next() -> Token {
        // A loop, not recursion, past bad characters: a run of junk must not grow the stack.
        while true {
            if let token = scan() { return token }
        }
    }

    /// One token, or nil after reporting a character that starts no token.
    private mutating func scan() -> Token? {
        while let scalar = peek() {
            if scalar == " " || scalar == "\t" || scalar == "\r" {
                offset += 1
            } else if scalar == "#" {
                while let c = peek(), c != "\n" { offset += 1 }
            } else if scalar == "\n" {
                let start = offset
                offset += 1
                return token(.newline, from: start)
            } else {
                break
            }
        }
        let start = offset
        guard let scalar = peek() else { return token(.endOfInput, from: start) }
        if isDigit(scalar) || (scalar == "." && peek(1).map(isDigit) == true) { return number(from: start) }
        if isIdentifierStart(scalar) {
            while let c = peek(), isIdentifierContinue(c) { offset += 1 }
            let name = source.text(from: start, to: offset)
            return token(TokenKind.keywords[name] ?? .identifier, from: start)
        }
        if scalar == "\"" || scalar == "'" { return string(from: start, quote: scalar) }
        offset += 1
        let kind: TokenKind
        switch scalar {
        case "(": kind = .leftParen
        case "[": kind = .leftBracket
        case "{": kind = .leftBrace
        case ")": kind = .rightParen
        case "]": kind = .rightBracket
        case "}": kind = .rightBrace
        case ",": kind = .comma
        case ":": kind = .colon
        case ";": kind = .semicolon
        case "@": kind = .at
        case "^": kind = .caret
        case "%": kind = .percent
        case ".":
            if peek() == ".", peek(1) == "<" { offset += 2; kind = .halfOpenRange }
            else if peek() == ".", peek(1) == "." { offset += 2; kind = .closedRange }
            else { kind = .dot }
        case "+": kind = take("=") ? .plusAssign : .plus
        case "-": kind = take("=") ? .minusAssign : .minus
        case "*": kind = take("=") ? .starAssign : .star
        case "/": kind = take("=") ? .slashAssign : .slash
        case "=": kind = take("=") ? .equal : .assign
        case "<": kind = take("=") ? .lessEqual : .less
        case ">": kind = take("=") ? .greaterEqual : .greater
        case "!":
            if take("=") { kind = .notEqual; break }
            diagnostics.append(Diagnostic("unexpected character `!`; use `not` for negation", span: span(start)))
            return nil
        case "&" where peek() == "&", "|" where peek() == "|":
            offset += 1
            let word = scalar == "&" ? "and" : "or"
            diagnostics.append(Diagnostic("unexpected `\(scalar)\(scalar)`; use `\(word)`", span: span(start)))
            return nil
        default:
            diagnostics.append(Diagnostic("unexpected character `\(scalar)`", span: span(start)))
            return nil
        }
        return token(kind, from: start)
    }

    private mutating func take(_ scalar: Unicode.Scalar) -> Bool {
        guard peek() == scalar else { return false }
        offset += 1
        return true
    }

    private mutating func number(from start: Int) -> Token {
        var digits = ""
        func scanDigits(_ lexer: inout Lexer) {
            while let c = lexer.peek(), isDigit(c) || c == "_" {
                if c != "_" { digits.unicodeScalars.append(c) }
                lexer.offset += 1
            }
        }
        scanDigits(&self)
        if peek() == ".", let after = peek(1), isDigit(after) {
            digits += "."
            offset += 1
            scanDigits(&self)
        }
        if let e = peek(), e == "e" || e == "E" {
            var ahead = 1
            if let sign = peek(1), sign == "+" || sign == "-" { ahead = 2 }
            if let digit = peek(ahead), isDigit(digit) {
                digits += "e"
                if ahead == 2 { digits.unicodeScalars.append(peek(1)!) }
                offset += ahead
                scanDigits(&self)
            }
        }
        if let c = peek(), isIdentifierStart(c) {
            while let c = peek(), isIdentifierContinue(c) { offset += 1 }
            diagnostics.append(Diagnostic("malformed number `\(source.text(from: start, to: offset))`", span: span(start)))
        }
        var result = token(.number, from: start)
        result.number = Double(digits.hasPrefix(".") ? "0" + digits : digits) ?? 0
        return result
    }

    private mutating func string(from start: Int, quote: Unicode.Scalar) -> Token {
        offset += 1
        var value = String.UnicodeScalarView()
        while true {
            guard let c = peek() else {
                diagnostics.append(Diagnostic("unterminated string", span: SourceSpan(source: source, start: start, end: start + 1),
                                              isAtEndOfInput: true))
                break
            }
            offset += 1
            if c == quote { break }
            if c == "\\" {
                guard let escaped = peek() else { continue }
                offset += 1
                switch escaped {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "0": value.append("\0")
                case "\\", "\"", "'": value.append(escaped)
                default:
                    diagnostics.append(Diagnostic("unknown escape `\\\(escaped)` in string",
                                                  span: SourceSpan(source: source, start: offset - 2, end: offset)))
                }
            } else {
                value.append(c)
            }
        }
        var result = token(.string, from: start)
        result.string = String(value)
        return result
    }
}

private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
    (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || (c.value > 127 && c.properties.isAlphabetic)
}
private func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || isDigit(c) }
