import ArgumentParser
import Console

/// The executable: argument parsing and nothing else; all behaviour lives in `Console`.
struct Entk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entk",
        abstract: "An interactive console for empirical-NTK analysis of small neural networks.",
        discussion: "With no FILE, starts the console (or runs piped standard input as a script).",
        version: "entk \(EntkVersion.string)")

    @Argument(help: "A session script (.entk) to run.")
    var file: String?

    @Option(name: .long, help: ArgumentHelp("Replay FILE and print a diff where its output differs.", valueName: "FILE"))
    var check: String?

    @Option(name: .long, help: ArgumentHelp("Replay FILE and rewrite its recorded output.", valueName: "FILE"))
    var record: String?

    @Flag(name: .long, help: "Do not load the prelude.")
    var noPrelude = false

    @Option(name: .long, help: ArgumentHelp("Load the prelude from DIR.", valueName: "DIR"))
    var prelude: String?

    @Flag(name: .long, help: "Do not read or write the history file.")
    var noHistory = false

    @Flag(name: .long, help: "In a script, go on after an error (exit 1 at the end).")
    var keepGoing = false

    @Option(name: .long, help: ArgumentHelp("The session seed (overrides a script's header).", valueName: "N"))
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Bind `out` to DIR (created if missing): scripts write their figures there.", valueName: "DIR"))
    var out: String?

    func validate() throws {
        let modes = [file != nil, check != nil, record != nil].filter { $0 }.count
        if modes > 1 { throw ValidationError("give at most one of FILE, --check FILE, --record FILE") }
    }

    func run() throws {
        var options = ConsoleOptions()
        options.file = file
        options.check = check
        options.record = record
        options.noPrelude = noPrelude
        options.preludeDirectory = prelude
        options.noHistory = noHistory
        options.keepGoing = keepGoing
        options.seed = seed
        options.outputDirectory = out
        let status = ConsoleLauncher.run(options, engine: LanguageEngine())
        if status != 0 { throw ExitCode(status) }
    }
}

Entk.main()
