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
/// - after `.read `, `.save `, `.log ` (commands whose argument is a path) and inside an open
///   string argument of a function with a `path` parameter (`load("`, `save(x, "`,
///   `load_weights(m, "`): file paths, directories ending in `/`, hidden files only when asked for;
/// - inside `help("`: the topics help answers to;
/// - anywhere else: the engine's candidates for the identifier before the cursor, and, right
///   after `(` or `,` of a call, the callee's argument labels (`view:`).
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
        if let (callee, argument) = openStringArgument(prefix) {
            let start = prefix.count - argument.count
            if callee == "help" { return CompletionResult(start: start, candidates: engine.helpTopics.filter { $0.hasPrefix(argument) }) }
            if callee == "load" || engine.parameterNames(of: callee)?.contains("path") == true {
                return CompletionResult(start: start, candidates: paths(completing: argument))
            }
            return CompletionResult(start: cursor, candidates: [])
        }
        let word = String(prefix.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
        var candidates = engine.completions(line: line, cursor: cursor)
        if let callee = calleeAwaitingArgument(String(prefix.dropLast(word.count))), let names = engine.parameterNames(of: callee) {
            candidates = names.filter { $0.hasPrefix(word) }.map { $0 + ": " } + candidates
        }
        return CompletionResult(start: cursor - word.count, candidates: candidates)
    }

    /// The callee and the text typed so far when the prefix ends inside a string that is an
    /// argument of a call (`save(x, "out/sp` → ("save", "out/sp")).
    static func openStringArgument(_ prefix: String) -> (callee: String, argument: String)? {
        var open: String.Index?
        var index = prefix.startIndex
        while index < prefix.endIndex {
            let c = prefix[index]
            if open != nil, c == "\\" { index = prefix.index(after: index); if index < prefix.endIndex { index = prefix.index(after: index) }; continue }
            if c == "\"" { open = open == nil ? index : nil }
            index = prefix.index(after: index)
        }
        guard let quote = open, let callee = calleeAwaitingArgument(String(prefix[..<quote])) else { return nil }
        return (callee, String(prefix[prefix.index(after: quote)...]))
    }

    /// The function whose argument list the prefix ends in, right after its `(` or a `,`
    /// (spaces allowed): `ntk(net, x, ` → "ntk"; nil elsewhere.
    static func calleeAwaitingArgument(_ prefix: String) -> String? {
        let characters = Array(prefix)
        var i = characters.count - 1
        while i >= 0, characters[i] == " " { i -= 1 }
        guard i >= 0, characters[i] == "(" || characters[i] == "," else { return nil }
        var depth = 0
        while i >= 0 {
            switch characters[i] {
            case ")", "]": depth += 1
            case "[": depth -= 1
            case "(":
                if depth == 0 {
                    var end = i
                    while end > 0, characters[end - 1] == " " { end -= 1 }
                    var start = end
                    while start > 0, characters[start - 1].isLetter || characters[start - 1].isNumber || characters[start - 1] == "_" { start -= 1 }
                    return start < end ? String(characters[start..<end]) : nil
                }
                depth -= 1
            default: break
            }
            if depth < 0 { return nil }
            i -= 1
        }
        return nil
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
