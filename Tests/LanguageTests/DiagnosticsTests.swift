import Testing
import Language

@Test("an unknown name is reported with file, line, column, the line and a caret, and a suggestion")
func unknownNameRendering() {
    let session = Session()
    session.run("length = 3")
    let output = session.run("x = 1\ny = 2 * lenght + 1", file: "demo.entk", firstLine: 10)
    #expect(output == """
        demo.entk:11:9: error: unknown name `lenght`; did you mean `length`?
        y = 2 * lenght + 1
                ^~~~~~

        """)
}

@Test("the caret lines up under tab-indented code")
func caretWithTabs() {
    let output = Session().run("if true {\n\tq = undefined_thing\n}")
    #expect(output.contains("\tq = undefined_thing\n\t    ^~~~~~~~~~~~~~~\n"), "\(output)")
}

@Test("a syntax error at the end of input points just past the last token")
func errorAtEnd() {
    let output = Session().run("x = 1 +", file: "f")
    #expect(output == "f:1:8: error: expected an expression, found end of input\nx = 1 +\n       ^\n")
}

@Test("an error inside a function notes the call site")
func callSiteNote() {
    let output = Session().run("fn f(x) {\n  return x + \"s\"\n}\nf(1)")
    #expect(output == """
        <input>:2:12: error: operator `+` is not defined for number and string
          return x + "s"
                   ^
        <input>:4:1: note: in `f`, called from here
        f(1)
        ^~~~

        """)
}

@Test("a wrong argument type names the argument, the expected type and what was given")
func argumentTypeError() {
    let output = Session().run("range(\"a\")")
    #expect(output == """
        <input>:1:7: error: argument `start` of `range` expects integer, got string
        range("a")
              ^~~

        """)
    #expect(Session().run("range(2.5)").contains("expects integer, got 2.5, not an integer"))
}

@Test("a misspelt label gets a did-you-mean with the caret under the label")
func labelSuggestion() {
    let output = Session().run("print(1, sap: \"-\")")
    #expect(output == """
        <input>:1:10: error: `print` has no parameter `sap`; did you mean `sep`?
        print(1, sap: "-")
                 ^~~

        """)
}

@Test("an error a builtin raises about one argument points at that argument")
func builtinArgumentError() {
    let output = Session().run("range(1, 5, step: 0)")
    #expect(output.contains("error: range step cannot be zero\nrange(1, 5, step: 0)\n            ^~~~~~~"), "\(output)")
}

@Test("edit distance suggestions pick the closest candidate and ignore distant ones")
func suggestions() {
    #expect(Suggestion.editDistance("kitten", "sitting") == 3)
    #expect(Suggestion.closest(to: "lenght", among: ["length", "len", "left"]) == "length")
    #expect(Suggestion.closest(to: "xyz", among: ["length", "print"]) == nil)
    #expect(Suggestion.closest(to: "Print", among: ["print"]) == "print")
}

@Test("an assertion failure carries its message")
func assertion() {
    let session = Session()
    #expect(session.run("assert(1 < 2)") == "")
    #expect(session.run("assert(2 < 1, message: \"two is not less than one\")").contains("error: two is not less than one"))
}

@Test("diagnostics can go to a separate sink")
func separateDiagnosticSink() {
    let session = Session()
    let errors = RecordingSink()
    session.interpreter.diagnosticSink = errors
    #expect(session.run("print(1)\nnope") == "1\n")
    #expect(errors.text.hasPrefix("<input>:2:1: error: unknown name `nope`"))
    #expect(session.interpreter.lastDiagnostics.count == 1)
}

@Test("many syntax errors are capped in the report and counted")
func cappedReport() {
    let session = Session()
    session.interpreter.maximumReportedErrors = 3
    let output = session.run(String(repeating: "x = )\n", count: 10))
    #expect(output.components(separatedBy: "error:").count - 1 == 3)
    #expect(output.hasSuffix("… and 7 more errors\n"))
}

@Test("common slips from other languages get a pointed message")
func slipsFromOtherLanguages() {
    let session = Session()
    #expect(session.run("true && false").contains("error: unexpected `&&`; use `and`"))
    #expect(session.run("true || false").contains("error: unexpected `||`; use `or`"))
    #expect(session.run("!true").contains("error: unexpected character `!`; use `not` for negation"))
    #expect(session.run("x = 1\nif x = 1 { }").contains("error: `=` binds a name; use `==` to compare in a condition"))
}

@Test("an unclosed bracket noticed on a later line notes where it was opened")
func unclosedBracketNote() {
    let output = Session().run("z = (4\nw = 1", file: "f")
    #expect(output == """
        f:2:1: error: expected `)` to close the parenthesis, found `w`
        w = 1
        ^
        f:1:5: note: `(` opened here
        z = (4
            ^

        """)
}
