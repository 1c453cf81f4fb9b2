import Library
import Console
import Foundation

/// A stand-in engine: a line calculator, so the console, the executable and the terminal
/// tests run before the real language exists. **The integrator replaces it** in
/// `Sources/entk/main.swift` with an adapter from the interpreter to `ConsoleEngine`.
///
/// It understands numbers, `+ - * /`, parentheses, `name = expr`, `ans`, a trailing `;` that
/// hides the result, `#` comments, and the functions `sqrt(x)`, `rand()` (seeded),
/// `work(n)` (n steps of 20 ms that report progress and stop on Ctrl-C) and `fail()` (always an
/// error). An input with unclosed parentheses or ending in an operator continues on the next
/// line.
public final class DemoEngine: ConsoleEngine {
    public var output: any ConsoleOutput = DiscardingOutput()
    public var interruptCheck: () -> Bool = { false }
    public var progress: any ProgressReporter = SilentProgress(stopRequested: { Interrupts.isPending })
    private var values: [String: Double] = [:]
    private var randomState: UInt64 = 0
    private var currentSeed: UInt64 = 0

    static let functions: [(name: String, summary: String)] = [
        ("fail", "fail() — always fails (to try errors)"),
        ("rand", "rand() — a uniform number in [0, 1) from the session seed"),
        ("sqrt", "sqrt(x) — the square root of x"),
        ("work", "work(n) — n steps of 20 ms with progress; Ctrl-C stops it"),
    ]

    public init() {}

    public var seed: UInt64 {
        get { currentSeed }
        set { currentSeed = newValue; randomState = newValue }
    }

    public func inputStatus(_ source: String) -> ConsoleInputStatus {
        let code = Self.stripComments(source).trimmingCharacters(in: .whitespacesAndNewlines)
        if code.isEmpty { return .empty }
        let depth = code.reduce(0) { $0 + ($1 == "(" ? 1 : $1 == ")" ? -1 : 0) }
        if depth > 0 { return .incomplete }
        if let last = code.last, "+-*/=".contains(last) { return .incomplete }
        return .complete
    }

    @discardableResult
    public func run(_ source: String, file: String, firstLine: Int) -> Bool {
        var code = Self.stripComments(source).trimmingCharacters(in: .whitespacesAndNewlines)
        let quiet = code.hasSuffix(";")
        if quiet { code.removeLast() }
        do {
            var parser = DemoParser(text: code, engine: self)
            let (name, value) = try parser.parseInput()
            if let name { values[name] = value } else { values["ans"] = value }
            if name == nil && !quiet { output.write(Self.format(value) + "\n") }
            return true
        } catch {
            output.writeError("\(file):\(firstLine): error: \(error.message)\n")
            return false
        }
    }

    public func completions(line: String, cursor: Int) -> [String] {
        let before = line.prefix(cursor)
        let word = String(before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
        let names = Set(values.keys).union(Self.functions.map(\.name))
        return names.filter { $0.hasPrefix(word) }.sorted()
    }

    public var bindings: [EngineBinding] {
        values.keys.sorted().map { EngineBinding(name: $0, summary: "number " + Self.format(values[$0]!)) }
    }

    public func reset() { values = [:] }

    public func help(_ topic: String?) -> String? {
        guard let topic else {
            return "demo calculator: numbers, + - * / ( ), name = expr, ans; functions: "
                + Self.functions.map { $0.name + "()" }.joined(separator: ", ")
        }
        return Self.functions.first { $0.name == topic }?.summary
    }

    public func setThreads(_ count: Int?) throws -> String { "threads \(count ?? 1) (the demo engine computes on one)" }

    public func memory(limit: String?) throws -> String {
        if let limit { throw EngineHookError("the demo engine has no memory budget to set to '\(limit)'") }
        return "memory budget: none (demo engine)"
    }

    /// The shared number format: C's `%.6g`, `-0` as `0`, `nan`, `inf`, `-inf`.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return "0" }
        return String(format: "%.6g", value)
    }

