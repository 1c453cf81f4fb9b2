import Console
import Foundation
import Testing

/// A kernel server over `session` whose events are collected as parsed JSON objects.
private final class KernelHarness {
    let server: KernelServer
    private final class Box { var lines: [String] = [] }
    private let box = Box()

    init(session: ConsoleSession) {
        let box = self.box
        server = KernelServer(session: session, events: KernelEventWriter { box.lines.append($0) })
    }

    /// Sends one request (a JSON object) and returns the events it caused, and whether the
    /// server goes on.
    @discardableResult
    func send(_ request: [String: Any]) -> (events: [[String: Any]], goesOn: Bool) {
        let data = try! JSONSerialization.data(withJSONObject: request)
        return send(line: String(decoding: data, as: UTF8.self))
    }

    func send(line: String) -> (events: [[String: Any]], goesOn: Bool) {
        box.lines = []
        let goesOn = server.handle(line: line)
        for line in box.lines { #expect(!line.contains("\n"), "an event is one line") }
        let events = box.lines.map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        return (events, goesOn)
    }

    func execute(_ code: String, id: Int = 1) -> (events: [[String: Any]], reply: [String: Any]) {
        let events = send(["id": id, "type": "execute", "code": code]).events
        #expect(events.last?["event"] as? String == "reply")
        return (events, events.last ?? [:])
    }
}

/// The text of the `stream` events named `name`, concatenated.
private func streamed(_ events: [[String: Any]], _ name: String) -> String {
    events.filter { $0["event"] as? String == "stream" && $0["name"] as? String == name }
        .map { $0["text"] as! String }.joined()
}

@Suite("entk --kernel protocol")
struct KernelServerTests {
    @Test("a cell runs as a script: results stream as stdout, each event names the request")
    func executeStreams() {
        let (session, _, _) = makeSession()
        let kernel = KernelHarness(session: session)
        let (events, reply) = kernel.execute("x = 3\nsay hello\n{\nsay in a block\n}\nx", id: 7)
        #expect(streamed(events, "stdout") == "hello\nin a block\n3\n")
        #expect(events.allSatisfy { $0["id"] as? Int == 7 })
        #expect(reply["status"] as? String == "ok")
        #expect(reply["execution_count"] as? Int == 1)
        #expect(reply["interrupted"] as? Bool == false)
        #expect(session.entries.map(\.text) == ["x = 3", "say hello", "{\nsay in a block\n}", "x"])
    }

    @Test("the first failing input stops the cell; its error is on stderr and in the reply; earlier bindings survive")
    func errorStopsCell() {
        let (session, engine, _) = makeSession()
        let kernel = KernelHarness(session: session)
        let (events, reply) = kernel.execute("a = 1\nsay before\nfail it broke\nb = 2")
        #expect(streamed(events, "stdout") == "before\n")
        #expect(streamed(events, "stderr") == "<cell 1>:3: error: it broke\n")
        #expect(reply["status"] as? String == "error")
        let error = reply["error"] as? [String: Any] ?? [:]
        #expect(error["message"] as? String == "it broke")
        #expect(error["file"] as? String == "<cell 1>")
        #expect(error["line"] as? Int == 3)
        #expect(engine.values == ["a": 1])
        let next = kernel.execute("a", id: 2)
        #expect(streamed(next.events, "stdout") == "1\n")
        #expect(next.reply["execution_count"] as? Int == 2)
    }

    @Test("an error of the real language carries line, column, source line and caret")
    func languageDiagnostic() {
        let session = ConsoleSession(engine: LanguageEngine(), display: CollectingOutput())
        let kernel = KernelHarness(session: session)
        let (_, reply) = kernel.execute("x = 2\ny = x +\n  1\nz = 2 * lenght")
        let error = reply["error"] as? [String: Any] ?? [:]
        #expect(error["file"] as? String == "<cell 1>")
        #expect(error["line"] as? Int == 4)
        #expect(error["column"] as? Int == 9)
        #expect(error["source"] as? String == "z = 2 * lenght")
        #expect(error["caret"] as? String == "        ^~~~~~")
        #expect((error["message"] as? String)?.hasPrefix("unknown name `lenght`") == true)
        #expect(error["text"] as? [String] == ["<cell 1>:4:9: error: unknown name `lenght`", "z = 2 * lenght", "        ^~~~~~"])
        let next = kernel.execute("y")
        #expect(streamed(next.events, "stdout") == "3\n", "the multi-line input before the error ran")
    }

