import Console
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite("Scripts, .read and the prelude")
struct ScriptTests {
    @Test("a script stops at its first error, which names file:line")
    func stopsAtFirstError() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("s.entk")
        try write("say one\n\n{\nsay two\nfail here\n}\nsay never\n", to: file)
        let (session, engine, display) = makeSession()
        let outcome = try session.runScript(atPath: file.path, keepGoing: false)
        #expect(outcome.failures == [InputOrigin(file: file.path, line: 3, directory: directory.path)])
        #expect(display.text == "one\ntwo\n\(file.path):5: error: here\n")
        #expect(engine.runs.map(\.line) == [1, 3])
    }

    @Test("--keep-going runs every input and reports every failure")
    func keepGoing() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("s.entk")
        try write("fail a\nsay b\nfail c\nsay d\n", to: file)
        let (session, _, display) = makeSession()
        let outcome = try session.runScript(atPath: file.path, keepGoing: true)
        #expect(outcome.failures.map(\.line) == [1, 3])
        #expect(!outcome.succeeded)
        #expect(display.text == "\(file.path):1: error: a\nb\n\(file.path):3: error: c\nd\n")
    }

    @Test("the launcher exits 1 and says where a script stopped")
    func launcherExitStatus() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("s.entk")
        try write("say ok\nfail bad\n", to: file)
        var options = ConsoleOptions()
        options.file = file.path
        options.noPrelude = true
        let display = CollectingOutput()
        #expect(ConsoleLauncher.run(options, engine: TestEngine(), display: display) == ExitStatus.failure)
        #expect(display.text.hasSuffix("entk: stopped after the error at \(file.path):2\n"))
        try write("say ok\n", to: file)
        #expect(ConsoleLauncher.run(options, engine: TestEngine(), display: CollectingOutput()) == ExitStatus.success)
        options.file = directory.appendingPathComponent("missing.entk").path
        #expect(ConsoleLauncher.run(options, engine: TestEngine(), display: CollectingOutput()) == ExitStatus.fileError)
    }

    @Test("the launcher's --check exits 1 with the diff and 0 when identical")
    func launcherCheck() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("c.entk")
        try write("say a\n#| b\n", to: file)
        var options = ConsoleOptions()
        options.check = file.path
        options.noPrelude = true
        let display = CollectingOutput()
        #expect(ConsoleLauncher.run(options, engine: TestEngine(), display: display) == ExitStatus.failure)
        #expect(display.text.contains("-#| b\n+#| a\n"))
        options.check = nil
        options.record = file.path
        #expect(ConsoleLauncher.run(options, engine: TestEngine(), display: CollectingOutput()) == ExitStatus.success)
        options.record = nil
        options.check = file.path
        #expect(ConsoleLauncher.run(options, engine: TestEngine(), display: CollectingOutput()) == ExitStatus.success)
    }

    @Test(".read runs a file's inputs relative to the reading file, as one input")
    func read() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try write(".read lib/inner.entk\nsay outer\n", to: directory.appendingPathComponent("outer.entk"))
        try write("v = 7\nv\n", to: directory.appendingPathComponent("lib/inner.entk"))
        let (session, engine, _) = makeSession()
        let result = session.execute(".read \(directory.appendingPathComponent("outer.entk").path)", origin: .console)
        #expect(result.succeeded)
        #expect(result.output == [.output("7"), .output("outer")])
        #expect(engine.values["v"] == 7)
        #expect(session.entries.count == 1)
    }

    @Test(".read reports a cycle with the files involved")
    func readCycle() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("say a\n.read b.entk\n", to: directory.appendingPathComponent("a.entk"))
        try write(".read a.entk\n", to: directory.appendingPathComponent("b.entk"))
        let (session, _, _) = makeSession()
        let result = session.execute(".read \(directory.appendingPathComponent("a.entk").path)", origin: .console)
        #expect(!result.succeeded)
        #expect(result.output == [.output("a"), .error("b.entk:1: error: .read cycle: a.entk → b.entk → a.entk")])
    }

    @Test(".read refuses to nest deeper than the limit")
    func readNesting() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let depth = ConsoleSession.readNestingLimit + 2
        for level in 0..<depth {
            try write(".read f\(level + 1).entk\n", to: directory.appendingPathComponent("f\(level).entk"))
        }
        let (session, _, _) = makeSession()
        let result = session.execute(".read \(directory.appendingPathComponent("f0.entk").path)", origin: .console)
        #expect(!result.succeeded)
        let limit = ConsoleSession.readNestingLimit
        #expect(result.output == [.error("f\(limit - 1).entk:1: error: .read nested deeper than \(limit) files at 'f\(limit).entk'")])
    }

    @Test(".read of a missing file fails with its name")
    func readMissing() {
        let (session, _, _) = makeSession()
        let result = session.execute(".read /nonexistent/nothing.entk", origin: .console)
        #expect(result.output == [.error("error: cannot read '/nonexistent/nothing.entk': no such file")])
    }

    @Test("the prelude loads in lexical order; an error names file:line and loading goes on")
    func prelude() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("b = 2\n", to: directory.appendingPathComponent("20-b.entk"))
        try write("a = 1\nfail broken\nskipped = 1\n", to: directory.appendingPathComponent("10-a.entk"))
        try write("not a prelude file\n", to: directory.appendingPathComponent("notes.txt"))
        let (session, engine, display) = makeSession()
        session.preludeDirectory = directory.path
        let failures = session.loadPrelude()
        let path = directory.appendingPathComponent("10-a.entk").path
        #expect(failures.map(\.line) == [2])
        #expect(engine.values == ["a": 1, "b": 2])
        #expect(engine.runs.map(\.file) == [path, path, directory.appendingPathComponent("20-b.entk").path])
        #expect(display.text.contains("\(path):2: error: broken\n"))
        #expect(display.text.contains("prelude: \(path):2: stopped after an error; the console starts anyway\n"))
        #expect(session.entries.isEmpty)
    }

    @Test("piped text runs as a script named <stdin>")
    func pipedText() {
        let (session, _, display) = makeSession()
        let outcome = session.runScript(text: "x = 4\nx\ny\n", name: "<stdin>", keepGoing: false)
        #expect(outcome.failures.map(\.line) == [3])
        #expect(display.text == "4\n<stdin>:3: error: unknown name 'y'\n")
    }

    @Test("prelude and history paths follow options and environment")
    func paths() {
        var options = ConsoleOptions()
        #expect(ConsoleLauncher.historyPath(options, environment: ["ENTK_HISTORY": "/tmp/h"]) == "/tmp/h")
        #expect(ConsoleLauncher.historyPath(options, environment: [:])?.hasSuffix("/.entk_history") == true)
        #expect(ConsoleLauncher.historyPath(options, environment: ["HOME": "/home/elsewhere"]) == "/home/elsewhere/.entk_history")
        options.noHistory = true
        #expect(ConsoleLauncher.historyPath(options, environment: ["ENTK_HISTORY": "/tmp/h"]) == nil)
        #expect(ConsoleLauncher.preludeDirectory(options, environment: ["ENTK_PRELUDE": "/p"]) == "/p")
        options.noPrelude = true
        #expect(ConsoleLauncher.preludeDirectory(options, environment: ["ENTK_PRELUDE": "/p"]) == nil)
    }

    @Test("a 20,000-line input and a 100,000-line script group in linear time")
    func longScriptsGroupLinearly() throws {
        let engine = LanguageEngine()
        let list = "x = [\n" + (0..<20_000).map { "  \($0)," }.joined(separator: "\n") + "\n]\nx[19999]\n"
        let started = Date()
        let script = SessionScript.parse(list, newInput: engine.makeInputCollector)
        #expect(script.inputs.map(\.line) == [1, 20_003])
        let many = (0..<100_000).map { "x\($0 % 10) = \($0)" }.joined(separator: "\n")
        #expect(SessionScript.parse(many, newInput: engine.makeInputCollector).inputs.count == 100_000)
        // Quadratic grouping took minutes for the list alone; linear takes well under a second.
        #expect(Date().timeIntervalSince(started) < 10)
        let display = CollectingOutput()
        let session = ConsoleSession(engine: engine, display: display)
        #expect(session.runScript(text: list, name: "list", keepGoing: false).succeeded)
        #expect(display.text == "19999\n")
    }

    @Test("a history file that is a FIFO or a device is not used, with a message saying why")
    func historyNotRegular() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent(".entk_history").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let refused = ConsoleLauncher.usableHistoryPath(fifo)
        #expect(refused.path == nil)
        #expect(refused.problem == "cannot use the history file '\(fifo)': it is a FIFO (named pipe), not a regular file; this session keeps no history")
        #expect(ConsoleLauncher.usableHistoryPath("/dev/null").path == nil)
        let missing = directory.appendingPathComponent("new_history").path
        #expect(ConsoleLauncher.usableHistoryPath(missing).path == missing)
    }
}
