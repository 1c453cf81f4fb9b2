/// Matches the arguments of a call to a signature. One routine serves builtins, methods and
/// user functions, so every callee reports count, label and type errors the same way.
///
/// Rules: positional arguments come first and fill the parameters that do not require a label,
/// in order (a variadic parameter takes all that remain); labelled arguments match parameters by
/// name; each parameter is given at most once; parameters without a default must be given.
enum ArgumentBinder {
    /// The parts of a parameter the binder needs.
    struct Shape {
        var name: String
        var hasDefault: Bool
        var requiresLabel = false
        var isVariadic = false
        var type: ValueType = .any
    }

    /// An evaluated argument with where it was written (nil spans for calls made from Swift).
    struct Given {
        var label: String? = nil
        var labelSpan: SourceSpan? = nil
        var value: Value
        var span: SourceSpan? = nil
    }

    /// The result: one slot per parameter (nil when omitted, to be defaulted) and the variadic rest.
    struct Bound {
        var slots: [Given?]
        var rest: [Given]
    }

    static func bind(_ shapes: [Shape], _ arguments: [Given], callee: String, callSpan: SourceSpan?) throws -> Bound {
        var slots = [Given?](repeating: nil, count: shapes.count)
        var rest: [Given] = []
        var nextPositional = 0
        var sawLabel = false
        let positionalCapacity = shapes.filter { !$0.requiresLabel && !$0.isVariadic }.count
        for argument in arguments {
            if let label = argument.label {
                sawLabel = true
                guard let index = shapes.firstIndex(where: { $0.name == label && !$0.isVariadic }) else {
                    let hint = Suggestion.hint(for: label, among: shapes.filter { !$0.isVariadic }.map(\.name))
                    throw Diagnostic("`\(callee)` has no parameter `\(label)`\(hint)", span: argument.labelSpan ?? argument.span)
                }
                if slots[index] != nil {
                    throw Diagnostic("argument `\(label)` of `\(callee)` is given twice", span: argument.labelSpan ?? argument.span)
                }
                slots[index] = argument
                continue
            }
            if sawLabel {
                throw Diagnostic("positional argument after a labelled one in call to `\(callee)`", span: argument.span)
            }
            while nextPositional < shapes.count, shapes[nextPositional].requiresLabel { nextPositional += 1 }
            guard nextPositional < shapes.count else {
                let labelled = shapes.filter(\.requiresLabel).map { "`\($0.name):`" }
                let hint = labelled.isEmpty ? "" : "; \(labelled.joined(separator: ", ")) must be written with a label"
                let noun = positionalCapacity == 1 ? "argument" : "arguments"
                throw Diagnostic("`\(callee)` takes \(positionalCapacity) positional \(noun), got \(arguments.filter { $0.label == nil }.count)\(hint)",
                                 span: argument.span ?? callSpan)
            }
            if shapes[nextPositional].isVariadic {
                rest.append(argument)
            } else {
                slots[nextPositional] = argument
                nextPositional += 1
            }
        }
        for (index, shape) in shapes.enumerated() where slots[index] == nil && !shape.hasDefault && !shape.isVariadic {
            let how = shape.requiresLabel ? " (`\(shape.name): …`)" : ""
            throw Diagnostic("missing argument `\(shape.name)`\(how) in call to `\(callee)`", span: callSpan)
        }
        for (index, shape) in shapes.enumerated() {
            if shape.isVariadic {
                for argument in rest where !shape.type.accepts(argument.value) {
                    throw mismatch(shape, argument, callee: callee, callSpan: callSpan)
                }
            } else if let argument = slots[index], !shape.type.accepts(argument.value) {
                throw mismatch(shape, argument, callee: callee, callSpan: callSpan)
            }
        }
        return Bound(slots: slots, rest: rest)
    }

    private static func mismatch(_ shape: Shape, _ argument: Given, callee: String, callSpan: SourceSpan?) -> Diagnostic {
        Diagnostic("argument `\(shape.name)` of `\(callee)` expects \(shape.type.name), got \(describe(argument.value, against: shape.type))",
                   span: argument.span ?? callSpan)
    }

    /// What was given, in the terms of the expected type: `-1`, `nan`, `2.5, not an integer`,
    /// `"tarce"; did you mean "trace"?`, or the value's type name.
    private static func describe(_ value: Value, against type: ValueType) -> String {
        switch (type, value) {
        case (.optional(let inner), _): return describe(value, against: inner)
        case (.choice(let words), .string(let word)):
            let hint = Suggestion.closest(to: word, among: words).map { "; did you mean \"\($0)\"?" } ?? ""
            return "\"\(word)\"\(hint)"
        case (.bounded(let inner, _), .number(let x)):
            if inner == .integer, x.isFinite, x.rounded() != x { return "\(Value.format(x)), not an integer" }
            return Value.format(x)
        case (.integer, .number(let x)): return "\(Value.format(x)), not an integer"
        case (.oneOf(let types), _):
            // The first alternative of the value's own kind explains best (`integer ≥ 1 or none`).
            for alternative in types {
                let text = describe(value, against: alternative)
                if text != value.typeName { return text }
            }
            return value.typeName
        default: return value.typeName
        }
    }
}
