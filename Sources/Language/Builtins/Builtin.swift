/// What a parameter accepts. Checked by the argument binder before a handler runs, so handlers
/// can read their arguments without re-validating them.
public indirect enum ValueType: Equatable, Sendable {
    case any, number, string, bool, list, function, range
    /// A number with an integral value.
    case integer
    /// A host object whose `typeName` is the given name.
    case host(String)
    /// Any of the alternatives.
    case oneOf([ValueType])
    /// The type, or `none`.
    case optional(ValueType)
    /// A string that is one of the given words. Help and the reference list them, and the
    /// binder suggests the nearest when another word is given.
    case choice([String])
    /// A number of the given type (`.number` or `.integer`), finite and within the bounds.
    case bounded(ValueType, NumberBounds)

    /// A choice among the raw values of an enumeration, in declaration order.
    public static func choice<T: CaseIterable & RawRepresentable>(of type: T.Type) -> ValueType where T.RawValue == String {
        .choice(T.allCases.map(\.rawValue))
    }
    /// An integer ≥ 1: counts, sizes, steps.
    public static let count = ValueType.bounded(.integer, .atLeast(1))
    /// An integer ≥ 0: indices, limits that may be zero.
    public static let naturalNumber = ValueType.bounded(.integer, .atLeast(0))
    /// A finite number > 0: learning rates, scales.
    public static let positiveNumber = ValueType.bounded(.number, .positive)
    /// A finite number ≥ 0: ridges, decays, sparsities' lower end.
    public static let nonNegativeNumber = ValueType.bounded(.number, .atLeast(0))
    /// Any finite number.
    public static let finiteNumber = ValueType.bounded(.number, NumberBounds())

    /// The name used in signatures and errors: `integer`, `tensor`, `number or tensor`, `string?`.
    public var name: String {
        switch self {
        case .any: return "any"
        case .number: return "number"
        case .integer: return "integer"
        case .string: return "string"
        case .bool: return "bool"
        case .list: return "list"
        case .function: return "function"
        case .range: return "range"
        case .host(let name): return name
        case .oneOf(let types): return types.map(\.name).joined(separator: " or ")
        case .optional(let type): return type.name + " or none"
        case .choice(let words): return words.map { "\"\($0)\"" }.joined(separator: ", ")
        case .bounded(let type, let bounds): return bounds.describe(type.name)
        }
    }

    /// Whether `value` is acceptable.
    public func accepts(_ value: Value) -> Bool {
        switch (self, value) {
        case (.any, _): return true
        case (.number, .number), (.string, .string), (.bool, .bool), (.list, .list),
             (.function, .function), (.range, .range): return true
        case (.integer, _): return value.integer != nil
        case (.host(let name), .host(let object)): return object.typeName == name
        case (.oneOf(let types), _): return types.contains { $0.accepts(value) }
        case (.optional(let type), _): return value.isNothing || type.accepts(value)
        case (.choice(let words), .string(let word)): return words.contains(word)
        case (.bounded(let type, let bounds), .number(let x)): return type.accepts(value) && bounds.contains(x)
        default: return false
        }
    }
}

/// The finite range a `.bounded` number must lie in; every bounded number is also finite.
public struct NumberBounds: Equatable, Sendable {
    public var lower: Double?
    /// True when `lower` itself is excluded (x > lower).
    public var lowerExcluded: Bool
    public var upper: Double?

    public init(lower: Double? = nil, lowerExcluded: Bool = false, upper: Double? = nil) {
        self.lower = lower
        self.lowerExcluded = lowerExcluded
        self.upper = upper
    }

    public static func atLeast(_ x: Double) -> NumberBounds { NumberBounds(lower: x) }
    public static let positive = NumberBounds(lower: 0, lowerExcluded: true)
    public static func within(_ a: Double, _ b: Double) -> NumberBounds { NumberBounds(lower: a, upper: b) }

    public func contains(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        if let lower, lowerExcluded ? x <= lower : x < lower { return false }
        if let upper, x > upper { return false }
        return true
    }

