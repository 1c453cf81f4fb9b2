import Library
import Console
import Foundation
import Testing

@Suite("Completion")
struct CompletionTests {
    let engine: TestEngine = {
        let engine = TestEngine()
        _ = engine.run("alpha = 1\nalps = 2\nbeta = 3", file: "t", firstLine: 1)
        return engine
    }()

    @Test("a dot at the start of the line completes meta-command names")
    func metaCommands() {
        #expect(Completer.complete(line: ".h", cursor: 2, engine: engine) == CompletionResult(start: 0, candidates: [".help", ".history"]))
        #expect(Completer.complete(line: ".q", cursor: 2, engine: engine) == CompletionResult(start: 0, candidates: [".quit "]))
        #expect(Completer.complete(line: ".", cursor: 1, engine: engine).candidates.count == MetaCommand.table.count)
    }

    @Test("identifiers complete through the engine, replacing the word before the cursor")
    func identifiers() {
        #expect(Completer.complete(line: "x = al + 1", cursor: 6, engine: engine) == CompletionResult(start: 4, candidates: ["alpha", "alps"]))
        #expect(Completer.complete(line: "be", cursor: 2, engine: engine).candidates == ["beta"])
    }

    @Test("paths complete after .read/.save/.log and inside load(\"")
    func paths() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("", to: directory.appendingPathComponent("session.entk"))
        try write("", to: directory.appendingPathComponent(".hidden"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let base = directory.path + "/"
        let read = ".read " + base + "s"
        #expect(Completer.complete(line: read, cursor: read.count, engine: engine)
                == CompletionResult(start: 6, candidates: [base + "session.entk", base + "sub/"]))
        let save = ".sa  " + base
        #expect(Completer.complete(line: save, cursor: save.count, engine: engine).candidates
                == [base + "session.entk", base + "sub/"])
        #expect(Completer.paths(completing: base + ".h") == [base + ".hidden"])
        let load = "m = load(\"" + base + "se"
        #expect(Completer.complete(line: load, cursor: load.count, engine: engine)
                == CompletionResult(start: 10, candidates: [base + "session.entk"]))
        let vars = ".vars al"
        #expect(Completer.complete(line: vars, cursor: vars.count, engine: engine).candidates.isEmpty)
    }
}

@Suite("Completion in the language")
struct LanguageCompletionTests {
    let engine = LanguageEngine()

    @Test("argument labels after ( and , of a call; members the object has; help topics inside help(\"; paths in any path argument")
    func labelsTopicsAndPaths() throws {
        _ = engine.run("f = fn(alpha, beta) { alpha }", file: "<test>", firstLine: 1)
        let call = "ntk(net, x, vie"
        #expect(Completer.complete(line: call, cursor: call.count, engine: engine).candidates.first == "view: ")
        let user = "f(1, be"
        #expect(Completer.complete(line: user, cursor: user.count, engine: engine).candidates.contains("beta: "))
        let plain = "x = vie"
        #expect(!Completer.complete(line: plain, cursor: plain.count, engine: engine).candidates.contains("view: "))
        let help = "help(\"ei"
        let topics = Completer.complete(line: help, cursor: help.count, engine: engine)
        #expect(topics.start == 6 && topics.candidates.contains("eig"))
        _ = engine.run("net = mlp(sizes: [2, 1])\ntoy = tms(features: 3, hidden: 2)", file: "<test>", firstLine: 1)
        let mlpMembers = "net.sa", tmsMembers = "toy.sa"
        #expect(Completer.complete(line: mlpMembers, cursor: mlpMembers.count, engine: engine).candidates.isEmpty, "an mlp has no samples")
        #expect(Completer.complete(line: tmsMembers, cursor: tmsMembers.count, engine: engine).candidates == ["samples"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entk-completion-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        FileManager.default.createFile(atPath: directory.appendingPathComponent("w.safetensors").path, contents: Data())
        for callee in ["save(x, \"", "load_weights(m, \""] {
            let line = callee + directory.path + "/w"
            #expect(Completer.complete(line: line, cursor: line.count, engine: engine).candidates == [directory.path + "/w.safetensors"], "\(callee)")
        }
    }
}

@Suite("Progress")
struct ProgressTests {
    @Test("nothing is drawn when standard error is not a terminal")
    func silentOffTerminal() {
        var drawn: [String] = []
        let progress = TerminalProgress(isTerminal: false, draw: { drawn.append($0) }, now: { 0 }, stopRequested: { false })
        progress.begin(total: 10, label: "train")
        progress.update(done: 5, detail: "loss 1")
        progress.end()
        #expect(drawn.isEmpty)
    }

