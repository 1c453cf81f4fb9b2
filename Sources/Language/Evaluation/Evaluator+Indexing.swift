extension Evaluator {
    func evaluateIndices(_ expressions: [IndexExpression], in scope: Environment) throws -> [(IndexComponent, SourceSpan)] {
        try expressions.map { expression in
            switch expression {
            case .single(let index):
                return (.single(try evaluate(index, in: scope)), index.span)
            case .slice(let start, let stop, let step, let span):
                func bound(_ part: Expression?) throws -> Int? {
                    guard let part else { return nil }
                    let value = try evaluate(part, in: scope)
                    if value.isNothing { return nil }
                    guard let integer = value.integer else {
                        throw Diagnostic("slice bounds must be integers, got \(value.typeName == "number" ? value.literalText : value.typeName)",
                                         span: part.span)
                    }
                    return integer
                }
                let bounds = SliceBounds(start: try bound(start), stop: try bound(stop), step: try bound(step))
                if bounds.step == 0 { throw Diagnostic("slice step cannot be zero", span: span) }
                return (.slice(bounds), span)
            }
        }
    }

    /// `base[components]` for lists, strings and ranges; host objects answer for themselves.
    func subscriptValue(_ base: Value, _ components: [(IndexComponent, SourceSpan)], span: SourceSpan) throws -> Value {
        switch base {
        case .host(let object):
            return try translatingHostErrors(span) { try object.subscriptValue(components.map(\.0)) }
        case .list(let elements):
            return try select(from: elements, components, span: span, element: { $0 }, slice: { .list($0) })
        case .string(let text):
            return try select(from: Array(text), components, span: span,
                              element: { .string(String($0)) }, slice: { .string(String($0)) })
        case .range(let range):
            let (component, componentSpan) = try onlyComponent(components, span: span)
            if case .single(let index) = component {
                return .number(Double(range.element(at: try position(index, count: range.count, span: componentSpan))))
            }
            let elements = try translatingHostErrors(span) { try range.materialized() }
            return try select(from: elements, components, span: span, element: { $0 }, slice: { .list($0) })
        default:
            throw Diagnostic("\(base.typeName) cannot be subscripted", span: span)
        }
    }

    /// One element (an integer index, negative from the end) or a slice of a sequence.
    private func select<Element>(from elements: [Element], _ components: [(IndexComponent, SourceSpan)], span: SourceSpan,
                                 element: (Element) -> Value, slice: ([Element]) -> Value) throws -> Value {
        let (component, componentSpan) = try onlyComponent(components, span: span)
        switch component {
        case .single(let index):
            let position = try position(index, count: elements.count, span: componentSpan)
            return element(elements[position])
        case .slice(let bounds):
            let positions = try translatingHostErrors(componentSpan) { try bounds.indices(count: elements.count) }
            return slice(positions.map { elements[$0] })
        }
    }

    private func onlyComponent(_ components: [(IndexComponent, SourceSpan)], span: SourceSpan) throws -> (IndexComponent, SourceSpan) {
        guard components.count == 1 else {
            throw Diagnostic("expected one index, got \(components.count); only host objects take several", span: span)
        }
        return components[0]
    }

    private func position(_ index: Value, count: Int, span: SourceSpan) throws -> Int {
        guard let integer = index.integer else {
            throw Diagnostic("index must be an integer, got \(index.typeName == "number" ? index.literalText : index.typeName)", span: span)
        }
        return try translatingHostErrors(span) { try IndexComponent.resolve(integer, count: count) }
    }

    /// `target = value` for a name, a member or a subscript. A subscript on a list builds the
    /// changed list and assigns it back to the list's own target (lists are values), which
    /// handles nested `a[i][j] = v`; a subscript on a host object is forwarded to the host.
    func assign(_ value: Value, to target: Expression, in scope: Environment) throws {
        switch target.kind {
        case .name(let name):
            scope.values[name] = value
        case .member(let objectExpression, let name, let nameSpan):
            let object = try evaluate(objectExpression, in: scope)
            guard case .host(let host) = object else {
                throw Diagnostic("cannot set member `\(name)` of \(object.typeName)", span: nameSpan)
            }
            try translatingHostErrors(nameSpan) { try host.setMember(named: name, to: value) }
        case .index(let baseExpression, let indexExpressions):
            let base = try evaluate(baseExpression, in: scope)
            let components = try evaluateIndices(indexExpressions, in: scope)
            switch base {
            case .host(let host):
                try translatingHostErrors(target.span) { try host.setSubscript(components.map(\.0), to: value) }
            case .list(var elements):
                let (component, componentSpan) = try onlyComponent(components, span: target.span)
                switch component {
                case .single(let index):
                    elements[try position(index, count: elements.count, span: componentSpan)] = value
                case .slice(let bounds):
                    let positions = try translatingHostErrors(componentSpan) { try bounds.indices(count: elements.count) }
                    guard case .list(let replacements) = value, replacements.count == positions.count else {
                        throw Diagnostic("assigning to a slice of \(positions.count) elements needs a list of \(positions.count), got \(value.summary)",
                                         span: target.span)
                    }
                    for (position, replacement) in zip(positions, replacements) { elements[position] = replacement }
                }
                try checkNesting(.list(elements), span: target.span)
                switch baseExpression.kind {
                case .name, .index, .member: try assign(.list(elements), to: baseExpression, in: scope)
                default: throw Diagnostic("cannot assign into a temporary list `\(baseExpression.span.text)`", span: baseExpression.span)
                }
            default:
                throw Diagnostic("cannot assign through a subscript of \(base.typeName)", span: target.span)
            }
        default:
            throw Diagnostic("cannot assign to `\(target.span.text)`", span: target.span)
        }
    }
}
