import Foundation

/// How `--check` decides that a replay's output matches its recording.
///
/// OpenBLAS picks its kernels by CPU and thread count, so the last bits of every product differ
/// between machines, and a long training run carries them into the printed digits. A recording is
/// therefore compared as text and numbers, not as a string:
///
/// - text between numbers matches exactly;
/// - a number written without a decimal point or an exponent on **both** sides (a count, a step,
///   a cliff position) matches exactly;
/// - any other pair of numbers a (recorded) and b (replayed) matches when
///
///       |a − b| ≤ t · max(S, |a|, |b|),
///
///   where S is the largest magnitude among the non-integer numbers of the same input's output
///   (recorded and replayed) and t the tolerance (default 1e-4). Eigenvalues, cosines and losses
///   are accurate to ε·‖·‖ of the largest value beside them, not to ε of themselves, so a tiny
///   entry next to large ones does not fail on noise while a large value that moves does;
/// - when some number's text changed, the output's layout may follow its width: whitespace is
///   then ignored in that output. Otherwise whitespace matches exactly.
public enum OutputComparison: Equatable, Sendable {
    /// The recorded text exactly (`--exact`, or an input recorded with `#=`).
    case exact
    /// Text and integers exactly, other numbers within the relative tolerance t.
    case numeric(tolerance: Double)

    /// The default t: 60× the drift measured between OpenBLAS core types on one machine
    /// (1.6e-6 of the output's scale) and 10× the rounding of a six-digit print (≤ 1e-5).
    public static let defaultTolerance = 1e-4
    public static let standard = OutputComparison.numeric(tolerance: defaultTolerance)

    /// Compares what one input printed now (`actual`) with its recording (`expected`).
    public func compare(expected: [ExpectedLine], actual: [ExpectedLine]) -> OutputMatch {
        if expected == actual { return .same }
        guard expected.count == actual.count else {
            return .mismatch(OutputMismatch(line: min(expected.count, actual.count),
                                            kind: .lineCount(expected: expected.count, actual: actual.count)))
        }
        guard case .numeric(let tolerance) = self else {
            return .mismatch(OutputMismatch(line: Self.firstDifference(expected, actual), kind: .text))
        }
        let recorded = expected.map(OutputTokens.init)
        let replayed = actual.map(OutputTokens.init)
        let scale = (recorded + replayed).reduce(0.0) { max($0, $1.largestMagnitude) }
        var changed = 0
        var closest = 0.0
        for (index, (a, b)) in zip(recorded, replayed).enumerated() {
            guard a.isError == b.isError, a.pieces.count == b.pieces.count else {
                return .mismatch(OutputMismatch(line: index, kind: .text))
            }
            var position = 0
            for (x, y) in zip(a.pieces, b.pieces) {
                switch (x, y) {
                case (.text(let s), .text(let t)):
                    guard Self.withoutBlanks(s) == Self.withoutBlanks(t) else {
                        return .mismatch(OutputMismatch(line: index, kind: .text))
                    }
                case (.number(let s, let u), .number(let t, let v)):
                    position += 1
                    guard s != t else { continue }
                    changed += 1
                    if OutputTokens.isInteger(s) && OutputTokens.isInteger(t) {
                        return .mismatch(OutputMismatch(line: index, kind: .integer(position: position, expected: String(s), actual: String(t))))
                    }
                    let reference = max(scale, abs(u), abs(v))
                    let difference = abs(u - v)
                    guard difference <= tolerance * reference else {
                        return .mismatch(OutputMismatch(line: index, kind: .number(
                            position: position, expected: String(s), actual: String(t),
                            difference: difference, tolerance: tolerance, reference: reference)))
                    }
                    closest = max(closest, difference / (tolerance * reference))
                default:
                    return .mismatch(OutputMismatch(line: index, kind: .text))
                }
            }
        }
        // Equal numbers and text equal but for blanks: the layout changed with no number to explain it.
        if changed == 0 { return .mismatch(OutputMismatch(line: Self.firstDifference(expected, actual), kind: .text)) }
        return .withinTolerance(numbers: changed, closest: closest)
    }

    private static func firstDifference(_ a: [ExpectedLine], _ b: [ExpectedLine]) -> Int {
        a.indices.first(where: { $0 < b.count && a[$0] != b[$0] }) ?? min(a.count, b.count)
    }

    private static func withoutBlanks(_ text: Substring) -> Substring {
        text.contains(where: { $0 == " " || $0 == "\t" }) ? Substring(text.filter { $0 != " " && $0 != "\t" }) : text
    }
}

/// The outcome of comparing one input's output with its recording.
public enum OutputMatch: Equatable, Sendable {
    /// The same text.
    case same
    /// `numbers` numbers differ in their digits, the one closest to failing at `closest` × its
    /// allowed difference (a fraction below 1).
    case withinTolerance(numbers: Int, closest: Double)
    case mismatch(OutputMismatch)
}

