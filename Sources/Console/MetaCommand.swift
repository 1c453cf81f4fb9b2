import Foundation

/// A meta-command: a line starting with `.` that talks to the console, not the language.
///
/// `MetaCommand.table` is the one list of them: `.help`, completion and prefix resolution
/// are all generated from it.
public struct MetaCommand: Sendable {
    /// The name without the dot, e.g. `"read"`.
    public let name: String
    /// The argument synopsis shown by `.help`, e.g. `"FILE"`.
    public let synopsis: String
    public let summary: String
    /// Whether the input goes into `.save` files and `.log` transcripts (commands that only
    /// manage the console itself, like `.history` or `.timer`, do not).
    public let isRecorded: Bool
    /// Whether Tab completes a file path for the argument.
    public let takesPath: Bool
    /// Runs the command with its argument text (trimmed); returns false on failure after
    /// writing the error through `MetaCommandContext.fail`.
    let handler: @Sendable (ConsoleSession, MetaCommandContext) -> Bool

    /// `.name synopsis`, as `.help` shows it.
    public var usage: String { synopsis.isEmpty ? "." + name : "." + name + " " + synopsis }
}

/// What a meta-command handler receives: its argument and where the line came from.
struct MetaCommandContext {
    let argument: String
    let origin: InputOrigin
    let session: ConsoleSession

    /// Writes `error: message` (prefixed with `file:line:` when the line came from a file)
    /// and returns false, so handlers can `return context.fail(…)`.
    func fail(_ message: String) -> Bool {
        session.reportError(message, at: origin)
        return false
    }

    /// Writes `text` (help, lesson prose), wrapped at word boundaries when standard output is
    /// a terminal (`TextWrap`); recordings and pipes get it unchanged.
    func say(_ text: String) {
        let shown = TextWrap.terminalWidth.map { TextWrap.wrap(text, width: $0 - 1) } ?? text
        session.router.write(shown.hasSuffix("\n") ? shown : shown + "\n")
    }
}

extension MetaCommand {
    /// The meta-commands, in the order `.help` lists them.
    public static let table: [MetaCommand] = [
        MetaCommand(name: "help", synopsis: "[TOPIC]", summary: "list meta-commands, or show help on a function, type or meta-command",
                    isRecorded: true, takesPath: false, handler: { $0.helpCommand($1) }),
        MetaCommand(name: "quit", synopsis: "", summary: "leave entk (Ctrl-D on an empty line does the same)",
                    isRecorded: false, takesPath: false, handler: { $0.quitCommand($1) }),
        MetaCommand(name: "vars", synopsis: "", summary: "list the bindings with a one-line summary of each",
                    isRecorded: true, takesPath: false, handler: { $0.varsCommand($1) }),
        MetaCommand(name: "read", synopsis: "FILE", summary: "run the inputs of a .entk file as if typed",
                    isRecorded: true, takesPath: true, handler: { $0.readCommand($1) }),
        MetaCommand(name: "save", synopsis: "FILE", summary: "write this session's inputs and outputs as a session file",
                    isRecorded: false, takesPath: true, handler: { $0.saveCommand($1) }),
        MetaCommand(name: "log", synopsis: "FILE [--new]|off", summary: "write a transcript of inputs and outputs as they happen (appending; --new empties FILE first)",
                    isRecorded: false, takesPath: true, handler: { $0.logCommand($1) }),
        MetaCommand(name: "history", synopsis: "[N|A-B]", summary: "list this session's inputs, numbered (last N, or A to B)",
                    isRecorded: false, takesPath: false, handler: { $0.historyCommand($1) }),
        MetaCommand(name: "seed", synopsis: "[N]", summary: "reseed the session's random generator (show the seed without N)",
                    isRecorded: true, takesPath: false, handler: { $0.seedCommand($1) }),
        MetaCommand(name: "timer", synopsis: "on|off", summary: "print the time each input takes (never recorded)",
                    isRecorded: false, takesPath: false, handler: { $0.timerCommand($1) }),
        MetaCommand(name: "threads", synopsis: "[N]", summary: "set the number of compute threads (show them, and the BLAS core, without N)",
                    isRecorded: false, takesPath: false, handler: { $0.threadsCommand($1) }),
        MetaCommand(name: "memory", synopsis: "[LIMIT]", summary: "show the memory budget, or set it (e.g. 4G)",
                    isRecorded: false, takesPath: false, handler: { $0.memoryCommand($1) }),
        MetaCommand(name: "reset", synopsis: "", summary: "forget every binding and reload the prelude",
                    isRecorded: true, takesPath: false, handler: { $0.resetCommand($1) }),
        MetaCommand(name: "lessons", synopsis: "", summary: "list the workshop lessons: number, title, what it shows",
                    isRecorded: false, takesPath: false, handler: { $0.lessonsCommand($1) }),
        MetaCommand(name: "lesson", synopsis: "[N|next]", summary: "start lesson N (its first step), go to the next step, or say where you are",
                    isRecorded: false, takesPath: false, handler: { $0.lessonCommand($1) }),
        MetaCommand(name: "next", synopsis: "", summary: "show the lesson's next step and run its inputs (same as .lesson next)",
                    isRecorded: false, takesPath: false, handler: { $0.nextCommand($1) }),
        MetaCommand(name: "export", synopsis: "FILE.md|FILE.ipynb [TITLE]", summary: "write the session so far as a Markdown handout, or as a notebook",
                    isRecorded: false, takesPath: true, handler: { $0.exportCommand($1) }),
    ]

    /// How a typed name (without the dot) resolves against the table.
    public enum Resolution: Equatable, Sendable {
        case command(String)
        case ambiguous([String])
        case unknown
    }

    /// An exact name wins; otherwise a prefix of exactly one name selects it (`.q` is `.quit`),
    /// and a prefix of several is ambiguous (`.h`: `.help`, `.history`).
    public static func resolve(_ typed: String) -> Resolution {
        if table.contains(where: { $0.name == typed }) { return .command(typed) }
        let matches = typed.isEmpty ? [] : table.filter { $0.name.hasPrefix(typed) }.map(\.name)
        switch matches.count {
        case 0: return .unknown
        case 1: return .command(matches[0])
        default: return .ambiguous(matches)
        }
    }

    public static func named(_ name: String) -> MetaCommand? { table.first { $0.name == name } }
}

/// Recognising and splitting meta-command lines.
public enum MetaCommandLine {
    /// A meta-command line starts with `.` followed by a letter (so `.5` stays a number).
    public static func isMetaCommand<S: StringProtocol>(_ line: S) -> Bool {
        guard line.first == ".", let second = line.dropFirst().first else { return false }
        return second.isLetter
    }

    /// `(name, argument)` of a meta-command line: `.read  a.entk ` gives `("read", "a.entk")`.
    public static func split<S: StringProtocol>(_ line: S) -> (name: String, argument: String) {
        let body = line.dropFirst()
        let name = body.prefix { !$0.isWhitespace }
        let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        return (String(name), argument)
    }
}
