/// Text gathered into chunks of about 64 kB, each handed to `emit` when full (and by `flush`).
struct TextChunks {
    var pending = ""
    let emit: (String) -> Void
    static let chunkSize = 1 << 16

    init(emit: @escaping (String) -> Void) { self.emit = emit }

    mutating func append(_ text: String) {
        pending += text
        if pending.utf8.count >= TextChunks.chunkSize { flush() }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        emit(pending)
        pending = ""
    }
}

extension TextChunks {
    /// Everything `body` appends, as one string (tests and small values).
    static func collect(_ body: (inout TextChunks) -> Void) -> String {
        var result = ""
        var out = TextChunks { result += $0 }
        body(&out)
        out.flush()
        return result
    }

    /// Streams everything `body` appends to `path` through a `FileWriter` (a partial file
    /// renamed into place); the first write error is thrown once `body` is done.
    static func write(to path: String, _ body: (inout TextChunks) -> Void) throws {
        try TensorFileIO.write(to: path) { writer in
            var failure: Error?
            var out = TextChunks { chunk in
                guard failure == nil else { return }
                do { try writer.write(Array(chunk.utf8)) } catch { failure = error }
            }
            body(&out)
            out.flush()
            if let failure { throw failure }
        }
    }
}
