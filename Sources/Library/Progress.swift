/// What long work (training, kernels, eigen solves) tells the console about its progress.
///
/// Work calls `begin` once, `update` as often as it likes (the display throttles), and `end`
/// when it finishes or stops. It polls `shouldStop` at safe points and, when true, stops with
/// its state consistent (a model at its last completed step).
public protocol ProgressReporter: AnyObject {
    /// Starts a task of `total` steps (nil when unknown) named by `label` (e.g. `"train"`).
    func begin(total: Int?, label: String)
    /// `done` steps are finished; `detail` is a short status such as `"loss 4.12e-3"`.
    func update(done: Int, detail: String?)
    /// The task finished or stopped; the progress line disappears.
    func end()
    /// True when the user asked to stop (Ctrl-C).
    var shouldStop: Bool { get }
}

extension ProgressReporter {
    public func update(done: Int) { update(done: done, detail: nil) }
}

/// Reports nothing (scripts, tests, transcripts); `shouldStop` follows the given check
/// (the console passes its Ctrl-C flag).
public final class SilentProgress: ProgressReporter {
    private let stopRequested: () -> Bool
    public init(stopRequested: @escaping () -> Bool = { false }) { self.stopRequested = stopRequested }
    public func begin(total: Int?, label: String) {}
    public func update(done: Int, detail: String?) {}
    public func end() {}
    public var shouldStop: Bool { stopRequested() }
}
