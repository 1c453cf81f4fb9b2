import Foundation

/// A line of expected output recorded under an input in a session file.
///
/// `#| text` is output, `#! text` an error. A line with no text is written `#|` (or `#!`).
public enum ExpectedLine: Equatable, Sendable {
    case output(String)
    case error(String)

    public static let outputMarker = "#|"
    public static let errorMarker = "#!"
    /// Output that `--check` compares as exact text (see `SessionInput.exact`).
    public static let exactMarker = "#="

    /// The line as written in a session file.
    public var rendered: String {
        let (marker, text) = switch self {
        case .output(let text): (Self.outputMarker, text)
        case .error(let text): (Self.errorMarker, text)
        }
        return text.isEmpty ? marker : marker + " " + text
    }

    /// Reads `#| text`, `#= text` (output too) or `#! text` (one space after the marker is part
    /// of the marker).
    public init?(line: Substring) {
        let isOutput = line.hasPrefix(Self.outputMarker) || line.hasPrefix(Self.exactMarker)
        guard isOutput || line.hasPrefix(Self.errorMarker) else { return nil }
        var text = line.dropFirst(2)
        if text.first == " " { text = text.dropFirst() }
        self = isOutput ? .output(String(text)) : .error(String(text))
    }

    /// Consecutive lines of the same kind, in order, as (is it error text, the lines' texts): how
    /// a handout or a notebook groups an input's output.
    public static func runs(_ lines: [ExpectedLine]) -> [(isError: Bool, texts: [String])] {
        var runs: [(isError: Bool, texts: [String])] = []
        for line in lines {
            let (text, isError) = switch line {
            case .output(let text): (text, false)
            case .error(let text): (text, true)
            }
            if let last = runs.last, last.isError == isError { runs[runs.count - 1].texts.append(text) } else { runs.append((isError, [text])) }
        }
        return runs
    }

    /// Turns what one input wrote into expectation lines.
    ///
    /// A line that received any error text is an error line. When the input `failed` but the
    /// engine never used `writeError`, every line is taken as an error. Colour escapes, carriage
    /// returns and trailing blanks are removed: recorded output is plain text.
    public static func lines(from chunks: [CollectingOutput.Chunk], failed: Bool) -> [ExpectedLine] {
        let anyError = chunks.contains { $0.isError }
        var result: [ExpectedLine] = []
        var current = ""
        var currentIsError = false
        var started = false
        func finish() {
            let text = plain(current)
            let isError = currentIsError || (failed && !anyError)
            result.append(isError ? .error(text) : .output(text))
            current = ""
            currentIsError = false
            started = false
        }
        for chunk in chunks {
            for character in chunk.text {
                if character == "\n" || character == "\r\n" {
                    if chunk.isError { currentIsError = true }
                    finish()
                } else {
                    current.append(character)
                    started = true
                    if chunk.isError { currentIsError = true }
                }
            }
        }
        if started { finish() }
        return result
    }

    /// Removes ANSI escape sequences (`ESC [ … letter`), carriage returns and trailing blanks.
    static func plain(_ text: String) -> String {
        var output = ""
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if scalar == "\u{1B}" {
                guard let next = scalars.next() else { break }
                if next == "[" {
                    while let code = scalars.next(), !(code.properties.isAlphabetic) {}
                }
                continue
            }
            if scalar == "\r" { continue }
            output.unicodeScalars.append(scalar)
        }
        while let last = output.last, last == " " || last == "\t" { output.removeLast() }
        return output
    }
}

/// The first line of a session file: `# entk 0.1.0 · seed 0 · tolerance 1e-3 · blas OpenBLAS 0.3.21 Haswell`.
///
/// Replay sets the session seed from it, so a session reproduces its random values, and
/// `--check` compares numbers with its `tolerance` when given (`--tolerance` overrides it).
/// The version and the `blas` part (the library and kernel core a recording was made with)
/// are informational: a different version or machine does not stop a replay.
public struct SessionHeader: Equatable, Sendable {
    public var version: String
    public var seed: UInt64
    /// The relative tolerance `--check` uses for this file's numbers, when the file sets one.
    public var tolerance: Double?
    /// The BLAS library and core type the file was recorded with.
    public var blas: String?
    public init(version: String, seed: UInt64, tolerance: Double? = nil, blas: String? = nil) {
        self.version = version
        self.seed = seed
        self.tolerance = tolerance
        self.blas = blas
    }

