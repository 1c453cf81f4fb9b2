import Testing
import Language

@Test("input is incomplete exactly when its only errors are at the end")
func incompleteInputs() {
    let interpreter = Session().interpreter
    for text in ["f(1,", "x = [1, 2", "if x {", "fn f(a) {\n  return a", "x = \"abc", "1 +", "x =",
                 "if a { } else", "for i in 0..<3 {\n print(i)\n", "m.", "v[1:"] {
        #expect(interpreter.inputStatus(text) == .incomplete, "\(text)")
    }
}

@Test("complete input, and input with an error that more lines cannot fix, are complete")
func completeInputs() {
    let interpreter = Session().interpreter
    for text in ["x = 1", "f(1)", "if x { y }", "x = )", "f(1,)) + (", "x = 1 +* (", "} {", "1 2 (", "@"] {
        #expect(interpreter.inputStatus(text) == .complete, "\(text)")
    }
}

@Test("blank and comment-only input is empty")
func emptyInputs() {
    let interpreter = Session().interpreter
    #expect(interpreter.inputStatus("") == .empty)
    #expect(interpreter.inputStatus("  \n # just a comment\n") == .empty)
}

@Test("continued input becomes complete once closed")
func continuedInput() {
    let interpreter = Session().interpreter
    #expect(interpreter.inputStatus("f(1,\n  2)") == .complete)
    #expect(interpreter.inputStatus("if x {\n  y = 1\n} else {\n") == .incomplete)
    #expect(interpreter.inputStatus("if x {\n  y = 1\n} else {\n}") == .complete)
}

@Test("an input with a syntax error does not run any of its statements")
func syntaxErrorRunsNothing() {
    let session = Session()
    let output = session.run("print(1)\nx = )")
    #expect(!output.contains("1\n"))
    #expect(output.contains("error: expected an expression, found `)`"))
    #expect(session.interpreter.value(named: "x") == nil)
}
