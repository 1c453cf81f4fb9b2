internal import COpenBLAS

/// The number of threads OpenBLAS uses for every subsequent call.
///
/// `set` is the configured count (`.threads N`, the benchmarks); calls too small to share,
/// below `BLAS.singleThreadBelow` multiply-adds, run on one thread whatever the count (`run`),
/// because waking a second thread costs more than it saves there and, on a busy machine, a
/// waiting thread spins in `sched_yield`.
public enum BLASThreads {
    /// The configured thread count (what `set` last chose, or OpenBLAS's default).
    public static var count: Int { configured }
    nonisolated(unsafe) private static var configured = Int(openblas_get_num_threads())
    nonisolated(unsafe) private static var current = configured

    /// Sets the thread count (clamped to at least 1).
    public static func set(_ n: Int) {
        configured = max(1, n)
        apply(configured)
    }

    private static func apply(_ n: Int) {
        if current != n { openblas_set_num_threads(Int32(n)); current = n }
    }


    /// Runs `body` on one OpenBLAS thread when `small` (then back to the configured count, so
    /// every other BLAS and LAPACK call keeps it), else on the configured count.
    @inline(__always) static func run<R>(small: Bool, _ body: () -> R) -> R {
        guard small, configured > 1 else { return body() }
        apply(1)
        defer { apply(configured) }
        return body()
    }

    /// Runs `body` with OpenBLAS at one thread and the configured count reading 1, so no call
    /// inside toggles it (`Lanes`: two threads calling OpenBLAS at once, each single-threaded);
    /// the configured count is back afterwards.
    static func withOneThread<R>(_ body: () -> R) -> R {
        let saved = configured
        configured = 1
        apply(1)
        defer { configured = saved; apply(saved) }
        return body()
    }

    /// Processors OpenBLAS sees.
    public static var processors: Int { Int(openblas_get_num_procs()) }

    /// OpenBLAS's build configuration string (kernel target, threading model).
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// The kernel core in use (`Haswell`, `SkylakeX`, …): detected from the CPU, or forced by
    /// `OPENBLAS_CORETYPE`. Different cores round products differently in their last bits.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The library, its version and the core in use, e.g. `OpenBLAS 0.3.21 Haswell`: what a
    /// recording names as the arithmetic it was made with.
    public static var arithmetic: String {
        let words = configuration.split(separator: " ")
        let library = words.prefix(2).joined(separator: " ")
        return "\(library) \(coreName)"
    }
}
