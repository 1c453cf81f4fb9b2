import Foundation
import Language
import LinearAlgebra
import Tensors

/// One entk session: the interpreter with every builtin table registered, the one seeded
/// random generator, and the limits (memory budget) that heavy builtins check.
///
/// The console and the tests talk to a `Session`; builtins reach it through the closures that
/// the tables capture, so no global state exists.
public final class Session {
    /// The language interpreter, with core, tensor, network and kernel builtins registered.
    public let interpreter: Interpreter
    /// The seed the generator was last set from (recorded in transcript headers).
    public private(set) var seed: UInt64
    /// The session's random generator: every builtin that needs randomness and gets no
    /// explicit `seed:` draws from it, so a script replays identically from the same seed.
    public var random: RandomGenerator
    /// Largest allocation a builtin may make, in bytes; heavier requests are refused with the
    /// size they need. Defaults to half of the memory available at start-up.
    /// The session's memory budget in bytes (`.memory` sets it): every builtin runs with it as
    /// its thread's `AllocationBudget`, and the kernel routes plan within it.
    public var memoryBudget: Int
    /// Where long work reports progress; the console installs a terminal display.
    public var progress: any ProgressReporter = SilentProgress()
    /// Plots shown or saved since the console last asked (`takeFigures()`).
    var shownFigures: [ShownFigure] = []

    /// A session writing output to `sink`, seeded with `seed`.
    public init(sink: OutputSink, seed: UInt64 = 0) {
        interpreter = Interpreter(sink: sink)
        self.seed = seed
        random = RandomGenerator(seed: seed)
        memoryBudget = AllocationBudget.defaultLimit()
        // The tables are fixed: a name registered twice is a bug in them, caught by every test.
        for install in Session.tables {
            do { try install(self) } catch { preconditionFailure("entk's builtin tables: \(error)") }
        }
        // Every builtin runs with this session's budget and Ctrl-C check on its thread.
        let stopCheck: () -> Bool = { [weak self] in self?.shouldStop ?? false }
        interpreter.registry.wrapHandlers { handler in
            { [unowned self] arguments in
                try AllocationBudget.withLimit(self.memoryBudget) { try Interruption.whenRequested(stopCheck) { try handler(arguments) } }
            }
        }
        installFigureObserver()
    }

    /// The tables of builtins, each installing functions and host types into the registry.
    /// New binding files add one line here.
    static var tables: [(Session) throws -> Void] { [
        { try $0.installTensorBuiltins() },
        { try $0.installNetworkBuiltins() },
        { try $0.installTrackerBuiltins() },
        { try $0.installKernelBuiltins() },
        { try $0.installRecordBuiltins() },
        { try $0.installPlotBuiltins() },
    ] }

    /// The BLAS library and kernel core in use, e.g. `OpenBLAS 0.3.21 Haswell`.
    public static var arithmetic: String { BLASThreads.arithmetic }

    /// The number of BLAS threads in force.
    public var threads: Int { BLASThreads.count }

    /// Sets the number of BLAS threads; returns the count now in force.
    public func setThreads(_ count: Int) -> Int {
        BLASThreads.set(count)
        return BLASThreads.count
    }

    /// Restarts the random stream from `seed`.
    public func reseed(_ seed: UInt64) {
        self.seed = seed
        random = RandomGenerator(seed: seed)
    }

    /// Forgets every binding and restarts the random stream from the current seed.
    public func reset() {
        interpreter.reset()
        random = RandomGenerator(seed: seed)
    }

    /// A generator for one builtin call: a fresh one from an explicit `seed:`, otherwise a
    /// fork of the session stream (whose next 64 bits become the fork's seed).
    func generator(seed explicit: Int?) -> RandomGenerator {
        if let explicit { return RandomGenerator(seed: UInt64(bitPattern: Int64(explicit))) }
        return RandomGenerator(seed: random.nextUInt64())
    }

    /// True when long work should stop at its next safe point (Ctrl-C).
    var shouldStop: Bool { progress.shouldStop || interpreter.interruptCheck() }

    /// Throws when `bytes` exceed the budget, naming what needed them.
    func checkMemory(_ bytes: Int, for what: String) throws {
        guard bytes > memoryBudget else { return }
        throw LanguageError(AllocationRefused(what: what, bytes: bytes, limit: memoryBudget).description)
    }

    /// A size as entk prints it (`AllocationBudget.format`).
    public static func formatBytes(_ bytes: Int) -> String { AllocationBudget.format(bytes) }
}
