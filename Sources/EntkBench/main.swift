import Foundation
import LinearAlgebra

// scripts/bench: every workload's median time, the DGEMM calibration from this same run, and
// the fraction of that ceiling reached, and the workload's own peak resident memory (reset before
// each). Arguments filter workloads by substring of group/name.

BLASCore.useTheWholeCPU()
let filters = Array(CommandLine.arguments.dropFirst())
let all: [Workload] = linearAlgebraWorkloads() + tensorWorkloads() + networkWorkloads() + trackingWorkloads() + transformerWorkloads() + kernelWorkloads() + consoleWorkloads() + checkWorkloads() + scriptScalingWorkloads()
let selected = filters.isEmpty ? all : all.filter { w in
    filters.contains { w.group.contains($0) || w.name.contains($0) }
}

print("entk benchmarks · OpenBLAS \(BLASThreads.configuration) · \(BLASThreads.count) threads")
let ceiling = calibrateDGEMM()
print(String(format: "calibration: DGEMM 2000² = %.1f GFLOP/s (median of 5)", ceiling))
print("")
print("workload".padding(toLength: 60, withPad: " ", startingAt: 0)
      + "median s".leftPad(10) + "GFLOP/s".leftPad(10) + "ceiling".leftPad(9) + "peak RSS".leftPad(10))
for w in selected {
    do {
        resetPeakResident()
        let body = try w.prepare()
        let t = try medianSeconds(repeats: w.repeats, warmUp: w.warmUp, body)
        let after = w.measured?()
        let rate = (after?.flops ?? w.flops).map { $0 / t / 1e9 }
        let rateText = rate.map { String(format: "%.1f", $0) } ?? "-"
        let fraction = rate.map { String(format: "%.0f%%", 100 * $0 / ceiling) } ?? "-"
        let rss = String(format: "%.2f GB", Double(peakResidentBytes()) / 1e9)
        print("\(w.group)/\(w.name)".padding(toLength: 60, withPad: " ", startingAt: 0)
              + String(format: "%.4f", t).leftPad(10) + rateText.leftPad(10) + fraction.leftPad(9) + rss.leftPad(10))
        if let detail = after?.detail { print("    " + detail) }
    } catch {
        print("\(w.group)/\(w.name): error: \(error)")
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
