import Console
import Testing

@Suite("text wrapping")
struct TextWrapTests {
    @Test("long lines break at word boundaries, keep their indentation, never split a word")
    func wrapsAtWords() {
        let text = "  a model is a stack of layers whose derivatives sit side by side in one file each\nshort\n```\ncode that is long enough to pass the width of the terminal stays whole\n```"
        let wrapped = TextWrap.wrap(text, width: 30)
        let lines = wrapped.split(separator: "\n").map(String.init)
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        #expect(wrapped.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init) == words)
        for line in lines where !line.hasPrefix("code") { #expect(line.count <= 30, "\(line)") }
        #expect(lines[0].hasPrefix("  a model") && lines[1].hasPrefix("  ") && !lines[1].hasPrefix("   "))
        #expect(lines.contains("code that is long enough to pass the width of the terminal stays whole"))
        #expect(TextWrap.wrap("model", width: 30) == "model")
    }
}
