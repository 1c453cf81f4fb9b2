/// Whether a piece of console input can run yet, as the parser sees it.
public enum InputStatus: Sendable, Equatable {
    /// It parses, or it has an error that more input could not fix: run it.
    case complete
    /// Its only errors are at the end of input (an unclosed bracket, brace or string, a trailing
    /// operator): ask for a continuation line.
    case incomplete
    /// Only blanks and comments.
    case empty
}

/// The entk command language: parses and runs inputs against persistent bindings.
///
/// Output (echoes, `print`, progress) goes to the sink; errors too, unless `diagnosticSink` is
/// set. An error abandons the rest of its input only: bindings made by earlier statements, of
/// this input or before, survive. All work runs on a long-lived thread with a large stack (see
/// `LargeStack`), so depth limits, not the caller's stack, bound recursion; the caller blocks
/// meanwhile, so builtins and sinks must not wait for the calling thread (no `main.sync`).
/// When that thread cannot be started (memory exhausted), the input fails with an error
/// saying so; nothing waits for it.
public final class Interpreter {
    /// The tables of builtin functions and host types. Add to it to extend the language.
    public let registry: BuiltinRegistry
    let evaluator: Evaluator
    /// Where errors go; nil sends them to the output sink.
    public var diagnosticSink: OutputSink?
    /// The diagnostics of the most recent `run` or `evaluate` (empty after a success).
    public private(set) var lastDiagnostics: [Diagnostic] = []
    /// At most this many syntax errors are printed for one input (the rest are counted).
    public var maximumReportedErrors = 20
    /// Called with each value a top-level statement echoes, just before its text is written
    /// (hosts use it to notice what was shown, e.g. the plots of an input for a handout).
    public var echoObserver: ((Value) -> Void)?

    /// An interpreter with the core builtins registered, writing to `sink`.
    public init(sink: OutputSink) {
        registry = BuiltinRegistry()
        do { try registry.register(CoreBuiltins.table) } catch { preconditionFailure("the core builtin table: \(error)") }
        evaluator = Evaluator(registry: registry, sink: sink)
    }

    /// Polled at safe points (each loop step and each call); once it returns true, evaluation
    /// stops with an "interrupted" error. Builtins see it as `CallContext.isInterrupted`.
    public var interruptCheck: () -> Bool {
        get { evaluator.interruptCheck }
        set { evaluator.interruptCheck = newValue }
    }

    /// The output sink (echoes, `print`).
    public var sink: OutputSink {
        get { evaluator.sink }
        set { evaluator.sink = newValue }
    }

    /// The stack size of the thread inputs run on (default 512 MB, which the depth limits are
    /// sized for; a smaller stack is for tests only).
    public var evaluationStackSize = LargeStack.size

    /// Steps one `while` loop may take before it is stopped as runaway (default 10,000,000).
    public var maximumLoopIterations: Int {
        get { evaluator.maximumLoopIterations }
        set { evaluator.maximumLoopIterations = newValue }
    }

    /// Whether `source` is complete, needs more lines, or is empty. Decided by the parser:
    /// incomplete exactly when every error it finds is at the end of the input.
    /// (When the evaluation thread cannot start, `.complete`: running it reports why.)
    public func inputStatus(_ source: String) -> InputStatus {
        (try? LargeStack.run(stackSize: evaluationStackSize) { Interpreter.parsedStatus(source) }) ?? .complete
    }

    static func parsedStatus(_ source: String) -> InputStatus {
        let text = SourceText(name: "<input>", text: source)
        let (tokens, lexical) = Lexer.tokenize(text)
        if lexical.isEmpty, tokens.allSatisfy({ $0.kind == .newline || $0.kind == .endOfInput }) { return .empty }
        let (_, diagnostics) = Parser.parse(text)
        if diagnostics.isEmpty { return .complete }
        return diagnostics.allSatisfy(\.isAtEndOfInput) ? .incomplete : .complete
    }

