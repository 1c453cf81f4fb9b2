/// The bound arguments of one builtin or method call, handed to its handler.
///
/// Binding has already checked counts, labels and types against the signature, so the typed
/// accessors only convert; they still throw rather than trap if a handler asks for the wrong
/// type. Reading a name the signature does not declare (a misspelling, a parameter removed
/// from the table) is a bug in the handler: it reads `none` and is noted in the registry's
/// `undeclaredReads`, which a test checks after calling every builtin and method.
public struct Arguments {
    /// The callee's name, for messages (`randn`, `kernel.eig`).
    public let callee: String
    /// The value left of the dot for a method call; nil for a function.
    public let receiver: Value?
    /// Access to the interpreter: output, interrupts, calling back into the language.
    public let context: CallContext
    let values: [String: Value]
    /// The arguments collected by a variadic parameter, in order.
    public let rest: [Value]

    public init(callee: String, receiver: Value?, context: CallContext, values: [String: Value], rest: [Value]) {
        self.callee = callee
        self.receiver = receiver
        self.context = context
        self.values = values
        self.rest = rest
    }

    /// The bound value (defaults filled in). Every declared, non-variadic parameter has one;
    /// any other name is a programming error (noted in `BuiltinRegistry.undeclaredReads`) and
    /// reads `none`.
    public subscript(name: String) -> Value {
        guard let value = values[name] else {
            context.registry.noteUndeclaredRead(callee: callee, name: name)
            return .nothing
        }
        return value
    }

    /// Whether the argument was bound to something other than `none`.
    public func has(_ name: String) -> Bool { !(self[name].isNothing) }

    private func mismatch(_ name: String, _ expected: String) -> LanguageError {
        LanguageError("argument `\(name)` of `\(callee)` expects \(expected), got \(self[name].typeName)", argument: name)
    }

    public func number(_ name: String) throws -> Double {
        guard case .number(let x) = self[name] else { throw mismatch(name, "number") }
        return x
    }

    public func integer(_ name: String) throws -> Int {
        guard let n = self[name].integer else { throw mismatch(name, "integer") }
        return n
    }

    public func string(_ name: String) throws -> String {
        guard case .string(let text) = self[name] else { throw mismatch(name, "string") }
        return text
    }

    public func bool(_ name: String) throws -> Bool {
        guard case .bool(let flag) = self[name] else { throw mismatch(name, "bool") }
        return flag
    }

    public func list(_ name: String) throws -> [Value] {
        guard case .list(let elements) = self[name] else { throw mismatch(name, "list") }
        return elements
    }

    /// A `.choice` argument as the enumeration whose raw values it was checked against.
    public func choice<T: RawRepresentable>(_ name: String, as type: T.Type) throws -> T where T.RawValue == String {
        let word = try string(name)
        guard let value = T(rawValue: word) else {
            throw LanguageError("argument `\(name)` of `\(callee)` does not name a \(String(describing: T.self)): \"\(word)\"", argument: name)
        }
        return value
    }

    /// The host object of Swift type `T` bound to `name`.
    public func host<T: HostObject>(_ name: String, as type: T.Type) throws -> T {
        guard case .host(let object) = self[name], let typed = object as? T else {
            throw mismatch(name, String(describing: T.self).lowercased())
        }
        return typed
    }

    /// The receiver as host object of Swift type `T` (for method handlers).
    public func receiver<T: HostObject>(as type: T.Type) throws -> T {
        guard case .host(let object)? = receiver, let typed = object as? T else {
            throw LanguageError("`\(callee)` needs a \(String(describing: T.self).lowercased()) receiver")
        }
        return typed
    }
}

/// What a builtin may ask of the interpreter running it.
public final class CallContext {
    let evaluator: Evaluator

    init(evaluator: Evaluator) { self.evaluator = evaluator }

    /// Writes to the interpreter's output sink (progress lines, `print`).
    public func write(_ text: String) { evaluator.sink.write(text) }

    /// True once the interrupt check has fired; long work should stop at its next safe point
    /// and throw `LanguageError.interrupted`.
    public var isInterrupted: Bool { evaluator.interruptCheck() }

    /// Calls a language function (a user closure, builtin or method value) with positional
    /// arguments, e.g. to apply a callback.
    public func call(_ function: Value, _ arguments: [Value]) throws -> Value {
        try evaluator.callValue(function, positional: arguments)
    }

    /// The registry of builtins and host types.
    public var registry: BuiltinRegistry { evaluator.registry }

    /// The global binding called `name`, if any.
    public func global(_ name: String) -> Value? { evaluator.globals.values[name] }
}

