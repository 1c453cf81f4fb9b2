import ArgumentParser
import Console
import LinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// The executable: argument parsing and nothing else; all behaviour lives in `Console`. Before
/// parsing, `BLASCore` may re-execute it once so OpenBLAS runs the kernels this CPU can.
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

    @Option(name: .long, help: ArgumentHelp("With --check: the relative tolerance for numbers (default 1e-4; Documentation/Sessions.md).", valueName: "T"))
    var tolerance: Double?

    @Flag(name: .long, help: "With --check: compare the recorded text exactly.")
    var exact = false

    @Flag(name: .long, help: "With --check: print a one-line summary, also when the file passes.")
    var verbose = false

    @Option(name: .long, help: ArgumentHelp("Interrupt any input that runs longer than S seconds, as Ctrl-C would.", valueName: "S"))
    var timeLimit: Double?

    @Flag(name: .long, help: "Do not load the prelude.")
    var noPrelude = false

    @Option(name: .long, help: ArgumentHelp("Load the prelude from DIR.", valueName: "DIR"))
    var prelude: String?

    @Flag(name: .long, help: "Do not read or write the history file.")
    var noHistory = false

    @Flag(name: .long, help: "In a script, go on after an error (exit 1 at the end).")
    var keepGoing = false

    // `.unconditional`: `--seed -1` is read as the value -1 and refused as not a seed, rather
    // than taken for an option and reported as a missing value.
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("The session seed, an integer from 0 to 2^64-1 (overrides a script's header).", valueName: "N"))
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Bind `out` to DIR (created if missing): scripts write their figures there.", valueName: "DIR"))
    var out: String?

    @Flag(name: .long, help: "Serve the JSON-lines kernel protocol on standard input and output (Documentation/Kernel.md).")
    var kernel = false

    @Option(name: .long, help: ArgumentHelp("Run FILE and write it as a Jupyter notebook to OUT (a lesson with its prose).", valueName: "OUT.ipynb"))
    var notebook: String?

    func validate() throws {
        let modes = [file != nil, check != nil, record != nil].filter { $0 }.count
        if modes > 1 { throw ValidationError("give at most one of FILE, --check FILE, --record FILE") }
        if kernel, modes > 0 || notebook != nil { throw ValidationError("--kernel takes no FILE, --check, --record or --notebook") }
        if notebook != nil, file == nil { throw ValidationError("--notebook OUT.ipynb needs the FILE.entk to run") }
        if check == nil, tolerance != nil || exact || verbose {
            throw ValidationError("--tolerance, --exact and --verbose go with --check FILE")
        }
        if exact, tolerance != nil { throw ValidationError("give --exact or --tolerance, not both") }
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) {
            throw ValidationError("--time-limit must be a number of seconds > 0, not \(timeLimit)")
        }
        if let tolerance, !(tolerance.isFinite && tolerance >= 0) {
            throw ValidationError("--tolerance must be a finite number ≥ 0, not \(tolerance)")
        }
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
        options.comparison = exact ? .exact : tolerance.map { .numeric(tolerance: $0) }
        options.verbose = verbose
        options.timeLimit = timeLimit
        options.kernel = kernel
        options.notebook = notebook
        let status = ConsoleLauncher.run(options, engine: LanguageEngine())
        // Every write is unbuffered and the history is saved after each line, so nothing is
        // lost by skipping the exit handlers, which would wait for abandoned BLAS work.
        if Interruption.hasAbandonedWork { _exit(status) }
        if status != 0 { throw ExitCode(status) }
    }
}

BLASCore.useTheWholeCPU()
Entk.main()
