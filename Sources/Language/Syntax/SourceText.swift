/// One piece of source text (a console input, a script, a prelude file) with the line table
/// needed to turn offsets into `line:column` positions.
///
/// Offsets count Unicode scalars, so a column is the scalar index within its line plus one.
/// Spans keep a reference to their `SourceText`, so an error raised inside a function defined in
/// another file (the prelude, say) still points into that file.
public final class SourceText: @unchecked Sendable {
    /// The name shown in diagnostics (`<stdin>`, `prelude/tms.entk`, …).
    public let name: String
    /// The line number of the first line (the console numbers inputs continuously).
    public let firstLine: Int
    /// The text as Unicode scalars; offsets index this array.
    public let scalars: [Unicode.Scalar]
    /// Offset of the first scalar of each line.
    let lineStarts: [Int]

    /// Wraps `text`, whose first line is numbered `firstLine`.
    public init(name: String, text: String, firstLine: Int = 1) {
        self.name = name
        self.firstLine = firstLine
        self.scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// The 1-based line (counted from `firstLine`) and column of `offset`. Cost O(log lines).
    public func position(of offset: Int) -> (line: Int, column: Int) {
        let index = lineIndex(of: offset)
        return (firstLine + index, offset - lineStarts[index] + 1)
    }

    /// The text of the line holding `offset`, without its newline.
    public func lineText(containing offset: Int) -> String {
        let index = lineIndex(of: offset)
        let start = lineStarts[index]
        var end = start
        while end < scalars.count, scalars[end] != "\n" { end += 1 }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start..<end])
        return String(text)
    }

    /// The text between two offsets.
    public func text(from start: Int, to end: Int) -> String {
        let lower = max(0, min(start, scalars.count)), upper = max(lower, min(end, scalars.count))
        let slice = scalars[lower..<upper]
        // ASCII fast path: names and numbers are almost always ASCII, and the lexer asks for
        // the text of every one.
        if slice.allSatisfy({ $0.value < 128 }) {
            return String(unsafeUninitializedCapacity: slice.count) { buffer in
                for (index, scalar) in slice.enumerated() { buffer[index] = UInt8(scalar.value) }
                return slice.count
            }
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: slice)
        return String(text)
    }

    private func lineIndex(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }
}

/// A half-open range of scalar offsets `start..<end` in one `SourceText`.
public struct SourceSpan: @unchecked Sendable {
    public let source: SourceText
    public let start: Int
    public let end: Int

    /// The span `start..<end` of `source` (an `end` before `start` is taken as `start`).
    public init(source: SourceText, start: Int, end: Int) {
        self.source = source
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span covering both spans (which must share a source).
    public func through(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(source: source, start: min(start, other.start), end: max(end, other.end))
    }

    /// The source text the span covers.
    public var text: String { source.text(from: start, to: end) }

    /// `file:line:col` of the span's start.
    public var location: String {
        let (line, column) = source.position(of: start)
        return "\(source.name):\(line):\(column)"
    }
}