    /// `integer ≥ 1`, `number > 0`, `number in 0…1`, `finite number`.
    public func describe(_ typeName: String) -> String {
        switch (lower, upper) {
        case (let a?, let b?): return "\(typeName) in \(Value.format(a))…\(Value.format(b))"
        case (let a?, nil): return "\(typeName) \(lowerExcluded ? ">" : "≥") \(Value.format(a))"
        case (nil, let b?): return "\(typeName) ≤ \(Value.format(b))"
        case (nil, nil): return "finite \(typeName)"
        }
    }
}

/// One parameter of a builtin or method.
public struct BuiltinParameter {
    public var name: String
    public var type: ValueType
    /// Nil for a required parameter; `.nothing` is a default of `none`.
    public var defaultValue: Value?
    /// True when the argument must be written with its label (`seed: 1`), never positionally.
    public var requiresLabel: Bool
    /// True for a trailing parameter that collects all remaining positional arguments.
    public var isVariadic: Bool
    /// One line shown in help and the reference.
    public var summary: String

    public init(_ name: String, _ type: ValueType = .any, default defaultValue: Value? = nil,
                requiresLabel: Bool = false, isVariadic: Bool = false, summary: String = "") {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.requiresLabel = requiresLabel
        self.isVariadic = isVariadic
        self.summary = summary
    }

    /// How the parameter reads in a signature: `x`, `seed: 0`, `step: 1`, `values...`.
    public var signatureText: String {
        if isVariadic { return "\(name)..." }
        if let defaultValue { return "\(name): \(defaultValue.literalText)" }
        return requiresLabel ? "\(name):" : name
    }
}

/// A builtin function or a host type's method: one row of a registry table. Help text,
/// completion, argument checking and the Markdown reference are all generated from these rows.
public struct Builtin {
    public var name: String
    public var parameters: [BuiltinParameter]
    /// The type name of the result, for documentation (`tensor`, `number`, `none`).
    public var returns: String
    /// One line, lower case, no final period.
    public var summary: String
    /// Longer explanation: formulas, costs, examples. May be empty.
    public var detail: String
    /// Runs the builtin with arguments already bound and type-checked.
    public var handler: (Arguments) throws -> Value

    public init(_ name: String, _ parameters: [BuiltinParameter] = [], returns: String = "none",
                summary: String, detail: String = "", handler: @escaping (Arguments) throws -> Value) {
        self.name = name
        self.parameters = parameters
        self.returns = returns
        self.summary = summary
        self.detail = detail
        self.handler = handler
    }

    /// `name(a, b: 2, rest...)`.
    public var signature: String {
        "\(name)(\(parameters.map(\.signatureText).joined(separator: ", ")))"
    }
}

/// A property of a host type (`K.size`), read without parentheses.
public struct HostProperty {
    public var name: String
    /// The type name of the value, for documentation.
    public var type: String
    public var summary: String
    public var get: (Value) throws -> Value

    public init(_ name: String, type: String, summary: String, get: @escaping (Value) throws -> Value) {
        self.name = name
        self.type = type
        self.summary = summary
        self.get = get
    }
}

/// The table of one value type's properties and methods. Host types register one each; the
/// Library may also register tables for the core types (`list`, `string`) to give them methods.
public struct HostType {
    public var name: String
    public var summary: String
    public var detail: String
    public var properties: [HostProperty]
    public var methods: [Builtin]

    public init(_ name: String, summary: String, detail: String = "",
                properties: [HostProperty] = [], methods: [Builtin] = []) {
        self.name = name
        self.summary = summary
        self.detail = detail
        self.properties = properties
        self.methods = methods
    }

    public func property(named name: String) -> HostProperty? { properties.first { $0.name == name } }
    public func method(named name: String) -> Builtin? { methods.first { $0.name == name } }
    /// Property and method names, sorted.
    public var memberNames: [String] { (properties.map(\.name) + methods.map(\.name)).sorted() }
}
