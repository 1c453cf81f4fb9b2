import Testing
import Foundation
import Language

/// A stand-in for a tensor: a mutable vector of numbers, written only against the public
/// host-object protocol and registry, as the Library module will be.
final class FakeVector: HostObject {
    var values: [Double]
    init(_ values: [Double]) { self.values = values }

    var typeName: String { "vec" }
    var summary: String { "vec(\(values.count))" }
    var displayText: String { "vec [" + values.map(Value.format).joined(separator: " ") + "]" }
    var count: Int? { values.count }
    func elements() throws -> [Value]? { values.map { .number($0) } }

    var dynamicMemberNames: [String] { ["first"] }
    func member(named name: String) throws -> Value? {
        name == "first" ? values.first.map { .number($0) } : nil
    }

    func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value? {
        switch (op, other) {
        case (.matrixMultiply, .host(let object as FakeVector)):
            guard object.values.count == values.count else {
                throw LanguageError("lengths \(values.count) and \(object.values.count) differ")
            }
            return .number(zip(values, object.values).map(*).reduce(0, +))
        case (.add, .host(let object as FakeVector)):
            guard object.values.count == values.count else {
                throw LanguageError("shapes [\(values.count)] and [\(object.values.count)] do not broadcast")
            }
            return .host(FakeVector(zip(values, object.values).map(+)))
        case (.multiply, .number(let x)): return .host(FakeVector(values.map { $0 * x }))
        case (.subtract, .number(let x)): return .host(FakeVector(values.map { selfOnLeft ? $0 - x : x - $0 }))
        default: return nil
        }
    }

    func unary(_ op: UnaryOperator) throws -> Value? {
        op == .negate ? .host(FakeVector(values.map { -$0 })) : nil
    }

    func subscriptValue(_ components: [IndexComponent]) throws -> Value {
        guard components.count == 1 else { throw LanguageError("vec takes 1 index, got \(components.count)") }
        switch components[0] {
        case .single(let index):
            guard let integer = index.integer else { throw LanguageError("vec index must be an integer") }
            return .number(values[try IndexComponent.resolve(integer, count: values.count)])
        case .slice(let bounds):
            return .host(FakeVector(try bounds.indices(count: values.count).map { values[$0] }))
        }
    }

    func setSubscript(_ components: [IndexComponent], to value: Value) throws {
        guard components.count == 1, case .single(let index) = components[0], let integer = index.integer,
              case .number(let x) = value else { throw LanguageError("vec assignment needs one index and a number") }
        values[try IndexComponent.resolve(integer, count: values.count)] = x
    }
}

/// A session whose registry knows `vec(...)` and the vec type's table.
private func vectorSession() -> Session {
    let session = Session()
    let registry = session.interpreter.registry
    try! registry.register(Builtin("vec", [BuiltinParameter("values", .number, isVariadic: true, summary: "the elements")],
                              returns: "vec", summary: "a vector of the given numbers") { arguments in
        .host(FakeVector(arguments.rest.compactMap { if case .number(let x) = $0 { return x } else { return nil } }))
    })
    try! registry.register(type: HostType("vec", summary: "a vector of numbers", properties: [
        HostProperty("size", type: "number", summary: "number of elements") { value in
            guard case .host(let object as FakeVector) = value else { return .nothing }
            return .number(Double(object.values.count))
        },
    ], methods: [
        Builtin("sum", returns: "number", summary: "sum of the elements") { arguments in
            .number(try arguments.receiver(as: FakeVector.self).values.reduce(0, +))
        },
        Builtin("scaled", [BuiltinParameter("by", .number, requiresLabel: true, summary: "factor")],
                returns: "vec", summary: "each element times a factor") { arguments in
            let factor = try arguments.number("by")
            return .host(FakeVector(try arguments.receiver(as: FakeVector.self).values.map { $0 * factor }))
        },
        Builtin("sqrt", returns: "vec", summary: "element-wise square root") { arguments in
            .host(FakeVector(try arguments.receiver(as: FakeVector.self).values.map { $0.squareRoot() }))
        },
        Builtin("take", [BuiltinParameter("n", .integer, summary: "how many")], returns: "vec",
                summary: "the first n elements") { arguments in
            let vector = try arguments.receiver(as: FakeVector.self)
            let n = try arguments.integer("n")
            guard n <= vector.values.count else {
                throw LanguageError("cannot take \(n) of \(vector.values.count) elements", argument: "n")
            }
            return .host(FakeVector(Array(vector.values.prefix(n))))
        },
    ]))
    session.run("v = vec(1, 2, 3)\nw = vec(4, 5, 6)")
    return session
}

