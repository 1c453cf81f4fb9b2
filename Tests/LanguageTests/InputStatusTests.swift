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

/// Appends `lines` to a pending input, returning each status and how often the parser ran.
private func collect(_ lines: [String]) -> (statuses: [InputStatus], parses: Int) {
    let interpreter = Session().interpreter
    var pending = PendingInput()
    var parses = 0
    let statuses = lines.map { line in
        pending.append(line) { parses += 1; return interpreter.inputStatus($0) }
    }
    return (statuses, parses)
}

@Test("a long input is parsed a number of times linear in its length, not once per line")
func pendingInputParsesRarely() {
    let lines = ["x = ["] + (0..<20_000).map { "  \($0)," } + ["]"]
    let (statuses, parses) = collect(lines)
    #expect(statuses.dropLast().allSatisfy { $0 == .incomplete })
    #expect(statuses.last == .complete)
    // 64 always parsed, one per doubling, one at the close.
    #expect(parses < PendingInput.linesAlwaysParsed + 20)
}

@Test("a pending input agrees with the parser: strings, comments and escapes across lines")
func pendingInputAgreesWithParser() {
    #expect(collect(["x = \"a [", "b\"", "y = 1"]).statuses == [.incomplete, .complete, .complete])
    #expect(collect(["f(1, # )", "2)"]).statuses == [.incomplete, .complete])
    #expect(collect(["s = 'it\\'s (", "'"]).statuses == [.incomplete, .complete])
    #expect(collect(["if x {", "  y = 1", "} else {", "}"]).statuses == [.incomplete, .incomplete, .incomplete, .complete])
    #expect(collect(["", "# note"]).statuses == [.empty, .empty])
    #expect(collect(["1 +", "2"]).statuses == [.incomplete, .complete])
}

@Test("an error inside a long open bracket still ends the input, at most one doubling later")
func pendingInputReportsErrorsInLongInputs() {
    let lines = ["x = ["] + (0..<1_000).map { "  \($0)," } + ["  1 2,"] + (0..<5_000).map { "  \($0)," }
    let statuses = collect(lines).statuses
    let end = statuses.firstIndex(of: .complete)
    #expect(end != nil)
    #expect((end ?? .max) < 2_100)
    // Short inputs are parsed after every line: the error shows at once.
    #expect(collect(["f(1 2", "3)"]).statuses.first == .complete)
}
