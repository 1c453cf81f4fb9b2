#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// `entk --kernel`: answers `KernelRequest`s with events, driving a `ConsoleSession`, so a cell
/// behaves exactly as the same lines typed at the console (meta-commands, lessons, errors that
/// abandon one input, Ctrl-C). Jupyter's wrapper kernel (`jupyter/entk_kernel`) is its client.
///
/// A cell runs as a script named `<cell N>` (N counts executions): its inputs run in order and
/// the first failure stops the rest. After each input its figures are sent as SVG. SIGINT stops
/// the running input at its next safe point, as Ctrl-C does; between requests it does nothing.
public final class KernelServer {
    public let session: ConsoleSession
    let events: KernelEventWriter
    let stream: KernelStreamOutput
    /// Cells executed so far (the `N` of `<cell N>`).
    public private(set) var executionCount = 0

    /// A server over `session`, which it makes show its output as `stream` events via `events`.
    public init(session: ConsoleSession, events: KernelEventWriter) {
        self.session = session
        self.events = events
        if let existing = session.display as? KernelStreamOutput, existing.events === events {
            stream = existing
        } else {
            stream = KernelStreamOutput(events: events)
            session.display = stream
        }
    }

    /// The display a session needs before the server exists (so the prelude's output is sent
    /// as events too): pass it to `ConsoleSession.init`.
    public static func display(for events: KernelEventWriter) -> any ConsoleOutput { KernelStreamOutput(events: events) }

    /// The first event: the protocol version, entk's, and the banner.
    public func sendReady() {
        events.emit(id: NSNull(), event: "ready", [
            "protocol": KernelProtocol.version, "version": EntkVersion.string, "banner": ConsoleLauncher.banner,
            "language": ["name": KernelProtocol.languageName, "file_extension": KernelProtocol.fileExtension,
                         "mimetype": KernelProtocol.mimeType],
        ])
    }

    /// Answers one request line. Returns false when the server should stop (shutdown, `.quit`).
    @discardableResult
    public func handle(line: String) -> Bool {
        guard !line.allSatisfy(\.isWhitespace) else { return true }
        let request: KernelRequest
        switch KernelRequest.parse(line) {
        case .failure(let error):
            events.emit(id: error.id, event: "reply", ["status": "error", "error": ["message": error.message, "text": ["error: " + error.message]]])
            return true
        case .success(let parsed): request = parsed
        }
        switch request.kind {
        case .execute(let code): return execute(code, id: request.id)
        case .complete(let code, let cursor):
            events.emit(id: request.id, event: "reply", complete(code, cursor: cursor))
        case .inspect(let code, let cursor):
            events.emit(id: request.id, event: "reply", inspect(code, cursor: cursor))
        case .isComplete(let code):
            events.emit(id: request.id, event: "reply", ["status": "ok", "completeness": completeness(code)])
        case .bindings:
            let list = session.engine.bindings.map { ["name": $0.name, "summary": $0.summary] }
            events.emit(id: request.id, event: "reply", ["status": "ok", "bindings": list])
        case .shutdown:
            events.emit(id: request.id, event: "reply", ["status": "ok"])
            return false
        }
        return true
    }

    /// Runs a cell; streams its output and figures; replies with its status and first error.
    private func execute(_ code: String, id: Any) -> Bool {
        stream.requestID = id
        defer { stream.requestID = NSNull() }
        let script = SessionScript.parse(code, inputStatus: session.engine.inputStatus)
        if !script.inputs.isEmpty { executionCount += 1 }
        let file = "<cell \(executionCount)>"
        var failure: KernelDiagnostic?
        var interrupted = false
        var quit = false
        for input in script.inputs {
            let before = session.entries.count
            let result = session.execute(input.text, origin: InputOrigin(file: file, line: input.line))
            for entry in session.entries[min(before, session.entries.count)...] {
                for figure in entry.figures {
                    events.emit(id: id, event: "figure", ["svg": figure.svg, "name": figure.savedName ?? NSNull()])
                }
            }
            if result.interrupted { interrupted = true }
            if !result.succeeded {
                failure = KernelDiagnostic.first(in: result.output)
                    ?? KernelDiagnostic(message: interrupted ? "interrupted" : "the input failed", text: [])
            }
            if result.quit { quit = true }
            if quit || interrupted || !result.succeeded { break }
        }
        var reply: [String: Any] = ["status": failure == nil && !interrupted ? "ok" : "error",
                                    "execution_count": executionCount, "interrupted": interrupted, "quit": quit]
        if interrupted && failure == nil { failure = KernelDiagnostic(message: "interrupted", text: ["interrupted"]) }
        if let failure { reply["error"] = failure.json }
        events.emit(id: id, event: "reply", reply)
        return !quit
    }

