import Testing
import Language

@Test("print joins values with a separator and shows strings bare")
func printBuiltin() {
    let session = Session()
    #expect(session.run("print(1, \"a\", [\"b\"], sep: \", \")") == "1, a, [\"b\"]\n")
    #expect(session.run("print()") == "\n")
}

@Test("conversion and introspection builtins")
func conversionBuiltins() {
    let session = Session()
    #expect(session.echo("str(2.5) + str(true)") == "\"2.5true\"")
    #expect(session.echo("[type(1), type(\"s\"), type(none), type([]), type(0..<1), type(len), type(true)]")
            == "[\"number\", \"string\", \"none\", \"list\", \"range\", \"function\", \"bool\"]")
    #expect(session.echo("[len([1, 2]), len(\"héllo\"), len(2..<7)]") == "[2, 5, 5]")
    #expect(session.echo("list(range(3))") == "[0, 1, 2]")
    #expect(session.echo("list(\"ab\")") == "[\"a\", \"b\"]")
    #expect(session.run("len(3)").contains("error: number has no length"))
}

@Test("scalar math builtins follow IEEE and the rounding rule")
func mathBuiltins() {
    let session = Session()
    #expect(session.echo("[abs(-2), floor(2.7), ceil(2.1), sqrt(16), exp(0), log(1)]") == "[2, 2, 3, 4, 1, 0]")
    #expect(session.echo("[round(2.5), round(-2.5), round(3.14159, digits: 2)]") == "[3, -3, 3.14]")
    #expect(session.echo("[sqrt(-1), log(0)]") == "[nan, -inf]")
    #expect(session.echo("[min(3, 1, 2), max([4, 9, 2]), min(5)]") == "[1, 9, 5]")
    #expect(session.run("min()").contains("error: `min` needs at least one value"))
    #expect(session.run("max([1, \"a\"])").contains("error: `max` compares numbers, got string"))
    #expect(session.run("sqrt(\"x\")").contains("error: argument `x` of `sqrt` expects number, got string"))
}

@Test("help accepts a function value and user functions")
func helpOnValues() {
    let session = Session()
    #expect(session.run("help(len)").hasPrefix("len(x) -> number\n"))
    #expect(session.interpreter.help("len")?.hasPrefix("len(x) -> number") == true)
    #expect(session.run("help(\"operators\")").contains("`^` is right-associative"))
    // A user function by name, as a student types it for a prelude function.
    #expect(session.run("fn g(x, y: 2) { x }\nhelp(\"g\")") == "g(x, y: 2)\n  user function\n")
    #expect(session.run("k = 3\nhelp(\"k\")").contains("error: no help for `k`"))
    // A string literal opening the body is the docstring that help shows.
    let documented = "fn inc(x) {\n    \"Adds one.\\nWorks on tensors too.\"\n    return x + 1\n}\nhelp(\"inc\")\nprint(inc(1))"
    #expect(session.run(documented) == "inc(x)\n  user function\n  Adds one.\n  Works on tensors too.\n2\n")
    // The console's `.help inc` asks the interpreter: the same text.
    #expect(session.interpreter.help("inc") == "inc(x)\n  user function\n  Adds one.\n  Works on tensors too.")
}

@Test("bindings summarise long values on one line; define and value(named:) reach globals")
func bindingSummaries() {
    let session = Session()
    session.run("long = list(0..<100)\nname = \"x\"")
    session.interpreter.define("injected", .number(7))
    let summaries = Dictionary(uniqueKeysWithValues: session.interpreter.bindings.map { ($0.name, $0.summary) })
    #expect(summaries["long"] == "list of 100")
    #expect(summaries["name"] == "\"x\"")
    #expect(summaries["injected"] == "7")
    #expect(session.echo("injected * 6") == "42")
    #expect(session.interpreter.value(named: "nothing_here") == nil)
}
