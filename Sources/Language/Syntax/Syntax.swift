/// The syntax tree. Every node carries the span it was parsed from, so any error found while
/// evaluating it can point at the right source.

/// Binary operators, by meaning. Precedence lives in `Parser.binaryPrecedence`.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%", power = "^"
    case matrixMultiply = "@"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case halfOpenRange = "..<", closedRange = "..."
}

/// Prefix operators.
public enum UnaryOperator: String, Sendable, CaseIterable {
    case negate = "-", plus = "+", not = "not"
}

/// An expression node.
public final class Expression: @unchecked Sendable {
    /// The forms of expression.
    public indirect enum Kind {
        case number(Double)
        case string(String)
        case bool(Bool)
        case none
        case name(String)
        case list([Expression])
        case unary(UnaryOperator, Expression)
        /// `operatorSpan` is where the operator token is, for errors about the operation.
        case binary(BinaryOperator, Expression, Expression, operatorSpan: SourceSpan)
        /// `and` / `or`, which evaluate their right side only when needed.
        case logical(isAnd: Bool, Expression, Expression)
        case call(Expression, [Argument])
        case member(Expression, name: String, nameSpan: SourceSpan)
        case index(Expression, [IndexExpression])
        /// An anonymous function `fn(x) { … }`.
        case function(FunctionDeclaration)
    }

    public let kind: Kind
    public let span: SourceSpan

    public init(_ kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

/// One argument of a call: `value` or `label: value`.
public struct Argument: Sendable {
    public var label: String?
    public var labelSpan: SourceSpan?
    public var value: Expression
    /// The label (if any) through the value.
    public var span: SourceSpan { labelSpan.map { $0.through(value.span) } ?? value.span }
}

/// One component of a subscript: `i` or a slice `start:stop:step` with every part optional.
public enum IndexExpression: Sendable {
    case single(Expression)
    case slice(start: Expression?, stop: Expression?, step: Expression?, span: SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .single(let expression): return expression.span
        case .slice(_, _, _, let span): return span
        }
    }
}

/// A parameter of a user function: `name` or `name: default`.
public struct ParameterDeclaration: Sendable {
    public var name: String
    public var defaultValue: Expression?
    public var span: SourceSpan
}

/// `fn name(params) { body }`, or the anonymous form.
public final class FunctionDeclaration: @unchecked Sendable {
    public let name: String?
    public let parameters: [ParameterDeclaration]
    public let body: [Statement]
    public let span: SourceSpan

    public init(name: String?, parameters: [ParameterDeclaration], body: [Statement], span: SourceSpan) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.span = span
    }

    /// The docstring: a string literal standing as the body's first statement (shown by `help`;
    /// evaluating it does nothing), e.g. `fn inc(x) { "Adds one."; x + 1 }`.
    public var doc: String? {
        guard case .expression(let e, _)? = body.first?.kind, case .string(let text) = e.kind else { return nil }
        return text
    }
}

/// A statement node.
public final class Statement: @unchecked Sendable {
    /// The forms of statement.
    public indirect enum Kind {
        /// An expression; `echo` is false when a `;` follows it.
        case expression(Expression, echo: Bool)
        /// `target = value`; target is a name, a subscript or a member. `compound` is the
        /// operator of `+=` and friends.
        case assignment(target: Expression, value: Expression, compound: BinaryOperator?)
        case ifElse(condition: Expression, then: [Statement], otherwise: [Statement]?)
        case forIn(variable: String, sequence: Expression, body: [Statement])
        case whileLoop(condition: Expression, body: [Statement])
        case function(FunctionDeclaration)
        case returnValue(Expression?)
        case breakLoop
        case continueLoop
    }

    public let kind: Kind
    public let span: SourceSpan

    public init(_ kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}
