import Foundation

/// Ctrl-C for work deep inside the numeric modules.
///
/// The session runs every builtin inside `whenRequested(_:)` with its own Ctrl-C check (per
/// thread, so sessions side by side do not hear each other), and long loops call `poll` at
/// their safe points between blocks, so a kernel build or a solve stops within one block of
/// the key press and leaves every earlier value as it was.
///
/// A single LAPACK call cannot be stopped in the middle. `abandonable` runs one on a thread of
/// its own and returns as soon as Ctrl-C is pressed, leaving the call to finish unseen in the
/// background (its memory is freed when it does; the other core stays busy until then).
public enum Interruption {
    private static let check = ThreadLocal<() -> Bool>()

    /// Whether the check in force on this thread says stop (false where none is installed).
    public static func isRequested() -> Bool { check.value?() ?? false }

    /// Runs `body` with `stop` as this thread's interrupt check (the innermost wins).
    public static func whenRequested<T>(_ stop: @escaping () -> Bool, _ body: () throws -> T) rethrows -> T {
        try check.with(stop, body)
    }

    /// Throws `.interrupted(routine:)` when Ctrl-C has been pressed.
    public static func poll(_ routine: @autoclosure () -> String) throws(LinearAlgebraError) {
        if isRequested() { throw LinearAlgebraError.interrupted(routine: routine()) }
    }

    /// Abandonable calls still running (an abandoned one goes on until its routine returns).
    private static let running = Counter()

    /// True while an abandoned call still runs: the process should then leave with `_exit`, since
    /// OpenBLAS's exit handler would wait for the call's threads (a Ctrl-C'd 3000² eigen solve
    /// held the console's exit for over 20 s on a busy machine).
    public static var hasAbandonedWork: Bool { running.value > 0 }

    /// Work below this many multiply-adds runs on the caller's thread: a thread costs ~50 µs.
    static let abandonableThreshold = 50_000_000.0

    /// Runs `work` and returns its result, or throws `.interrupted` as soon as Ctrl-C is pressed
    /// while it runs (checked every 20 ms). `cost` is its multiply-add count: cheap work runs
    /// inline. `work` must own what it touches (copies of its inputs), since an abandoned call
    /// goes on after this returns.
    public static func abandonable<T: Sendable>(_ routine: String, cost: Double, _ work: @escaping @Sendable () throws -> T) throws -> T {
        guard cost >= abandonableThreshold else { return try work() }
        try poll(routine)
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        running.increment()
        let thread = Thread {
            box.result = Result { try work() }
            running.decrement()
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        while done.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            if isRequested() { throw LinearAlgebraError.interrupted(routine: routine) }
        }
        return try box.result!.get()
    }
}

/// The result of an abandonable call, written once by its thread before it signals.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

/// A thread-safe count.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func increment() { lock.lock(); count += 1; lock.unlock() }
    func decrement() { lock.lock(); count -= 1; lock.unlock() }
}
