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
