import Foundation
import LinearAlgebra

/// One benchmark workload: a name, its floating-point operation count (nil when flops are not
/// the right measure) and a body to time. `prepare` runs once, untimed, and returns the body.
struct Workload {
    let group: String
    let name: String
    let flops: Double?
    let repeats: Int
    /// Whether one untimed run precedes the timed ones (off for workloads too heavy to run twice).
    let warmUp: Bool
    /// Read after the timed runs: the flops of one run when only the run knows them (products
    /// of an iterative solve), and a line of detail to print under the row.
    let measured: (() -> (flops: Double?, detail: String))?
    let prepare: () throws -> () throws -> Void

    init(group: String, _ name: String, flops: Double? = nil, repeats: Int = 5, warmUp: Bool = true,
         measured: (() -> (flops: Double?, detail: String))? = nil,
         prepare: @escaping () throws -> () throws -> Void) {
        self.group = group; self.name = name; self.flops = flops; self.repeats = repeats
        self.warmUp = warmUp; self.measured = measured
        self.prepare = prepare
    }
}

/// Wall-clock seconds of `body`, from a monotonic clock.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The median of the timings of `repeats` runs (after one warm-up run unless `warmUp` is false).
func medianSeconds(repeats: Int, warmUp: Bool = true, _ body: () throws -> Void) rethrows -> Double {
    if warmUp { try body() }
    var times: [Double] = []
    for _ in 0..<max(1, repeats) { times.append(try seconds(body)) }
    times.sort()
    return times[times.count / 2]
}

/// Resets the peak resident set size to the current one (writes 5 to /proc/self/clear_refs,
/// Linux ≥ 4.0), so that each workload reports its own peak.
func resetPeakResident() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

/// Peak resident set size of this process since the last reset, in bytes (VmHWM from /proc/self/status).
func peakResidentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kb * 1024
    }
    return 0
}

/// DGEMM of two random n×n matrices: the machine's practical FP64 ceiling, in GFLOP/s.
func calibrateDGEMM(n: Int = 2000, repeats: Int = 5) -> Double {
    var a = Matrix(rows: n, cols: n), b = Matrix(rows: n, cols: n), c = Matrix(rows: n, cols: n)
    for i in 0..<(n * n) { a.storage[i] = Double((i * 7919) % 1013) / 1013 - 0.5; b.storage[i] = Double((i * 104_729) % 997) / 997 - 0.5 }
    let t = medianSeconds(repeats: repeats) {
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(.none, .none, m: n, n: n, k: n, a: ap.baseAddress!, lda: n,
                              b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                }
            }
        }
    }
    return 2 * Double(n) * Double(n) * Double(n) / t / 1e9
}