@Test("host objects echo their display text and list by summary")
func hostDisplay() {
    let session = vectorSession()
    #expect(session.echo("v") == "vec [1 2 3]")
    #expect(session.echo("[v, 1]") == "[vec(3), 1]")
    #expect(session.echo("type(v)") == "\"vec\"")
    #expect(session.interpreter.bindings.first { $0.name == "v" }?.summary == "vec(3)")
}

@Test("host operators mix with numbers on either side and with each other")
func hostOperators() {
    let session = vectorSession()
    #expect(session.echo("v + w") == "vec [5 7 9]")
    #expect(session.echo("v * 2") == "vec [2 4 6]")
    #expect(session.echo("10 - v") == "vec [9 8 7]")
    #expect(session.echo("v @ w") == "32")
    #expect(session.echo("-v") == "vec [-1 -2 -3]")
    #expect(session.echo("v == v") == "true")
    #expect(session.echo("v == w") == "false")
    #expect(session.run("v + vec(1)").contains("error: shapes [3] and [1] do not broadcast\nv + vec(1)\n  ^"))
    #expect(session.run("v / 2").contains("error: operator `/` is not defined for vec and number"))
    #expect(session.run("not v").contains("error: `not` needs a bool, got vec"))
}

@Test("members, properties and methods come from the type's table")
func hostMembers() {
    let session = vectorSession()
    #expect(session.echo("v.size") == "3")
    #expect(session.echo("v.sum()") == "6")
    #expect(session.echo("v.scaled(by: 3).sum()") == "18")
    #expect(session.echo("v.first") == "1")
    #expect(session.echo("s = v.sum\ns()") == "6")
    #expect(session.echo("sqrt(vec(4, 9))") == "vec [2 3]")
    #expect(session.run("v.summ()").contains("error: vec has no member `summ`; did you mean `sum`?"))
    #expect(session.run("v.scaled(3)").contains("`vec.scaled` takes 0 positional arguments, got 1; `by:` must be written with a label"))
    #expect(session.run("v.scaled(by: \"x\")").contains("error: argument `by` of `vec.scaled` expects number, got string"))
    #expect(session.run("v.take(5)").contains("error: cannot take 5 of 3 elements\nv.take(5)\n       ^"))
    #expect(session.run("(1).size").contains("error: number has no member `size`"))
    #expect(session.run("abs(v)").contains("error: argument `x` of `abs` expects number, got vec"))
}

@Test("subscripts and slices are forwarded to the host, including assignment")
func hostSubscripts() {
    let session = vectorSession()
    #expect(session.echo("v[-1]") == "3")
    #expect(session.echo("v[1:]") == "vec [2 3]")
    #expect(session.echo("v[:]") == "vec [1 2 3]")
    session.run("v[0] = 10")
    #expect(session.echo("v") == "vec [10 2 3]")
    #expect(session.run("v[0, 1]").contains("error: vec takes 1 index, got 2"))
    #expect(session.run("v[5] = 1").contains("error: index 5 is out of range for length 3"))
    #expect(session.run("v.size = 2").contains("error: cannot set member `size` of vec"))
}

@Test("host objects are iterable and sized when the host says so")
func hostIteration() {
    let session = vectorSession()
    #expect(session.run("for x in v { print(x * 10) }") == "10\n20\n30\n")
    #expect(session.echo("len(v)") == "3")
    #expect(session.echo("list(w)") == "[4, 5, 6]")
}

@Test("builtins can call back into the language")
func callbacks() {
    let session = vectorSession()
    try! session.interpreter.registry.register(Builtin("apply", [BuiltinParameter("f", .function), BuiltinParameter("x")],
                                                  returns: "any", summary: "f(x)") { arguments in
        try arguments.context.call(arguments["f"], [arguments["x"]])
    })
    #expect(session.echo("apply(fn(a) { return a * 2 }, 21)") == "42")
    #expect(session.echo("apply(len, v)") == "3")
    #expect(session.run("apply(fn(a) { return a + nope }, 1)").contains("error: unknown name `nope`"))
}

