import Foundation
internal import COpenBLAS

/// Keeps OpenBLAS on the kernels the CPU can run.
///
/// OpenBLAS picks its kernels once, when the library loads, from the CPU model. A model newer
/// than the library knows gets its generic fallback: OpenBLAS 0.3.21 (Debian 12) runs its
/// Prescott (SSE3) kernels on an Emerald Rapids CPU, at 30 GFLOP/s of DGEMM where its SkylakeX
/// (AVX-512) kernels reach 150. The choice can only be changed before the library loads, by
/// `OPENBLAS_CORETYPE`, so `useTheWholeCPU()` re-executes the program with it set.
///
/// It acts only on the plain fallback: a detected core older than AVX on a CPU that has AVX2 or
/// AVX-512 (as the kernel reports in /proc/cpuinfo), and never when `OPENBLAS_CORETYPE` is
/// already set, so a user's or an administrator's choice stands.
public enum BLASCore {
    /// Cores of OpenBLAS with AVX kernels or newer; any other is a pre-AVX core.
    static let avxCores: Set<String> = [
        "Sandybridge", "Haswell", "SkylakeX", "Cooperlake", "SapphireRapids",
        "Bulldozer", "Piledriver", "Steamroller", "Excavator", "Zen",
    ]

    /// The core to force given the detected one and the CPU's flags, or nil to keep it.
    public static func correction(detected: String, cpuFlags: Set<Substring>) -> String? {
        guard !avxCores.contains(detected) else { return nil }
        if ["avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512cd"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }

    /// The flags of the first processor in /proc/cpuinfo (empty where there is none).
    static func cpuFlags() -> Set<Substring> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " "))
    }

    /// Call first thing in `main`: re-executes the program with `OPENBLAS_CORETYPE` set when
    /// OpenBLAS fell back to pre-AVX kernels on an AVX2 or AVX-512 CPU; otherwise returns.
    public static func useTheWholeCPU() {
        guard getenv("OPENBLAS_CORETYPE") == nil,
              let core = correction(detected: BLASThreads.coreName, cpuFlags: cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when exec failed: go on with the detected kernels.
        unsetenv("OPENBLAS_CORETYPE")
    }
}
