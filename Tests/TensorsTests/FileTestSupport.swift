import Foundation
import Testing
import Tensors

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
