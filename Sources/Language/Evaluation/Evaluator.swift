/// Where the evaluator sends output (echoes, `print`, errors). The console passes one that
/// writes to the terminal; tests pass one that records.
public protocol OutputSink: AnyObject {
    func write(_ text: String)
}

/// How a statement finished: normally, or by `return`, `break` or `continue` (with the span of
/// the statement, to report one that escapes its function or loop).
enum Flow {
    case normal
    case returned(Value)
    case broke(SourceSpan)
    case continued(SourceSpan)
}

/// Walks the syntax tree. Expressions are in `Evaluator+Expressions.swift`, calls in
/// `Evaluator+Calls.swift`, operators in `Evaluator+Operators.swift`, subscripts and
/// assignment in `Evaluator+Indexing.swift`.
///
/// Every failure is thrown as a `Diagnostic` carrying the span of the culprit. Depth limits turn
/// runaway recursion into an error before the native stack runs out: `maximumCallDepth` nested
/// calls and `maximumEvaluationDepth` nested evaluation steps (expressions, statements and
/// calls together). The interpreter runs the evaluator on a thread with a stack sized for them.
final class Evaluator {
    static let maximumCallDepth = 1_000
    static let maximumEvaluationDepth = 20_000

    let registry: BuiltinRegistry
    var sink: OutputSink
    var interruptCheck: () -> Bool = { false }
    var globals = Environment(parent: nil)
    /// Steps a single `while` loop may take before it is stopped as runaway.
    var maximumLoopIterations = 10_000_000
    var callDepth = 0
    var evaluationDepth = 0
    /// The call of the builtin now running, if any: callbacks it applies are called from there.
    var builtinCallSpan: SourceSpan?
    private(set) lazy var context = CallContext(evaluator: self)

    init(registry: BuiltinRegistry, sink: OutputSink) {
        self.registry = registry
        self.sink = sink
    }

    /// Runs one top-level statement; returns the value to echo (nil when there is nothing to
    /// show) and records non-`none` expression values in `ans`.
    func runTopLevel(_ statement: Statement) throws -> Value? {
        callDepth = 0
        evaluationDepth = 0
        if case .expression(let expression, let echo) = statement.kind {
            let value = try evaluate(expression, in: globals)
            if value.isNothing { return nil }
            globals.values["ans"] = value
            return echo ? value : nil
        }
        switch try execute(statement, in: globals) {
        case .normal: return nil
        case .returned: throw Diagnostic("`return` outside a function", span: statement.span)
        case .broke(let span): throw Diagnostic("`break` outside a loop", span: span)
        case .continued(let span): throw Diagnostic("`continue` outside a loop", span: span)
        }
    }

    func execute(_ statements: [Statement], in scope: Environment) throws -> Flow {
        for statement in statements {
            let flow = try execute(statement, in: scope)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func execute(_ statement: Statement, in scope: Environment) throws -> Flow {
        try enter(statement.span)
        defer { evaluationDepth -= 1 }
        switch statement.kind {
        case .expression(let expression, _):
            _ = try evaluate(expression, in: scope)
        case .assignment(let target, let valueExpression, let compound):
            var value = try evaluate(valueExpression, in: scope)
            if let compound {
                let current = try evaluate(target, in: scope)
                value = try binary(compound, current, value, span: statement.span)
            }
            try assign(value, to: target, in: scope)
        case .ifElse(let condition, let then, let otherwise):
            if try evaluateCondition(condition, in: scope) {
                return try execute(then, in: scope)
            } else if let otherwise {
                return try execute(otherwise, in: scope)
            }
        case .forIn(let variable, let sequence, let body):
            let sequenceValue = try evaluate(sequence, in: scope)
            var result = Flow.normal
            try forEachElement(of: sequenceValue, span: sequence.span) { element in
                try pollInterrupt(statement.span)
                scope.values[variable] = element
                switch try execute(body, in: scope) {
                case .normal, .continued: return true
                case .broke: return false
                case .returned(let value):
                    result = .returned(value)
                    return false
                }
            }
            return result
        case .whileLoop(let condition, let body):
            var steps = 0
            while try evaluateCondition(condition, in: scope) {
                try pollInterrupt(statement.span)
                steps += 1
                if steps > maximumLoopIterations {
                    throw Diagnostic("`while` loop ran more than \(maximumLoopIterations) times; stopped as runaway",
                                     span: condition.span)
                }
                switch try execute(body, in: scope) {
                case .normal, .continued: continue
                case .broke: return .normal
                case .returned(let value): return .returned(value)
                }
            }
        case .function(let declaration):
            scope.values[declaration.name ?? "fn"] = .function(Function(.closure(declaration, scope)))
        case .returnValue(let expression):
            return .returned(try expression.map { try evaluate($0, in: scope) } ?? .nothing)
        case .breakLoop:
            return .broke(statement.span)
        case .continueLoop:
            return .continued(statement.span)
        }
        return .normal
    }

    /// Counts one level of evaluation nesting, failing past the limit.
    func enter(_ span: SourceSpan) throws {
        if evaluationDepth >= Evaluator.maximumEvaluationDepth {
            throw Diagnostic("evaluation nested too deeply (more than \(Evaluator.maximumEvaluationDepth) levels)", span: span)
        }
        evaluationDepth += 1
    }

    /// Stops with an "interrupted" error once the interrupt check fires.
    func pollInterrupt(_ span: SourceSpan?) throws {
        if interruptCheck() { throw Diagnostic("interrupted", span: span) }
    }

    func evaluateCondition(_ expression: Expression, in scope: Environment) throws -> Bool {
        let value = try evaluate(expression, in: scope)
        guard case .bool(let flag) = value else {
            throw Diagnostic("condition must be a bool, got \(value.typeName)", span: expression.span)
        }
        return flag
    }

    /// Visits the elements of a range, list, string or iterable host object until `body`
    /// returns false. Ranges are walked without materialising them.
    func forEachElement(of value: Value, span: SourceSpan, _ body: (Value) throws -> Bool) throws {
        switch value {
        case .range(let range):
            for index in 0..<range.count {
                guard try body(.number(Double(range.element(at: index)))) else { return }
            }
        case .list(let elements):
            for element in elements {
                guard try body(element) else { return }
            }
        case .string(let text):
            for character in text {
                guard try body(.string(String(character))) else { return }
            }
        case .host(let object):
            guard let elements = try translatingHostErrors(span, { try object.elements() }) else {
                throw Diagnostic("cannot iterate over \(object.typeName)", span: span)
            }
            for element in elements {
                guard try body(element) else { return }
            }
        default:
            throw Diagnostic("cannot iterate over \(value.typeName); expected a range, list or string", span: span)
        }
    }

    /// Runs host code, turning its errors into diagnostics at `span`.
    func translatingHostErrors<T>(_ span: SourceSpan?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        } catch let error as LanguageError {
            throw Diagnostic(error.message, span: span)
        } catch {
            throw Diagnostic("\(error)", span: span)
        }
    }
}
