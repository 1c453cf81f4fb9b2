import Foundation
import Language

/// Where an input came from: the prompt, or a line of a file.
public struct InputOrigin: Sendable, Equatable {
    /// The name diagnostics use (`<console>`, `<stdin>`, or a path as given).
    public var file: String
    /// 1-based line of the input's first line.
    public var line: Int
    /// The directory that relative paths in `.read`/`.save`/`.log` start from (nil: the
    /// working directory).
    public var directory: String?

    public init(file: String, line: Int, directory: String? = nil) {
        self.file = file
        self.line = line
        self.directory = directory
    }

    /// An input typed at the prompt.
    public static let console = InputOrigin(file: "<console>", line: 1)
    var isConsole: Bool { file == "<console>" }
}

/// What running one input produced.
public struct InputResult: Sendable, Equatable {
    public var succeeded: Bool
    /// Everything the input wrote, as transcript lines.
    public var output: [ExpectedLine]
    /// The input was `.quit`.
    public var quit: Bool
    /// Ctrl-C was pressed while the input ran (top-level inputs only).
    public var interrupted: Bool = false
}

/// One input of this session, for `.history`, `.save` and `.log`.
public struct SessionEntry: Sendable, Equatable {
    public var text: String
    public var output: [ExpectedLine]
    /// False for meta-commands that manage the console itself (see `MetaCommand.isRecorded`).
    public var isRecorded: Bool
    /// Markdown prose a lesson showed before this input (`.lesson`, `.next`, a `#>` note), for
    /// `.export`.
    public var prose: String? = nil
    /// Prose a lesson showed after this input (the `#>` lines closing a step).
    public var proseAfter: String? = nil
    /// The figures this input showed or saved (inputs of a `.read` count for the `.read`).
    public var figures: [EngineFigure] = []
    /// True for an input a lesson step ran, false for one the user typed.
    public var isLessonInput = false
}

/// Sends what the engine and meta-commands write to the display and to every input
/// currently capturing (a `.read` nests inputs, and the outer one sees the inner output).
final class OutputRouter: ConsoleOutput {
    var display: any ConsoleOutput
    var captures: [CollectingOutput] = []
    init(display: any ConsoleOutput) { self.display = display }
    func write(_ text: String) {
        display.write(text)
        for capture in captures { capture.write(text) }
    }
    func writeError(_ text: String) {
        display.writeError(text)
        for capture in captures { capture.writeError(text) }
    }
}

/// A console session: an engine plus everything the console keeps around it (inputs so far,
/// the transcript, the timer, files being read). The interactive console, script runs and
/// replays all go through `execute(_:origin:)`.
public final class ConsoleSession {
    public let engine: any ConsoleEngine
    let router: OutputRouter
    /// The seed the session started with, written in `.save` headers.
    public private(set) var initialSeed: UInt64
    /// This session's inputs, in order (prelude and `.read` contents excluded).
    public internal(set) var entries: [SessionEntry] = []
    /// Whether `.timer on` is in effect.
    public internal(set) var timerEnabled = false
    /// A seed given on the command line: it wins over the seed in a script's header.
    public var seedOverride: UInt64?
    /// Prelude files (`*.entk`, lexical order) loaded at start and after `.reset`.
    public var preludeDirectory: String?
    /// Names bound before the prelude loads, at start and after `.reset`, to a string or
    /// (nil) to nothing: `out` for `--out DIR`. They are not inputs: no transcript shows them.
    public var presetBindings: [(name: String, value: String?)] = []
    /// `.read` refuses to nest deeper than this.
    public static let readNestingLimit = 16
    /// A monotonic clock in seconds, for `.timer`.
    public var clock: () -> Double = TerminalProgress.monotonicSeconds

    /// Where `.lessons` and `.lesson N` find lesson files (`NN-name.entk`).
    public var lessonsDirectory: String?
    /// The lesson being followed, if any.
    public internal(set) var lessonProgress: LessonProgress?
    /// A step's inputs to run after the input that showed the step (see `PendingLessonRun`).
    var pendingLessonRun: PendingLessonRun?
    /// Prose for the entry of the input now running (set by `.lesson`/`.next`).
    var pendingProse: String?
    /// True while a lesson step runs its inputs (their entries are marked as the lesson's).
    var runningLessonInputs = false

    var transcript: Transcript?
    /// Canonical paths of the files being read, outermost first (cycle detection).
    var readStack: [String] = []
    private var depth = 0
    /// True while an input runs inside another (`.read`): a lesson step then runs in place.
    var isNested: Bool { depth > 1 }
    /// False while the prelude loads: its inputs are not the user's.
    var recordsEntries = true

    /// - Parameters:
    ///   - display: where the user sees output (standard streams in the executable).
    ///   - seed: the initial session seed, set on the engine now.
    public init(engine: any ConsoleEngine, display: any ConsoleOutput, seed: UInt64 = 0,
                preludeDirectory: String? = nil) {
        self.engine = engine
        self.router = OutputRouter(display: display)
        self.initialSeed = seed
        self.preludeDirectory = preludeDirectory
        engine.output = router
        engine.interruptCheck = { Interrupts.isPending }
        engine.seed = seed
    }