    /// Parses and runs `source`, echoing the value of each top-level expression statement not
    /// followed by `;`. Syntax errors are all reported and nothing runs; a run-time error stops
    /// the input at that statement. Returns true when everything ran.
    @discardableResult
    public func run(_ source: String, file: String = "<input>", firstLine: Int = 1) -> Bool {
        do {
            return try LargeStack.run(stackSize: evaluationStackSize) { runOnEvaluationThread(source, file: file, firstLine: firstLine) }
        } catch {
            report([Diagnostic(error.description, span: nil)])
            return false
        }
    }

    private func runOnEvaluationThread(_ source: String, file: String, firstLine: Int) -> Bool {
        let text = SourceText(name: file, text: source, firstLine: firstLine)
        let (statements, diagnostics) = Parser.parse(text)
        guard diagnostics.isEmpty else {
            report(diagnostics)
            return false
        }
        lastDiagnostics = []
        for statement in statements {
            do {
                if let value = try evaluator.runTopLevel(statement) {
                    echoObserver?(value)
                    evaluator.sink.write(value.echoText + "\n")
                }
            } catch {
                report([Interpreter.diagnostic(from: error, span: statement.span)])
                return false
            }
        }
        return true
    }

    /// Runs `source` without echo and returns the value of its last expression statement
    /// (`none` if there is none). Throws the first `Diagnostic` instead of reporting it.
    public func evaluate(_ source: String, file: String = "<eval>") throws -> Value {
        let started: Result<Value, Diagnostic>?
        do {
            started = try LargeStack.run(stackSize: evaluationStackSize) { () -> Result<Value, Diagnostic> in
            let text = SourceText(name: file, text: source)
            let (statements, diagnostics) = Parser.parse(text)
            if let first = diagnostics.first {
                lastDiagnostics = diagnostics
                return .failure(first)
            }
            var last = Value.nothing
            for statement in statements {
                do {
                    if case .expression(let expression, _) = statement.kind {
                        last = try evaluator.evaluate(expression, in: evaluator.globals)
                    } else {
                        _ = try evaluator.runTopLevel(statement)
                    }
                } catch {
                    let diagnostic = Interpreter.diagnostic(from: error, span: statement.span)
                    lastDiagnostics = [diagnostic]
                    return .failure(diagnostic)
                }
            }
            lastDiagnostics = []
            return .success(last)
            }
        } catch {
            let diagnostic = Diagnostic(error.description, span: nil)
            lastDiagnostics = [diagnostic]
            throw diagnostic
        }
        return try started!.get()
    }

    private static func diagnostic(from error: Error, span: SourceSpan) -> Diagnostic {
        if var diagnostic = error as? Diagnostic {
            if diagnostic.span == nil { diagnostic.span = span }
            return diagnostic
        }
        if let error = error as? LanguageError { return Diagnostic(error.message, span: span) }
        return Diagnostic("\(error)", span: span)
    }

    private func report(_ diagnostics: [Diagnostic]) {
        lastDiagnostics = diagnostics
        let target = diagnosticSink ?? evaluator.sink
        for diagnostic in diagnostics.prefix(maximumReportedErrors) { target.write(diagnostic.rendered() + "\n") }
        if diagnostics.count > maximumReportedErrors {
            target.write("… and \(diagnostics.count - maximumReportedErrors) more errors\n")
        }
    }

    /// The global bindings with one-line summaries, sorted by name (for `.vars`).
    public var bindings: [(name: String, summary: String)] {
        evaluator.globals.values.keys.sorted().map { ($0, evaluator.globals.values[$0]!.summary) }
    }

    /// The value bound to a global name.
    public func value(named name: String) -> Value? { evaluator.globals.values[name] }

    /// Binds a global name (for hosts that inject values, e.g. a console's `.read` results).
    public func define(_ name: String, _ value: Value) { evaluator.globals.values[name] = value }

    /// Forgets every binding (builtins stay).
    public func reset() {
        evaluator.globals = Environment(parent: nil)
        lastDiagnostics = []
    }

    /// Help text for a builtin, type, `type.method`, language topic or user function; with no
    /// topic, the overview. Nil when nothing matches.
    public func help(_ topic: String?) -> String? {
        if let topic, case .function(let function)? = evaluator.globals.values[topic], let text = function.userHelp {
            return text
        }
        return registry.help(topic)
    }
}
