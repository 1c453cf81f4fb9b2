import Library
import Foundation
import Tensors

/// The command line of `entk`, parsed by the executable and acted on by `ConsoleLauncher`.
public struct ConsoleOptions: Sendable, Equatable {
    /// A script to run (`entk FILE`).
    public var file: String?
    /// `--check FILE`: replay and diff against the recorded expectations.
    public var check: String?
    /// `--record FILE`: replay and rewrite the expectations.
    public var record: String?
    public var noPrelude = false
    public var preludeDirectory: String?
    public var noHistory = false
    public var keepGoing = false
    public var seed: UInt64?
    /// `--out DIR`: the directory scripts write figures to, bound as `out` (created if missing).
    public var outputDirectory: String?
    /// With `--check`: `--tolerance T` or `--exact`; nil takes the file header's tolerance or the default.
    public var comparison: OutputComparison?
    /// With `--check`: print a one-line summary on standard error, also when the file passes.
    public var verbose = false
    /// `--time-limit S`: interrupt any input running longer than S seconds, as Ctrl-C does.
    public var timeLimit: Double?
    /// `--kernel`: serve the JSON-lines protocol of `KernelServer` on standard input and output.
    public var kernel = false
    /// `FILE --notebook OUT.ipynb`: run FILE and write it as a notebook to OUT.
    public var notebook: String?
    public init() {}
}

/// Exit statuses of `entk`.
public enum ExitStatus {
    public static let success: Int32 = 0
    /// An input failed, or `--check` found a difference.
    public static let failure: Int32 = 1
    /// A file could not be read or written.
    public static let fileError: Int32 = 2
}

/// Everything `entk` does after parsing its arguments.
public enum ConsoleLauncher {
    public static let banner = "entk \(EntkVersion.string) · empirical NTK console · .help for help"
    /// Entries kept in the history file.
    public static let historyLimit = 1000
    /// The name bound to the `--out` directory (a string), or to none without the option.
    public static let outputVariable = "out"

    /// Runs entk as `options` ask: check, record, a script, piped standard input, or the
    /// interactive console. Returns the exit status.
    public static func run(_ options: ConsoleOptions, engine: any ConsoleEngine,
                           display: any ConsoleOutput = StandardStreams(),
                           environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        Interrupts.install()
        Interrupts.timeLimit = options.timeLimit
        // In kernel mode standard output carries only protocol events: the session's display
        // turns everything it shows into events, the prelude's output included.
        let events = KernelEventWriter { FileDescriptorWriter.write($0 + "\n", to: 1) }
        let display = options.kernel ? KernelServer.display(for: events) : display
        // Progress is drawn in the interactive console only: scripts, pipes and replays are
        // silent even on a terminal.
        engine.progress = SilentProgress(stopRequested: { Interrupts.isPending })
        let session = ConsoleSession(engine: engine, display: display, seed: options.seed ?? 0,
                                     preludeDirectory: preludeDirectory(options, environment: environment))
        session.lessonsDirectory = lessonsDirectory(environment: environment)
        defer { session.close() }
        if let directory = options.outputDirectory {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                display.writeError("entk: \(FileAccessError("create the output directory", directory, foundationError: error))\n")
                return ExitStatus.fileError
            }
        }
        session.presetBindings = [(outputVariable, options.outputDirectory)]
        if let directory = options.preludeDirectory, !options.noPrelude, !isDirectory(directory) {
            display.writeError("entk: prelude directory '\(directory)' not found\n")
        }
        session.loadPrelude()
        // The prelude may draw random numbers; the session proper starts from its seed.
        session.restart(seed: options.seed ?? 0)
        session.seedOverride = options.seed

