import Console
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite("Check and record")
struct ReplayTests {
    static let plain = """
        # arithmetic
        x = 3
        x
        {
          say one
          say two
        }
        nope
        x

        """

    static let recorded = """
        # entk 0.1.0 · seed 0
        # arithmetic
        x = 3
        x
        #| 3
        {
          say one
          say two
        }
        #| one
        #| two
        nope
        #! s.entk:8: error: unknown name 'nope'
        x
        #| 3

        """

    @Test("record writes the expectations under each input and keeps comments")
    func record() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("s.entk")
        try write(Self.plain, to: file)
        let (session, _, display) = makeSession()
        #expect(try session.record(atPath: file.path))
        #expect(try String(contentsOf: file, encoding: .utf8) == Self.recorded)
        #expect(display.text.isEmpty)
        // Recording again changes nothing: line numbers inside errors do not shift.
        let (again, _, _) = makeSession()
        #expect(try again.record(atPath: file.path) == false)
    }

    @Test("check passes on a file that matches")
    func checkPasses() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("s.entk")
        try write(Self.recorded, to: file)
        let (session, _, _) = makeSession()
        #expect(try session.check(atPath: file.path).passed)
    }

    @Test("check prints a unified diff of expected against actual with file names and lines")
    func checkDiff() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("s.entk")
        try write(Self.recorded.replacingOccurrences(of: "#| two", with: "#| three"), to: file)
        let (session, _, _) = makeSession()
        let diff = try #require(try session.check(atPath: file.path).report)
        #expect(diff == """
            \(file.path):11: the text differs
            --- \(file.path) (expected)
            +++ \(file.path) (actual)
            @@ -8,7 +8,7 @@
               say two
             }
             #| one
            -#| three
            +#| two
             nope
             #! s.entk:8: error: unknown name 'nope'
             x

            """)
    }

    @Test("check reports missing output and extra expectations")
    func checkMissingAndExtra() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("t.entk")
        try write("x = 1\n#| stale\nx\n", to: file)
        let (session, _, _) = makeSession()
        let diff = try #require(try session.check(atPath: file.path).report)
        #expect(diff.hasSuffix("@@ -1,3 +1,3 @@\n x = 1\n-#| stale\n x\n+#| 1\n"))
    }

    @Test("the header seed is applied before replaying")
    func seedFromHeader() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("r.entk")
        try write("# entk 0.1.0 · seed 4\nrand\nrand\n", to: file)
        let (session, engine, _) = makeSession()
        try session.record(atPath: file.path)
        #expect(try String(contentsOf: file, encoding: .utf8) == "# entk 0.1.0 · seed 4\nrand\n#| 4001\nrand\n#| 4002\n")
        #expect(engine.seed == 4)
        session.seedOverride = 5
        #expect(try session.check(atPath: file.path).report?.contains("+#| 5001") == true)
    }

    @Test("an unreadable file is an error naming the path")
    func missingFile() {
        let (session, _, _) = makeSession()
        #expect(throws: ConsoleFileError("cannot read '/nonexistent/x.entk': no such file")) {
            try session.check(atPath: "/nonexistent/x.entk")
        }
    }

    @Test(".save writes a session file that checks clean; only recorded commands go in")
    func save() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("saved.entk")
        let (session, _, _) = makeSession(seed: 3)
        for input in ["x = 2", "x", ".timer on", "{\nsay in block\n}", ".history", "nope", ".vars"] {
            session.execute(input, origin: .console)
        }
        let save = session.execute(".save \(file.path)", origin: .console)
        #expect(save.output == [.output("saved 5 inputs to \(file.path)")])
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text == """
            # entk 0.1.0 · seed 3
            x = 2
            x
            #| 2
            {
            say in block
            }
            #| in block
            nope
            #! error: unknown name 'nope'
            .vars
            #| x  int 2

            """.replacingOccurrences(of: "#! error", with: "#! <console>:1: error"))
        // The prompt's `<console>:1` differs from a file's location, so the error line is
        // the one difference when the saved file is checked.
        let (replay, _, _) = makeSession()
        let diff = try #require(try replay.check(atPath: file.path).report)
        #expect(diff.contains("-#! <console>:1: error: unknown name 'nope'\n+#! saved.entk:6: error: unknown name 'nope'\n"))
    }

    @Test(".log writes each input with its output as it goes; .log off stops")
    func log() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("t.entk")
        let (session, _, _) = makeSession(seed: 1)
        session.execute(".timer on", origin: .console)
        session.execute(".log \(file.path)", origin: .console)
        session.execute("say hello", origin: .console)
        #expect(try String(contentsOf: file, encoding: .utf8) == "# entk 0.1.0 · seed 1\nsay hello\n#| hello\n")
        session.execute("fail no", origin: .console)
        session.execute(".log off", origin: .console)
        session.execute("say after", origin: .console)
        #expect(try String(contentsOf: file, encoding: .utf8)
                == "# entk 0.1.0 · seed 1\nsay hello\n#| hello\nfail no\n#! <console>:1: error: no\n")
    }

    @Test(".log appends to a file that exists and says so; --new empties it; a FIFO is refused")
    func logAppends() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("t.entk")
        try write("# notes from yesterday\n", to: file)
        let (session, _, display) = makeSession(seed: 1)
        #expect(session.execute(".log \(file.path)", origin: .console).succeeded)
        #expect(display.text.contains("appending to what it holds (.log \(file.path) --new starts it afresh)"))
        session.execute("say hello", origin: .console)
        #expect(try String(contentsOf: file, encoding: .utf8)
                == "# notes from yesterday\n# log continued here · seed 1\nsay hello\n#| hello\n")
        session.execute(".log \(file.path) --new", origin: .console)
        session.execute("say again", origin: .console)
        #expect(try String(contentsOf: file, encoding: .utf8) == "# entk 0.1.0 · seed 1\nsay again\n#| again\n")
        session.execute(".log off", origin: .console)
        let fifo = directory.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let result = session.execute(".log \(fifo)", origin: .console)
        #expect(!result.succeeded)
        #expect(result.output == [.error("error: cannot append to '\(fifo)': it is a FIFO (named pipe), not a regular file")])
    }

    @Test("a header with a seed that is not a non-negative integer is an error naming line 1")
    func malformedHeaderSeed() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("h.entk")
        for (header, problem) in [("# entk 0.1.0 · seed abc", "the header's seed must be an integer from 0 to 18446744073709551615, got 'abc'"),
                                  ("# entk 0.1.0 · seed -1", "the header's seed must be an integer from 0 to 18446744073709551615, got '-1'"),
                                  ("# entk 0.1.0 · seed 1 · tolerance x", "the header's tolerance must be a finite number ≥ 0, got 'x'")] {
            try write(header + "\nsay hi\n", to: file)
            let (session, engine, _) = makeSession()
            #expect(throws: ConsoleFileError("\(file.path):1: \(problem)")) { try session.runScript(atPath: file.path, keepGoing: false) }
            #expect(throws: ConsoleFileError("\(file.path):1: \(problem)")) { try session.check(atPath: file.path) }
            #expect(engine.runs.isEmpty)
        }
        // A comment that merely starts like a header is still a comment.
        try write("# entk is fun\nsay hi\n", to: file)
        let (session, _, display) = makeSession()
        #expect(try session.runScript(atPath: file.path, keepGoing: false).succeeded)
        #expect(display.text == "hi\n")
    }
}
