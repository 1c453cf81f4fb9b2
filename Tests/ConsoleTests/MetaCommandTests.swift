import Console
import Foundation
import Testing

@Suite("Meta-commands")
struct MetaCommandTests {
    @Test("exact names and unique prefixes resolve; shared prefixes are ambiguous")
    func resolution() {
        #expect(MetaCommand.resolve("quit") == .command("quit"))
        #expect(MetaCommand.resolve("q") == .command("quit"))
        #expect(MetaCommand.resolve("hist") == .command("history"))
        #expect(MetaCommand.resolve("h") == .ambiguous(["help", "history"]))
        #expect(MetaCommand.resolve("re") == .ambiguous(["read", "reset"]))
        #expect(MetaCommand.resolve("t") == .ambiguous(["timer", "threads"]))
        #expect(MetaCommand.resolve("zap") == .unknown)
        #expect(MetaCommand.resolve("") == .unknown)
    }

    @Test("the table has one entry per name and every DESIGN meta-command")
    func table() {
        let names = MetaCommand.table.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(Set(names) == ["help", "quit", "vars", "read", "save", "log", "history", "seed", "timer",
                               "threads", "memory", "reset", "lessons", "lesson", "next", "export"])
    }

    @Test("an ambiguous prefix fails and lists both commands")
    func ambiguousAtPrompt() {
        let (session, _, display) = makeSession()
        let result = session.execute(".h", origin: .console)
        #expect(!result.succeeded)
        #expect(result.output == [.error("error: ambiguous meta-command '.h': .help, .history")])
        #expect(display.chunks.allSatisfy { $0.isError })
    }

    @Test("an error in a meta-command from a file names file:line")
    func errorLocation() {
        let (session, _, _) = makeSession()
        let result = session.execute(".frobnicate", origin: InputOrigin(file: "s.entk", line: 4))
        #expect(result.output == [.error("s.entk:4: error: unknown meta-command '.frobnicate' (.help lists them)")])
        let typo = session.execute(".lesosn 2", origin: InputOrigin(file: "s.entk", line: 5))
        #expect(typo.output == [.error("s.entk:5: error: unknown meta-command '.lesosn' (did you mean .lesson? .help lists them)")])
    }

    @Test(".help lists every meta-command and says how to get help on functions")
    func help() {
        let (session, _, _) = makeSession()
        let lines = session.execute(".help", origin: .console).output.map { line -> String in
            if case .output(let text) = line { return text } else { return "ERROR" }
        }
        for command in MetaCommand.table {
            #expect(lines.contains { $0.hasPrefix("  " + command.usage) && $0.hasSuffix(command.summary) })
        }
        #expect(lines.contains("test engine: name = INT, say TEXT, fail TEXT"))
        #expect(lines.last == ".help NAME shows help on a function, type or meta-command (.help read).")
        #expect(session.execute(".help say", origin: .console).output == [.output("say TEXT — prints TEXT")])
        #expect(session.execute(".help .rea", origin: .console).output.first == .output(".read FILE"))
        #expect(session.execute(".help nothing", origin: .console).output == [.error("error: no help for 'nothing'")])
    }

    @Test(".vars lists bindings aligned, sorted by name")
    func vars() {
        let (session, _, _) = makeSession()
        #expect(session.execute(".vars", origin: .console).output == [.output("no bindings")])
        session.execute("long_name = 12", origin: .console)
        session.execute("a = 1", origin: .console)
        #expect(session.execute(".v", origin: .console).output == [.output("a          int 1"), .output("long_name  int 12")])
    }

    @Test(".history numbers this session's inputs and takes a count or a range")
    func history() {
        let (session, _, _) = makeSession()
        for input in ["a = 1", "b = 2", "{\nsay x\n}", "a"] { session.execute(input, origin: .console) }
        #expect(session.execute(".history", origin: .console).output
                == [.output("1  a = 1"), .output("2  b = 2"), .output("3  {"), .output("   say x"), .output("   }"), .output("4  a")])
        #expect(session.execute(".history 1", origin: .console).output == [.output("5  .history")])
        #expect(session.execute(".history 1-2", origin: .console).output == [.output("1  a = 1"), .output("2  b = 2")])
        #expect(!session.execute(".history 3-1", origin: .console).succeeded)
    }

    @Test(".seed reseeds the engine and shows the seed without an argument")
    func seed() {
        let (session, engine, _) = makeSession(seed: 5)
        #expect(engine.seed == 5)
        session.execute(".seed 9", origin: .console)
        #expect(engine.seed == 9)
        #expect(session.execute(".seed", origin: .console).output == [.output("seed 9")])
        #expect(session.execute(".seed -1", origin: .console).output
                == [.error("error: expected a non-negative integer seed, got '-1'")])
    }

    @Test(".timer prints to the display only, never into an input's output")
    func timer() {
        let (session, _, display) = makeSession()
        session.execute(".timer on", origin: .console)
        display.clear()
        let result = session.execute("say hi", origin: .console)
        #expect(result.output == [.output("hi")])
        #expect(display.chunks.count == 2)
        #expect(display.chunks[1].text.hasPrefix("time "))
        session.execute(".timer off", origin: .console)
        display.clear()
        session.execute("say hi", origin: .console)
        #expect(display.text == "hi\n")
    }

    @Test(".threads and .memory delegate to the engine and report what it cannot do")
    func hooks() {
        let (session, _, _) = makeSession()
        #expect(session.execute(".threads 2", origin: .console).output == [.error("error: this engine has no thread setting")])
        #expect(session.execute(".threads none", origin: .console).output
                == [.error("error: expected a positive thread count: .threads N, got 'none'")])
        #expect(session.execute(".memory", origin: .console).output == [.error("error: this engine has no memory budget")])
        let demo = ConsoleSession(engine: DemoEngine(), display: CollectingOutput())
        #expect(demo.execute(".threads 2", origin: .console).succeeded)
    }

    @Test(".reset forgets bindings and reloads the prelude")
    func reset() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("base = 10\n", to: directory.appendingPathComponent("00-base.entk"))
        let (session, engine, _) = makeSession()
        session.preludeDirectory = directory.path
        session.loadPrelude()
        session.execute("mine = 1", origin: .console)
        #expect(engine.values == ["base": 10, "mine": 1])
        #expect(session.execute(".reset", origin: .console).succeeded)
        #expect(engine.values == ["base": 10])
        #expect(engine.resets == 1)
    }

    @Test(".quit is reported so the console can leave")
    func quit() {
        let (session, _, _) = makeSession()
        #expect(session.execute(".q", origin: .console).quit)
        #expect(!session.execute(".quit now", origin: .console).quit)
    }

    @Test("lines starting with a dot and a letter are meta-commands; the argument is trimmed")
    func lineSplitting() {
        #expect(MetaCommandLine.isMetaCommand(".read x"))
        #expect(!MetaCommandLine.isMetaCommand(".5 + 1"))
        #expect(!MetaCommandLine.isMetaCommand(" .read"))
        let (name, argument) = MetaCommandLine.split(".read   a b.entk  ")
        #expect(name == "read")
        #expect(argument == "a b.entk")
    }
}
