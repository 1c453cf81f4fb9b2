import Library
/// Whether a piece of source is a whole input, needs more lines, or holds nothing to run.
///
/// The console asks after every line it reads: `.incomplete` shows the continuation prompt
/// `...> ` and keeps reading; `.empty` (blank or comment only) is skipped without running.
public enum ConsoleInputStatus: Sendable, Equatable {
    case complete, incomplete, empty
}

/// Gathers the lines of one input and says after each whether the input is whole yet.
///
/// The console and the script reader start one per input and append its lines in order; an
/// engine's collector should take time linear in the input's length (asking `inputStatus`
/// about the whole text after every line is quadratic).
public protocol ConsoleInputCollector: AnyObject {
    /// The lines so far, joined by `\n`.
    var text: String { get }
    /// Appends a line and returns the status of the input so far.
    func append(_ line: String) -> ConsoleInputStatus
}

/// A collector that asks `status` about the whole text after every line: right for any
/// engine, but quadratic in the number of lines of one input.
public final class WholeTextInputCollector: ConsoleInputCollector {
    public private(set) var text = ""
    private var lineCount = 0
    private let status: (String) -> ConsoleInputStatus
    public init(status: @escaping (String) -> ConsoleInputStatus) { self.status = status }
    public func append(_ line: String) -> ConsoleInputStatus {
        text += lineCount == 0 ? line : "\n" + line
        lineCount += 1
        return status(text)
    }
}

/// One binding as `.vars` lists it: the name and a one-line summary of its value.
public struct EngineBinding: Sendable, Equatable {
    public var name: String
    public var summary: String
    public init(name: String, summary: String) {
        self.name = name
        self.summary = summary
    }
}

/// A failure an engine reports for a console hook (`.threads`, `.memory`): the message is
/// shown as `error: <message>`, lower case, naming what was wrong.
public struct EngineHookError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Everything the console needs from the language and its library.
///
/// The console never looks inside the language: it hands over complete inputs with their
/// position, asks whether a partial input is complete, and asks for completions, bindings,
/// help and the seed. The integrator adapts the real interpreter to this protocol; until then
/// `DemoEngine` stands in.
///
/// Output: the engine writes everything it prints to `output` (set by the console before the
/// first input), errors through `ConsoleOutput.writeError` so transcripts can mark them `#!`.
public protocol ConsoleEngine: AnyObject {
    /// Where the engine writes results and diagnostics. The console installs its own sink,
    /// which captures output per input for transcripts, `--check` and `--record`.
    var output: any ConsoleOutput { get set }

    /// Polled by long-running work at safe points; true means the user pressed Ctrl-C and the
    /// work should stop, leave its state consistent, and report an error.
    var interruptCheck: () -> Bool { get set }

    /// Progress display for long work (training, kernels, eigen). The console installs a
    /// reporter that draws on a terminal and is silent otherwise.
    var progress: any ProgressReporter { get set }

    /// Classifies `source` (possibly several lines joined by `\n`).
    func inputStatus(_ source: String) -> ConsoleInputStatus

    /// A new collector for the lines of one input (by default a `WholeTextInputCollector`
    /// over `inputStatus`).
    func makeInputCollector() -> any ConsoleInputCollector

    /// Runs one complete input whose first line is line `firstLine` of `file` (for
    /// diagnostics: `file:line:col: error: …`). Returns false when the input failed; the
    /// engine has then written the error. Every binding made before the failure survives.
    @discardableResult
    func run(_ source: String, file: String, firstLine: Int) -> Bool

    /// Completion candidates for the identifier (letters, digits, `_`) that ends at `cursor`
    /// (a `Character` offset into `line`): each candidate is the whole identifier that would
    /// replace it, e.g. `["eig", "eigenvectors"]` for `K.ei|`.
    func completions(line: String, cursor: Int) -> [String]

    /// The parameter names of function `name`, for argument-label completion; nil when unknown.
    func parameterNames(of name: String) -> [String]?

    /// The names `help("…")` answers to, for completion inside its string.
    var helpTopics: [String] { get }

    /// The current bindings, sorted by name, for `.vars`.
    var bindings: [EngineBinding] { get }

    /// Forgets every binding (the console reloads the prelude afterwards).
    func reset()

    /// The session seed of the one random generator. Setting it reseeds the generator, so a
    /// replay that sets the same seed reproduces every random value.
    var seed: UInt64 { get set }

    /// Help on `topic` (a function, type or method name), or general help when nil; nil when
    /// there is no such topic.
    func help(_ topic: String?) -> String?

    /// `.threads N`: sets the number of compute threads (only reports them when `count` is
    /// nil); returns the line to print.
    func setThreads(_ count: Int?) throws -> String

    /// `.memory [LIMIT]`: reports the memory budget (and sets it when `limit` is given, e.g.
    /// `"4G"`); returns the lines to print.
    func memory(limit: String?) throws -> String

    /// Binds the global `name` to a string, or to the language's "nothing" when `value` is nil
    /// (the console binds `out` this way for `--out DIR`). Nothing is echoed or recorded.
    func bind(_ name: String, string value: String?) throws

    /// The figures (plots) the inputs since the last call showed or saved, oldest first; the
    /// engine then forgets them. The console keeps them with each input for `.export`.
    func takeFigures() -> [EngineFigure]

    /// The arithmetic results depend on, e.g. `OpenBLAS 0.3.21 Haswell`; a recording's header
    /// names it (informational: replays compare numbers within a tolerance). Nil when none.
    var arithmetic: String? { get }
}

/// A figure an input showed or saved, as `.export` needs it: the name it was saved under, if
/// any, and its SVG document, rendered only when asked for.
public struct EngineFigure: @unchecked Sendable, Equatable {
    /// The file name the input saved it under (`spectrum.svg`), or nil when it was only shown.
    public var savedName: String?
    private let source: Source

    private final class Source {
        let render: () -> String
        init(_ render: @escaping () -> String) { self.render = render }
    }

    /// - Parameter svg: renders the SVG document; called once per export, and it must return
    ///   the figure as it was when shown.
    public init(savedName: String?, svg: @escaping () -> String) {
        self.savedName = savedName
        self.source = Source(svg)
    }

    /// The SVG document.
    public var svg: String { source.render() }

    /// Two figures are equal when they are the same figure under the same name.
    public static func == (a: EngineFigure, b: EngineFigure) -> Bool {
        a.source === b.source && a.savedName == b.savedName
    }
}

extension ConsoleEngine {
    public func parameterNames(of name: String) -> [String]? { nil }
    public var helpTopics: [String] { [] }

    public func setThreads(_ count: Int?) throws -> String {
        throw EngineHookError("this engine has no thread setting")
    }
    public func memory(limit: String?) throws -> String {
        throw EngineHookError("this engine has no memory budget")
    }
    public func bind(_ name: String, string value: String?) throws {
        throw EngineHookError("this engine cannot bind '\(name)'")
    }
    public func takeFigures() -> [EngineFigure] { [] }
    public var arithmetic: String? { nil }
    public func makeInputCollector() -> any ConsoleInputCollector {
        WholeTextInputCollector { [unowned self] in self.inputStatus($0) }
    }
}
