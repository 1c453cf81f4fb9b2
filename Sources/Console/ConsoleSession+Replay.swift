import Foundation

/// `--check` and `--record`: replaying a session file against its recorded expectations.
///
/// A replay runs every input (errors included: an expected error is output like any other),
/// with the seed from the file's header, and collects each input's output as `#|`/`#!` lines.
/// Diagnostics name the file by its last path component, so a recording does not depend on
/// the directory it was made from, and inputs by their line counted without `#|`/`#!` lines,
/// so recording does not shift them. Nothing is shown while replaying.
extension ConsoleSession {
    /// Runs the inputs of `script` and returns it with every input's expectations replaced by
    /// what the input produced now. Inputs after a `.quit` keep their old expectations.
    public func replay(_ script: SessionScript, fileName: String, directory: String?) -> SessionScript {
        let savedDisplay = display
        display = DiscardingOutput()
        defer { display = savedDisplay }
        restart(seed: seedOverride ?? script.header?.seed ?? initialSeed)
        var actual = script
        for (index, item) in script.items.enumerated() {
            guard case .input(var input) = item else { continue }
            let origin = InputOrigin(file: fileName, line: input.replayLine, directory: directory)
            let result = execute(input.text, origin: origin)
            input.expected = result.output
            actual.items[index] = .input(input)
            if result.quit { break }
        }
        return actual
    }

    /// Replays the file at `path` and returns a unified diff of its text (expected) against
    /// the text a recording would write now (actual), or nil when they are identical.
    public func check(atPath path: String) throws(ConsoleFileError) -> String? {
        let text = try Self.readText(atPath: path)
        let script = SessionScript.parse(text, inputStatus: engine.inputStatus)
        let canonical = Self.canonicalPath(path)
        readStack.append(canonical)
        defer { readStack.removeLast() }
        let actual = replay(script, fileName: (path as NSString).lastPathComponent, directory: Self.directory(of: canonical))
        return UnifiedDiff.make(old: Self.lines(of: text), new: Self.lines(of: actual.rendered()),
                                oldName: "\(path) (expected)", newName: "\(path) (actual)")
    }

    /// Replays the file at `path` and rewrites its expectations in place; inputs, comments and
    /// blank lines stay as they were, and the header is (re)written with this version and the
    /// seed used. Returns whether the file changed.
    @discardableResult
    public func record(atPath path: String) throws(ConsoleFileError) -> Bool {
        let text = try Self.readText(atPath: path)
        let script = SessionScript.parse(text, inputStatus: engine.inputStatus)
        let canonical = Self.canonicalPath(path)
        readStack.append(canonical)
        defer { readStack.removeLast() }
        var actual = replay(script, fileName: (path as NSString).lastPathComponent, directory: Self.directory(of: canonical))
        actual.header = SessionHeader(version: EntkVersion.string, seed: initialSeed)
        let rendered = actual.rendered()
        if rendered == text { return false }
        try Self.writeText(rendered, toPath: path)
        return true
    }

    /// The lines of a text, without the empty piece after a final newline.
    static func lines(of text: String) -> [String] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
