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

    /// Argument names that handlers read but their tables do not declare, oldest first (at
    /// most 100), as messages: "`f` reads argument `x`, which its parameter table does not
    /// declare". Such a read gets `none`, so a misspelt name would quietly ignore what the user
    /// wrote; `ArgumentDeclarationTests` calls every builtin and method and expects none here.
    public private(set) var undeclaredReads: [String] = []

    public init() {}

    func noteUndeclaredRead(callee: String, name: String) {
        guard undeclaredReads.count < 100 else { return }
        undeclaredReads.append("`\(callee)` reads argument `\(name)`, which its parameter table does not declare")
    }

    /// Adds a function. A name already registered is refused (`RegistrationConflict`) unless
    /// `replacing` says the replacement is meant, as when the tensor table's `sqrt` takes over
    /// the core one: a table can never silently shadow another's builtin.
    public func register(_ builtin: Builtin, replacing: Bool = false) throws {
        guard replacing || functions[builtin.name] == nil else { throw RegistrationConflict(kind: "function", name: builtin.name) }
        functions[builtin.name] = builtin
    }

    /// Adds several functions (all or none: a conflict is found before any is added).
    public func register(_ builtins: [Builtin], replacing: Bool = false) throws {
        if !replacing {
            var seen = Set<String>()
            for builtin in builtins where functions[builtin.name] != nil || !seen.insert(builtin.name).inserted {
                throw RegistrationConflict(kind: "function", name: builtin.name)
            }
        }
        for builtin in builtins { try register(builtin, replacing: true) }
    }

    /// Adds a type's table. A type name already registered is refused unless `replacing`.
    public func register(type: HostType, replacing: Bool = false) throws {
        guard replacing || types[type.name] == nil else { throw RegistrationConflict(kind: "type", name: type.name) }
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

/// A builtin or type registered under a name that is already taken, without `replacing: true`.
public struct RegistrationConflict: Error, Equatable, CustomStringConvertible {
    /// `"function"` or `"type"`.
    public var kind: String
    public var name: String

    public init(kind: String, name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String {
        "a builtin \(kind) named `\(name)` is already registered; pass `replacing: true` to replace it on purpose"
    }
}
