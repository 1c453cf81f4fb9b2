/// The read-eval-print loop at a terminal.
///
/// Lines are collected until the engine says the input is complete (`...> ` meanwhile); a
/// line starting with `.` is a meta-command. Ctrl-C discards the lines typed so far, Ctrl-D
/// on an empty line leaves. Every line typed goes into the history, which is written back to
/// the history file after each line, so it survives however the console ends.
final class InteractiveConsole {
    static let prompt = "entk> "
    static let continuationPrompt = "...> "

    private let session: ConsoleSession
    private let editor: LineEditor

    init(session: ConsoleSession, historyPath: String?, historyLimit: Int) {
        self.session = session
        let engine = session.engine
        editor = LineEditor(historyPath: historyPath, historyLimit: historyLimit) { line, cursor in
            Completer.complete(line: line, cursor: cursor, engine: engine)
        }
    }

    /// Runs until `.quit` or Ctrl-D; returns the exit status (0).
    func run() -> Int32 {
        var pending: (any ConsoleInputCollector)?
        while true {
            switch editor.read(prompt: pending == nil ? Self.prompt : Self.continuationPrompt) {
            case .interrupted:
                pending = nil
                session.display.write("\n")
            case .endOfInput:
                session.display.write("\n")
                session.close()
                return 0
            case .line(let line):
                editor.addToHistory(line)
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
                case .incomplete: continue
                case .empty: pending = nil
                case .complete:
                    pending = nil
                    if session.execute(text, origin: .console).quit {
                        session.close()
                        return 0
                    }
                }
            }
        }
    }
}
