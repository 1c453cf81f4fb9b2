import Console
import Testing

@Suite("Session files")
struct SessionScriptTests {
    let status = TestEngine().inputStatus

    static let sample = """
        # entk 0.1.0 · seed 7
        # a comment
        x = 3
        x
        #| 3

        {
          say hi
        }
        #| hi
        .vars
        #| x  int 3
        nope
        #! s.entk:11: error: unknown name 'nope'

        """

    @Test("header, notes, multi-line inputs and expectations are read")
    func parsesStructure() {
        let script = SessionScript.parse(Self.sample, inputStatus: status)
        #expect(script.header == SessionHeader(version: "0.1.0", seed: 7))
        #expect(script.inputs.map(\.text) == ["x = 3", "x", "{\n  say hi\n}", ".vars", "nope"])
        #expect(script.inputs.map(\.line) == [3, 4, 7, 11, 13])
        #expect(script.inputs[1].expected == [.output("3")])
        #expect(script.inputs[2].expected == [.output("hi")])
        #expect(script.inputs[4].expected == [.error("s.entk:11: error: unknown name 'nope'")])
        #expect(script.items.first == .note("# a comment"))
    }

    @Test("replay line numbers skip the header and expectation lines")
    func replayLines() {
        let script = SessionScript.parse(Self.sample, inputStatus: status)
        #expect(script.inputs.map(\.replayLine) == [2, 3, 5, 8, 9])
    }

    @Test("writing what was read gives the same text back")
    func roundTrip() {
        let script = SessionScript.parse(Self.sample, inputStatus: status)
        #expect(script.rendered() == Self.sample)
        #expect(SessionScript.parse(script.rendered(), inputStatus: status) == script)
    }

    @Test("an empty expectation line is written without a trailing space")
    func emptyExpectation() {
        #expect(ExpectedLine.output("").rendered == "#|")
        #expect(ExpectedLine(line: "#|") == .output(""))
        #expect(ExpectedLine(line: "#!  two spaces") == .error(" two spaces"))
        #expect(ExpectedLine(line: "# plain comment") == nil)
    }

    @Test("an expectation line closes a multi-line input left open")
    func expectationClosesOpenInput() {
        let script = SessionScript.parse("{\nsay a\n#! broken\nx = 1\n", inputStatus: status)
        #expect(script.inputs.map(\.text) == ["{\nsay a", "x = 1"])
        #expect(script.inputs[0].expected == [.error("broken")])
    }

    @Test("CRLF files are read like LF files")
    func carriageReturns() {
        let script = SessionScript.parse("x = 1\r\nx\r\n#| 1\r\n", inputStatus: status)
        #expect(script.inputs.map(\.text) == ["x = 1", "x"])
        #expect(script.inputs[1].expected == [.output("1")])
    }

    @Test("output chunks become lines; error text marks its line; colour is dropped")
    func linesFromChunks() {
        let chunks: [CollectingOutput.Chunk] = [
            .init(text: "a\nb", isError: false), .init(text: "c  \n", isError: false),
            .init(text: "\u{1B}[31mbad\u{1B}[0m\n", isError: true),
        ]
        #expect(ExpectedLine.lines(from: chunks, failed: true) == [.output("a"), .output("bc"), .error("bad")])
    }

    @Test("a failed input that never used writeError records all its output as errors")
    func plainFailure() {
        let chunks: [CollectingOutput.Chunk] = [.init(text: "oops\nmore", isError: false)]
        #expect(ExpectedLine.lines(from: chunks, failed: true) == [.error("oops"), .error("more")])
        #expect(ExpectedLine.lines(from: chunks, failed: false) == [.output("oops"), .output("more")])
    }

    @Test("header accepts the version and seed and rejects other comments")
    func headers() {
        #expect(SessionHeader(line: "# entk 0.1.0 · seed 42") == SessionHeader(version: "0.1.0", seed: 42))
        #expect(SessionHeader(line: "# entk 0.2.0 - seed 3") == SessionHeader(version: "0.2.0", seed: 3))
        #expect(SessionHeader(line: "# entk is nice") == nil)
        #expect(SessionHeader(version: "0.1.0", seed: 0).rendered == "# entk 0.1.0 · seed 0")
    }
}

@Suite("Unified diff")
struct UnifiedDiffTests {
    @Test("equal texts give no diff")
    func equal() {
        #expect(UnifiedDiff.make(old: ["a", "b"], new: ["a", "b"], oldName: "x", newName: "y") == nil)
    }

    @Test("a changed line gives one hunk with three lines of context, like diff -u")
    func changedLine() {
        let old = (1...10).map { "line \($0)" }
        var new = old
        new[5] = "line six"
        let expected = """
            --- f (expected)
            +++ f (actual)
            @@ -3,7 +3,7 @@
             line 3
             line 4
             line 5
            -line 6
            +line six
             line 7
             line 8
             line 9

            """
        #expect(UnifiedDiff.make(old: old, new: new, oldName: "f (expected)", newName: "f (actual)") == expected)
    }

    @Test("distant changes get separate hunks; insertions and deletions count right")
    func separateHunks() {
        let old = (1...20).map(String.init)
        var new = old
        new.remove(at: 1)                 // delete "2"
        new.insert("x", at: 17)           // insert before "19"
        let diff = UnifiedDiff.make(old: old, new: new, oldName: "a", newName: "b", context: 1)!
        let headers = diff.split(separator: "\n").filter { $0.hasPrefix("@@") }
        #expect(headers == ["@@ -1,3 +1,2 @@", "@@ -18,2 +17,3 @@"])
        #expect(diff.contains("\n-2\n"))
        #expect(diff.contains("\n+x\n"))
    }

    @Test("an insertion into an empty file names line 0")
    func emptyOld() {
        #expect(UnifiedDiff.make(old: [], new: ["a"], oldName: "a", newName: "b") == "--- a\n+++ b\n@@ -0,0 +1 @@\n+a\n")
    }
}
