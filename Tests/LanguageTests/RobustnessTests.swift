import Testing
import Foundation
import Language
import Tensors

/// Fragments random programs are built from: every token kind, a few names (bound and not),
/// and pieces that tend to start loops, functions and deep recursion.
private let fragments = [
    "x", "y", "f", "v", "len", "print", "range", "ans", "undefined", "sqrt", "help",
    "0", "1", "2", "3.5", "-1", "1e3", "\"s\"", "'t'", "\"", "true", "false", "none",
    "fn", "return", "if", "else", "for", "in", "while", "break", "continue", "and", "or", "not",
    "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "..<", "...", "=", "+=", "-=", "*=", "/=",
    "+", "-", "*", "/", "%", "^", "@", "==", "!=", "<", "<=", ">", ">=", "\n", "\n", "#", "$", "!",
    "fn f(a) { return f(a) }", "while true {", "for i in 0..<3 {", "v[0:2]", "v[-1]", "x = 1",
    "f(1, b: 2)", "[1, 2]", "v = [1, 2, 3]",
]

/// A session with a sentinel binding and limits that keep every random program short.
private func guardedSession() -> (Session, pollCount: () -> Int) {
    let session = Session()
    session.run("sentinel = 42\nv = [1, 2, 3]\nx = 1")
    session.interpreter.maximumLoopIterations = 1_000
    var polls = 0
    session.interpreter.interruptCheck = {
        polls += 1
        return polls % 5_000 == 0
    }
    return (session, { polls })
}

/// Runs one input and checks the invariants: no crash, errors come with a rendered
/// diagnostic, and the sentinel binding survives.
private func check(_ session: Session, _ text: String) {
    let status = session.interpreter.inputStatus(text)
    let succeeded = session.succeeds(text)
    if !succeeded {
        #expect(!session.interpreter.lastDiagnostics.isEmpty, "no diagnostic for \(text.debugDescription)")
        #expect(session.sink.text.contains("error:"), "no error printed for \(text.debugDescription)")
    }
    if status == .empty { #expect(succeeded) }
    #expect(session.interpreter.value(named: "sentinel")?.echoText == "42", "sentinel lost after \(text.debugDescription)")
}

@Test("thousands of random token sequences never crash and never lose a binding")
func randomTokenSequences() {
    var random = RandomGenerator(seed: 7)
    let (session, _) = guardedSession()
    let start = Date()
    for _ in 0..<3_000 {
        let length = 1 + random.nextInt(below: 24)
        let text = (0..<length).map { _ in fragments[random.nextInt(below: fragments.count)] }.joined(separator: " ")
        check(session, text)
    }
    #expect(Date().timeIntervalSince(start) < 120)
}

@Test("thousands of random byte strings never crash and never lose a binding")
func randomBytes() {
    var random = RandomGenerator(seed: 11)
    let (session, _) = guardedSession()
    for round in 0..<3_000 {
        let length = random.nextInt(below: 40)
        // Half the rounds use printable ASCII, which reaches deeper into the parser.
        let bytes = (0..<length).map { _ in
            UInt8(round % 2 == 0 ? 32 + random.nextInt(below: 95) : random.nextInt(below: 256))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        check(session, text)
        _ = session.interpreter.completions(line: text, cursor: random.nextInt(below: length + 3) - 1)
        _ = session.interpreter.help(text)
    }
}

@Test("runaway evaluation depth inside one expression is an error, not a crash")
func deepEvaluation() {
    let session = Session()
    // Each call level adds several evaluation levels; the evaluation-depth limit or the
    // call-depth limit must trip before the native stack runs out.
    let body = String(repeating: "1 + (", count: 60) + "g(n + 1)" + String(repeating: ")", count: 60)
    let output = session.run("fn g(n) { return \(body) }\ng(0)")
    #expect(output.contains("error: evaluation nested too deeply (more than 20000 levels)"), "\(output.prefix(300))")
    #expect(session.echo("1 + 1") == "2")
}

@Test("mutual recursion through closures is bounded too")
func mutualRecursion() {
    let session = Session()
    let output = session.run("fn ping(n) { return pong(n) }\nfn pong(n) { return ping(n) }\nping(1)")
    #expect(output.contains("error: too much recursion: more than 1000 nested calls"))
}

@Test("huge ranges are never materialised, and sizes that would exhaust memory are refused")
func hugeValues() {
    let session = Session()
    #expect(session.echo("r = 0..<10^15\nlen(r)") == "1e+15")
    #expect(session.echo("r[5]") == "5")
    #expect(session.echo("r[-1]") == "1e+15")
    #expect(session.run("list(r)").contains("error: range of 1000000000000000 elements is too long to list"))
    #expect(session.run("r[0:10]").contains("error: range of 1000000000000000 elements is too long to list"))
    #expect(session.run("0..<10^18").contains("error: range bound 1000000000000000000 is too large (limit ±2^53)"))
    #expect(session.run("range(1, 2, step: 10^17)").contains("error: range bound 100000000000000000 is too large"))
    #expect(session.run("v = [0]\nwhile true { v = v + v }").contains("error: list of 67108864 elements would be too long"))
    #expect(session.run("s = \"ab\"\nwhile true { s = s + s }").contains("would be too long"))
}

@Test("a deeply nested list prints its inner levels elided, and nesting is capped")
func deeplyNestedList() {
    let session = Session()
    session.run("x = []\nfor i in 0..<500 { x = [x] }")
    let echoed = session.echo("x")
    #expect(echoed.hasPrefix(String(repeating: "[", count: 100) + "[…]"))
    let output = session.run("for i in 0..<100000 { x = [x] }")
    #expect(output.contains("error: lists nested more than 1000 deep are not allowed"))
    #expect(session.run("y = [0]\nfor i in 0..<100000 { y[0] = y }").contains("nested more than 1000 deep"))
    session.interpreter.reset()
    #expect(session.echo("1") == "1")
}

@Test("an error at the end of input after a final newline points at the last token")
func endOfInputAfterNewline() {
    let output = Session().run("x = 1 +\n", file: "f")
    #expect(output == "f:1:8: error: expected an expression, found end of input\nx = 1 +\n       ^\n")
}