    public var rendered: String {
        var parts = ["# entk \(version)", "seed \(seed)"]
        if let tolerance { parts.append("tolerance " + String(format: "%g", tolerance)) }
        if let blas, !blas.isEmpty { parts.append("blas \(blas)") }
        return parts.joined(separator: " · ")
    }

    /// Reads a header line; `·` may also be written `-` or left out. `blas` runs to the end.
    public init?(line: Substring) {
        guard case .header(let header)? = Self.read(line) else { return nil }
        self = header
    }

    /// What a first line is: not a header at all (nil: a comment such as `# entk is fun`),
    /// a header, or a header that names a version but is malformed (a seed that is not a
    /// non-negative integer, a bad tolerance): an error, never a silent seed 0.
    enum Reading: Equatable { case header(SessionHeader), malformed(String) }

    static func read(_ line: Substring) -> Reading? {
        guard line.hasPrefix("# entk ") else { return nil }
        var rest = line.dropFirst(7)
        var blas: String?
        if let range = rest.range(of: "blas ") {
            blas = rest[range.upperBound...].trimmingCharacters(in: .whitespaces)
            rest = rest[..<range.lowerBound]
        }
        let words = rest.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let version = words.first, version.first?.isNumber == true else { return nil }
        guard let seedIndex = words.firstIndex(of: "seed") else { return .malformed("the header has no seed (write `seed N`)") }
        guard seedIndex + 1 < words.count, let seed = UInt64(words[seedIndex + 1]) else {
            let given = seedIndex + 1 < words.count ? "'\(words[seedIndex + 1])'" : "nothing"
            return .malformed("the header's seed must be an integer from 0 to \(UInt64.max), got \(given)")
        }
        var tolerance: Double?
        if let index = words.firstIndex(of: "tolerance") {
            guard index + 1 < words.count, let value = Double(words[index + 1]), value.isFinite, value >= 0 else {
                let given = index + 1 < words.count ? "'\(words[index + 1])'" : "nothing"
                return .malformed("the header's tolerance must be a finite number ≥ 0, got \(given)")
            }
            tolerance = value
        }
        return .header(SessionHeader(version: String(version), seed: seed, tolerance: tolerance, blas: blas))
    }
}

/// One input of a session file with the output expected from it.
public struct SessionInput: Equatable, Sendable {
    /// The input's source; the lines of a multi-line input joined by `\n`.
    public var text: String
    /// 1-based line number of the input's first line in its file.
    public var line: Int
    /// The same line counted without the file's header and `#|`/`#!` lines: replays name
    /// inputs by it, so recording never shifts the line numbers inside recorded errors.
    public var replayLine: Int
    public var expected: [ExpectedLine]
    /// The output was recorded with `#=`: `--check` compares it as exact text, whatever the
    /// tolerance, and recording keeps the marker.
    public var exact: Bool
    public init(text: String, line: Int, replayLine: Int? = nil, expected: [ExpectedLine] = [], exact: Bool = false) {
        self.text = text
        self.line = line
        self.replayLine = replayLine ?? line
        self.expected = expected
        self.exact = exact
    }

    /// The expectations as written under the input: `#=` for output when `exact`.
    public var renderedExpectations: [String] {
        expected.map { line in
            guard exact, case .output(let text) = line else { return line.rendered }
            return text.isEmpty ? ExpectedLine.exactMarker : ExpectedLine.exactMarker + " " + text
        }
    }
}

/// A `.entk` session file: a plain script of inputs, optionally with a header and with the
/// expected output under each input. Blank lines and comments are kept as they are.
///
/// Grouping lines into inputs needs the language (is `for i in 0..<3 {` complete?), so `parse`
/// takes the engine's input collector (or its `inputStatus`). A line starting with `.` outside a multi-line input is a
/// meta-command and complete by itself. Expectation lines belong to the latest input above them
/// and end a multi-line input that is still open (its remaining lines were missing).
public struct SessionScript: Equatable, Sendable {
    public enum Item: Equatable, Sendable {
        /// A blank line or a comment between inputs, kept verbatim.
        case note(String)
        case input(SessionInput)
    }

