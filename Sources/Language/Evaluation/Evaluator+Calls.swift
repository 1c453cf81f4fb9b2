extension Evaluator {
    /// Calls a function value with evaluated arguments.
    func call(_ callee: Value, _ given: [ArgumentBinder.Given], calleeSpan: SourceSpan?, callSpan: SourceSpan?) throws -> Value {
        guard case .function(let function) = callee else {
            let what = calleeSpan.map { "`\($0.text)` is" } ?? "the callee is"
            // A model called like a function means its prediction (`net(x)` → `net.predict(x)`).
            var hint = ""
            if let name = calleeSpan?.text, registry.type(named: callee.typeName)?.method(named: "predict") != nil {
                hint = "; did you mean `\(name).predict(…)`?"
            }
            throw Diagnostic("\(what) a \(callee.typeName), not a function\(hint)", span: calleeSpan ?? callSpan)
        }
        try pollInterrupt(callSpan)
        if callDepth >= Evaluator.maximumCallDepth {
            throw Diagnostic("too much recursion: more than \(Evaluator.maximumCallDepth) nested calls", span: callSpan)
        }
        callDepth += 1
        defer { callDepth -= 1 }
        switch function.kind {
        case .closure(let declaration, let captured):
            return try callClosure(declaration, captured: captured, given, callSpan: callSpan)
        case .builtin(let builtin):
            return try callBuiltin(builtin, receiver: nil, name: builtin.name, given, callSpan: callSpan)
        case .method(let receiver, let builtin):
            return try callBuiltin(builtin, receiver: receiver, name: "\(receiver.typeName).\(builtin.name)", given, callSpan: callSpan)
        }
    }

    /// Calls a function value from Swift (a builtin applying a callback). Errors of the call
    /// itself (too much recursion, wrong arguments) point at the call of the builtin that
    /// applies the callback, e.g. `train(…, do: f)`, so they carry a file and line.
    func callValue(_ function: Value, positional: [Value]) throws -> Value {
        try call(function, positional.map { ArgumentBinder.Given(value: $0) }, calleeSpan: nil, callSpan: builtinCallSpan)
    }

    private func callClosure(_ declaration: FunctionDeclaration, captured: Environment,
                             _ given: [ArgumentBinder.Given], callSpan: SourceSpan?) throws -> Value {
        let name = declaration.name ?? "fn"
        let shapes = declaration.parameters.map { ArgumentBinder.Shape(name: $0.name, hasDefault: $0.defaultValue != nil) }
        let bound = try ArgumentBinder.bind(shapes, given, callee: name, callSpan: callSpan)
        let scope = Environment(parent: captured)
        do {
            for (index, parameter) in declaration.parameters.enumerated() {
                if let argument = bound.slots[index] {
                    scope.values[parameter.name] = argument.value
                } else if let defaultValue = parameter.defaultValue {
                    // Defaults are evaluated at each call, in the new scope, so they may use earlier parameters.
                    scope.values[parameter.name] = try evaluate(defaultValue, in: scope)
                }
            }
            switch try execute(declaration.body, in: scope) {
            case .normal: return .nothing
            case .returned(let value): return value
            case .broke(let span): throw Diagnostic("`break` outside a loop", span: span)
            case .continued(let span): throw Diagnostic("`continue` outside a loop", span: span)
            }
        } catch var diagnostic as Diagnostic {
            // Show the call path for errors inside functions, but only a few frames of it.
            // Runaway recursion repeats one call site; note it once.
            let repeated = diagnostic.notes.last.map { $0.span?.start == callSpan?.start && $0.span?.source === callSpan?.source } ?? false
            if diagnostic.notes.count < 3, !repeated, let callSpan {
                diagnostic.notes.append(Diagnostic.Note("in `\(name)`, called from here", span: callSpan))
            }
            throw diagnostic
        }
    }

    private func callBuiltin(_ builtin: Builtin, receiver: Value?, name: String,
                             _ given: [ArgumentBinder.Given], callSpan: SourceSpan?) throws -> Value {
        let shapes = builtin.parameters.map {
            ArgumentBinder.Shape(name: $0.name, hasDefault: $0.defaultValue != nil, requiresLabel: $0.requiresLabel,
                                 isVariadic: $0.isVariadic, type: $0.type)
        }
        let bound = try ArgumentBinder.bind(shapes, given, callee: name, callSpan: callSpan)
        var values: [String: Value] = [:]
        for (index, parameter) in builtin.parameters.enumerated() where !parameter.isVariadic {
            values[parameter.name] = bound.slots[index]?.value ?? parameter.defaultValue ?? .nothing
        }
        let arguments = Arguments(callee: name, receiver: receiver, context: context, values: values,
                                  rest: bound.rest.map(\.value))
        let outerSpan = builtinCallSpan
        builtinCallSpan = callSpan
        defer { builtinCallSpan = outerSpan }
        do {
            return try builtin.handler(arguments)
        } catch var diagnostic as Diagnostic {
            if diagnostic.span == nil { diagnostic.span = callSpan }
            throw diagnostic
        } catch let error as LanguageError {
            // Point at the argument the error names when there is one.
            var span = callSpan
            if let argument = error.argument,
               let index = builtin.parameters.firstIndex(where: { $0.name == argument }),
               let argumentSpan = bound.slots[index]?.span {
                span = argumentSpan
            }
            throw Diagnostic(error.message, span: span)
        } catch {
            throw Diagnostic(Evaluator.hostErrorMessage("\(error)", callee: name), span: callSpan)
        }
    }

    /// The message of an error a host library threw (not a `LanguageError`), named by the
    /// callee once. The domain libraries name their own operation (`reshape: cannot reshape …`,
    /// or an inner one: `eye` fails in `full: …`); that leading `operation: ` is replaced by
    /// the name the user called, so no message reads `reshape: reshape: …`.
    static func hostErrorMessage(_ text: String, callee: String) -> String {
        var rest = Substring(text)
        if let colon = text.firstIndex(of: ":"), text[text.index(after: colon)...].hasPrefix(" "),
           let first = text.first, first.isLowercase || first == "_",
           text[..<colon].allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" || $0 == "." }) {
            rest = text[text.index(colon, offsetBy: 2)...]
        }
        return "\(callee): \(rest)"
    }
}