/// Where and how a replayed output differs from its recording.
public struct OutputMismatch: Equatable, Sendable {
    /// The 0-based index of the output line within the input's recorded lines.
    public var line: Int
    public var kind: Kind
    public init(line: Int, kind: Kind) {
        self.line = line
        self.kind = kind
    }

    public enum Kind: Equatable, Sendable {
        case lineCount(expected: Int, actual: Int)
        case text
        /// `position` counts the numbers on the line from 1.
        case integer(position: Int, expected: String, actual: String)
        /// `reference` is max(S, |a|, |b|): the difference allowed is tolerance × reference.
        case number(position: Int, expected: String, actual: String,
                    difference: Double, tolerance: Double, reference: Double)
    }

    /// One sentence for a person, without the location.
    public var explanation: String {
        switch kind {
        case .lineCount(let expected, let actual):
            return "\(actual) output line\(actual == 1 ? "" : "s") where \(expected) \(expected == 1 ? "was" : "were") recorded"
        case .text:
            return "the text differs"
        case .integer(let position, let expected, let actual):
            return "number \(position) on the line: expected \(expected), got \(actual) (integers match exactly)"
        case .number(let position, let expected, let actual, let difference, let tolerance, let reference):
            let f = NumberFormatting.short
            return "number \(position) on the line: expected \(expected), got \(actual); |difference| \(f(difference)) "
                + "exceeds \(f(tolerance * reference)) = tolerance \(f(tolerance)) × \(f(reference)) (the largest number in this output)"
        }
    }
}

/// Three significant digits, for tolerances and differences in messages.
enum NumberFormatting {
    static func short(_ x: Double) -> String { String(format: "%.3g", x) }
}

/// One recorded line cut into text and numbers.
///
/// A number is an optional sign, digits with at most one decimal point, and an optional
/// exponent, not preceded by a letter, digit, `_` or `.` (so `W1`, `layer0.weight` and the
/// `.0` of `0.1.0` stay text). `nan` and `inf` are text: they match only themselves.
struct OutputTokens {
    enum Piece { case text(Substring), number(Substring, Double) }
    var pieces: [Piece] = []
    var isError: Bool
    /// The largest |x| over the line's numbers that are not integers.
    var largestMagnitude = 0.0

    init(_ line: ExpectedLine) {
        let text: String
        switch line {
        case .output(let t): text = t; isError = false
        case .error(let t): text = t; isError = true
        }
        let u = Array(text.utf8)
        var index = 0, textStart = 0
        func flushText(upTo end: Int) {
            if end > textStart { pieces.append(.text(Self.slice(text, u, textStart, end))) }
        }
        while index < u.count {
            if let end = Self.numberEnd(u, from: index) {
                let literal = Self.slice(text, u, index, end)
                if let value = Double(literal) {
                    flushText(upTo: index)
                    pieces.append(.number(literal, value))
                    if !Self.isInteger(literal) { largestMagnitude = max(largestMagnitude, abs(value)) }
                    index = end
                    textStart = end
                    continue
                }
            }
            index += 1
        }
        flushText(upTo: u.count)
    }

    /// Whether a number's text has neither a decimal point nor an exponent.
    static func isInteger(_ literal: Substring) -> Bool {
        !literal.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
    }

    private static func slice(_ text: String, _ u: [UInt8], _ start: Int, _ end: Int) -> Substring {
        let utf8 = text.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: start)
        let to = utf8.index(from, offsetBy: end - start)
        return text[from..<to]
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func isLetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_") }
    private static func isWordByte(_ c: UInt8) -> Bool { isDigit(c) || isLetter(c) || c == UInt8(ascii: ".") }

    /// The end of a number literal starting at `start`, or nil.
    private static func numberEnd(_ u: [UInt8], from start: Int) -> Int? {
        if start > 0, isWordByte(u[start - 1]) { return nil }
        var i = start
        if u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i += 1 }
        let mantissaStart = i
        var digits = 0
        while i < u.count, isDigit(u[i]) { i += 1; digits += 1 }
        // A decimal point belongs to the number only with digits after it ("after 50." ends a sentence).
        if i + 1 < u.count, u[i] == UInt8(ascii: "."), isDigit(u[i + 1]) {
            i += 1
            while i < u.count, isDigit(u[i]) { i += 1; digits += 1 }
        }
        guard digits > 0, i > mantissaStart else { return nil }
        if i < u.count, u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E") {
            var j = i + 1
            if j < u.count, u[j] == UInt8(ascii: "-") || u[j] == UInt8(ascii: "+") { j += 1 }
            let exponentStart = j
            while j < u.count, isDigit(u[j]) { j += 1 }
            if j > exponentStart { i = j }
        }
        // A letter right after the literal makes it part of a word: `3rd`, `2x2` and `1e5x` are text.
        if i < u.count, isLetter(u[i]) { return nil }
        return i
    }
}
