import Foundation
import Testing
import Tensors

/// Runs `python3 -c script args…` and returns (exit status, combined output), or nil when
/// python3 with numpy is not available (the caller then skips with a printed message).
func runPythonWithNumpy(_ script: String, _ arguments: [String] = []) throws -> (status: Int32, output: String)? {
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

/// A fresh temporary directory for files a test writes.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("entk-tensors-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `read` on `count` random mutations of `valid` (1–8 bytes overwritten, or truncated, or
/// extended), seeded, and fails if anything but a TensorError escapes. A crash fails the run.
func fuzz<T>(_ valid: [UInt8], iterations: Int, seed: UInt64, _ read: ([UInt8]) throws -> T) -> (accepted: Int, rejected: Int) {
    var g = RandomGenerator(seed: seed)
    var accepted = 0, rejected = 0
    for _ in 0..<iterations {
        var bytes = valid
        switch g.nextInt(below: 4) {
        case 0: bytes.removeLast(g.nextInt(below: bytes.count))
        case 1: bytes += (0..<(1 + g.nextInt(below: 16))).map { _ in UInt8(truncatingIfNeeded: g.nextUInt64()) }
        default:
            for _ in 0..<(1 + g.nextInt(below: 8)) {
                // Favour the header, where the interesting structure is.
                let limit = g.nextInt(below: 2) == 0 ? Swift.min(bytes.count, 128) : bytes.count
                bytes[g.nextInt(below: limit)] = UInt8(truncatingIfNeeded: g.nextUInt64())
            }
        }
        do { _ = try read(bytes); accepted += 1 } catch is TensorError { rejected += 1 } catch {
            Issue.record("a non-TensorError escaped: \(error)")
        }
    }
    return (accepted, rejected)
}
