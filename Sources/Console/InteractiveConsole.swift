import Foundation

/// What the prompt loop needs of a line editor: `LineEditor` at a terminal, a scripted reader
/// in tests.
public protocol ConsoleLineReader: AnyObject {
    /// Reads what the user submitted with Enter: one line, or several joined by `\n` when a
    /// recalled multi-line history entry was submitted.
    func read(prompt: String) -> LineReadResult
    /// Adds one entry (possibly several lines joined by `\n`) to the history.
    func addToHistory(_ entry: String)
}

public enum LineReadResult: Equatable, Sendable {
    case line(String)
    /// Ctrl-C at the prompt: the line is discarded.
    case interrupted
    /// Ctrl-D on an empty line, or the terminal went away.
    case endOfInput
}

/// The read-eval-print loop at a terminal.
///
/// Lines are collected until the engine says the input is complete (`...> ` meanwhile); a
/// line starting with `.` is a meta-command. Ctrl-C discards the lines typed so far, Ctrl-D
/// on an empty line leaves.
///
/// History holds inputs, not lines, as in IPython and Julia: when an input ends (it ran, was
/// empty, or was abandoned with Ctrl-C or Ctrl-D) its lines go into the history as one entry,
/// joined by `\n`, before it runs; the history file is rewritten at once, so it survives
/// however the console ends. The up arrow recalls such an entry whole: libedit shows it over
/// several lines and edits it as one buffer (the cursor moves over a newline like any other
/// character; continuation lines have no `...> ` prompt). When a read returns several lines,
/// each goes through `take` exactly like a typed line, so a recalled block is collected, run,
/// recorded in `.history`, `.save` and transcripts, and re-entered in the history exactly as
/// when it was typed line by line.
public final class InteractiveConsole {
    static let prompt = "entk> "
    static let continuationPrompt = "...> "

    private let session: ConsoleSession
    private let reader: any ConsoleLineReader
    /// The input being collected, once a line of it has come and it is not complete yet.
    private var pending: (any ConsoleInputCollector)?
    /// The lines of the input being collected: its history entry once it ends.
    private var lines: [String] = []

    public init(session: ConsoleSession, reader: any ConsoleLineReader) {
        self.session = session
        self.reader = reader
    }

    /// The console at a terminal: libedit with the engine's completion.
    convenience init(session: ConsoleSession, historyPath: String?, historyLimit: Int) {
        let engine = session.engine
        let editor = LineEditor(historyPath: historyPath, historyLimit: historyLimit) { line, cursor in
            Completer.complete(line: line, cursor: cursor, engine: engine)
        }
        self.init(session: session, reader: editor)
    }

    /// Runs until `.quit` or Ctrl-D; returns the exit status (0).
    public func run() -> Int32 {
        while true {
            switch reader.read(prompt: pending == nil ? Self.prompt : Self.continuationPrompt) {
            case .interrupted:
                endInput()
                session.display.write("\n")
            case .endOfInput:
                endInput()
                session.display.write("\n")
                session.close()
                return 0
            case .line(let text):
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    if take(String(line)) {
                        session.close()
                        return 0
                    }
                }
            }
        }
    }

    /// Takes one line of input and runs the input when the line completes it; returns whether
    /// that input asked to quit.
    private func take(_ line: String) -> Bool {
        lines.append(line)
        let status: ConsoleInputStatus
        let text: String
        if let collector = pending {
            status = collector.append(line)
            text = collector.text
        } else if MetaCommandLine.isMetaCommand(line) {
            (status, text) = (.complete, line)
        } else {
            let collector = session.engine.makeInputCollector()
            status = collector.append(line)
            text = line
            pending = collector
        }
        switch status {
        case .incomplete: return false
        case .empty:
            endInput()
            return false
        case .complete:
            endInput()
            return session.execute(text, origin: .console).quit
        }
    }

    /// Ends the input being collected: its lines go into the history as one entry, unless
    /// they are all blank.
    private func endInput() {
        let entry = lines.joined(separator: "\n")
        if !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { reader.addToHistory(entry) }
        pending = nil
        lines = []
    }
}
