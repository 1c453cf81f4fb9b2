import Foundation

/// The messages of `entk --kernel`: one JSON object per line in each direction
/// (`Documentation/Kernel.md` is the reference).
///
/// A request names its `type` and carries an `id` (any JSON value), which every event answering
/// it repeats. An execute request is answered by any number of `stream` and `figure` events, then
/// one `reply`; every other request by one `reply`.
public enum KernelProtocol {
    /// Bumped when a request or event changes incompatibly.
    public static let version = 1
    /// The language as a Jupyter client names it.
    public static let languageName = "entk"
    public static let fileExtension = ".entk"
    public static let mimeType = "text/x-entk"
}

/// A request read from one line of standard input.
public struct KernelRequest {
    /// What the client asks for.
    public enum Kind: Equatable, Sendable {
        /// Run `code` (a cell: several inputs and meta-commands, as a script).
        case execute(code: String)
        /// Completion candidates at `cursor` (a Unicode scalar offset into `code`).
        case complete(code: String, cursor: Int)
        /// Help on the name at `cursor`.
        case inspect(code: String, cursor: Int)
        /// Whether `code` is complete, needs more lines, or is empty.
        case isComplete(code: String)
        /// The session's bindings.
        case bindings
        /// End the server after replying.
        case shutdown
    }

    /// The request's `id`, echoed in every event answering it (`NSNull` when missing).
    public var id: Any
    public var kind: Kind

    /// Reads one line; the error says what is wrong, in the words of a reply's `message`.
    public static func parse(_ line: String) -> Result<KernelRequest, KernelRequestError> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)),
              let fields = object as? [String: Any] else {
            return .failure(KernelRequestError(id: NSNull(), message: "a request must be one JSON object on one line"))
        }
        let id = fields["id"] ?? NSNull()
        func fail(_ message: String) -> Result<KernelRequest, KernelRequestError> {
            .failure(KernelRequestError(id: id, message: message))
        }
        guard let type = fields["type"] as? String else { return fail("the request has no string field 'type'") }
        let code = fields["code"] as? String
        let cursor = (fields["cursor"] as? NSNumber)?.intValue
        switch type {
        case "execute":
            guard let code else { return fail("execute needs a string field 'code'") }
            return .success(KernelRequest(id: id, kind: .execute(code: code)))
        case "complete", "inspect":
            guard let code else { return fail("\(type) needs a string field 'code'") }
            let scalars = code.unicodeScalars.count
            let at = cursor ?? scalars
            guard at >= 0 && at <= scalars else {
                return fail("cursor \(at) is outside the code (0…\(scalars) Unicode scalars)")
            }
            return .success(KernelRequest(id: id, kind: type == "complete" ? .complete(code: code, cursor: at) : .inspect(code: code, cursor: at)))
        case "is_complete":
            guard let code else { return fail("is_complete needs a string field 'code'") }
            return .success(KernelRequest(id: id, kind: .isComplete(code: code)))
        case "bindings": return .success(KernelRequest(id: id, kind: .bindings))
        case "shutdown": return .success(KernelRequest(id: id, kind: .shutdown))
        default:
            return fail("unknown request type '\(type)' (execute, complete, inspect, is_complete, bindings, shutdown)")
        }
    }
}

/// A request that could not be read: answered by a reply with status `error`.
public struct KernelRequestError: Error {
    public var id: Any
    public var message: String
}

/// An error as the kernel reports it: the diagnostic's parts, read from the text the console
/// shows (`file:line:col: error: message`, the source line, the caret line).
public struct KernelDiagnostic: Equatable, Sendable {
    public var message: String
    public var file: String?
    public var line: Int?
    public var column: Int?
    /// The source line the caret points into.
    public var source: String?
    /// `^~~~` under the culprit, aligned with `source`.
    public var caret: String?
    /// Every error line the input wrote, as shown.
    public var text: [String]

    /// The first error among `lines` (what one input wrote), or nil when there is none.
    public static func first(in lines: [ExpectedLine]) -> KernelDiagnostic? {
        let errors = lines.compactMap { line -> String? in if case .error(let text) = line { text } else { nil } }
        guard let index = errors.firstIndex(where: { $0.contains("error: ") }) ?? (errors.isEmpty ? nil : 0) else { return nil }
        var diagnostic = KernelDiagnostic(message: errors[index], text: errors)
        let heading = errors[index]
        guard let marker = heading.range(of: "error: ") else { return diagnostic }
        diagnostic.message = String(heading[marker.upperBound...])
        // `file:line:col: ` or `file:line: ` before the marker; the file may hold colons.
        let location = heading[..<marker.lowerBound].dropLast(heading[..<marker.lowerBound].hasSuffix(": ") ? 2 : 0)
        var parts = location.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 3, let column = Int(parts[parts.count - 1]), let line = Int(parts[parts.count - 2]) {
            diagnostic.column = column
            diagnostic.line = line
            parts.removeLast(2)
            diagnostic.file = parts.joined(separator: ":")
        } else if parts.count >= 2, let line = Int(parts[parts.count - 1]) {
            diagnostic.line = line
            parts.removeLast()
            diagnostic.file = parts.joined(separator: ":")
        }
        if diagnostic.column != nil, index + 2 < errors.count,
           !errors[index + 2].isEmpty, errors[index + 2].allSatisfy({ " \t^~".contains($0) }) {
            diagnostic.source = errors[index + 1]
            diagnostic.caret = errors[index + 2]
        }
        return diagnostic
    }

    /// The JSON object of a reply's `error` field.
    var json: [String: Any] {
        var object: [String: Any] = ["message": message, "text": text]
        if let file { object["file"] = file }
        if let line { object["line"] = line }
        if let column { object["column"] = column }
        if let source { object["source"] = source }
        if let caret { object["caret"] = caret }
        return object
    }
}

/// Writes events, one JSON object per line, through `send` (standard output in `entk --kernel`).
public final class KernelEventWriter {
    private let send: (String) -> Void
    private let lock = NSLock()

    /// - Parameter send: receives each event's line, without the newline.
    public init(send: @escaping (String) -> Void) { self.send = send }

    /// Encodes `fields` (plus `id` and `event`) as one line.
    func emit(id: Any, event: String, _ fields: [String: Any] = [:]) {
        var object = fields
        object["id"] = id
        object["event"] = event
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return
        }
        lock.lock()
        defer { lock.unlock() }
        send(String(decoding: data, as: UTF8.self))
    }
}

/// The console's display in kernel mode: everything the session writes becomes a `stream` event
/// (`stdout` for results, `stderr` for diagnostics) of the request now running.
final class KernelStreamOutput: ConsoleOutput {
    let events: KernelEventWriter
    /// The id of the request whose output this is; `NSNull` outside requests (the prelude).
    var requestID: Any = NSNull()
    init(events: KernelEventWriter) { self.events = events }
    func write(_ text: String) { events.emit(id: requestID, event: "stream", ["name": "stdout", "text": text]) }
    func writeError(_ text: String) { events.emit(id: requestID, event: "stream", ["name": "stderr", "text": text]) }
}
