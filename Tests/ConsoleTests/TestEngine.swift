import Library
import Console
import Foundation

/// The test double: a tiny block language with exactly the behaviour the console tests need.
///
/// - `name = INT` binds, `name` prints the value (an unknown name is an error);
/// - `say TEXT` prints TEXT, `fail TEXT` writes `file:line: error: TEXT` and fails;
/// - `mixed` prints a line, then fails with an error line;
/// - `plainfail` fails writing its message through `write`, not `writeError`;
/// - `{` opens a block that runs its inner lines when the matching `}` arrives;
/// - `#` lines and blank lines are empty; `rand` prints a number derived from the seed;
/// - `draw TITLE` shows a figure (an SVG holding TITLE) and `draw TITLE > NAME` saves one
///   under NAME, printing nothing; names bound with `bind` print their string (or `none`).
final class TestEngine: ConsoleEngine {
    var output: any ConsoleOutput = DiscardingOutput()
    var interruptCheck: () -> Bool = { false }
    var progress: any ProgressReporter = SilentProgress()
    var seed: UInt64 = 0 { didSet { draws = 0 } }
    private var draws: UInt64 = 0
    private(set) var values: [String: Int] = [:]
    /// Every run call: (source, file, firstLine).
    private(set) var runs: [(source: String, file: String, line: Int)] = []
    private(set) var resets = 0
    /// Names bound through `bind(_:string:)`.
    private(set) var strings: [String: String?] = [:]
    private var figures: [EngineFigure] = []

    func inputStatus(_ source: String) -> ConsoleInputStatus {
        let lines = source.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let code = lines.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        if code.isEmpty { return .empty }
        let depth = code.joined().reduce(0) { $0 + ($1 == "{" ? 1 : $1 == "}" ? -1 : 0) }
        return depth > 0 ? .incomplete : .complete
    }

    func run(_ source: String, file: String, firstLine: Int) -> Bool {
        runs.append((source, file, firstLine))
        for (offset, raw) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line == "{" || line == "}" { continue }
            let location = "\(file):\(firstLine + offset)"
            if line.hasPrefix("say ") {
                output.write(String(line.dropFirst(4)) + "\n")
            } else if line.hasPrefix("fail ") {
                output.writeError("\(location): error: \(line.dropFirst(5))\n")
                return false
            } else if line == "mixed" {
                output.write("partial result\n")
                output.writeError("\(location): error: then it broke\n")
                return false
            } else if line == "plainfail" {
                output.write("\(location): error: reported through write\n")
                return false
            } else if line.hasPrefix("draw ") {
                let parts = line.dropFirst(5).components(separatedBy: " > ")
                let title = parts[0]
                figures.append(EngineFigure(savedName: parts.count > 1 ? parts[1] : nil) {
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>\(title)</text></svg>\n"
                })
            } else if let value = strings[line] {
                output.write((value ?? "none") + "\n")
            } else if line == "rand" {
                draws += 1
                output.write("\(seed &* 1000 &+ draws)\n")
            } else if let equals = line.firstIndex(of: "=") {
                let name = line[..<equals].trimmingCharacters(in: .whitespaces)
                guard let value = Int(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)) else {
                    output.writeError("\(location): error: not an integer\n")
                    return false
                }
                values[name] = value
            } else if let value = values[line] {
                output.write("\(value)\n")
            } else {
                output.writeError("\(location): error: unknown name '\(line)'\n")
                return false
            }
        }
        return true
    }

    func completions(line: String, cursor: Int) -> [String] {
        let word = String(line.prefix(cursor).reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
        return (values.keys.sorted() + ["say", "fail"]).filter { $0.hasPrefix(word) }
    }

    var bindings: [EngineBinding] {
        values.keys.sorted().map { EngineBinding(name: $0, summary: "int \(values[$0]!)") }
    }

    func reset() {
        values = [:]
        strings = [:]
        resets += 1
    }

    func bind(_ name: String, string value: String?) throws { strings[name] = value }

    func takeFigures() -> [EngineFigure] {
        defer { figures = [] }
        return figures
    }

    func help(_ topic: String?) -> String? {
        switch topic {
        case nil: "test engine: name = INT, say TEXT, fail TEXT"
        case "say": "say TEXT — prints TEXT"
        default: nil
        }
    }
}

/// A session over a fresh test engine whose display is collected.
func makeSession(seed: UInt64 = 0) -> (ConsoleSession, TestEngine, CollectingOutput) {
    let engine = TestEngine()
    let display = CollectingOutput()
    return (ConsoleSession(engine: engine, display: display, seed: seed), engine, display)
}

/// A fresh temporary directory, removed by the caller with `removeItem`.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("entk-console-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func write(_ text: String, to url: URL) throws {
    try text.write(to: url, atomically: true, encoding: .utf8)
}
