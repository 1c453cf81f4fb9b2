import Foundation

/// Where a `train` call's time goes, when one is passed as `phases:`: seconds per phase,
/// summed over every step of the call (and of later calls given the same object).
///
/// - `batch`: gathering a minibatch's rows (epoch training only);
/// - `forward`, `loss`, `backward`: the step's forward pass, loss and output gradient, and the
///   backward pass into the parameter gradient (of the first half, when the batch is computed
///   in two, `TrainingShards`);
/// - `shards`: waiting for the second half (all of its pass when the halves run one after the
///   other on one thread) and adding its gradient;
/// - `optimiser`: the update and the step's backup of the last sane state;
/// - `records`: the history, i.e. the loss and accuracies on the full splits at each recorded
///   step or epoch boundary, and the hook.
///
/// What the call took beyond their sum (`train`'s own loop, shuffles, progress) is the caller's
/// total minus `total`. A lap reads a monotonic clock: about 20 ns, against steps of 50 µs up.
public final class TrainingPhases {
    public enum Phase: String, CaseIterable, Sendable {
        case batch, forward, loss, backward, shards, optimiser, records
    }

    public private(set) var seconds: [Phase: Double] = [:]
    private var mark: UInt64 = 0

    public init() {}

    /// The sum of every phase.
    public var total: Double { seconds.values.reduce(0, +) }

    /// Starts timing (the next `lap` ends here).
    func start() { mark = DispatchTime.now().uptimeNanoseconds }

    /// Adds the time since the last `start` or `lap` to `phase`.
    func lap(_ phase: Phase) {
        let now = DispatchTime.now().uptimeNanoseconds
        seconds[phase, default: 0] += Double(now - mark) / 1e9
        mark = now
    }
}
