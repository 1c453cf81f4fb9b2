internal import COpenBLAS

/// The number of threads OpenBLAS uses for every subsequent call.
public enum BLASThreads {
    /// Current thread count.
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Sets the thread count (clamped to at least 1).
    public static func set(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

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
