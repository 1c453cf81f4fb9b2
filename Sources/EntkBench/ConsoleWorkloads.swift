import Foundation
import Console

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

/// `--check` of a long recording: 1,000 inputs printing 100 numbers each (100,000 recorded
/// lines), recorded with every number's last digits changed so that each line is cut into text
/// and numbers and compared within the tolerance. The plain run of the same script is timed
/// beside it: the difference is what checking costs (target: well under a second).
func checkWorkloads() -> [Workload] {
    let inputs = 1_000, linesPerInput = 100
    func scriptFile() throws -> String {
        var text = "# entk 0.1.0 · seed 0\n"
        for i in 0..<inputs {
            text += "for j in range(\(linesPerInput)) { print(j + \(i).25) }\n"
            for j in 0..<linesPerInput { text += "#| \(Double(j + i) + 0.2500001)\n" }
        }
        let path = NSTemporaryDirectory() + "entk-bench-check-\(getpid()).entk"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
    func session() -> ConsoleSession {
        ConsoleSession(engine: LanguageEngine(), display: DiscardingOutput(), seed: 0, preludeDirectory: nil)
    }
    return [
        Workload(group: "console", "run a script of 1,000 inputs printing 100,000 lines", repeats: 5) {
            let path = try scriptFile()
            return {
                let outcome = try session().runScript(atPath: path, keepGoing: false)
                guard outcome.succeeded else { throw BenchError("the script failed") }
            }
        },
        Workload(group: "console", "--check of the same: 100,000 recorded lines, every number within tolerance", repeats: 5) {
            let path = try scriptFile()
            return {
                let result = try session().check(atPath: path)
                guard result.passed, result.numbersWithinTolerance == inputs * linesPerInput else {
                    throw BenchError("check: \(result.summary(path: path))")
                }
            }
        },
    ]
}

/// Long scripts (issue 12): reading, grouping and running must be linear in the length.
/// 100,000 one-line inputs (each input's cost: its evaluation-thread handoff and the parser),
/// and one input of 20,000 lines (a list with an element per line: grouping it asked the parser
/// about the whole growing input after every line, 79 s at 10,000 lines). The old grouping is
/// timed beside the new one on 2,000 lines (it is quadratic, so 20,000 would take minutes).
func scriptScalingWorkloads() -> [Workload] {
    func session() -> ConsoleSession {
        ConsoleSession(engine: LanguageEngine(), display: DiscardingOutput(), seed: 0, preludeDirectory: nil)
    }
    func file(_ name: String, _ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "entk-bench-\(name)-\(getpid()).entk"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
    func oneList(_ lines: Int) -> String {
        "x = [\n" + (0..<lines).map { "  \($0)," }.joined(separator: "\n") + "\n]\nx[\(lines - 1)]\n"
    }
    return [
        Workload(group: "scripts", "run a script of 100,000 one-line inputs", repeats: 3) {
            let path = try file("inputs", (0..<100_000).map { "x\($0 % 100) = \($0) + 1" }.joined(separator: "\n") + "\n")
            return {
                let outcome = try session().runScript(atPath: path, keepGoing: false)
                guard outcome.succeeded else { throw BenchError("the script failed") }
            }
        },
        Workload(group: "scripts", "run one input of 20,000 lines (a list, an element a line)", repeats: 3) {
            let path = try file("list", oneList(20_000))
            return {
                let outcome = try session().runScript(atPath: path, keepGoing: false)
                guard outcome.succeeded else { throw BenchError("the script failed") }
            }
        },
        Workload(group: "scripts", "group 2,000 lines of one input, new collector", repeats: 3) {
            let text = oneList(2_000), engine = LanguageEngine()
            return {
                guard SessionScript.parse(text, newInput: engine.makeInputCollector).inputs.count == 2 else { throw BenchError("bad grouping") }
            }
        },
        Workload(group: "scripts", "group 2,000 lines of one input, whole text after each line (old)", repeats: 1) {
            let text = oneList(2_000), engine = LanguageEngine()
            return {
                guard SessionScript.parse(text, inputStatus: engine.inputStatus).inputs.count == 2 else { throw BenchError("bad grouping") }
            }
        },
    ]
}
