/// An error (or note) about the program, with the span it concerns. Every error the language
/// reports — lexical, syntactic or at run time — becomes one of these and is rendered by
/// `rendered()`, the one place that decides what an error looks like:
///
/// ```
/// script.entk:3:9: error: unknown name `lenght`; did you mean `length`?
/// y = 2 * lenght
///         ^~~~~~
/// ```
public struct Diagnostic: Error, CustomStringConvertible, @unchecked Sendable {
    /// A secondary message pointing elsewhere (for example the call site of a failing function).
    public struct Note: @unchecked Sendable {
        public var message: String
        public var span: SourceSpan?
        public init(_ message: String, span: SourceSpan?) {
            self.message = message
            self.span = span
        }
    }

    /// Lower-case text quoting the offending source, e.g. "unknown name `x`".
    public var message: String
    /// Where the culprit is; nil only for errors with no source (a host failing outside a call).
    public var span: SourceSpan?
    /// Follow-up notes, rendered after the error.
    public var notes: [Note]
    /// True when the error is that the input ended too early (an unclosed bracket or string, a
    /// trailing operator): a console uses this to ask for a continuation line.
    public var isAtEndOfInput: Bool

    /// An error about `span` (nil when there is no source to point at).
    public init(_ message: String, span: SourceSpan?, notes: [Note] = [], isAtEndOfInput: Bool = false) {
        self.message = message
        self.span = span
        self.notes = notes
        self.isAtEndOfInput = isAtEndOfInput
    }

    public var description: String { rendered() }

    /// `file:line:col: error: message`, the source line, then a caret under the first character
    /// of the span and `~` under the rest of it (on that line), then each note the same way.
    public func rendered() -> String {
        var lines = Diagnostic.render(severity: "error", message: message, span: span)
        for note in notes {
            lines += Diagnostic.render(severity: "note", message: note.message, span: note.span)
        }
        return lines.joined(separator: "\n")
    }

    private static func render(severity: String, message: String, span: SourceSpan?) -> [String] {
        guard let span else { return ["\(severity): \(message)"] }
        let source = span.source
        let (line, column) = source.position(of: span.start)
        let lineText = source.lineText(containing: span.start)
        // Keep tabs in the padding so the caret lines up under tab-indented code.
        let prefix = lineText.unicodeScalars.prefix(column - 1)
        var padding = ""
        for scalar in prefix { padding.append(scalar == "\t" ? "\t" : " ") }
        let lineLength = lineText.unicodeScalars.count
        let underlined = max(1, min(span.end, span.start + max(0, lineLength - (column - 1))) - span.start)
        let marker = "^" + String(repeating: "~", count: max(0, underlined - 1))
        return ["\(source.name):\(line):\(column): \(severity): \(message)", lineText, padding + marker]
    }
}

/// The error a builtin, method or host object throws to report a failure in the language's
/// terms. The evaluator attaches the span of the call (or of the named argument) to it.
///
/// Messages are lower case and name what was wrong: "shapes [3, 4] and [5] do not broadcast".
public struct LanguageError: Error, CustomStringConvertible, Sendable {
    /// The message, lower case, quoting the offending text.
    public var message: String
    /// The parameter the error concerns, if any: the caret then goes under that argument.
    public var argument: String?

    /// An error with a lower-case message, optionally about one named argument.
    public init(_ message: String, argument: String? = nil) {
        self.message = message
        self.argument = argument
    }

    public var description: String { message }

    /// The error that stops evaluation when the interrupt check fires (Ctrl-C at the console).
    /// Long-running host code throws it when it notices the interrupt at a safe point.
    public static let interrupted = LanguageError("interrupted")
}

/// Spelling suggestions for "did you mean" hints.
public enum Suggestion {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely
    /// typo: at most 1 edit for words of up to 4 characters, 2 up to 8, 3 beyond. Ties break
    /// alphabetically so the hint is deterministic. Cost O(candidates · |word|²).
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let limit = word.count <= 4 ? 1 : (word.count <= 8 ? 2 : 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let distance = editDistance(word.lowercased(), candidate.lowercased())
            guard distance <= limit else { continue }
            if best == nil || distance < best!.distance || (distance == best!.distance && candidate < best!.name) {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// "; did you mean `x`?" or the empty string.
    public static func hint(for word: String, among candidates: some Sequence<String>) -> String {
        closest(to: word, among: candidates).map { "; did you mean `\($0)`?" } ?? ""
    }

    /// Edit distance with adjacent transpositions (optimal string alignment): insertions,
    /// deletions, substitutions and swaps of two neighbours each cost 1, so `veiw` is 1 from
    /// `view` and `egi` 1 from `eig`.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
