import Testing
import Language

@Test("smoke: arithmetic echoes")
func smoke() {
    let session = Session()
    print(session.run("1 + 2 * 3\nx = [1, 2, 3]\nx[-1]\nfn f(a, b: 2) { return a * b }\nf(3)\nf(3, b: 4)\nfor i in 0..<3 { print(i) }\n\"hi\"\nlenn(x)\nfoo(\n"))
    print(session.run("y = 1 +\n) ]\nz = (((\n"))
    print(session.run("fn g(n) { return g(n + 1) }\ng(0)"))
    print(session.interpreter.help("range") ?? "nil")
}
