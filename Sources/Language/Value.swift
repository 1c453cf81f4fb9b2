/// A value of the language.
///
/// Numbers, strings, booleans, `none`, lists and ranges are values in the Swift sense: `b = a`
/// copies, so changing `b[0]` leaves `a` alone. Host objects (tensors, models, kernels, …) are
/// references owned by the host; the language only holds them.
public enum Value {
    case number(Double)
    case string(String)
    case bool(Bool)
    /// The language's `none` (named so it cannot be confused with `Optional.none`).
    case nothing
    case list([Value])
    /// The integers of `lower..<upper` (or `lower...upper`) in steps of `step`.
    case range(IntegerRange)
    case function(Function)
    case host(any HostObject)

    /// The type name the language shows: `number`, `string`, `bool`, `none`, `list`, `range`,
    /// `function`, or the host object's `typeName`.
    public var typeName: String {
        switch self {
        case .number: return "number"
        case .string: return "string"
        case .bool: return "bool"
        case .nothing: return "none"
        case .list: return "list"
        case .range: return "range"
        case .function: return "function"
        case .host(let object): return object.typeName
        }
    }

    /// Longest list or string the language builds (by `+`, `list(…)`, slicing a range): a
    /// runaway loop then stops with an error instead of exhausting memory.
    public static let maximumLength = 50_000_000

    /// Deepest nesting of lists inside lists. Swift releases nested values recursively, so an
    /// unbounded `x = [x]` loop would end in a stack overflow when the value is dropped; the
    /// evaluator refuses to build lists nested deeper than this.
    public static let maximumNesting = 1_000

    /// Levels of list nesting (0 for a non-list), counted no further than `limit + 1`.
    /// Cost O(elements scanned), stopping early once the limit is exceeded.
    public func listDepth(limit: Int = Value.maximumNesting) -> Int {
        guard case .list(let elements) = self else { return 0 }
        if limit <= 0 { return 1 }
        var deepest = 0
        for element in elements {
            guard case .list = element else { continue }
            deepest = max(deepest, element.listDepth(limit: limit - 1))
            if deepest >= limit { break }
        }
        return 1 + deepest
    }

    /// The value as an `Int` when it is a number with an integral value in `Int`'s range.
    public var integer: Int? {
        guard case .number(let x) = self, x.rounded() == x, abs(x) < 9.0e18 else { return nil }
        return Int(x)
    }

    /// True for `none`.
    public var isNothing: Bool {
        if case .nothing = self { return true }
        return false
    }

    /// Structural equality for language values; host objects compare by identity unless the
    /// host's `==` operator says otherwise (the evaluator asks it first).
    public func isEqual(to other: Value) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.nothing, .nothing): return true
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isEqual(to: $1) }
        case (.range(let a), .range(let b)): return a == b
        case (.function(let a), .function(let b)): return a === b
        case (.host(let a), .host(let b)): return a === b
        default: return false
        }
    }
}

/// A range of integers with a non-zero step; it never materialises its elements.
public struct IntegerRange: Equatable, Sendable {
    public var lower: Int
    /// Exclusive bound.
    public var upper: Int
    public var step: Int

    /// A range `lower..<upper` by `step`; step 0 is rejected by callers before this is built.
    public init(lower: Int, upper: Int, step: Int = 1) {
        self.lower = lower
        self.upper = upper
        self.step = step == 0 ? 1 : step
    }

    /// Number of elements. O(1).
    public var count: Int {
        if step > 0 { return upper > lower ? (upper - lower + step - 1) / step : 0 }
        return lower > upper ? (lower - upper - step - 1) / (-step) : 0
    }

    /// The element at `index` (0 ≤ index < count).
    public func element(at index: Int) -> Int { lower + index * step }

    /// Largest magnitude of a bound or step: 2^53, the integers a double holds exactly. It also
    /// keeps `count` and `element(at:)` far from `Int` overflow.
    public static let boundLimit = 1 << 53

    /// A range after checking its step is non-zero and its bounds within `boundLimit`.
    public static func checked(lower: Int, upper: Int, step: Int = 1) throws -> IntegerRange {
        guard step != 0 else { throw LanguageError("range step cannot be zero", argument: "step") }
        for bound in [lower, upper, step] where abs(bound) > boundLimit {
            throw LanguageError("range bound \(bound) is too large (limit ±2^53)")
        }
        return IntegerRange(lower: lower, upper: upper, step: step)
    }

    /// The elements as numbers, refusing ranges longer than `Value.maximumLength`.
    public func materialized() throws -> [Value] {
        guard count <= Value.maximumLength else {
            throw LanguageError("range of \(count) elements is too long to list (limit \(Value.maximumLength))")
        }
        return (0..<count).map { .number(Double(element(at: $0))) }
    }
}

/// A callable value: a user function with its captured scope, a builtin, or a method bound to
/// its receiver (`K.eig` without parentheses).
public final class Function {
    /// What is called: a closure with its captured scope, a builtin, or a method with its receiver.
    public enum Kind {
        case closure(FunctionDeclaration, Environment)
        case builtin(Builtin)
        case method(receiver: Value, Builtin)
    }

    public let kind: Kind

    /// Wraps a callable.
    public init(_ kind: Kind) { self.kind = kind }

    /// The name used in messages: the declared name, or `fn` for an anonymous function.
    public var name: String {
        switch kind {
        case .closure(let declaration, _): return declaration.name ?? "fn"
        case .builtin(let builtin): return builtin.name
        case .method(let receiver, let builtin): return "\(receiver.typeName).\(builtin.name)"
        }
    }

    /// `name(a, b: 2)`.
    public var signature: String {
        switch kind {
        case .closure(let declaration, _):
            let parameters = declaration.parameters.map { parameter in
                parameter.defaultValue.map { "\(parameter.name): \($0.span.text)" } ?? parameter.name
            }
            return "\(name)(\(parameters.joined(separator: ", ")))"
        case .builtin(let builtin): return builtin.signature
        case .method(let receiver, let builtin): return "\(receiver.typeName).\(builtin.signature)"
        }
    }
}

/// A scope of bindings. Function calls get a fresh scope whose parent is the scope the function
/// was defined in (so functions close over it); blocks do not open scopes.
public final class Environment {
    var values: [String: Value] = [:]
    let parent: Environment?

    init(parent: Environment?) { self.parent = parent }

    /// The value bound to `name` here or in an enclosing scope.
    func lookup(_ name: String) -> Value? {
        var scope: Environment? = self
        while let current = scope {
            if let value = current.values[name] { return value }
            scope = current.parent
        }
        return nil
    }

    /// Every name visible from this scope.
    var visibleNames: Set<String> {
        var names = Set<String>()
        var scope: Environment? = self
        while let current = scope {
            names.formUnion(current.values.keys)
            scope = current.parent
        }
        return names
    }
}

extension Function {
    /// What `help` shows for a user function: its signature, "user function", and its docstring
    /// (the string literal opening its body), indented. Nil for a builtin or method. `.help f`
    /// and `help("f")` both print this.
    var userHelp: String? {
        guard case .closure(let declaration, _) = kind else { return nil }
        let doc = declaration.doc.map { "\n" + $0.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") } ?? ""
        return "\(signature)\n  user function\(doc)"
    }
}
