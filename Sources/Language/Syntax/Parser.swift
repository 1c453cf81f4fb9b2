/// Parses tokens into statements, reporting every syntax error of the input in one pass.
///
/// Grammar (EBNF; `{ x }` is zero or more, `[ x ]` optional, `SEP` is a new line or `;`):
///
/// ```
/// program     = { SEP } [ statement { SEP { SEP } statement } ] { SEP } EOF
/// statement   = functionDecl | ifStatement | forStatement | whileStatement
///             | "return" [ expression ] | "break" | "continue" | simpleStatement
/// simpleStatement = expression [ ( "=" | "+=" | "-=" | "*=" | "/=" ) expression ]
///                                    (* the target must be a name, subscript or member *)
/// block       = "{" { SEP } [ statement { SEP { SEP } statement } ] { SEP } "}"
/// functionDecl = "fn" NAME parameters block
/// parameters  = "(" [ parameter { "," parameter } [ "," ] ] ")"
/// parameter   = NAME [ ":" expression ]             (* default, evaluated at each call *)
/// ifStatement = "if" expression block [ [ NEWLINE ] "else" ( ifStatement | block ) ]
/// forStatement = "for" NAME "in" expression block
/// whileStatement = "while" expression block
/// expression  = binary                               (* operators: see the precedence table *)
/// binary      = prefix { BINARY_OP { NEWLINE } prefix }
/// prefix      = ( "-" | "+" | "not" ) prefix | postfix
/// postfix     = primary { "(" arguments ")" | "[" indices "]" | "." NAME }
/// arguments   = [ argument { "," argument } [ "," ] ]
/// argument    = [ NAME ":" ] expression
/// indices     = index { "," index }
/// index       = expression | [ expression ] ":" [ expression ] [ ":" [ expression ] ]
/// primary     = NUMBER | STRING | "true" | "false" | "none" | NAME
///             | "(" expression ")" | "[" [ expression { "," expression } [ "," ] ] "]"
///             | "fn" parameters block                (* anonymous function *)
/// ```
///
/// Recovery: an error inside a statement is recorded and the parser skips to the next
/// statement boundary (a separator or the `}` closing the current block, stepping over nested
/// braces), so one pass reports every independent error. Nesting deeper than
/// `maximumNestingDepth` is an error, which keeps the recursive descent's stack bounded.
public struct Parser {
    /// Binding strength of each binary operator (higher binds tighter) and whether it may chain.
    /// `not` sits between `and` (2) and comparisons (4); unary `-`/`+` between multiplicative
    /// (7) and power (9), so `-2^2` is `-(2^2)` and `2^-1` is allowed.
    ///
    /// | level | operators                        | associativity |
    /// |-------|----------------------------------|---------------|
    /// | 1     | `or`                             | left          |
    /// | 2     | `and`                            | left          |
    /// | 3     | `not` (prefix)                   |               |
    /// | 4     | `==` `!=` `<` `<=` `>` `>=`      | none          |
    /// | 5     | `..<` `...`                      | none          |
    /// | 6     | `+` `-`                          | left          |
    /// | 7     | `*` `/` `%` `@`                  | left          |
    /// | 8     | `-` `+` (prefix)                 |               |
    /// | 9     | `^`                              | right         |
    /// | 10    | call `f(…)`, subscript `a[…]`, member `a.b` | left |
    public static let binaryPrecedence: [TokenKind: (level: Int, associativity: Associativity)] = [
        .orKeyword: (1, .left), .andKeyword: (2, .left),
        .equal: (4, .none), .notEqual: (4, .none), .less: (4, .none), .lessEqual: (4, .none),
        .greater: (4, .none), .greaterEqual: (4, .none),
        .halfOpenRange: (5, .none), .closedRange: (5, .none),
        .plus: (6, .left), .minus: (6, .left),
        .star: (7, .left), .slash: (7, .left), .percent: (7, .left), .at: (7, .left),
        .caret: (9, .right),
    ]
    static let notLevel = 3
    static let unaryLevel = 8

    /// How operators of one level group: `left` (a-b-c is (a-b)-c), `right` (a^b^c is a^(b^c)), or `none` (chaining is an error).
    public enum Associativity: Sendable { case left, right, none }

    /// Deepest nesting of brackets, operators and blocks accepted (see Documentation/Language.md).
    public static let maximumNestingDepth = 200

    let source: SourceText
    var tokens: [Token]
    var position = 0
    var depth = 0
    /// Whether line breaks are ignored, innermost last: true inside `(…)` and `[…]`, false at
    /// statement level and inside blocks. Kept in the parser rather than the lexer so that an
    /// unclosed `(` cannot swallow the rest of a script: recovery restores statement level.
    var ignoresNewlines: [Bool] = [false]
    public private(set) var diagnostics: [Diagnostic] = []

