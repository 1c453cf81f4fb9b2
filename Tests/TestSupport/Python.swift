import Foundation

/// Runs `python3 -c script args…` and returns (exit status, combined output), or nil when
/// python3 with numpy is not available (the caller then skips with a printed message).
public func runPythonWithNumpy(_ script: String, _ arguments: [String] = []) throws -> (status: Int32, output: String)? {
    func run(_ args: [String]) throws -> (Int32, String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + args
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
    guard let probe = try run(["-c", "import numpy"]), probe.0 == 0 else {
        print("skipping the numpy interop check: python3 with numpy is not available")
        return nil
    }
    return try run(["-c", script] + arguments)
}
