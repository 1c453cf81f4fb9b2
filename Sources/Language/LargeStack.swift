import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs work on a long-lived thread with a large, known stack.
///
/// The parser and evaluator recurse; their depth limits (`Parser.maximumNestingDepth`,
/// `Evaluator.maximumCallDepth`, `Evaluator.maximumEvaluationDepth`) are sized for this stack,
/// not for whatever thread the caller is on (Swift's main thread has 8 MB, secondary threads
/// often 512 KB). The caller blocks until the work is done, so the interpreter stays
/// single-threaded in effect. Nested use runs inline.
///
/// Each calling thread gets one evaluation thread, started at its first call and reused for
/// every later one (a console has exactly one for its whole life); work is handed over through
/// a pair of semaphores, and the evaluation thread ends when its caller's thread does. Mapping
/// a fresh 512 MB stack per input cost about 50 µs of system time, and under a tight
/// address-space limit (`ulimit -v`) the mapping can fail: a thread that cannot start is
/// reported as `StartFailure`, never waited for, and the next call tries again.
enum LargeStack {
    /// 512 MB of address space; pages are only committed as the stack actually grows.
    static let size = 512 << 20

    /// The evaluation thread could not be started (the system refused its stack or a thread).
    struct StartFailure: Error, CustomStringConvertible {
        /// The error code of `pthread_attr_setstacksize` or `pthread_create`.
        var code: Int32
        var stackSize: Int
        var description: String {
            let reason = String(cString: strerror(code)).lowercased()
            return "cannot start the evaluation thread with a \(stackSize >> 20) MB stack (\(reason)); "
                + "free some memory or raise the address-space limit (ulimit -v) and try again"
        }
    }

    /// One evaluation thread: it waits for a job, runs it, signals, and waits again.
    private final class Worker: @unchecked Sendable {
        let stackSize: Int
        private let jobReady = DispatchSemaphore(value: 0)
        private let jobDone = DispatchSemaphore(value: 0)
        private var job: (() -> Void)?
        private var finished = false

        init(stackSize: Int) { self.stackSize = stackSize }

        /// Runs `job` on this worker's thread and returns when it has finished.
        func perform(_ job: @escaping () -> Void) {
            self.job = job
            jobReady.signal()
            jobDone.wait()
        }

        /// Lets the thread end (its caller's thread has ended).
        func finish() {
            finished = true
            jobReady.signal()
        }

        fileprivate func loop() {
            // Terminal signals (Ctrl-C, window size) go to the caller's thread, the one the
            // console reads the prompt on; this thread only computes.
            var signals = sigset_t()
            sigemptyset(&signals)
            for signal in [SIGINT, SIGQUIT, SIGTSTP, SIGWINCH] { sigaddset(&signals, signal) }
            pthread_sigmask(SIG_BLOCK, &signals, nil)
            Thread.current.threadDictionary[LargeStack.marker] = true
            while true {
                jobReady.wait()
                if finished { return }
                job?()
                // Drop the closure before signalling: `withoutActuallyEscaping` checks that
                // nothing still holds it once the caller resumes.
                job = nil
                jobDone.signal()
            }
        }
    }

    /// Kept in the calling thread's dictionary: ends the worker when that thread ends.
    private final class WorkerHandle: NSObject {
        let worker: Worker
        init(_ worker: Worker) { self.worker = worker }
        deinit { worker.finish() }
    }

    private static let marker = "entk.language.largeStack"
    private static let workerKey = "entk.language.evaluationThread"

    /// Runs `body` on the calling thread's evaluation thread (inline when already on one),
    /// starting that thread first if needed; throws when it cannot be started.
    static func run<T>(stackSize: Int = size, _ body: () -> T) throws(StartFailure) -> T {
        let dictionary = Thread.current.threadDictionary
        if dictionary[marker] != nil { return body() }
        let worker: Worker
        if let handle = dictionary[workerKey] as? WorkerHandle, handle.worker.stackSize == stackSize {
            worker = handle.worker
        } else {
            worker = try start(stackSize: stackSize)
            dictionary[workerKey] = WorkerHandle(worker)
        }
        return withoutActuallyEscaping(body) { escapable in
            var result: T?
            withoutActuallyEscaping({ result = escapable() }) { job in worker.perform(job) }
            return result!
        }
    }

    private static func start(stackSize: Int) throws(StartFailure) -> Worker {
        let worker = Worker(stackSize: stackSize)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        let sizeCode = pthread_attr_setstacksize(&attributes, stackSize)
        guard sizeCode == 0 else { throw StartFailure(code: sizeCode, stackSize: stackSize) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let context = Unmanaged.passRetained(worker)
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let code = pthread_create(&thread, &attributes, { context in
            let worker = Unmanaged<Worker>.fromOpaque(context!).takeRetainedValue()
            worker.loop()
            return nil
        }, context.toOpaque())
        guard code == 0 else {
            context.release()
            throw StartFailure(code: code, stackSize: stackSize)
        }
        return worker
    }
}
