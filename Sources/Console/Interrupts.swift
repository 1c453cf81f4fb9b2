#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

// Written by the SIGINT handler, read by the console and by the engine's interrupt check.
// Atomics are async-signal-safe; nothing else is touched in the handler.
private let interruptCount = Atomic<Int>(0)
private let workInProgress = Atomic<Bool>(false)
// Interrupts raised by the `--time-limit` alarm, not by the user: they stop the input only.
private let alarms = Atomic<Int>(0)

/// Ctrl-C handling shared by the line editor and running work.
///
/// The handler is installed with `sigaction` *without* `SA_RESTART`, so a Ctrl-C at the prompt
/// makes libedit's `readline()` return NULL (as EOF does); the console tells the two apart by
/// `isPending`. While an input runs, Ctrl-C only sets the flag that the engine polls (BLAS
/// calls cannot be interrupted); a third Ctrl-C during work that never polls ends the process
/// with status 130, so a runaway computation cannot hold the terminal hostage.
public enum Interrupts {
    /// Installs the SIGINT handler (idempotent).
    public static func install() {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = handleInterrupt
        #else
        action.__sigaction_u.__sa_handler = handleInterrupt
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// True once Ctrl-C was pressed since the last `clear()`.
    public static var isPending: Bool { interruptCount.load(ordering: .relaxed) > 0 }

    public static func clear() { interruptCount.store(0, ordering: .relaxed) }

    /// `--time-limit`: seconds after which running work is interrupted as if Ctrl-C were
    /// pressed (nil: never). The same safe points stop it, so every binding survives.
    nonisolated(unsafe) public static var timeLimit: Double?

    /// Runs `body` as interruptible work: the flag is cleared before and after. Returns the
    /// body's result and whether Ctrl-C was pressed (or the time limit passed) meanwhile.
    static func runningWork<T>(_ body: () -> T) -> (result: T, interrupted: Bool) {
        clear()
        workInProgress.store(true, ordering: .relaxed)
        let alarm = timeLimit.map { seconds in
            let item = DispatchWorkItem {
                alarms.add(1, ordering: .relaxed)
                interruptCount.add(1, ordering: .relaxed)
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: item)
            return item
        }
        let result = body()
        alarm?.cancel()
        workInProgress.store(false, ordering: .relaxed)
        let interrupted = interruptCount.load(ordering: .relaxed) > alarms.load(ordering: .relaxed)
        clear()
        alarms.store(0, ordering: .relaxed)
        return (result, interrupted)
    }
}

private let handleInterrupt: @convention(c) (Int32) -> Void = { _ in
    let (_, count) = interruptCount.add(1, ordering: .relaxed)
    if count >= 3 && workInProgress.load(ordering: .relaxed) {
        let message = "\nentk: interrupted three times; exiting\n"
        message.withCString { pointer in _ = write(2, pointer, strlen(pointer)) }
        _exit(130)
    }
}