    @Test("each figure an input showed follows its output as SVG, with the name it was saved under")
    func figures() {
        let (session, _, _) = makeSession()
        let kernel = KernelHarness(session: session)
        let (events, _) = kernel.execute("say one\ndraw spectrum\ndraw saved > s.svg\nsay two")
        let kinds = events.map { "\($0["event"]!)" + ($0["event"] as? String == "figure" ? ":\($0["name"] is NSNull ? "-" : $0["name"] as! String)" : "") }
        #expect(kinds == ["stream", "figure:-", "figure:s.svg", "stream", "reply"])
        let svg = events[1]["svg"] as? String ?? ""
        #expect(svg.contains("<text>spectrum</text>"))
    }

    @Test("meta-commands work in cells, and their errors name the cell and line")
    func metaCommands() {
        let (session, _, _) = makeSession()
        let kernel = KernelHarness(session: session)
        let (events, reply) = kernel.execute("n = 4\n.vars\n.seed 9\n.seed")
        #expect(streamed(events, "stdout") == "n  int 4\nseed 9\n")
        #expect(reply["status"] as? String == "ok")
        #expect(session.engine.seed == 9)
        let failed = kernel.execute(".vars\n.frobnicate")
        let error = failed.reply["error"] as? [String: Any] ?? [:]
        #expect(error["message"] as? String == "unknown meta-command '.frobnicate' (.help lists them)")
        #expect(error["line"] as? Int == 2)
    }

    @Test(".quit ends the server after its reply; shutdown too")
    func quitAndShutdown() {
        let (session, _, _) = makeSession()
        let kernel = KernelHarness(session: session)
        let quit = kernel.send(["id": 1, "type": "execute", "code": ".quit"])
        #expect(!quit.goesOn)
        #expect(quit.events.last?["quit"] as? Bool == true)
        let shutdown = kernel.send(["id": 2, "type": "shutdown"])
        #expect(!shutdown.goesOn)
        #expect(shutdown.events.count == 1 && shutdown.events[0]["status"] as? String == "ok")
        #expect(kernel.send(["id": 3, "type": "bindings"]).goesOn)
    }

    @Test("completion works on the cursor's line; offsets count Unicode scalars of the whole cell")
    func completion() {
        let (session, _, _) = makeSession()
        let kernel = KernelHarness(session: session)
        _ = kernel.execute("fact = 1\nfactor = 2")
        let code = "# é ü\nsay x\nfac"
        let reply = kernel.send(["id": 1, "type": "complete", "code": code, "cursor": code.unicodeScalars.count]).events[0]
        #expect(reply["matches"] as? [String] == ["fact", "factor"])
        #expect(reply["cursor_start"] as? Int == code.unicodeScalars.count - 3)
        #expect(reply["cursor_end"] as? Int == code.unicodeScalars.count)
        let meta = kernel.send(["id": 2, "type": "complete", "code": ".les", "cursor": 4]).events[0]
        #expect(meta["matches"] as? [String] == [".lessons", ".lesson"])
        #expect(meta["cursor_start"] as? Int == 0)
        let outside = kernel.send(["id": 3, "type": "complete", "code": "ab", "cursor": 5]).events[0]
        #expect(outside["status"] as? String == "error")
    }

