import Foundation

extension Evaluator {
    /// `left op right`. Host objects get the first say (left operand first), so a tensor can
    /// define `t + 1`, `2 * t` and `a @ b`; otherwise the core rules apply:
    /// numbers do arithmetic (`/` by zero gives ±inf or nan, as IEEE does; `%` is the floored
    /// remainder, with the sign of the divisor) and comparisons; strings concatenate with `+` and
    /// compare; lists concatenate with `+`; `==` and `!=` compare any two values; `..<` and `...`
    /// build ranges from integers.
    func binary(_ op: BinaryOperator, _ left: Value, _ right: Value, span: SourceSpan) throws -> Value {
        if case .host(let object) = left,
           let result = try translatingHostErrors(span, { try object.binary(op, right, selfOnLeft: true) }) {
            return result
        }
        if case .host(let object) = right,
           let result = try translatingHostErrors(span, { try object.binary(op, left, selfOnLeft: false) }) {
            return result
        }
        switch (op, left, right) {
        case (.equal, _, _): return .bool(left.isEqual(to: right))
        case (.notEqual, _, _): return .bool(!left.isEqual(to: right))
        case (_, .number(let a), .number(let b)):
            if let result = Evaluator.arithmetic(op, a, b) { return result }
        case (.add, .string(let a), .string(let b)):
            try checkLength(a.utf8.count + b.utf8.count, of: "string", span: span)
            return .string(a + b)
        case (.add, .list(let a), .list(let b)):
            try checkLength(a.count + b.count, of: "list", span: span)
            return .list(a + b)
        case (.less, .string(let a), .string(let b)): return .bool(a < b)
        case (.lessEqual, .string(let a), .string(let b)): return .bool(a <= b)
        case (.greater, .string(let a), .string(let b)): return .bool(a > b)
        case (.greaterEqual, .string(let a), .string(let b)): return .bool(a >= b)
        default: break
        }
        if op == .halfOpenRange || op == .closedRange {
            guard let lower = left.integer, let upper = right.integer else {
                let culprit = left.integer == nil ? left : right
                throw Diagnostic("range bounds must be integers, got \(culprit.typeName == "number" ? culprit.literalText : culprit.typeName)",
                                 span: span)
            }
            return .range(try translatingHostErrors(span) {
                try IntegerRange.checked(lower: lower, upper: op == .closedRange && upper < Int.max ? upper + 1 : upper)
            })
        }
        if op == .matrixMultiply {
            throw Diagnostic("`@` (matrix product) needs tensors, got \(left.typeName) and \(right.typeName)", span: span)
        }
        throw Diagnostic("operator `\(op.rawValue)` is not defined for \(left.typeName) and \(right.typeName)", span: span)
    }

    private func checkLength(_ length: Int, of kind: String, span: SourceSpan) throws {
        if length > Value.maximumLength {
            throw Diagnostic("\(kind) of \(length) elements would be too long (limit \(Value.maximumLength))", span: span)
        }
    }

    /// Number-number arithmetic and comparison; nil for operators that do not apply to numbers.
    static func arithmetic(_ op: BinaryOperator, _ a: Double, _ b: Double) -> Value? {
        switch op {
        case .add: return .number(a + b)
        case .subtract: return .number(a - b)
        case .multiply: return .number(a * b)
        case .divide: return .number(a / b)
        case .remainder: return .number(a - b * (a / b).rounded(.down))
        case .power: return .number(pow(a, b))
        case .less: return .bool(a < b)
        case .lessEqual: return .bool(a <= b)
        case .greater: return .bool(a > b)
        case .greaterEqual: return .bool(a >= b)
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .matrixMultiply, .halfOpenRange, .closedRange: return nil
        }
    }

    /// `-x`, `+x`, `not x`.
    func unary(_ op: UnaryOperator, _ operand: Value, span: SourceSpan) throws -> Value {
        if case .host(let object) = operand,
           let result = try translatingHostErrors(span, { try object.unary(op) }) {
            return result
        }
        switch (op, operand) {
        case (.negate, .number(let x)): return .number(-x)
        case (.plus, .number(let x)): return .number(x)
        case (.not, .bool(let flag)): return .bool(!flag)
        case (.not, _): throw Diagnostic("`not` needs a bool, got \(operand.typeName)", span: span)
        default: throw Diagnostic("unary `\(op.rawValue)` is not defined for \(operand.typeName)", span: span)
        }
    }
}
