import Foundation

/// The builtins every interpreter has, which need no numeric module: output, conversion,
/// introspection and scalar math. One table; the Library registers its own tables beside it.
public enum CoreBuiltins {
    /// The table of core functions.
    public static var table: [Builtin] {
        [
            Builtin("print", [BuiltinParameter("values", isVariadic: true, summary: "values to print"),
                              BuiltinParameter("sep", .string, default: .string(" "), requiresLabel: true,
                                               summary: "text between values")],
                    summary: "write values on one line (strings without quotes)") { arguments in
                arguments.context.write(arguments.rest.map(\.plainText).joined(separator: try arguments.string("sep")) + "\n")
                return .nothing
            },
            Builtin("len", [BuiltinParameter("x", summary: "a list, string, range or sized host object")],
                    returns: "number", summary: "number of elements") { arguments in
                switch arguments["x"] {
                case .list(let elements): return .number(Double(elements.count))
                case .string(let text): return .number(Double(text.count))
                case .range(let range): return .number(Double(range.count))
                case .host(let object):
                    if let count = object.count { return .number(Double(count)) }
                    fallthrough
                default:
                    throw LanguageError("\(arguments["x"].typeName) has no length", argument: "x")
                }
            },
            Builtin("range", [BuiltinParameter("start", .integer, summary: "first integer, or the count when `stop` is none"),
                              BuiltinParameter("stop", .optional(.integer), default: .nothing, summary: "exclusive end"),
                              BuiltinParameter("step", .integer, default: .number(1), summary: "increment, non-zero")],
                    returns: "range", summary: "the integers start..<stop in steps of step (range(n) is 0..<n)",
                    detail: "range(5) is 0..<5; range(10, 0, step: -2) is 10, 8, 6, 4, 2.") { arguments in
                let step = try arguments.integer("step")
                let first = try arguments.integer("start")
                if arguments.has("stop") {
                    return .range(try IntegerRange.checked(lower: first, upper: try arguments.integer("stop"), step: step))
                }
                return .range(try IntegerRange.checked(lower: 0, upper: first, step: step))
            },
            Builtin("list", [BuiltinParameter("x", summary: "a list, range, string or iterable host object")],
                    returns: "list", summary: "the elements of x as a list") { arguments in
                let value = arguments["x"]
                switch value {
                case .list: return value
                case .range(let range): return .list(try range.materialized())
                case .string(let text): return .list(text.map { .string(String($0)) })
                case .host(let object):
                    if let elements = try object.elements() { return .list(elements) }
                    fallthrough
                default: throw LanguageError("cannot make a list from \(value.typeName)", argument: "x")
                }
            },
            Builtin("str", [BuiltinParameter("x")], returns: "string",
                    summary: "the text print would show for x") { arguments in
                .string(arguments["x"].plainText)
            },
            Builtin("type", [BuiltinParameter("x")], returns: "string",
                    summary: "the type name of x (number, string, list, tensor, …)") { arguments in
                .string(arguments["x"].typeName)
            },
            Builtin("help", [BuiltinParameter("topic", .optional(.oneOf([.string, .function])), default: .nothing,
                                              summary: "a name, `type.method` or language topic")],
                    summary: "show help for a function, type, method or language topic") { arguments in
                let topic: String?
                var named = arguments["topic"]
                switch named {
                case .string(let text):
                    topic = text
                    // help("name") of a user function bound globally (e.g. a prelude function).
                    if let bound = arguments.context.global(text), case .function = bound { named = bound }
                case .function(let function): topic = function.name
                default: topic = nil
                }
                if case .function(let function) = named, let text = function.userHelp {
                    arguments.context.write(text + "\n")
                    return .nothing
                }
                let registry = arguments.context.registry
                guard let text = registry.help(topic) else {
                    let hint = Suggestion.hint(for: topic ?? "", among: registry.helpTopics)
                    throw LanguageError("no help for `\(topic ?? "")`\(hint)", argument: "topic")
                }
                arguments.context.write(text + "\n")
                return .nothing
            },
            Builtin("assert", [BuiltinParameter("condition", .bool),
                               BuiltinParameter("message", .string, default: .string("assertion failed"))],
                    summary: "stop with an error when condition is false") { arguments in
                if try !arguments.bool("condition") { throw LanguageError(try arguments.string("message")) }
                return .nothing
            },
            extremum("min", summary: "the smallest of the values (or of one list)", isBetter: <),
            extremum("max", summary: "the largest of the values (or of one list)", isBetter: >),
            math("abs", summary: "absolute value |x|", Swift.abs),
            math("floor", summary: "largest integer ≤ x", { $0.rounded(.down) }),
            math("ceil", summary: "smallest integer ≥ x", { $0.rounded(.up) }),
            math("sqrt", summary: "square root √x (nan for x < 0)", Foundation.sqrt),
            math("exp", summary: "exponential eˣ", Foundation.exp),
            math("log", summary: "natural logarithm ln x (nan for x < 0, -inf at 0)", Foundation.log),
            Builtin("round", [BuiltinParameter("x", summary: "a number (or a host object with a `round` method)"),
                              BuiltinParameter("digits", .integer, default: .number(0), summary: "decimal places to keep")],
                    returns: "number", summary: "x rounded to `digits` decimal places, halves away from zero") { arguments in
                guard case .number(let x) = arguments["x"] else { return try applyHostMethod("round", arguments) }
                let scale = pow(10, Double(try arguments.integer("digits")))
                return .number((x * scale).rounded(.toNearestOrAwayFromZero) / scale)
            },
        ]
    }

    /// A one-argument function of a number; a host object is handed to its own method of the
    /// same name (so `sqrt(t)` works on a tensor whose type registers `sqrt`).
    private static func math(_ name: String, summary: String, _ function: @escaping (Double) -> Double) -> Builtin {
        Builtin(name, [BuiltinParameter("x", summary: "a number, or a host object whose type has a `\(name)` method")],
                returns: "number", summary: summary) { arguments in
            guard case .number(let x) = arguments["x"] else { return try applyHostMethod(name, arguments) }
            return .number(function(x))
        }
    }

    private static func applyHostMethod(_ name: String, _ arguments: Arguments) throws -> Value {
        let value = arguments["x"]
        guard case .host = value, let method = arguments.context.registry.type(named: value.typeName)?.method(named: name) else {
            throw LanguageError("argument `x` of `\(name)` expects number, got \(value.typeName)", argument: "x")
        }
        return try arguments.context.call(.function(Function(.method(receiver: value, method))), [])
    }

    private static func extremum(_ name: String, summary: String, isBetter: @escaping (Double, Double) -> Bool) -> Builtin {
        Builtin(name, [BuiltinParameter("values", .oneOf([.number, .list]), isVariadic: true, summary: "numbers, or one list of numbers")],
                returns: "number", summary: summary) { arguments in
            var values = arguments.rest
            if values.count == 1, case .list(let elements) = values[0] { values = elements }
            guard !values.isEmpty else { throw LanguageError("`\(name)` needs at least one value") }
            var best = Double.nan
            for value in values {
                guard case .number(let x) = value else {
                    throw LanguageError("`\(name)` compares numbers, got \(value.typeName)")
                }
                if best.isNaN || isBetter(x, best) { best = x }
            }
            return .number(best)
        }
    }
}
