import Foundation

/// Runs work on a thread with a large, known stack.
///
/// The parser and evaluator recurse; their depth limits (`Parser.maximumNestingDepth`,
/// `Evaluator.maximumCallDepth`, `Evaluator.maximumEvaluationDepth`) are sized for this stack,
/// not for whatever thread the caller is on (Swift's main thread has 8 MB, secondary threads
/// often 512 KB). The caller blocks until the work is done, so the interpreter stays
/// single-threaded in effect. Nested use runs inline.
enum LargeStack {
    /// 512 MB of address space; pages are only committed as the stack actually grows.
    static let size = 512 << 20

    private final class Job<T>: @unchecked Sendable {
        var body: (() -> T)?
        var result: T?
        init(_ body: @escaping () -> T) { self.body = body }
    }

    private static let marker = "entk.language.largeStack"

    static func run<T>(_ body: () -> T) -> T {
        if Thread.current.threadDictionary[marker] != nil { return body() }
        return withoutActuallyEscaping(body) { escapable in
            let job = Job(escapable)
            let finished = DispatchSemaphore(value: 0)
            let thread = Thread {
                Thread.current.threadDictionary[marker] = true
                job.result = job.body?()
                // Drop the closure before signalling: `withoutActuallyEscaping` checks that
                // nothing still holds it once the caller resumes.
                job.body = nil
                finished.signal()
            }
            thread.stackSize = size
            thread.start()
            finished.wait()
            return job.result!
        }
    }
}
