@preconcurrency internal import CEditLine
import Foundation

// The completion callback is a C function pointer and cannot capture context; it reaches the
// console through this global, set while the editor exists. Only the main thread touches it.
nonisolated(unsafe) private var activeCompleter: ((String, Int) -> CompletionResult)?

/// The line editor: libedit's readline emulation with history and Tab completion. The only
/// file that imports `CEditLine` (libedit's header defines global names like `Function`).
///
/// A history entry is one whole input and may hold several lines joined by `\n` (see
/// `InteractiveConsole`). The history file needs no encoding of ours for that: libedit writes
/// each entry escaped with vis(3) (a newline as `\012`, a space as `\040`) on one line of
/// the file and unescapes it when reading, so a multi-line entry stays one entry across runs.
public final class LineEditor: ConsoleLineReader {
    private let historyPath: String?

    /// - Parameters:
    ///   - historyPath: libedit-format history file, read now and rewritten after each entry;
    ///     nil keeps history for this run only.
    ///   - historyLimit: entries kept (in memory and in the file).
    ///   - complete: completion for (line, cursor as a `Character` offset).
    public init(historyPath: String?, historyLimit: Int, complete: @escaping (String, Int) -> CompletionResult) {
        // Without a UTF-8 locale libedit silently drops non-ASCII input.
        setlocale(LC_CTYPE, "")
        self.historyPath = historyPath
        using_history()
        clear_history()   // the history is exactly the file's
        stifle_history(Int32(historyLimit))
        if let historyPath { _ = read_history(historyPath) }   // ENOENT on first use is fine
        activeCompleter = complete
        entk_set_word_breaks(LineEditor.wordBreaks)
        entk_set_completion(completionCallback)
    }

    deinit { activeCompleter = nil }

    /// Every character that cannot be part of an identifier or a path word; libedit's idea of
    /// "the word being completed" starts after the last of them.
    nonisolated(unsafe) private static let wordBreaks: UnsafePointer<CChar> = UnsafePointer(strdup(" \t\n\"'`@$><=;|&{}()[],+-*/:.%!^~?\\#")!)

    /// Reads one line (or a recalled multi-line entry); the prompt is shown only on a terminal.
    public func read(prompt: String) -> LineReadResult {
        guard let pointer = readline(prompt) else {
            if Interrupts.isPending {
                Interrupts.clear()
                return .interrupted
            }
            return .endOfInput
        }
        defer { free(pointer) }
        return .line(String(cString: pointer))
    }

    public func addToHistory(_ entry: String) {
        add_history(entry)
        if let historyPath { _ = write_history(historyPath) }
    }

    /// The history entries, oldest first.
    public var history: [String] {
        (0..<Int(entk_history_count())).compactMap { entk_history_entry(Int32($0)).map { String(cString: $0) } }
    }
}

/// libedit's attempted-completion hook: `(word, start, end)` with offsets in characters of
/// the line. The console's candidates replace from its own start; here they are shifted to
/// replace libedit's word instead.
private let completionCallback: @convention(c) (UnsafePointer<CChar>?, Int32, Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { _, start, end in
    entk_completion_over(1)
    entk_set_completion_append(0)
    guard let complete = activeCompleter, let buffer = entk_line_buffer() else { return nil }
    let scalars = Array(String(cString: buffer).unicodeScalars)
    let cursorScalars = min(max(Int(end), 0), scalars.count)
    let wordStart = min(max(Int(start), 0), cursorScalars)
    var prefix = String.UnicodeScalarView()
    prefix.append(contentsOf: scalars[..<cursorScalars])
    let line = String(String.UnicodeScalarView(scalars))
    let result = complete(line, String(prefix).count)
    let ownStart = String(prefix).prefix(result.start).unicodeScalars.count
    var candidates: [String] = []
    for candidate in result.candidates {
        let candidateScalars = Array(candidate.unicodeScalars)
        if ownStart < wordStart {
            let skipped = scalars[ownStart..<wordStart]
            guard candidateScalars.starts(with: skipped) else { continue }
            var rest = String.UnicodeScalarView()
            rest.append(contentsOf: candidateScalars.dropFirst(skipped.count))
            candidates.append(String(rest))
        } else {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[wordStart..<ownStart])
            text.append(contentsOf: candidateScalars)
            candidates.append(String(text))
        }
    }
    guard !candidates.isEmpty else { return nil }
    // GNU convention: [0] is the text to insert (the only match, or the common prefix), then
    // the matches, then NULL.
    let count = candidates.count == 1 ? 2 : candidates.count + 2
    let matches = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: count)
    if candidates.count == 1 {
        matches[0] = strdup(candidates[0])
        matches[1] = nil
    } else {
        matches[0] = strdup(commonPrefix(candidates))
        for (index, candidate) in candidates.enumerated() { matches[index + 1] = strdup(candidate) }
        matches[count - 1] = nil
    }
    return matches
}

private func commonPrefix(_ strings: [String]) -> String {
    guard var prefix = strings.first.map({ Array($0) }) else { return "" }
    for string in strings.dropFirst() {
        let characters = Array(string)
        var length = 0
        while length < prefix.count, length < characters.count, prefix[length] == characters[length] { length += 1 }
        prefix = Array(prefix[..<length])
    }
    return String(prefix)
}
