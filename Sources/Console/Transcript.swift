import Foundation

/// A `.log` transcript: a session file written as the session goes, each input followed by
/// its output as `#|`/`#!` lines, so a transcript can be replayed and checked like any
/// session. Timings (`.timer`) and progress never reach it.
final class Transcript {
    let path: String
    private let handle: FileHandle

    /// Creates (or truncates) the file and writes the header.
    init(path: String, header: SessionHeader) throws(ConsoleFileError) {
        guard FileManager.default.createFile(atPath: path, contents: Data((header.rendered + "\n").utf8)),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw ConsoleFileError("cannot write '\(path)'")
        }
        self.path = path
        self.handle = handle
        handle.seekToEndOfFile()
    }

    func append(input: String, output: [ExpectedLine]) {
        let lines = [input] + output.map(\.rendered)
        handle.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    func close() { try? handle.close() }
}