        if options.kernel {
            return KernelServer(session: session, events: events).serve()
        }
        do throws(ConsoleFileError) {
            if let output = options.notebook, let path = options.file {
                // The notebook holds the output; only errors are shown.
                session.display = ErrorsOnlyOutput(display)
                let (text, outcome) = try session.notebook(ofScriptAtPath: path)
                let status = report(outcome, keepGoing: false, display: display)
                if status != ExitStatus.success { return status }
                try ConsoleSession.writeText(text, toPath: output)
                let cells = session.entries.filter(\.isRecorded).count
                display.writeError("entk: wrote \(output) (\(cells) code cells)\n")
                return ExitStatus.success
            }
            if let path = options.check {
                let result = try session.check(atPath: path, comparison: options.comparison)
                if let report = result.report { display.write(report) }
                if options.verbose { display.writeError(result.summary(path: path) + "\n") }
                return result.passed ? ExitStatus.success : ExitStatus.failure
            }
            if let path = options.record {
                let changed = try session.record(atPath: path)
                display.writeError("entk: \(changed ? "recorded" : "unchanged") \(path)\n")
                return ExitStatus.success
            }
            if let path = options.file {
                return report(try session.runScript(atPath: path, keepGoing: options.keepGoing), keepGoing: options.keepGoing, display: display)
            }
        } catch {
            display.writeError("entk: \(error.message)\n")
            return ExitStatus.fileError
        }
        if !FileDescriptorWriter.isTerminal(0) {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            let text = String(decoding: data, as: UTF8.self)
            return report(session.runScript(text: text, name: "<stdin>", keepGoing: options.keepGoing), keepGoing: options.keepGoing, display: display)
        }
        display.write(banner + "\n")
        let progress = TerminalProgress()
        engine.progress = progress
        (display as? StandardStreams)?.beforeWrite = { progress.yieldLine() }
        let history = usableHistoryPath(historyPath(options, environment: environment))
        if let problem = history.problem { display.writeError("entk: \(problem)\n") }
        let console = InteractiveConsole(session: session, historyPath: history.path, historyLimit: historyLimit)
        return console.run()
    }

    /// Says where a script stopped, and turns its outcome into an exit status.
    static func report(_ outcome: ScriptOutcome, keepGoing: Bool, display: any ConsoleOutput) -> Int32 {
        if outcome.interrupted {
            display.writeError("entk: interrupted\n")
            return ExitStatus.failure
        }
        guard let first = outcome.failures.first else { return ExitStatus.success }
        if !keepGoing {
            display.writeError("entk: stopped after the error at \(first.file):\(first.line)\n")
        } else {
            let count = outcome.failures.count
            display.writeError("entk: \(count) input\(count == 1 ? "" : "s") failed, the first at \(first.file):\(first.line)\n")
        }
        return ExitStatus.failure
    }

    /// `--no-history` → none; else `ENTK_HISTORY`, else `.entk_history` in the home directory.
    public static func historyPath(_ options: ConsoleOptions, environment: [String: String]) -> String? {
        if options.noHistory { return nil }
        if let path = environment["ENTK_HISTORY"], !path.isEmpty { return path }
        return (homeDirectory(environment: environment) as NSString).appendingPathComponent(".entk_history")
    }

    /// `$HOME` when set, else the account's home directory.
    public static func homeDirectory(environment: [String: String]) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return NSHomeDirectory()
    }

    /// The history file to use: `path` unless it exists and is not a regular file (a FIFO or a
    /// device would block or break libedit), in which case `problem` says why it is not used.
    public static func usableHistoryPath(_ path: String?) -> (path: String?, problem: String?) {
        guard let path else { return (nil, nil) }
        do { try FileAccess.requireRegularFileOrNothing(path, action: "use the history file") } catch {
            return (nil, "\(error); this session keeps no history")
        }
        return (path, nil)
    }

    /// `--no-prelude` → none; `--prelude DIR`; `ENTK_PRELUDE`; else `prelude/` in the package
    /// the executable was built in (found by walking up from the executable to the directory
    /// holding `Package.swift`), when it exists.
    public static func preludeDirectory(_ options: ConsoleOptions, environment: [String: String]) -> String? {
        if options.noPrelude { return nil }
        if let directory = options.preludeDirectory { return isDirectory(directory) ? directory : nil }
        if let directory = environment["ENTK_PRELUDE"], !directory.isEmpty { return directory }
        guard let root = packageRoot() else { return nil }
        let prelude = (root as NSString).appendingPathComponent("prelude")
        return isDirectory(prelude) ? prelude : nil
    }

    /// `ENTK_LESSONS`; else `scripts/lessons` in the package the executable was built in,
    /// when it exists.
    public static func lessonsDirectory(environment: [String: String]) -> String? {
        if let directory = environment["ENTK_LESSONS"], !directory.isEmpty { return directory }
        guard let root = packageRoot() else { return nil }
        let lessons = (root as NSString).appendingPathComponent("scripts/lessons")
        return isDirectory(lessons) ? lessons : nil
    }

    /// The directory holding `Package.swift`, found by walking up from the executable.
    static func packageRoot() -> String? {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            return nil
        }
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.path
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// Shows only diagnostics (`entk FILE --notebook OUT`: the results go into the notebook).
private final class ErrorsOnlyOutput: ConsoleOutput {
    let target: any ConsoleOutput
    init(_ target: any ConsoleOutput) { self.target = target }
    func write(_ text: String) {}
    func writeError(_ text: String) { target.writeError(text) }
}