    static func stripComments(_ source: String) -> String {
        source.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.firstIndex(of: "#").map { line[..<$0] } ?? line }
            .joined(separator: "\n")
    }

    func lookUp(_ name: String) -> Double? { values[name] }

    /// splitmix64: a tiny deterministic generator, enough for a demo.
    func nextRandom() -> Double {
        randomState &+= 0x9E37_79B9_7F4A_7C15
        var z = randomState
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    func work(steps: Int) throws(DemoError) -> Double {
        progress.begin(total: steps, label: "work")
        defer { progress.end() }
        for step in 0..<steps {
            if interruptCheck() || progress.shouldStop { throw DemoError("interrupted after \(step) of \(steps) steps") }
            usleep(20_000)
            progress.update(done: step + 1, detail: nil)
        }
        return Double(steps)
    }
}

struct DemoError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Recursive descent over the demo's expressions.
struct DemoParser {
    private let characters: [Character]
    private var position = 0
    private let engine: DemoEngine

    init(text: String, engine: DemoEngine) {
        characters = Array(text)
        self.engine = engine
    }

    // input -> NAME '=' expression | expression
    mutating func parseInput() throws(DemoError) -> (String?, Double) {
        let start = position
        skipSpace()
        if let name = identifier() {
            skipSpace()
            if peek == "=" {
                position += 1
                let value = try expression()
                try expectEnd()
                return (name, value)
            }
        }
        position = start
        let value = try expression()
        try expectEnd()
        return (nil, value)
    }

    private var peek: Character? { position < characters.count ? characters[position] : nil }

    private mutating func skipSpace() { while let c = peek, c.isWhitespace { position += 1 } }

    private mutating func expectEnd() throws(DemoError) {
        skipSpace()
        if let c = peek { throw DemoError("unexpected '\(c)'") }
    }

    private mutating func identifier() -> String? {
        guard let c = peek, c.isLetter || c == "_" else { return nil }
        var name = ""
        while let c = peek, c.isLetter || c.isNumber || c == "_" { name.append(c); position += 1 }
        return name
    }

    // expression -> term (('+' | '-') term)*
    private mutating func expression() throws(DemoError) -> Double {
        var value = try term()
        while true {
            skipSpace()
            guard let op = peek, op == "+" || op == "-" else { return value }
            position += 1
            let right = try term()
            value = op == "+" ? value + right : value - right
        }
    }

    // term -> unary (('*' | '/') unary)*
    private mutating func term() throws(DemoError) -> Double {
        var value = try unary()
        while true {
            skipSpace()
            guard let op = peek, op == "*" || op == "/" else { return value }
            position += 1
            let right = try unary()
            value = op == "*" ? value * right : value / right
        }
    }

    // unary -> '-' unary | primary
    private mutating func unary() throws(DemoError) -> Double {
        skipSpace()
        if peek == "-" { position += 1; return -(try unary()) }
        return try primary()
    }

    // primary -> NUMBER | NAME | NAME '(' [expression] ')' | '(' expression ')'
    private mutating func primary() throws(DemoError) -> Double {
        skipSpace()
        guard let c = peek else { throw DemoError("expected a value at the end of the input") }
        if c == "(" {
            position += 1
            let value = try expression()
            skipSpace()
            guard peek == ")" else { throw DemoError("expected ')'") }
            position += 1
            return value
        }
        if c.isNumber || c == "." {
            var text = ""
            while let d = peek, d.isNumber || d == "." || d == "e" || ((d == "-" || d == "+") && text.last == "e") {
                text.append(d); position += 1
            }
            guard let value = Double(text) else { throw DemoError("malformed number '\(text)'") }
            return value
        }
        guard let name = identifier() else { throw DemoError("unexpected '\(c)'") }
        skipSpace()
        if peek == "(" {
            position += 1
            skipSpace()
            var argument: Double?
            if peek != ")" { argument = try expression() }
            skipSpace()
            guard peek == ")" else { throw DemoError("expected ')' after the argument of \(name)") }
            position += 1
            return try call(name, argument)
        }
        guard let value = engine.lookUp(name) else { throw DemoError("unknown name '\(name)'") }
        return value
    }

    private func call(_ name: String, _ argument: Double?) throws(DemoError) -> Double {
        switch (name, argument) {
        case ("sqrt", let x?): return x.squareRoot()
        case ("rand", nil): return engine.nextRandom()
        case ("work", let n?) where n >= 0 && n < 1e6: return try engine.work(steps: Int(n))
        case ("fail", nil): throw DemoError("fail() always fails")
        case ("sqrt", nil), ("work", _), ("rand", _), ("fail", _):
            throw DemoError("wrong arguments for \(name)(): see .help \(name)")
        default: throw DemoError("unknown function '\(name)'")
        }
    }
}