    @Test("redraws are throttled, the last step is always drawn, and end clears the line")
    func throttled() {
        var drawn: [String] = []
        var clock = 0.0
        let progress = TerminalProgress(isTerminal: true, draw: { drawn.append($0) }, now: { clock },
                                        stopRequested: { false }, minimumInterval: 0.1)
        progress.begin(total: 4, label: "train")
        clock = 0.05; progress.update(done: 1, detail: nil)      // too soon: skipped
        clock = 0.2; progress.update(done: 2, detail: "loss 0.5")
        clock = 0.21; progress.update(done: 4, detail: nil)      // final step: drawn anyway
        progress.end()
        #expect(drawn == ["\r\u{1B}[Ktrain  0/4  0%", "\r\u{1B}[Ktrain  2/4  50%  loss 0.5",
                          "\r\u{1B}[Ktrain  4/4  100%", "\r\u{1B}[K"])
    }

    @Test("output during a task clears the progress line first; the next update draws it again")
    func yieldsToOutput() {
        var drawn: [String] = []
        var clock = 0.0
        let progress = TerminalProgress(isTerminal: true, draw: { drawn.append($0) }, now: { clock },
                                        stopRequested: { false }, minimumInterval: 0.1)
        progress.yieldLine()                                     // no task: nothing to clear
        progress.begin(total: 4, label: "train")
        progress.yieldLine()                                     // a hook prints: the line goes
        clock = 0.01; progress.update(done: 1, detail: nil)      // drawn again at once
        progress.end()
        progress.yieldLine()
        #expect(drawn == ["\r\u{1B}[Ktrain  0/4  0%", "\r\u{1B}[K", "\r\u{1B}[Ktrain  1/4  25%", "\r\u{1B}[K"])
    }

    @Test("the line is cut to the width and shows a count when the total is unknown")
    func lineFormat() {
        #expect(TerminalProgress.line(label: "eig", done: 7, total: nil, detail: nil, width: 79) == "eig  7")
        #expect(TerminalProgress.line(label: "a", done: 1, total: 2, detail: String(repeating: "x", count: 100), width: 20).count == 20)
    }

    @Test("shouldStop follows the stop request")
    func shouldStop() {
        var stop = false
        let progress = SilentProgress(stopRequested: { stop })
        #expect(!progress.shouldStop)
        stop = true
        #expect(progress.shouldStop)
    }
}

@Suite("Demo engine")
struct DemoEngineTests {
    @Test("binds, prints with %.6g, hides results after ;, and keeps bindings after an error")
    func calculator() {
        let engine = DemoEngine()
        let output = CollectingOutput()
        engine.output = output
        #expect(engine.run("x = 1+2", file: "d", firstLine: 1))
        #expect(engine.run("x / 3 * 2.5 # comment", file: "d", firstLine: 2))
        #expect(engine.run("1/3;", file: "d", firstLine: 3))
        #expect(!engine.run("x + nope", file: "d", firstLine: 4))
        #expect(engine.run("-0 * 1", file: "d", firstLine: 5))
        #expect(output.chunks == [.init(text: "2.5\n", isError: false),
                                  .init(text: "d:4: error: unknown name 'nope'\n", isError: true),
                                  .init(text: "0\n", isError: false)])
        #expect(engine.bindings.map(\.name) == ["ans", "x"])
    }

    @Test("open parentheses or a trailing operator continue the input")
    func status() {
        let engine = DemoEngine()
        #expect(engine.inputStatus("y = (1 +") == .incomplete)
        #expect(engine.inputStatus("y = (1 +\n 2)") == .complete)
        #expect(engine.inputStatus("  # only a comment") == .empty)
    }

    @Test("rand() repeats after reseeding")
    func seeded() {
        let engine = DemoEngine()
        let output = CollectingOutput()
        engine.output = output
        engine.seed = 3
        engine.run("rand()", file: "d", firstLine: 1)
        engine.seed = 3
        engine.run("rand()", file: "d", firstLine: 1)
        #expect(output.chunks.count == 2)
        #expect(output.chunks[0] == output.chunks[1])
    }

    @Test("work(n) stops when interrupted and reports how far it got")
    func interrupted() {
        let engine = DemoEngine()
        let output = CollectingOutput()
        engine.output = output
        engine.interruptCheck = { true }
        #expect(!engine.run("work(5)", file: "d", firstLine: 1))
        #expect(output.text == "d:1: error: interrupted after 0 of 5 steps\n")
    }
}
