import Foundation

/// The session as a Markdown handout (`.export FILE.md`): a title, then each input in an
/// `entk` code block followed by its output, errors under an **Error** label, lesson text as
/// prose, and an image link beside any input that wrote an SVG.
///
/// Entries of console-management commands (`.save`, `.history`, `.export` …) are left out, as
/// in `.save`; the `.lesson`/`.next` inputs appear only as the prose they showed, and the
/// inputs a lesson step ran follow as ordinary inputs, with the step's `#>` notes as prose.
public enum MarkdownHandout {
    /// Renders `entries` (oldest first) under `title`.
    public static func render(_ entries: [SessionEntry], title: String, version: String, seed: UInt64) -> String {
        var blocks: [String] = ["# \(title)",
                                "Exported from entk \(version), session seed \(seed). Each input is followed by its output; running the inputs in order reproduces them."]
        for entry in entries {
            if let prose = entry.prose { blocks.append(prose) }
            if entry.isRecorded {
                blocks.append(fenced(entry.text, language: "entk"))
                blocks.append(contentsOf: outputBlocks(entry.output))
                blocks.append(contentsOf: images(input: entry.text, output: entry.output).map { "![](\($0))" })
            }
            if let prose = entry.proseAfter { blocks.append(prose) }
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// Consecutive output lines form one `text` block; consecutive error lines one block under
    /// an **Error** label.
    static func outputBlocks(_ lines: [ExpectedLine]) -> [String] {
        var blocks: [String] = []
        var group: [String] = []
        var groupIsError = false
        func flush() {
            guard !group.isEmpty else { return }
            if groupIsError { blocks.append("**Error:**") }
            blocks.append(fenced(group.joined(separator: "\n"), language: "text"))
            group = []
        }
        for line in lines {
            let (text, isError) = switch line {
            case .output(let text): (text, false)
            case .error(let text): (text, true)
            }
            if isError != groupIsError { flush() }
            groupIsError = isError
            group.append(text)
        }
        flush()
        return blocks
    }

    /// The SVG files an input wrote: `file: "NAME.svg"` in the input, or a `wrote NAME.svg`
    /// line in its output; each once, in order of appearance.
    static func images(input: String, output: [ExpectedLine]) -> [String] {
        var names: [String] = []
        func add(_ name: String) { if !names.contains(name) { names.append(name) } }
        for name in matches(of: #"file:\s*"([^"]+\.svg)""#, in: input) { add(name) }
        for case .output(let line) in output {
            for name in matches(of: #"wrote\s+(\S+\.svg)"#, in: line) { add(name) }
        }
        return names
    }

    private static func matches(of pattern: String, in text: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// A fenced block whose fence is longer than any run of backticks inside it.
    static func fenced(_ text: String, language: String) -> String {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + language + "\n" + text + "\n" + fence
    }
}

extension ConsoleSession {
    /// `.export FILE.md [TITLE]`: writes the session so far as a Markdown handout.
    func exportCommand(_ context: MetaCommandContext) -> Bool {
        let argument = context.argument
        guard !argument.isEmpty else { return context.fail("expected a file: .export FILE.md [TITLE]") }
        let file = String(argument.prefix { !$0.isWhitespace })
        let givenTitle = argument.dropFirst(file.count).trimmingCharacters(in: .whitespaces)
        let title = givenTitle.isEmpty ? "entk session" : givenTitle
        let text = MarkdownHandout.render(entries, title: title, version: EntkVersion.string, seed: initialSeed)
        let path = resolvePath(file, from: context.origin)
        do { try Self.writeText(text, toPath: path) } catch { return context.fail(error.message) }
        let count = entries.filter(\.isRecorded).count
        context.say("exported \(count) input\(count == 1 ? "" : "s") to \(file)")
        return true
    }
}
