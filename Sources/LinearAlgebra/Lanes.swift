import Foundation
import Synchronization

/// Two lanes of work at once, one per core of a 2-core machine: the caller's thread and one
/// worker thread kept for the process.
///
/// `run(first, second)` runs `first` on the calling thread while the worker runs `second`, and
/// returns when both are done. It runs them one after the other on the calling thread instead
/// when the configured OpenBLAS thread count (`.threads`) is 1, or when the worker is already
/// running another caller's lane. Either way each lane does the same arithmetic, so what the
/// lanes compute never depends on whether they ran at once.
///
/// While the lanes run, OpenBLAS is held at one thread (`BLASThreads.withOneThread`): each lane's
/// products stay on its own core instead of both waiting on one shared pool.
///
/// Hand-over: the two sides meet through `Signal`s that spin for 100 µs before sleeping, so
/// back-to-back steps of 50–100 µs (a TMS step, 10–20 µs apart) do not pay a futex wake-up
/// each, and a worker left idle (between training calls, or on a busy machine) sleeps instead
/// of spinning.
public enum Lanes {
    /// Whether the lanes may run at once: OpenBLAS is configured for more than one thread.
    public static var parallel: Bool { BLASThreads.count > 1 }

    /// Runs `first` here and `second` on the worker at the same time (see the type); returns
    /// whether they ran at once.
    @discardableResult
    public static func run(_ first: () -> Void, _ second: () -> Void) -> Bool {
        guard parallel, let worker = Worker.shared.claim() else { first(); second(); return false }
        defer { worker.release() }
        BLASThreads.withOneThread {
            withoutActuallyEscaping(second) { job in
                worker.start(job)
                first()
                worker.wait()
            }
        }
        return true
    }
}

/// The process's second lane: one thread that waits for a job, runs it and reports back.
private final class Worker: @unchecked Sendable {
    static let shared = Worker()

    private let claimed = Atomic<Bool>(false)
    private let go = Signal(), done = Signal()
    /// The job of the current round; written by the caller before `go` is raised, read by the
    /// worker after it sees `go` (the signal's ordering makes the hand-over safe).
    private var job: (() -> Void)?

    private init() {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "entk second lane"
        thread.start()
    }

    /// The worker when no other caller holds it, else nil.
    func claim() -> Worker? {
        claimed.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged ? self : nil
    }

    func release() { claimed.store(false, ordering: .releasing) }

    func start(_ body: @escaping () -> Void) {
        job = body
        go.raise()
    }

    func wait() {
        done.await()
        job = nil
    }

    private func loop() {
        while true {
            go.await()
            job?()
            done.raise()
        }
    }
}

/// A one-way event between two threads: `raise` counts a round, `await` returns once a round
/// beyond the last one it saw has been raised. The waiter spins (`spinTime`) before it sleeps
/// on a semaphore; the raiser posts the semaphore only when the waiter says it is asleep.
private final class Signal: @unchecked Sendable {
    private let rounds = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    /// The rounds the waiter has consumed (the waiter's own state).
    private var seen = 0
    /// How long a waiter polls before it sleeps, in nanoseconds: 100 µs. Measured on TMS (one
    /// process, 12 or 15 alternating runs of 5000 steps each way, three times): 2–5% faster than
    /// the earlier 20,000 polls, whose worker still fell asleep between some steps (the second
    /// lane then started 4 µs or more late in one step of ten, against 0.4 µs when it spun);
    /// 50 µs and 200 µs measured 1.01× and 0.99× of the 20,000 polls, one run each.
    private static let spinTime: UInt64 = 100_000

    func raise() {
        rounds.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
    }

    func await() {
        let target = seen + 1
        seen = target
        let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinTime
        var polls = 0
        while true {
            if rounds.load(ordering: .acquiring) >= target { return }
            polls &+= 1
            // The clock only every 128 polls, so that reading it stays a small part of the spin.
            if polls & 127 == 0, DispatchTime.now().uptimeNanoseconds >= deadline { break }
        }
        while true {
            sleeping.store(true, ordering: .sequentiallyConsistent)
            if rounds.load(ordering: .sequentiallyConsistent) >= target {
                // Raised meanwhile: take the flag back, or consume the post the raiser made.
                if !sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.wait() }
                return
            }
            wake.wait()
            if rounds.load(ordering: .acquiring) >= target { return }
        }
    }
}
