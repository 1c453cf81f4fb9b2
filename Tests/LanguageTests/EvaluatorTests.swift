import Testing
import Language

@Test("assignment binds without echo; an expression echoes and sets ans")
func bindingAndAns() {
    let session = Session()
    #expect(session.run("x = 6") == "")
    #expect(session.run("x * 7") == "42\n")
    #expect(session.echo("ans + 1") == "43")
    #expect(session.run("x * 2;") == "")
    #expect(session.echo("ans") == "12")
}

@Test("statements separated by semicolons each run; only unsuppressed expressions echo")
func semicolonSeparatedStatements() {
    let session = Session()
    #expect(session.run("a = 1; b = 2; a + b; a - b") == "-1\n")
}

@Test("values echo in their literal form")
func echoForms() {
    let session = Session()
    #expect(session.echo("\"a\\tb\"") == "\"a\\tb\"")
    #expect(session.echo("[1, \"x\", true, none, [2.5]]") == "[1, \"x\", true, none, [2.5]]")
    #expect(session.echo("0..<3") == "0..<3")
    #expect(session.echo("fn f(a, b: 2) { return a }\nf") == "<fn f(a, b: 2)>")
    #expect(session.echo("len") == "<builtin len(x)>")
    #expect(session.run("none") == "")
}

@Test("numbers echo with %.6g, with -0, nan and infinities spelled out")
func numberFormatting() {
    #expect(Value.format(1.0 / 3.0) == "0.333333")
    #expect(Value.format(1234567) == "1.23457e+06")
    #expect(Value.format(-0.0) == "0")
    #expect(Value.format(.nan) == "nan")
    #expect(Value.format(.infinity) == "inf")
    #expect(Value.format(-.infinity) == "-inf")
    #expect(Value.format(1e-5) == "1e-05")
    let session = Session()
    #expect(session.echo("1 / 0") == "inf")
    #expect(session.echo("-1 / 0") == "-inf")
    #expect(session.echo("0 * -1") == "0")
}

@Test("lists and strings index from either end and slice like Python")
func indexingAndSlicing() {
    let session = Session()
    session.run("v = [10, 11, 12, 13, 14, 15]")
    #expect(session.echo("v[0]") == "10")
    #expect(session.echo("v[-1]") == "15")
    #expect(session.echo("v[1:3]") == "[11, 12]")
    #expect(session.echo("v[:2]") == "[10, 11]")
    #expect(session.echo("v[4:]") == "[14, 15]")
    #expect(session.echo("v[::2]") == "[10, 12, 14]")
    #expect(session.echo("v[::-1]") == "[15, 14, 13, 12, 11, 10]")
    #expect(session.echo("v[-2:100]") == "[14, 15]")
    #expect(session.echo("\"hello\"[1:4]") == "\"ell\"")
    #expect(session.echo("(0..<10)[-3]") == "7")
    #expect(session.run("v[6]").contains("error: index 6 is out of range for length 6"))
    #expect(session.run("v[1.5]").contains("error: index must be an integer, got 1.5"))
    #expect(session.run("v[0, 1]").contains("error: expected one index, got 2"))
}

@Test("lists are values: indexed assignment changes only the assigned name")
func listValueSemantics() {
    let session = Session()
    session.run("a = [1, 2, 3]\nb = a\nb[0] = 9\nm = [[1, 2], [3, 4]]\nm[1][0] = 7\nc = [0, 0, 0, 0]\nc[1:3] = [5, 6]")
    #expect(session.echo("a") == "[1, 2, 3]")
    #expect(session.echo("b") == "[9, 2, 3]")
    #expect(session.echo("m") == "[[1, 2], [7, 4]]")
    #expect(session.echo("c") == "[0, 5, 6, 0]")
    #expect(session.run("[1, 2][0] = 3").contains("error: cannot assign into a temporary list"))
}

@Test("compound assignment updates names and elements")
func compoundAssignment() {
    let session = Session()
    session.run("x = 2\nx += 3\nx *= 2\nv = [1, 2]\nv[1] -= 5\ns = \"a\"\ns += \"b\"")
    #expect(session.echo("x") == "10")
    #expect(session.echo("v") == "[1, -3]")
    #expect(session.echo("s") == "\"ab\"")
}

@Test("for loops over ranges, lists and strings; break and continue")
func forLoops() {
    let session = Session()
    #expect(session.run("for i in 0..<3 { print(i) }") == "0\n1\n2\n")
    #expect(session.run("for x in [\"a\", \"b\"] { print(x) }") == "a\nb\n")
    #expect(session.run("for c in \"hi\" { print(c) }") == "h\ni\n")
    #expect(session.run("for i in 1...3 { print(i) }") == "1\n2\n3\n")
    #expect(session.run("for i in range(10, 0, step: -3) { print(i) }") == "10\n7\n4\n1\n")
    #expect(session.run("for i in 0..<10 { if i == 1 { continue }\n if i == 3 { break }\n print(i) }") == "0\n2\n")
    #expect(session.echo("i") == "3")
    #expect(session.run("for i in 5 { }").contains("error: cannot iterate over number"))
}

@Test("if, else if and else pick one branch; conditions must be bool")
func conditionals() {
    let session = Session()
    session.run("fn sign(x) { if x < 0 { return -1 } else if x == 0 { return 0 } else { return 1 } }")
    #expect(session.echo("[sign(-5), sign(0), sign(3)]") == "[-1, 0, 1]")
    #expect(session.run("if 1 { }").contains("error: condition must be a bool, got number"))
    #expect(session.run("true and 1").contains("error: `and` needs bool operands, got number"))
    #expect(session.echo("false and undefined_name") == "false")
}

