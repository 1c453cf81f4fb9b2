import Foundation

/// Console workloads: start-up of the real `entk` binary (built beside this one) to its first
/// input, prelude included, and exit. Target: under 150 ms.
func consoleWorkloads() -> [Workload] {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("entk").path
    return [
        Workload(group: "console", "start-up with prelude, to first input and exit", repeats: 9) {
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                throw BenchError("\(binary) not found: build the entk product in release first (scripts/bench does)")
            }
            return {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: binary)
                process.arguments = ["--no-history"]
                process.standardInput = FileHandle.nullDevice
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else { throw BenchError("entk exited with status \(process.terminationStatus)") }
            }
        },
    ]
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
