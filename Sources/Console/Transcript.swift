import Foundation
import Tensors

/// A `.log` transcript: a session file written as the session goes, each input followed by
/// its output as `#|`/`#!` lines, so a transcript can be replayed and checked like any
/// session. Timings (`.timer`) and progress never reach it.
///
/// An existing file is appended to, never emptied (a comment marks where this session's part
/// starts), unless `fresh` (`.log FILE --new`). Only regular files are used: a FIFO or a device
/// is refused, so logging can never block the console.
final class Transcript {
    let path: String
    /// Bytes the file held before this transcript (0 for a new or emptied file).
    let existingBytes: Int
    private let handle: FileHandle

    init(path: String, header: SessionHeader, fresh: Bool) throws(ConsoleFileError) {
        do {
            (handle, existingBytes) = try FileAccess.openForAppending(path, truncating: fresh)
        } catch {
            throw ConsoleFileError("\(error)")
        }
        self.path = path
        let first = existingBytes == 0 ? header.rendered : "# log continued here · seed \(header.seed)"
        write(first + "\n")
    }

    func append(input: String, output: [ExpectedLine]) {
        let lines = [input] + output.map(\.rendered)
        write(lines.joined(separator: "\n") + "\n")
    }

    private func write(_ text: String) { try? handle.write(contentsOf: Data(text.utf8)) }

    func close() { try? handle.close() }
}