    /// Candidates for the word before `cursor`, on the cursor's line, as the console's Tab.
    private func complete(_ code: String, cursor: Int) -> [String: Any] {
        let (line, lineStart, column) = Self.line(of: code, atScalar: cursor)
        let characterColumn = Self.characterOffset(line, scalarOffset: column)
        let result = Completer.complete(line: line, cursor: characterColumn, engine: session.engine)
        let start = lineStart + Self.scalarOffset(line, characterOffset: result.start)
        return ["status": "ok", "matches": result.candidates, "cursor_start": start, "cursor_end": cursor]
    }

    /// Help on the name around `cursor`: a meta-command at the start of a line, a `type.method`
    /// or member name, a function or a type.
    private func inspect(_ code: String, cursor: Int) -> [String: Any] {
        let (line, _, column) = Self.line(of: code, atScalar: cursor)
        let scalars = Array(line.unicodeScalars)
        func isNamePart(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == "." }
        var start = min(column, scalars.count), end = start
        while start > 0, isNamePart(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isNamePart(scalars[end]) { end += 1 }
        var name = String(String.UnicodeScalarView(scalars[start..<end]))
        while name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty else { return ["status": "ok", "found": false, "name": ""] }
        if start == 0, name.hasPrefix("."), case .command(let resolved) = MetaCommand.resolve(String(name.dropFirst())),
           let command = MetaCommand.named(resolved) {
            return ["status": "ok", "found": true, "name": "." + resolved, "text": "\(command.usage)\n  \(command.summary)"]
        }
        while name.hasPrefix(".") { name.removeFirst() }
        var candidates = [name]
        if let dot = name.lastIndex(of: ".") {
            // `K.eig`: the member's help under the value's type (`kernel.eig`), else the member alone.
            let owner = String(name[..<dot]), member = String(name[name.index(after: dot)...])
            if let type = Self.typeName(of: owner, in: session.engine) { candidates.insert(type + "." + member, at: 0) }
            candidates.append(member)
        }
        for candidate in candidates {
            if let text = session.engine.help(candidate) {
                return ["status": "ok", "found": true, "name": candidate, "text": text]
            }
        }
        return ["status": "ok", "found": false, "name": name]
    }

    /// The type word of a bound name's summary (`kernel flat 3×3 …` → `kernel`), if bound.
    static func typeName(of name: String, in engine: any ConsoleEngine) -> String? {
        guard let binding = engine.bindings.first(where: { $0.name == name }) else { return nil }
        return binding.summary.split(separator: " ").first.map(String.init)
    }

    /// `incomplete` when the cell's last input needs more lines (an open bracket or block).
    private func completeness(_ code: String) -> String {
        if !code.contains("\n"), MetaCommandLine.isMetaCommand(code) { return "complete" }
        guard let last = SessionScript.parse(code, inputStatus: session.engine.inputStatus).inputs.last else { return "empty" }
        if MetaCommandLine.isMetaCommand(last.text) { return "complete" }
        return session.engine.inputStatus(last.text) == .incomplete ? "incomplete" : "complete"
    }

    /// The line holding scalar offset `cursor` of `code`, the scalar offset where that line
    /// starts, and the cursor's scalar offset within it.
    static func line(of code: String, atScalar cursor: Int) -> (line: String, start: Int, column: Int) {
        let scalars = Array(code.unicodeScalars)
        let at = min(max(cursor, 0), scalars.count)
        var start = at
        while start > 0, scalars[start - 1] != "\n" { start -= 1 }
        var end = at
        while end < scalars.count, scalars[end] != "\n" { end += 1 }
        return (String(String.UnicodeScalarView(scalars[start..<end])), start, at - start)
    }

    /// The `Character` offset of scalar offset `scalarOffset` in `line` (rounded down to a
    /// character boundary).
    static func characterOffset(_ line: String, scalarOffset: Int) -> Int {
        var scalars = 0, characters = 0
        for character in line {
            let next = scalars + character.unicodeScalars.count
            if next > scalarOffset { break }
            scalars = next
            characters += 1
        }
        return characters
    }

    static func scalarOffset(_ line: String, characterOffset: Int) -> Int {
        line.prefix(max(0, characterOffset)).unicodeScalars.count
    }

    /// Serves requests from file descriptor `input` until end of input, `shutdown` or `.quit`.
    /// Returns the exit status (0).
    public func serve(input: Int32 = 0) -> Int32 {
        sendReady()
        var reader = LineReader(descriptor: input)
        while let line = reader.next() {
            // A SIGINT between requests has nothing to stop.
            Interrupts.clear()
            if !handle(line: line) { break }
        }
        session.close()
        return ExitStatus.success
    }
}

/// Lines from a file descriptor by `read(2)`, retrying when a signal (SIGINT while idle)
/// interrupts the read, which the C library's line readers report as end of input.
struct LineReader {
    let descriptor: Int32
    private var buffer: [UInt8] = []
    private var atEnd = false
    init(descriptor: Int32) { self.descriptor = descriptor }

    mutating func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = [] }
                return String(decoding: buffer, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                atEnd = true
            } else if count == 0 {
                atEnd = true
            } else {
                buffer.append(contentsOf: chunk[..<count])
            }
        }
    }
}