@Test("completion offers members after a dot and names otherwise")
func completion() {
    let session = vectorSession()
    let interpreter = session.interpreter
    #expect(interpreter.completions(line: "v.s", cursor: 3) == ["scaled", "size", "sqrt", "sum"])
    #expect(interpreter.completions(line: "v.", cursor: 2) == ["first", "scaled", "size", "sqrt", "sum", "take"])
    #expect(interpreter.completions(line: "x = ve", cursor: 6) == ["vec"])
    #expect(interpreter.completions(line: "w", cursor: 1) == ["w", "while"])
    #expect(interpreter.completions(line: "nothing.", cursor: 8) == [])
}

@Test("help and the Markdown reference are generated from the tables")
func generatedHelp() throws {
    let session = vectorSession()
    let registry = session.interpreter.registry
    let methodHelp = try #require(registry.help("vec.scaled"))
    #expect(methodHelp.hasPrefix("vec.scaled(by:) -> vec\n  each element times a factor"))
    #expect(methodHelp.contains("by  number  factor (label required)"))
    let typeHelp = try #require(registry.help("vec"))
    #expect(typeHelp.hasPrefix("vec(values...) -> vec\n"))
    #expect(typeHelp.contains("properties:\n  size  number  number of elements"))
    #expect(typeHelp.contains("scaled(by:)"))
    let overview = try #require(session.interpreter.help(nil))
    #expect(overview.contains("  vec") && overview.contains("types:"))
    #expect(registry.help("no_such_topic") == nil)
    #expect(registry.help("for")?.contains("for i in 0..<n") == true)
    let reference = registry.markdownReference()
    #expect(reference.contains("### `range(start, stop: none, step: 1) -> range`"))
    #expect(reference.contains("| `step` | integer | `1` | increment, non-zero |"))
    #expect(reference.contains("#### `vec.scaled(by:) -> vec`"))
    #expect(reference.contains("| `size` | number | number of elements |"))
    #expect(session.run("help(\"vec.sum\")") == "vec.sum() -> number\n  sum of the elements\n")
    #expect(session.run("help(\"lenn\")").contains("error: no help for `lenn`; did you mean `len`?"))
    #expect(session.run("fn f(a, b: 1) { }\nhelp(f)") == "f(a, b: 1)\n  user function\n")
}

/// Echoes back the index components it receives, to pin down what the evaluator passes.
private final class ComponentRecorder: HostObject {
    var typeName: String { "recorder" }
    var summary: String { "recorder" }
    func subscriptValue(_ components: [IndexComponent]) throws -> Value {
        .string(components.map { component -> String in
            switch component {
            case .single(let value): return value.literalText
            case .slice(let bounds):
                return [bounds.start, bounds.stop, bounds.step].map { $0.map(String.init) ?? "_" }.joined(separator: ":")
            }
        }.joined(separator: ", "))
    }
}

@Test("multi-component subscripts reach the host as written, slices with their optional parts")
func subscriptComponents() {
    let session = Session()
    session.interpreter.define("t", .host(ComponentRecorder()))
    #expect(session.echo("t[0, :]") == "\"0, _:_:_\"")
    #expect(session.echo("t[57:113]") == "\"57:113:_\"")
    #expect(session.echo("t[-1, ::2, 1:, :3]") == "\"-1, _:_:2, 1:_:_, _:3:_\"")
    #expect(session.echo("t[\"a\", [1, 2]]") == "\"\\\"a\\\", [1, 2]\"")
    #expect(session.echo("t[none:2]") == "\"_:2:_\"")
    #expect(session.run("t[0.5:]").contains("error: slice bounds must be integers, got 0.5"))
    #expect(session.run("t[::0]").contains("error: slice step cannot be zero"))
    #expect(session.run("t[0] = 1").contains("error: recorder does not support assignment through a subscript"))
    #expect(session.run("for x in t { }").contains("error: cannot iterate over recorder"))
    #expect(session.run("len(t)").contains("error: recorder has no length"))
}
