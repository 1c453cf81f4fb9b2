extension Evaluator {
    func evaluate(_ expression: Expression, in scope: Environment) throws -> Value {
        try enter(expression.span)
        defer { evaluationDepth -= 1 }
        switch expression.kind {
        case .number(let x): return .number(x)
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .none: return .nothing
        case .name(let name): return try lookup(name, span: expression.span, in: scope)
        case .list(let elements):
            let list = Value.list(try elements.map { try evaluate($0, in: scope) })
            try checkNesting(list, span: expression.span)
            return list
        case .unary(let op, let operandExpression):
            let operand = try evaluate(operandExpression, in: scope)
            return try unary(op, operand, span: expression.span)
        case .binary(let op, let leftExpression, let rightExpression, let operatorSpan):
            let left = try evaluate(leftExpression, in: scope)
            let right = try evaluate(rightExpression, in: scope)
            return try binary(op, left, right, span: operatorSpan)
        case .logical(let isAnd, let leftExpression, let rightExpression):
            let word = isAnd ? "and" : "or"
            let left = try evaluate(leftExpression, in: scope)
            guard case .bool(let leftFlag) = left else {
                throw Diagnostic("`\(word)` needs bool operands, got \(left.typeName)", span: leftExpression.span)
            }
            if leftFlag != isAnd { return .bool(leftFlag) }
            let right = try evaluate(rightExpression, in: scope)
            guard case .bool = right else {
                throw Diagnostic("`\(word)` needs bool operands, got \(right.typeName)", span: rightExpression.span)
            }
            return right
        case .call(let calleeExpression, let argumentExpressions):
            let callee = try evaluate(calleeExpression, in: scope)
            var given: [ArgumentBinder.Given] = []
            for argument in argumentExpressions {
                given.append(ArgumentBinder.Given(label: argument.label, labelSpan: argument.labelSpan,
                                                  value: try evaluate(argument.value, in: scope), span: argument.span))
            }
            return try call(callee, given, calleeSpan: calleeExpression.span, callSpan: expression.span)
        case .member(let objectExpression, let name, let nameSpan):
            let object = try evaluate(objectExpression, in: scope)
            return try member(name, of: object, span: nameSpan)
        case .index(let baseExpression, let indexExpressions):
            let base = try evaluate(baseExpression, in: scope)
            let components = try evaluateIndices(indexExpressions, in: scope)
            return try subscriptValue(base, components, span: expression.span)
        case .function(let declaration):
            return .function(Function(.closure(declaration, scope)))
        }
    }

    /// Refuses lists nested deeper than `Value.maximumNesting`.
    func checkNesting(_ list: Value, span: SourceSpan) throws {
        if list.listDepth() > Value.maximumNesting {
            throw Diagnostic("lists nested more than \(Value.maximumNesting) deep are not allowed", span: span)
        }
    }

    /// A name's value: the innermost binding, else a builtin function, else an error that
    /// suggests the closest visible name.
    func lookup(_ name: String, span: SourceSpan, in scope: Environment) throws -> Value {
        if let value = scope.lookup(name) { return value }
        if let builtin = registry.function(named: name) { return .function(Function(.builtin(builtin))) }
        let candidates = scope.visibleNames.union(registry.functions.keys)
        throw Diagnostic("unknown name `\(name)`\(Suggestion.hint(for: name, among: candidates.sorted()))", span: span)
    }

    /// `value.name`: a property or method from the value type's table, else a dynamic member of
    /// a host object.
    func member(_ name: String, of value: Value, span: SourceSpan) throws -> Value {
        let type = registry.type(named: value.typeName)
        if let property = type?.property(named: name) {
            return try translatingHostErrors(span) { try property.get(value) }
        }
        if let method = type?.method(named: name) {
            return .function(Function(.method(receiver: value, method)))
        }
        var candidates = type?.memberNames ?? []
        if case .host(let object) = value {
            if let found = try translatingHostErrors(span, { try object.member(named: name) }) { return found }
            candidates += object.dynamicMemberNames
        }
        // `v.abs()` where `abs(v)` exists: say so before guessing at a member.
        if registry.function(named: name) != nil {
            throw Diagnostic("\(value.typeName) has no member `\(name)`; `\(name)` is a function: write `\(name)(…)` with the \(value.typeName) as its argument", span: span)
        }
        throw Diagnostic("\(value.typeName) has no member `\(name)`\(Suggestion.hint(for: name, among: candidates))", span: span)
    }
}
