/// The tables of everything built in: one table of functions, and one table per value type of
/// its properties and methods. Help text, completion candidates, argument checking and the
/// Markdown reference are generated from these tables (see `BuiltinRegistry+Help.swift`).
///
/// A new interpreter's registry holds the core builtins (`CoreBuiltins`); the Library module
/// registers the domain functions and host types on top.
public final class BuiltinRegistry {
    /// Functions by name.
    public private(set) var functions: [String: Builtin] = [:]
    /// Value types (host types, and core types given methods) by type name.
    public private(set) var types: [String: HostType] = [:]

    public init() {}

    /// Adds a function, replacing any function of the same name.
    public func register(_ builtin: Builtin) {
        functions[builtin.name] = builtin
    }

    /// Adds several functions.
    public func register(_ builtins: [Builtin]) {
        for builtin in builtins { register(builtin) }
    }

    /// Adds a type's table, replacing any table for the same type name.
    public func register(type: HostType) {
        types[type.name] = type
    }

    /// The function called `name`, if any.
    public func function(named name: String) -> Builtin? { functions[name] }

    /// The table of the type called `name`, if any.
    public func type(named name: String) -> HostType? { types[name] }

    /// Replaces every handler (functions' and methods') by `wrap(handler)`: for rules that hold
    /// around every builtin call, such as the session's memory budget.
    public func wrapHandlers(_ wrap: (@escaping (Arguments) throws -> Value) -> (Arguments) throws -> Value) {
        for name in functions.keys { functions[name]!.handler = wrap(functions[name]!.handler) }
        for name in types.keys {
            for i in types[name]!.methods.indices { types[name]!.methods[i].handler = wrap(types[name]!.methods[i].handler) }
        }
    }

    /// Function names, sorted.
    public var functionNames: [String] { functions.keys.sorted() }

    /// Type names, sorted.
    public var typeNames: [String] { types.keys.sorted() }
}