    /// Where output is shown; replay swaps in a discarding sink.
    public var display: any ConsoleOutput {
        get { router.display }
        set { router.display = newValue }
    }

    /// Sets the seed the session counts as its start (replay sets it from a file header).
    public func restart(seed: UInt64) {
        initialSeed = seed
        engine.seed = seed
    }

    /// Runs one complete input, a meta-command or source for the engine, and records it.
    ///
    /// Top-level inputs (not those inside a `.read`) go into `entries`, the transcript when
    /// one is open, and get a `.timer` line. Ctrl-C during the input sets the flag the engine
    /// polls.
    @discardableResult
    public func execute(_ input: String, origin: InputOrigin) -> InputResult {
        let capture = CollectingOutput()
        router.captures.append(capture)
        let isTopLevel = depth == 0
        depth += 1
        let start = clock()
        var isRecorded = true
        var quit = false
        let succeeded: Bool
        let work = { () -> Bool in
            if MetaCommandLine.isMetaCommand(input) {
                let outcome = self.runMetaCommand(input, origin: origin)
                isRecorded = outcome.isRecorded
                quit = outcome.quit
                return outcome.succeeded
            }
            return self.engine.run(input, file: origin.file, firstLine: origin.line)
        }
        var interrupted = false
        if isTopLevel {
            (succeeded, interrupted) = Interrupts.runningWork(work)
        } else {
            succeeded = work()
        }
        let elapsed = clock() - start
        depth -= 1
        router.captures.removeLast()
        var output = ExpectedLine.lines(from: capture.chunks, failed: !succeeded)
        if isTopLevel {
            let prose = pendingProse
            pendingProse = nil
            let figures = engine.takeFigures()
            if recordsEntries {
                entries.append(SessionEntry(text: input, output: output, isRecorded: isRecorded, prose: prose, figures: figures,
                                            isLessonInput: runningLessonInputs))
                if isRecorded { transcript?.append(input: input, output: output) }
            }
            if timerEnabled { router.display.write("time \(Self.formatSeconds(elapsed))\n") }
            if let run = pendingLessonRun {
                // A lesson step's inputs run now, each a top-level input of its own; the
                // result of the input that showed the step carries all of it (for replays).
                pendingLessonRun = nil
                let step = runLessonInputs(run)
                output += step.output
                interrupted = interrupted || step.interrupted
            }
        }
        return InputResult(succeeded: succeeded, output: output, quit: quit, interrupted: interrupted)
    }

    private struct MetaOutcome { var succeeded: Bool; var isRecorded: Bool; var quit: Bool }

    private func runMetaCommand(_ line: String, origin: InputOrigin) -> MetaOutcome {
        let (typed, argument) = MetaCommandLine.split(line)
        switch MetaCommand.resolve(typed) {
        case .unknown:
            let nearest = Suggestion.closest(to: typed, among: MetaCommand.table.map(\.name)).map { "did you mean .\($0)? " } ?? ""
            reportError("unknown meta-command '.\(typed)' (\(nearest).help lists them)", at: origin)
            return MetaOutcome(succeeded: false, isRecorded: true, quit: false)
        case .ambiguous(let names):
            let list = names.map { "." + $0 }.joined(separator: ", ")
            reportError("ambiguous meta-command '.\(typed)': \(list)", at: origin)
            return MetaOutcome(succeeded: false, isRecorded: true, quit: false)
        case .command(let name):
            let command = MetaCommand.named(name)!
            let context = MetaCommandContext(argument: argument, origin: origin, session: self)
            let succeeded = command.handler(self, context)
            return MetaOutcome(succeeded: succeeded, isRecorded: command.isRecorded, quit: name == "quit" && succeeded)
        }
    }

    /// Writes `error: message`, prefixed with `file:line: ` for inputs from files.
    func reportError(_ message: String, at origin: InputOrigin) {
        let location = origin.isConsole ? "" : "\(origin.file):\(origin.line): "
        router.writeError("\(location)error: \(message)\n")
    }

    /// A path typed in a meta-command, made absolute from the input's directory; `~/` is the
    /// home directory.
    func resolvePath(_ path: String, from origin: InputOrigin) -> String {
        var path = path
        if path == "~" || path.hasPrefix("~/") {
            path = ConsoleLauncher.homeDirectory(environment: ProcessInfo.processInfo.environment) + path.dropFirst()
        }
        if path.hasPrefix("/") { return path }
        let base = origin.directory ?? FileManager.default.currentDirectoryPath
        return (base as NSString).appendingPathComponent(path)
    }

    /// Three significant digits: `12.3 ms` under a second, `1.23 s` above.
    static func formatSeconds(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.3g ms", seconds * 1000) : String(format: "%.3g s", seconds)
    }

    /// Closes the transcript, if any (called when the console exits).
    public func close() {
        transcript?.close()
        transcript = nil
    }
}
