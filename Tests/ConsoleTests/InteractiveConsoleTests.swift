import Console
import Foundation
import Testing

/// A `ConsoleLineReader` that answers the console's reads from a script (then Ctrl-D) and keeps
/// what it was asked to remember.
private final class ScriptedReader: ConsoleLineReader {
    private var reads: [LineReadResult]
    private(set) var prompts: [String] = []
    private(set) var history: [String] = []
    init(_ reads: [LineReadResult]) { self.reads = reads }
    func read(prompt: String) -> LineReadResult {
        prompts.append(prompt)
        return reads.isEmpty ? .endOfInput : reads.removeFirst()
    }
    func addToHistory(_ entry: String) { history.append(entry) }
}

/// Runs a console over a fresh test session; returns what it ran and what it kept.
private func runConsole(_ reads: [LineReadResult]) -> (reader: ScriptedReader, engine: TestEngine, session: ConsoleSession, display: CollectingOutput) {
    let (session, engine, display) = makeSession()
    let reader = ScriptedReader(reads)
    #expect(InteractiveConsole(session: session, reader: reader).run() == 0)
    return (reader, engine, session, display)
}

@Suite("The interactive console's history")
struct InteractiveConsoleTests {
    @Test("the lines of one input are one history entry, added when the input is complete")
    func oneEntryPerInput() {
        let (reader, engine, _, _) = runConsole([.line("{"), .line("say a"), .line("}"), .line("x = 1"), .line(""), .line("  ")])
        #expect(reader.history == ["{\nsay a\n}", "x = 1"])
        #expect(reader.prompts == ["entk> ", "...> ", "...> ", "entk> ", "entk> ", "entk> ", "entk> "])
        #expect(engine.runs.map(\.source) == ["{\nsay a\n}", "x = 1"])
    }

    @Test("a recalled block runs, records and re-enters the history exactly as when typed")
    func recalledBlockIsTyped() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let block = ["{", "say a", "", "  say b", "}"]
        let log = directory.appendingPathComponent("log.entk").path
        func run(_ reads: [LineReadResult]) throws -> (reader: ScriptedReader, engine: TestEngine, session: ConsoleSession, display: CollectingOutput, log: String) {
            let (reader, engine, session, display) = runConsole([.line(".log \(log) --new")] + reads + [.line("x = 2"), .line("x")])
            return (reader, engine, session, display, try String(contentsOfFile: log, encoding: .utf8))
        }
        let typed = try run(block.map { .line($0) })
        let recalled = try run([.line(block.joined(separator: "\n"))])
        #expect(typed.reader.history == [".log \(log) --new", block.joined(separator: "\n"), "x = 2", "x"])
        #expect(recalled.reader.history == typed.reader.history)
        #expect(recalled.engine.runs.map(\.source) == typed.engine.runs.map(\.source))
        #expect(recalled.session.entries == typed.session.entries)
        #expect(recalled.display.text == typed.display.text)
        #expect(recalled.display.text.hasSuffix("a\nb\n2\n\n"))   // the last newline is Ctrl-D's
        #expect(recalled.log == typed.log)
        #expect(recalled.log.contains("\n{\nsay a\n\n  say b\n}\n"))
    }

    @Test("an edited recall holding two inputs runs and remembers them as two, as typed")
    func recalledLinesSplitIntoInputs() {
        let (reader, engine, _, _) = runConsole([.line("x = 3\n{\nsay a"), .line("}")])
        #expect(reader.history == ["x = 3", "{\nsay a\n}"])
        #expect(engine.runs.map(\.source) == ["x = 3", "{\nsay a\n}"])
        #expect(reader.prompts == ["entk> ", "...> ", "entk> "])
    }

    @Test("Ctrl-C and Ctrl-D keep an unfinished input's lines as one entry, unrun")
    func abandonedInput() {
        let (reader, engine, _, _) = runConsole([.line("{"), .line("say a"), .interrupted, .line("x = 2"), .line("{")])
        #expect(reader.history == ["{\nsay a", "x = 2", "{"])
        #expect(engine.runs.map(\.source) == ["x = 2"])
    }

    @Test("a multi-line entry is one entry of the history file across runs")
    func historyFileKeepsBlocks() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("history").path
        let entries = ["fn twice(v) {\n    return v * 2 # \\012 stays text\n}", "twice(21)"]
        do {
            let editor = LineEditor(historyPath: path, historyLimit: 10) { _, _ in CompletionResult(start: 0, candidates: []) }
            for entry in entries { editor.addToHistory(entry) }
            #expect(editor.history == entries)
        }
        let file = try String(contentsOfFile: path, encoding: .utf8)
        #expect(file.split(separator: "\n").count == 1 + entries.count)   // libedit's header line, then one line per entry
        let reloaded = LineEditor(historyPath: path, historyLimit: 10) { _, _ in CompletionResult(start: 0, candidates: []) }
        #expect(reloaded.history == entries)
    }
}