    public var header: SessionHeader?
    /// Why the first line, which looks like a header (`# entk 0.1.0 …`), is not one; running,
    /// checking or recording the file is then an error naming line 1.
    public var headerProblem: String?
    public var items: [Item]

    public init(header: SessionHeader? = nil, items: [Item] = []) {
        self.header = header
        self.items = items
    }

    /// The inputs in order.
    public var inputs: [SessionInput] {
        items.compactMap { if case .input(let input) = $0 { input } else { nil } }
    }

    /// Parses `text`; never fails (anything that is not an input is kept as a note).
    /// Expectation lines are gathered before they are attached to their input, so a long
    /// recording parses in time linear in its length.
    public static func parse(_ text: String, inputStatus: @escaping (String) -> ConsoleInputStatus) -> SessionScript {
        parse(text, newInput: { WholeTextInputCollector(status: inputStatus) })
    }

    /// Parses `text`, grouping lines into inputs with a fresh collector from `newInput` for
    /// each (an engine's `makeInputCollector`): linear in the length of the file when the
    /// collector is linear in the length of an input.
    public static func parse(_ text: String, newInput: () -> any ConsoleInputCollector) -> SessionScript {
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if lines.last == "" { lines.removeLast() }
        var script = SessionScript()
        var index = 0
        if let first = lines.first, let reading = SessionHeader.read(stripCarriageReturn(first)) {
            switch reading {
            case .header(let header): script.header = header
            case .malformed(let problem): script.headerProblem = problem
            }
            index = 1
        }
        // The header counts like an expectation line: recording may add it.
        var expectationLines = index
        var pending: (any ConsoleInputCollector)?
        var pendingLine = 0
        // The latest input's position in `items`, and expectations read under it so far.
        var lastInput: Int?
        var expected: [ExpectedLine] = []
        var exact = false
        func attachExpectations() {
            guard let lastInput, !expected.isEmpty, case .input(var input) = script.items[lastInput] else { return }
            script.items[lastInput] = .note("")  // drop the array's second reference before appending
            input.expected.append(contentsOf: expected)
            input.exact = input.exact || exact
            script.items[lastInput] = .input(input)
            expected = []
            exact = false
        }
        func append(_ input: SessionInput) {
            attachExpectations()
            script.items.append(.input(input))
            lastInput = script.items.count - 1
        }
        func finishPending() {
            guard let collector = pending else { return }
            append(SessionInput(text: collector.text, line: pendingLine, replayLine: pendingLine - expectationLines))
            pending = nil
        }
        while index < lines.count {
            let line = stripCarriageReturn(lines[index])
            let lineNumber = index + 1
            index += 1
            if let expectation = ExpectedLine(line: line) {
                finishPending()
                expectationLines += 1
                if lastInput != nil {
                    expected.append(expectation)
                    if line.hasPrefix(ExpectedLine.exactMarker) { exact = true }
                } else {
                    script.items.append(.note(String(line)))
                }
                continue
            }
            if let collector = pending {
                if collector.append(String(line)) != .incomplete { finishPending() }
            } else {
                let input = SessionInput(text: String(line), line: lineNumber, replayLine: lineNumber - expectationLines)
                if MetaCommandLine.isMetaCommand(line) {
                    append(input)
                    continue
                }
                let collector = newInput()
                switch collector.append(String(line)) {
                case .empty:
                    attachExpectations()
                    script.items.append(.note(String(line)))
                case .complete: append(input)
                case .incomplete:
                    pending = collector
                    pendingLine = lineNumber
                }
            }
        }
        finishPending()
        attachExpectations()
        return script
    }

    /// The file text: header, then each note or input followed by its expectations.
    public func rendered() -> String {
        var lines: [String] = []
        if let header { lines.append(header.rendered) }
        for item in items {
            switch item {
            case .note(let text): lines.append(text)
            case .input(let input):
                lines.append(input.text)
                lines.append(contentsOf: input.renderedExpectations)
            }
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    private static func stripCarriageReturn(_ line: Substring) -> Substring {
        line.last == "\r" ? line.dropLast() : line
    }
}