    @Test("inspect shows the help of the name under the cursor, or of a meta-command")
    func inspect() {
        let (session, _, _) = makeSession()
        let kernel = KernelHarness(session: session)
        let reply = kernel.send(["id": 1, "type": "inspect", "code": "x = 1\nsay hi", "cursor": 7]).events[0]
        #expect(reply["found"] as? Bool == true)
        #expect(reply["name"] as? String == "say")
        #expect(reply["text"] as? String == "say TEXT — prints TEXT")
        let meta = kernel.send(["id": 2, "type": "inspect", "code": ".rea", "cursor": 2]).events[0]
        #expect(meta["name"] as? String == ".read")
        #expect((meta["text"] as? String)?.hasPrefix(".read FILE\n") == true)
        let unknown = kernel.send(["id": 3, "type": "inspect", "code": "zzz", "cursor": 1]).events[0]
        #expect(unknown["found"] as? Bool == false)
    }

    @Test("inspect on a member finds the method's help under the value's type")
    func inspectMember() {
        let session = ConsoleSession(engine: LanguageEngine(), display: CollectingOutput())
        let kernel = KernelHarness(session: session)
        _ = kernel.execute("m = tms(features: 3, hidden: 2)\nK = ntk(m, m.samples(4))")
        let code = "K.eig(2)"
        let reply = kernel.send(["id": 1, "type": "inspect", "code": code, "cursor": 3]).events[0]
        #expect(reply["found"] as? Bool == true)
        #expect(reply["name"] as? String == "kernel.eig")
        #expect((reply["text"] as? String)?.contains("eig(") == true)
    }

    @Test("is_complete: an open block is incomplete; blanks are empty; a meta-command is complete")
    func isComplete() {
        let (session, _, _) = makeSession()
        let kernel = KernelHarness(session: session)
        func completeness(_ code: String) -> String? {
            kernel.send(["id": 1, "type": "is_complete", "code": code]).events[0]["completeness"] as? String
        }
        #expect(completeness("x = 1\n{\nsay a") == "incomplete")
        #expect(completeness("x = 1\n{\nsay a\n}") == "complete")
        #expect(completeness("# only a comment\n") == "empty")
        #expect(completeness(".vars") == "complete")
    }

    @Test("bindings are listed with their summaries")
    func bindings() {
        let (session, _, _) = makeSession()
        let kernel = KernelHarness(session: session)
        _ = kernel.execute("b = 2\na = 1")
        let reply = kernel.send(["id": "x", "type": "bindings"]).events[0]
        #expect(reply["id"] as? String == "x")
        let list = reply["bindings"] as? [[String: String]]
        #expect(list == [["name": "a", "summary": "int 1"], ["name": "b", "summary": "int 2"]])
    }

    @Test("a malformed or unknown request gets an error reply saying what is wrong; the server goes on")
    func badRequests() {
        let (session, _, _) = makeSession()
        let kernel = KernelHarness(session: session)
        let garbage = kernel.send(line: "execute x = 1")
        #expect(garbage.goesOn)
        #expect(garbage.events[0]["id"] is NSNull)
        #expect((garbage.events[0]["error"] as? [String: Any])?["message"] as? String == "a request must be one JSON object on one line")
        let unknown = kernel.send(["id": 4, "type": "evaluate"]).events[0]
        #expect(((unknown["error"] as? [String: Any])?["message"] as? String)?.hasPrefix("unknown request type 'evaluate'") == true)
        let missing = kernel.send(["id": 5, "type": "execute"]).events[0]
        #expect((missing["error"] as? [String: Any])?["message"] as? String == "execute needs a string field 'code'")
        #expect(kernel.send(line: "   ").events.isEmpty)
    }

    @Test("the ready event names the protocol, the version and the language")
    func ready() {
        let (session, _, _) = makeSession()
        var lines: [String] = []
        let server = KernelServer(session: session, events: KernelEventWriter { lines.append($0) })
        server.sendReady()
        let ready = try! JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(ready["event"] as? String == "ready")
        #expect(ready["protocol"] as? Int == KernelProtocol.version)
        #expect(ready["version"] as? String == EntkVersion.string)
        #expect((ready["language"] as? [String: String])?["file_extension"] == ".entk")
    }
}
