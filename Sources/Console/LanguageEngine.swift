import Foundation
import Language
import Library

/// The real engine behind `entk`: connects the console to a `Library.Session` (the
/// interpreter with every builtin, the seeded generator and the memory budget).
///
/// Results go to `output.write`, diagnostics to `output.writeError`, so transcripts mark
/// them `#!`. Progress and the interrupt check are handed to the session as they are.
public final class LanguageEngine: ConsoleEngine {
    public let session: Session
    private let results = ForwardingSink(isError: false)
    private let diagnostics = ForwardingSink(isError: true)

    public init(seed: UInt64 = 0) {
        session = Session(sink: results, seed: seed)
        session.interpreter.diagnosticSink = diagnostics
    }

    public var output: any ConsoleOutput = DiscardingOutput() {
        didSet { results.target = output; diagnostics.target = output }
    }

    public var interruptCheck: () -> Bool {
        get { session.interpreter.interruptCheck }
        set { session.interpreter.interruptCheck = newValue }
    }

    public var progress: any ProgressReporter {
        get { session.progress }
        set { session.progress = newValue }
    }

    public func inputStatus(_ source: String) -> ConsoleInputStatus {
        switch session.interpreter.inputStatus(source) {
        case .complete: return .complete
        case .incomplete: return .incomplete
        case .empty: return .empty
        }
    }

    /// A collector over `Language.PendingInput`: linear in the input's length.
    public func makeInputCollector() -> any ConsoleInputCollector { LanguageInputCollector(interpreter: session.interpreter) }

    @discardableResult
    public func run(_ source: String, file: String, firstLine: Int) -> Bool {
        session.interpreter.run(source, file: file, firstLine: firstLine)
    }

    public func parameterNames(of name: String) -> [String]? { session.interpreter.parameterNames(of: name) }
    public var helpTopics: [String] { session.interpreter.helpTopics }

    public func completions(line: String, cursor: Int) -> [String] {
        session.interpreter.completions(line: line, cursor: cursor)
    }

    public var bindings: [EngineBinding] {
        session.interpreter.bindings.map { EngineBinding(name: $0.name, summary: $0.summary) }
    }

    public func reset() { session.reset() }

    public var seed: UInt64 {
        get { session.seed }
        set { session.reseed(newValue) }
    }

    public var arithmetic: String? { Session.arithmetic }

    public func help(_ topic: String?) -> String? { session.interpreter.help(topic) }

    public func bind(_ name: String, string value: String?) throws {
        session.interpreter.define(name, value.map(Value.string) ?? .nothing)
    }

    public func takeFigures() -> [EngineFigure] {
        session.takeFigures().map { figure in EngineFigure(savedName: figure.savedName) { figure.svg } }
    }

    public func setThreads(_ count: Int?) throws -> String {
        guard let count else { return "threads \(session.threads) · \(Session.arithmetic)" }
        guard count >= 1 else { throw EngineHookError("the thread count must be at least 1, got \(count)") }
        return "threads \(session.setThreads(count))"
    }

    /// `.memory` reports the budget; `.memory 4G` (K, M, G, T suffixes, decimal or binary
    /// units alike: `4G` = 4 GiB) sets it.
    public func memory(limit: String?) throws -> String {
        if let limit {
            guard let bytes = LanguageEngine.parseBytes(limit) else {
                throw EngineHookError("cannot read '\(limit)' as a size; write e.g. 512M or 4G")
            }
            session.memoryBudget = bytes
        }
        return "memory budget \(Session.formatBytes(session.memoryBudget))"
    }

    /// Sizes in the units entk prints them in: `512M` and `512MB` → 512·10⁶, `4G` → 4·10⁹,
    /// `1.5g`, `800000` (bytes); binary units spelt out, `4GiB` → 4·2³⁰.
    static func parseBytes(_ text: String) -> Int? {
        var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
        var binary = false
        if digits.hasSuffix("IB") { binary = true; digits.removeLast(2) } else if digits.hasSuffix("B") { digits.removeLast() }
        let powers: [Character: Double] = ["K": 1, "M": 2, "G": 3, "T": 4]
        var scale = 1.0
        if let last = digits.last, let power = powers[last] {
            scale = binary ? pow(1024, power) : pow(1000, power)
            digits.removeLast()
        } else if binary { return nil }
        guard let value = Double(digits), value > 0, value.isFinite, value * scale < 9e18 else { return nil }
        return Int(value * scale)
    }
}

/// Collects one input's lines, asking the parser only when a line could end the input.
private final class LanguageInputCollector: ConsoleInputCollector {
    private var pending = PendingInput()
    private let interpreter: Interpreter
    init(interpreter: Interpreter) { self.interpreter = interpreter }
    var text: String { pending.text }
    func append(_ line: String) -> ConsoleInputStatus {
        switch pending.append(line, status: interpreter.inputStatus) {
        case .complete: return .complete
        case .incomplete: return .incomplete
        case .empty: return .empty
        }
    }
}

/// A `Language.OutputSink` that forwards to the console's current output.
private final class ForwardingSink: OutputSink {
    var target: any ConsoleOutput = DiscardingOutput()
    let isError: Bool
    init(isError: Bool) { self.isError = isError }
    func write(_ text: String) { isError ? target.writeError(text) : target.write(text) }
}