@Test("while loops run until the condition fails and stop at the step limit")
func whileLoops() {
    let session = Session()
    #expect(session.echo("n = 0\nwhile n < 5 { n += 1 }\nn") == "5")
    session.interpreter.maximumLoopIterations = 1000
    #expect(session.run("while true { }").contains("error: `while` loop ran more than 1000 times; stopped as runaway"))
}

@Test("functions take defaults, labels, and close over their defining scope")
func functionsAndClosures() {
    let session = Session()
    session.run("""
        fn scale(x, by: 2, shift: 0) { return x * by + shift }
        fn adder(n) {
            fn add(x) { return x + n }
            return add
        }
        add3 = adder(3)
        twice = fn(f, x) { return f(f(x)) }
        fn later(a, b: a * 10) { return b }
        """)
    #expect(session.echo("scale(5)") == "10")
    #expect(session.echo("scale(5, shift: 1)") == "11")
    #expect(session.echo("scale(5, 3, shift: 1)") == "16")
    #expect(session.echo("scale(shift: 1, x: 2)") == "5")
    #expect(session.echo("add3(4)") == "7")
    #expect(session.echo("twice(add3, 1)") == "7")
    #expect(session.echo("later(2)") == "20")
    #expect(session.run("scale(5, bye: 3)").contains("error: `scale` has no parameter `bye`; did you mean `by`?"))
    #expect(session.run("scale()").contains("error: missing argument `x` in call to `scale`"))
    #expect(session.run("scale(1, 2, 3, 4)").contains("error: `scale` takes 3 positional arguments, got 4"))
    #expect(session.run("scale(x: 1, 2)").contains("error: positional argument after a labelled one"))
}

@Test("assignments inside a function are local to it")
func functionLocals() {
    let session = Session()
    session.run("x = 1\nfn f() { x = 2\n return x }\ny = f()")
    #expect(session.echo("[x, y]") == "[1, 2]")
    #expect(session.run("fn g() { return z_unbound }\ng()").contains("unknown name `z_unbound`"))
}

@Test("recursion works and runaway recursion is an error, not a crash")
func recursion() {
    let session = Session()
    session.run("fn fact(n) { if n <= 1 { return 1 }\n return n * fact(n - 1) }")
    #expect(session.echo("fact(10)") == "3.6288e+06")
    let output = session.run("fn forever(n) { return 1 + (2 * forever(n + 1)) }\nforever(0)")
    #expect(output.contains("error: too much recursion: more than 1000 nested calls"), "\(output)")
    #expect(session.echo("fact(5)") == "120")
}

@Test("return, break and continue outside their context are errors")
func misplacedControlFlow() {
    let session = Session()
    #expect(session.run("return 1").contains("error: `return` outside a function"))
    #expect(session.run("break").contains("error: `break` outside a loop"))
    #expect(session.run("fn f() { continue }\nf()").contains("error: `continue` outside a loop"))
}

@Test("an error abandons the rest of the input but keeps every binding made before it")
func errorsKeepBindings() {
    let session = Session()
    session.run("kept = 1")
    #expect(session.succeeds("a = 2\nb = nope + 1\nc = 3") == false)
    #expect(session.echo("[kept, a]") == "[1, 2]")
    #expect(session.run("c").contains("unknown name `c`"))
    #expect(session.interpreter.bindings.map(\.name) == ["a", "ans", "kept"])
}

@Test("the interrupt check stops loops and calls with an interrupted error")
func interrupts() {
    let session = Session()
    var polls = 0
    session.interpreter.interruptCheck = {
        polls += 1
        return polls > 100
    }
    let output = session.run("n = 0\nwhile true { n += 1 }")
    #expect(output.contains("error: interrupted"))
    session.interpreter.interruptCheck = { false }
    #expect(session.echo("n > 50") == "true")
}

@Test("operators report the types they cannot combine")
func operatorErrors() {
    let session = Session()
    #expect(session.run("1 + \"a\"").contains("error: operator `+` is not defined for number and string"))
    #expect(session.run("[1] @ [2]").contains("error: `@` (matrix product) needs tensors, got list and list"))
    #expect(session.run("-\"a\"").contains("error: unary `-` is not defined for string"))
    #expect(session.run("0.5..<3").contains("error: range bounds must be integers, got 0.5"))
    #expect(session.echo("\"ab\" + \"cd\"") == "\"abcd\"")
    #expect(session.echo("[1] + [2, 3]") == "[1, 2, 3]")
    #expect(session.echo("[1, [2]] == [1, [2]]") == "true")
    #expect(session.echo("\"a\" < \"b\"") == "true")
    #expect(session.echo("-7 % 3") == "2")
}

@Test("evaluate returns the last expression's value and throws diagnostics")
func evaluateAPI() throws {
    let session = Session()
    let value = try session.interpreter.evaluate("x = 4\nx * x")
    #expect(value.echoText == "16")
    #expect(throws: Diagnostic.self) { try session.interpreter.evaluate("x +") }
    #expect(session.sink.text == "")
}

@Test("reset forgets bindings but keeps builtins")
func resetForgets() {
    let session = Session()
    session.run("x = 1")
    session.interpreter.reset()
    #expect(session.interpreter.bindings.isEmpty)
    #expect(session.echo("len([1, 2])") == "2")
}
