import Testing
import Language

private func parse(_ text: String) -> (statements: [Statement], diagnostics: [Diagnostic]) {
    Parser.parse(SourceText(name: "t", text: text))
}

@Test("precedence follows the table: power over unary minus over products over sums")
func precedence() {
    let session = Session()
    #expect(session.echo("1 + 2 * 3") == "7")
    #expect(session.echo("-2^2") == "-4")
    #expect(session.echo("2^3^2") == "512")
    #expect(session.echo("2^-1") == "0.5")
    #expect(session.echo("(1 + 2) * 3") == "9")
    #expect(session.echo("10 - 4 - 3") == "3")
    #expect(session.echo("1 < 2 and not 3 < 2 or false") == "true")
    #expect(session.echo("7 % 3 * 2") == "2")
}

@Test("a statement may continue on the next line after a binary operator")
func continuationAfterOperator() {
    let session = Session()
    #expect(session.echo("1 +\n  2") == "3")
}

@Test("every syntax error in a script is reported in one pass")
func recoveryReportsAllErrors() {
    let (_, diagnostics) = parse("""
        x = 1 +* 2
        y = 3
        z = (4
        w = ]
        if x { q = } 
        ok = 1
        """)
    let lines = diagnostics.compactMap { $0.span.map { $0.source.position(of: $0.start).line } }
    // The unclosed `(` of line 3 is noticed at `w` on line 4, where the statement is abandoned.
    #expect(lines == [1, 4, 5], "\(diagnostics.map(\.message))")
    #expect(diagnostics[1].message == "expected `)` to close the parenthesis, found `w`")
}

@Test("recovery inside a block keeps parsing the statements after it")
func recoveryInsideBlock() {
    let (_, diagnostics) = parse("fn f() {\n a = )\n b = 2\n c = ]\n}\nd = (")
    #expect(diagnostics.count == 3)
    #expect(diagnostics.last?.isAtEndOfInput == true)
}

@Test("comparisons do not chain")
func comparisonsDoNotChain() {
    let (_, diagnostics) = parse("1 < 2 < 3")
    #expect(diagnostics.first?.message == "comparisons cannot be chained; found `<` after `<`; combine them with `and`")
}

@Test("only names, subscripts and members can be assigned")
func assignmentTargets() {
    let (_, diagnostics) = parse("f(1) = 2")
    #expect(diagnostics.first?.message.hasPrefix("cannot assign to `f(1)`") == true)
    #expect(parse("a[0] = 1\nm.x = 2\nb += 1").diagnostics.isEmpty)
}

@Test("statements on one line need a separator")
func statementSeparator() {
    let (_, diagnostics) = parse("x = 1 y = 2")
    #expect(diagnostics.first?.message == "expected a new line or `;` after the statement, found `y`")
}

@Test("100,000 open parentheses give an error, not a stack overflow")
func deepParentheses() {
    let text = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
    let (_, diagnostics) = parse(text)
    #expect(diagnostics.first?.message == "nesting is too deep (more than \(Parser.maximumNestingDepth) levels)")
    let session = Session()
    #expect(session.run(text).contains("error: nesting is too deep"))
    #expect(session.interpreter.inputStatus(String(repeating: "(", count: 100_000)) == .complete)
}

@Test("deep nesting of blocks, lists and unary operators is bounded too")
func deepNestingOtherForms() {
    for text in [String(repeating: "if true { ", count: 50_000), String(repeating: "[", count: 100_000),
                 String(repeating: "-", count: 100_000) + "1", String(repeating: "not ", count: 100_000) + "true",
                 String(repeating: "f(", count: 100_000), String(repeating: "x[", count: 100_000)] {
        let (_, diagnostics) = parse(text)
        #expect(diagnostics.contains { $0.message.hasPrefix("nesting is too deep") })
    }
}

@Test("nesting just under the limit parses and runs")
func nestingUnderLimit() {
    let depth = Parser.maximumNestingDepth - 5
    let text = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
    #expect(Session().echo(text) == "1")
}

@Test("else may start the line after the closing brace")
func elseOnNextLine() {
    let session = Session()
    #expect(session.run("if false {\n print(1)\n}\nelse {\n print(2)\n}") == "2\n")
}
