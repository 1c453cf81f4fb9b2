/// The kinds of token the lexer produces. Keywords and symbols are separate kinds so the parser
/// can compare kinds directly.
public enum TokenKind: Hashable, Sendable {
    case number, string, identifier
    /// A line break that separates statements (line breaks inside `(…)` and `[…]` are dropped).
    case newline
    case endOfInput
    // Keywords.
    case fnKeyword, returnKeyword, ifKeyword, elseKeyword, forKeyword, inKeyword, whileKeyword
    case breakKeyword, continueKeyword, trueKeyword, falseKeyword, noneKeyword
    case andKeyword, orKeyword, notKeyword
    // Brackets and punctuation.
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, colon, semicolon, dot, halfOpenRange, closedRange
    // Operators.
    case assign, plusAssign, minusAssign, starAssign, slashAssign
    case plus, minus, star, slash, percent, caret, at
    case equal, notEqual, less, lessEqual, greater, greaterEqual

    /// The reserved words, by spelling.
    public static let keywords: [String: TokenKind] = [
        "fn": .fnKeyword, "return": .returnKeyword, "if": .ifKeyword, "else": .elseKeyword,
        "for": .forKeyword, "in": .inKeyword, "while": .whileKeyword, "break": .breakKeyword,
        "continue": .continueKeyword, "true": .trueKeyword, "false": .falseKeyword,
        "none": .noneKeyword, "and": .andKeyword, "or": .orKeyword, "not": .notKeyword,
    ]

    /// How the kind is named in "expected …" messages.
    public var displayName: String {
        switch self {
        case .number: return "a number"
        case .string: return "a string"
        case .identifier: return "a name"
        case .newline: return "a new line"
        case .endOfInput: return "end of input"
        default:
            if let spelling = TokenKind.spellings[self] { return "`\(spelling)`" }
            return "\(self)"
        }
    }

    static let spellings: [TokenKind: String] = {
        var table: [TokenKind: String] = [
            .leftParen: "(", .rightParen: ")", .leftBracket: "[", .rightBracket: "]",
            .leftBrace: "{", .rightBrace: "}", .comma: ",", .colon: ":", .semicolon: ";",
            .dot: ".", .halfOpenRange: "..<", .closedRange: "...", .assign: "=",
            .plusAssign: "+=", .minusAssign: "-=", .starAssign: "*=", .slashAssign: "/=",
            .plus: "+", .minus: "-", .star: "*", .slash: "/", .percent: "%", .caret: "^", .at: "@",
            .equal: "==", .notEqual: "!=", .less: "<", .lessEqual: "<=", .greater: ">",
            .greaterEqual: ">=",
        ]
        for (word, kind) in keywords { table[kind] = word }
        return table
    }()
}

/// One token: its kind, where it is, and its literal value for numbers and strings.
public struct Token: Sendable {
    public var kind: TokenKind
    /// Scalar offsets `start..<end` in the source.
    public var start: Int
    public var end: Int
    /// The spelling (for identifiers, the name).
    public var text: String
    /// The value of a number literal.
    public var number: Double = 0
    /// The decoded value of a string literal (escapes resolved).
    public var string: String = ""
}
