import Language

/// Collects everything the interpreter writes.
final class RecordingSink: OutputSink {
    var text = ""
    func write(_ text: String) { self.text += text }
}

/// An interpreter with a recording sink, and helpers to run inputs and read what they printed.
final class Session {
    let sink = RecordingSink()
    let interpreter: Interpreter

    init() { interpreter = Interpreter(sink: sink) }

    /// Runs `source` and returns what it wrote (echoes, prints and errors).
    @discardableResult
    func run(_ source: String, file: String = "<input>", firstLine: Int = 1) -> String {
        sink.text = ""
        interpreter.run(source, file: file, firstLine: firstLine)
        return sink.text
    }

    /// Whether `source` ran without error.
    func succeeds(_ source: String) -> Bool {
        sink.text = ""
        return interpreter.run(source)
    }

    /// The echo of one expression, without the trailing newline.
    func echo(_ source: String) -> String {
        var text = run(source)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
