#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A sink for text: results go to `write`, diagnostics to `writeError`.
///
/// Text is passed as written, usually ending in a newline. An engine that cannot tell
/// errors apart may call `write` for everything; the console then marks all the output of a
/// failed input as an error in transcripts.
public protocol ConsoleOutput: AnyObject {
    func write(_ text: String)
    func writeError(_ text: String)
}

extension ConsoleOutput {
    public func writeError(_ text: String) { write(text) }
}

/// Standard output for results, standard error for diagnostics, unbuffered so the two
/// interleave in the order they were written.
public final class StandardStreams: ConsoleOutput {
    /// Called before every write (the interactive console clears its progress line here).
    public var beforeWrite: (() -> Void)?
    public init() {}
    public func write(_ text: String) { beforeWrite?(); FileDescriptorWriter.write(text, to: 1) }
    public func writeError(_ text: String) { beforeWrite?(); FileDescriptorWriter.write(text, to: 2) }
}

/// Collects everything written, in order, with its kind; tests and `--check` read it back.
public final class CollectingOutput: ConsoleOutput {
    /// One chunk as written, with whether it came through `writeError`.
    public struct Chunk: Equatable {
        public var text: String
        public var isError: Bool
        public init(text: String, isError: Bool) {
            self.text = text
            self.isError = isError
        }
    }
    public private(set) var chunks: [Chunk] = []
    public init() {}
    public func write(_ text: String) { chunks.append(Chunk(text: text, isError: false)) }
    public func writeError(_ text: String) { chunks.append(Chunk(text: text, isError: true)) }
    /// Everything written, results and errors, concatenated.
    public var text: String { chunks.map(\.text).joined() }
    public func clear() { chunks.removeAll() }
}

/// Discards everything (the display during `--check` and `--record`).
public final class DiscardingOutput: ConsoleOutput {
    public init() {}
    public func write(_ text: String) {}
}

/// Writes straight to a file descriptor with `write(2)`, retrying short writes and EINTR
/// (a Ctrl-C during output must not lose text).
public enum FileDescriptorWriter {
    #if canImport(Glibc)
    private static let systemWrite = Glibc.write
    #else
    private static let systemWrite = Darwin.write
    #endif

    public static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }
}