    /// Lexes and parses `source`. The statements are meaningful only when `diagnostics` is empty.
    public static func parse(_ source: SourceText) -> (statements: [Statement], diagnostics: [Diagnostic]) {
        let (tokens, lexical) = Lexer.tokenize(source)
        var parser = Parser(source: source, tokens: tokens)
        let statements = parser.parseProgram()
        let all = (lexical + parser.diagnostics).sorted { ($0.span?.start ?? 0) < ($1.span?.start ?? 0) }
        return (statements, all)
    }

    init(source: SourceText, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    // MARK: Token access

    var current: Token { tokens[position] }
    var previous: Token { tokens[max(0, position - 1)] }

    func check(_ kind: TokenKind) -> Bool { current.kind == kind }

    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if token.kind != .endOfInput { position += 1 }
        skipIgnoredNewlines()
        return token
    }

    mutating func skipIgnoredNewlines() {
        if ignoresNewlines.last == true { while current.kind == .newline { position += 1 } }
    }

    /// Parses the inside of a bracket pair whose opener was just consumed, with line breaks
    /// ignored, then consumes the closer. The mode is restored before the closer is consumed,
    /// so a line break right after it still ends the statement.
    mutating func bracketed<T>(closer: TokenKind, _ purpose: String, _ body: (inout Parser) throws -> T) throws -> T {
        let opener = previous
        ignoresNewlines.append(true)
        skipIgnoredNewlines()
        let result: T
        do {
            result = try body(&self)
        } catch {
            ignoresNewlines.removeLast()
            throw error
        }
        ignoresNewlines.removeLast()
        guard check(closer) else {
            var diagnostic = error("expected \(closer.displayName) \(purpose), found \(describe(current))")
            // The culprit is often far from where the bracket was opened; show both.
            if !diagnostic.isAtEndOfInput {
                diagnostic.notes.append(Diagnostic.Note("`\(opener.text)` opened here", span: span(of: opener)))
            }
            throw diagnostic
        }
        advance()
        return result
    }

    mutating func match(_ kind: TokenKind) -> Bool {
        guard check(kind) else { return false }
        advance()
        return true
    }

    mutating func expect(_ kind: TokenKind, _ purpose: String) throws -> Token {
        guard check(kind) else { throw error("expected \(kind.displayName) \(purpose), found \(describe(current))") }
        return advance()
    }

    mutating func skipNewlines() { while check(.newline) { advance() } }

    mutating func skipSeparators() { while check(.newline) || check(.semicolon) { advance() } }

    func span(of token: Token) -> SourceSpan { SourceSpan(source: source, start: token.start, end: token.end) }

    func span(from start: Int) -> SourceSpan { SourceSpan(source: source, start: start, end: previous.end) }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfInput: return "end of input"
        case .newline: return "a new line"
        default: return "`\(token.text)`"
        }
    }

    /// A diagnostic at the current token. At the end of input the caret goes just after the
    /// last token, and the diagnostic is marked so a console can ask for more lines.
    func error(_ message: String) -> Diagnostic {
        if current.kind == .endOfInput {
            // Just after the last real token, not on the empty line after a final newline.
            var last = position - 1
            while last >= 0, tokens[last].kind == .newline { last -= 1 }
            let at = last >= 0 ? tokens[last].end : current.start
            return Diagnostic(message, span: SourceSpan(source: source, start: at, end: at + 1), isAtEndOfInput: true)
        }
        return Diagnostic(message, span: span(of: current))
    }

    mutating func record(_ diagnostic: Diagnostic) {
        // One "input ended early" error is enough: nested unclosed blocks all end at the same place.
        if diagnostic.isAtEndOfInput, diagnostics.contains(where: \.isAtEndOfInput) { return }
        diagnostics.append(diagnostic)
    }

    /// Skips to the next statement boundary: past a separator, or up to the `}` that closes the
    /// current block, stepping over braces opened on the way.
    mutating func synchronize() {
        var braces = 0
        while true {
            switch current.kind {
            case .endOfInput: return
            case .leftBrace: braces += 1
            case .rightBrace:
                if braces == 0 { return }
                braces -= 1
            case .newline, .semicolon:
                if braces == 0 { advance(); return }
            default: break
            }
            advance()
        }
    }

    mutating func enterNesting() throws {
        // Increment only on success, so every caller can pair it with `defer { depth -= 1 }`.
        if depth >= Parser.maximumNestingDepth {
            throw error("nesting is too deep (more than \(Parser.maximumNestingDepth) levels)")
        }
        depth += 1
    }
}
