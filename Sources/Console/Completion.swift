import Foundation

/// What Tab offers: candidates that replace the text from `start` (a `Character` offset into
/// the line) up to the cursor.
public struct CompletionResult: Equatable, Sendable {
    public var start: Int
    public var candidates: [String]
    public init(start: Int, candidates: [String]) {
        self.start = start
        self.candidates = candidates
    }
}

/// Tab completion, independent of the line editor so tests can drive it.
///
/// - `.` at the start of a line: meta-command names (a unique one gets a trailing space);
/// - after `.read `, `.save `, `.log ` (commands whose argument is a path) and inside
///   `load("`: file paths, directories ending in `/`, hidden files only when asked for;
/// - anywhere else: the engine's candidates for the identifier before the cursor.
public enum Completer {
    public static func complete(line: String, cursor: Int, engine: any ConsoleEngine) -> CompletionResult {
        let prefix = String(line.prefix(cursor))
        if MetaCommandLine.isMetaCommand(prefix) || prefix == "." {
            let body = prefix.dropFirst()
            guard let space = body.firstIndex(where: \.isWhitespace) else {
                let names = MetaCommand.table.map(\.name).filter { $0.hasPrefix(body) }
                return CompletionResult(start: 0, candidates: names.count == 1 ? ["." + names[0] + " "] : names.map { "." + $0 })
            }
            let typed = String(body[..<space])
            if case .command(let name) = MetaCommand.resolve(typed), MetaCommand.named(name)?.takesPath == true {
                let argumentStart = body[space...].firstIndex { !$0.isWhitespace } ?? body.endIndex
                let argument = String(body[argumentStart...])
                return CompletionResult(start: prefix.count - argument.count, candidates: paths(completing: argument))
            }
            return CompletionResult(start: cursor, candidates: [])
        }
        if let argument = openLoadArgument(prefix) {
            return CompletionResult(start: prefix.count - argument.count, candidates: paths(completing: argument))
        }
        let word = prefix.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return CompletionResult(start: cursor - word.count, candidates: engine.completions(line: line, cursor: cursor))
    }

    /// The text after the last `load("` when its string is still open.
    static func openLoadArgument(_ prefix: String) -> String? {
        guard let range = prefix.range(of: "load(\"", options: .backwards) else { return nil }
        let argument = prefix[range.upperBound...]
        return argument.contains("\"") ? nil : String(argument)
    }

    /// Paths starting with `partial`: entries of its directory part whose names start with its
    /// last component, sorted, directories with a trailing `/`.
    public static func paths(completing partial: String) -> [String] {
        let slash = partial.lastIndex(of: "/")
        let directoryPart = slash.map { String(partial[...$0]) } ?? ""
        let namePrefix = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        var directory = directoryPart.isEmpty ? "." : directoryPart
        if directory == "~/" || directory.hasPrefix("~/") { directory = NSHomeDirectory() + directory.dropFirst() }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names
            .filter { $0.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !$0.hasPrefix(".")) }
            .sorted()
            .map { name in
                var isDirectory: ObjCBool = false
                let full = (directory as NSString).appendingPathComponent(name)
                let marker = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) && isDirectory.boolValue ? "/" : ""
                return directoryPart + name + marker
            }
    }
}
