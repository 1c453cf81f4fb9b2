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

    /// Replays the file at `path` and compares every input's output with its recording.
    ///
    /// `comparison` is the command line's choice (`--exact`, `--tolerance`); without one the
    /// header's `tolerance`, else `OutputComparison.standard`. An input recorded with `#=` is
    /// always compared exactly. See `OutputComparison` for the rule.
    public func check(atPath path: String, comparison: OutputComparison? = nil) throws(ConsoleFileError) -> CheckResult {
        let text = try Self.readText(atPath: path)
        let script = try parseScript(text, name: path)
        let canonical = Self.canonicalPath(path)
        readStack.append(canonical)
        defer { readStack.removeLast() }
        let actual = replay(script, fileName: (path as NSString).lastPathComponent, directory: Self.directory(of: canonical))
        let rule = comparison ?? script.header?.tolerance.map { .numeric(tolerance: $0) } ?? .standard
        var result = CheckResult(digest: Self.digest(actual.rendered()))
        // What the diff shows as actual: a replayed output that matched keeps its recorded text.
        var shown = actual
        var problems: [String] = []
        for (index, item) in script.items.enumerated() {
            guard case .input(let recorded) = item, case .input(let replayed) = actual.items[index] else { continue }
            result.inputs += 1
            switch (recorded.exact ? .exact : rule).compare(expected: recorded.expected, actual: replayed.expected) {
            case .same: break
            case .withinTolerance(let numbers, let closest):
                result.numbersWithinTolerance += numbers
                result.closest = max(result.closest, closest)
                shown.items[index] = item
            case .mismatch(let mismatch):
                let fileLine = recorded.line + recorded.text.split(separator: "\n", omittingEmptySubsequences: false).count + mismatch.line
                problems.append("\(path):\(fileLine): \(mismatch.explanation)")
            }
        }
        guard !problems.isEmpty else { return result }
        let diff = UnifiedDiff.make(old: Self.lines(of: script.rendered()), new: Self.lines(of: shown.rendered()),
                                    oldName: "\(path) (expected)", newName: "\(path) (actual)") ?? ""
        result.report = problems.joined(separator: "\n") + "\n" + diff
        return result
    }

    /// FNV-1a (64 bits) of a text, in hex: tells two replays apart without keeping their text.
    static func digest(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// Replays the file at `path` and rewrites its expectations in place; inputs, comments and
    /// blank lines stay as they were, and the header is (re)written with this version and the
    /// seed used. Returns whether the file changed.
    @discardableResult
    public func record(atPath path: String) throws(ConsoleFileError) -> Bool {
        let text = try Self.readText(atPath: path)
        let script = try parseScript(text, name: path)
        let canonical = Self.canonicalPath(path)
        readStack.append(canonical)
        defer { readStack.removeLast() }
        var actual = replay(script, fileName: (path as NSString).lastPathComponent, directory: Self.directory(of: canonical))
        actual.header = SessionHeader(version: EntkVersion.string, seed: initialSeed,
                                      tolerance: script.header?.tolerance, blas: engine.arithmetic)
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

/// What `entk --check` found in one file.
public struct CheckResult: Equatable, Sendable {
    /// Nil when every input matched. Otherwise one line per mismatching input
    /// (`FILE:LINE: what differs`, LINE being the recorded line), then a unified diff of the
    /// file against what recording would write, in which outputs that matched keep their text.
    public var report: String?
    /// Inputs replayed and compared.
    public var inputs = 0
    /// Numbers whose digits differ from the recording within the tolerance.
    public var numbersWithinTolerance = 0
    /// The largest |a − b| / allowed among them: how near the closest came to failing.
    public var closest = 0.0
    /// A digest of the replayed output: two replays with the same digest printed the same.
    public var digest: String

    public init(digest: String) { self.digest = digest }

    public var passed: Bool { report == nil }

    /// One line for `--verbose`.
    public func summary(path: String) -> String {
        let verdict = passed ? "passed" : "FAILED"
        let drift = numbersWithinTolerance == 0 ? "every number as recorded"
            : "\(numbersWithinTolerance) number\(numbersWithinTolerance == 1 ? "" : "s") within tolerance "
              + "(the closest at \(String(format: "%.2g", closest * 100))% of it)"
        return "entk: check \(path): \(verdict) · \(inputs) inputs · \(drift) · output \(digest)"
    }
}
