import Testing
import Language

private func kinds(_ text: String) -> [TokenKind] {
    Lexer.tokenize(SourceText(name: "t", text: text)).tokens.map(\.kind)
}

@Test("a half-open range between integers lexes as number, range, name")
func rangeLexing() {
    #expect(kinds("0..<n") == [.number, .halfOpenRange, .identifier, .endOfInput])
    #expect(kinds("1...3") == [.number, .closedRange, .number, .endOfInput])
}

@Test("number literals decode fractions, exponents and separators")
func numberLiterals() {
    let tokens = Lexer.tokenize(SourceText(name: "t", text: "12 3.25 .5 1e-3 2.5E+4 1_000")).tokens
    #expect(tokens.filter { $0.kind == .number }.map(\.number) == [12, 3.25, 0.5, 1e-3, 2.5e4, 1000])
}

@Test("strings resolve escapes and may use either quote")
func stringLiterals() {
    let tokens = Lexer.tokenize(SourceText(name: "t", text: #""a\n\"b\"" 'it\'s'"#)).tokens
    #expect(tokens.filter { $0.kind == .string }.map(\.string) == ["a\n\"b\"", "it's"])
}

@Test("comments vanish and runs of line breaks collapse to one token")
func newlinesAndComments() {
    #expect(kinds("a # note\n\n\n b") == [.identifier, .newline, .identifier, .endOfInput])
    #expect(kinds("{\n}") == [.leftBrace, .newline, .rightBrace, .endOfInput])
}

@Test("line breaks inside parentheses and brackets do not end a statement")
func newlinesInsideBrackets() {
    let session = Session()
    #expect(session.echo("max(1,\n  5,\n  2)") == "5")
    #expect(session.echo("[1,\n 2\n]") == "[1, 2]")
    #expect(session.echo("(1\n + 2)") == "3")
}

@Test("keywords and compound operators are their own tokens")
func keywordsAndOperators() {
    #expect(kinds("fn if else not and or += == != <= @ ^") ==
            [.fnKeyword, .ifKeyword, .elseKeyword, .notKeyword, .andKeyword, .orKeyword, .plusAssign,
             .equal, .notEqual, .lessEqual, .at, .caret, .endOfInput])
}

@Test("an unterminated string is an error at the end of input")
func unterminatedString() {
    let (_, diagnostics) = Lexer.tokenize(SourceText(name: "t", text: "x = \"abc"))
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.isAtEndOfInput == true)
    #expect(diagnostics.first?.message == "unterminated string")
}

@Test("an unexpected character is reported and lexing goes on")
func unexpectedCharacter() {
    let (tokens, diagnostics) = Lexer.tokenize(SourceText(name: "t", text: "a $ b"))
    #expect(tokens.map(\.kind) == [.identifier, .identifier, .endOfInput])
    #expect(diagnostics.map(\.message) == ["unexpected character `$`"])
}
