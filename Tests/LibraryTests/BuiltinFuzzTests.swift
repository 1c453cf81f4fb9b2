import Foundation
import Language
import Library
import Testing

/// The property that entk is never killed: every builtin and every method in the registry is
/// called with generated arguments (extreme integers, zero, negatives, NaN, ±∞, huge shapes,
/// wrong types, empty lists, odd paths), one argument at a time, by the real `entk` binary under
/// a 6 GB address-space limit and a time limit per input. The table is the list, so a new
/// builtin is fuzzed without anyone adding it here; a new host type needs a fixture below, and
/// the test says so.
@Suite("Fuzzing the builtin table")
struct BuiltinFuzzTests {
    /// Values bound before the calls, by host type name; each call may use (and change) them.
    static let fixtures: [String: [String]] = [
        "model": ["fm", "fg", "fl", "fx"], "dataset": ["fd", "fmod"], "kernel": ["fK"], "spectrum": ["fs"],
        "tracker": ["ftr"], "optimizer": ["fopt"], "tensor": ["ft"], "record": ["frec"], "plot": ["fpl"],
        "regression": ["freg"], "training": ["ftrain"], "history": ["fh"], "tensors": ["fw"],
    ]
    static let setup = """
        fm = tms(features: 6, hidden: 3, seed: 0)
        fd = fm.samples(12, seed: 1)
        fg = modmlp(p: 5, width: 8, seed: 0)
        fmod = modular(p: 5, seed: 0)
        fl = mlp(sizes: [6, 4, 6], seed: 0)
        fx = transformer(vocab: 5, d_model: 4, heads: 1, d_head: 4, d_mlp: 4, context: 3, seed: 0)
        fK = ntk(fm, fd)
        fs = fK.eig(4)
        ftr = tracker()
        fopt = adam()
        ft = randn(4, 4, seed: 0)
        frec = record("a", 1)
        fpl = plot(fs)
        freg = regress(fm, fd)
        ftrain = train(fm, fd, steps: 2)
        fh = fm.history
        fw = tensors()
        fw["a"] = ft
        """

    static let integers = ["0", "-1", "1", "3", "2^31", "2^62", "1e15", "0.5"]
    static let numbers = ["0", "-1", "0.5", "0/0", "1/0", "-1/0", "1e308", "-1e-308"]
    /// Paths are relative to the fuzz directory: `fifo` is a named pipe made there (reading it
    /// would block forever). No device is named: a writer that regressed could replace it as root.
    static let strings = ["\"\"", "\"zzz\"", "\"fifo\"", "\"fifo.npy\"", "\"/nonexistent/x.npy\"", "\"out.npy\"", "\"out.safetensors\"", "\"out.svg\"", "\"out.csv\"", "\"out.json\""]
    static let lists = ["[]", "[0]", "[-1, 2]", "[2^31, 2^31]", "[0.5, \"a\"]", "[[1, 2], [3]]", "[1e9, 1e9]"]
    static let wrongTypes = ["none", "\"text\"", "[1]", "ft", "fm"]

    /// Candidate argument texts for a parameter of `type`: a valid one first.
    static func pool(_ type: ValueType) -> [String] {
        switch type {
        case .any: return ["ft"] + wrongTypes + ["0/0", "2^62", "[]"]
        case .number: return numbers + ["\"1\""]
        case .integer: return ["2"] + integers + ["\"1\""]
        case .string: return ["\"x\""] + strings + ["1"]
        case .bool: return ["true", "false", "1"]
        case .list: return ["[2, 2]"] + lists + ["1"]
        case .function: return ["print", "1"]
        case .range: return ["0..<3", "1"]
        case .host(let name): return (fixtures[name] ?? []) + ["1", "none"]
        case .oneOf(let types):
            var seen = Set<String>()
            return types.flatMap(pool).filter { seen.insert($0).inserted }
        case .optional(let inner): return pool(inner) + ["none"]
        case .choice(let words): return words.map { "\"\($0)\"" } + ["\"zzz\"", "\"\"", "1"]
        case .bounded(let inner, let bounds):
            let valid = bounds.lower.map { Value.format(max($0, bounds.lowerExcluded ? $0 + 1 : $0)) } ?? "2"
            return [valid] + (inner == .integer ? integers : numbers)
        }
    }

    /// One call per (parameter, candidate): the other parameters keep their first candidate.
    static func calls(_ callee: String, _ parameters: [BuiltinParameter]) -> [String] {
        let fixed = parameters.filter { !$0.isVariadic }
        let variadic = parameters.first(where: \.isVariadic)
        func text(_ values: [String: String], rest: [String]) -> String {
            let labelled = fixed.compactMap { p in values[p.name].map { "\(p.name): \($0)" } }
            return "\(callee)(\((rest + labelled).joined(separator: ", ")))"
        }
        let base = Dictionary(uniqueKeysWithValues: fixed.filter { $0.defaultValue == nil }.map { ($0.name, pool($0.type)[0]) })
        let baseRest = variadic.map { [pool($0.type)[0]] } ?? []
        var out = [text(base, rest: baseRest)]
        for p in fixed {
            for candidate in pool(p.type) {
                var values = base
                values[p.name] = candidate
                out.append(text(values, rest: baseRest))
            }
        }
        if let variadic {
            for candidate in pool(variadic.type) { out.append(text(base, rest: [candidate])) }
            out.append(text(base, rest: ["2^31", "2^31"]))
            out.append(text(base, rest: []))
        }
        return out
    }

    /// The whole fuzz script, and the builtins and host types it could not reach.
    static func script(registry: BuiltinRegistry) -> (text: String, calls: Int, missingFixtures: [String]) {
        var lines = [setup]
        var missing: [String] = []
        for name in registry.functionNames where name != "help" {
            guard let builtin = registry.function(named: name) else { continue }
            lines += calls(name, builtin.parameters)
        }
        for typeName in registry.typeNames {
            guard let type = registry.type(named: typeName) else { continue }
            guard let receivers = fixtures[typeName] else {
                if !type.methods.isEmpty || !type.properties.isEmpty { missing.append(typeName) }
                continue
            }
            for receiver in receivers {
                lines += type.properties.map { "\(receiver).\($0.name)" }
                for method in type.methods { lines += calls("\(receiver).\(method.name)", method.parameters) }
            }
        }
        let count = lines.count - 1
        lines.append("print(\"fuzz finished\")")
        return (lines.joined(separator: "\n") + "\n", count, missing)
    }

    static var binary: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/release/entk")
    }

    @Test("every builtin and method with extreme arguments: no crash, no hang, every failure an entk error",
          .enabled(if: FileManager.default.isExecutableFile(atPath: binary.path), "build the release entk first (scripts/test does)"))
    func fuzz() throws {
        let session = Session(sink: TextBuffer())
        let (text, count, missing) = Self.script(registry: session.interpreter.registry)
        #expect(missing.isEmpty, "host types without a fuzz fixture: \(missing)")
        #expect(count > 1000, "only \(count) generated calls")
        // Kept after a failure, to replay by hand: cd .build/fuzz && ../release/entk --keep-going fuzz.entk
        let directory = Self.binary.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fuzz")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for fifo in ["fifo", "fifo.npy"] { #expect(mkfifo(directory.appendingPathComponent(fifo).path, 0o600) == 0) }
        let file = directory.appendingPathComponent("fuzz.entk")
        try text.write(to: file, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // 6 GB of address space, 2 s per input (as Ctrl-C), 20 minutes in all.
        process.arguments = ["-c", "ulimit -v 6000000; exec timeout 1200 '\(Self.binary.path)' --no-prelude --no-history "
                             + "--keep-going --time-limit 2 fuzz.entk > out.txt 2> err.txt"]
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let output = try String(contentsOf: directory.appendingPathComponent("out.txt"), encoding: .utf8)
        let errors = try String(contentsOf: directory.appendingPathComponent("err.txt"), encoding: .utf8)

        #expect(process.terminationReason == .exit, "entk was killed by signal \(process.terminationStatus)")
        #expect(process.terminationStatus == 1, "exit status \(process.terminationStatus) (124: the whole run timed out)")
        #expect(output.contains("fuzz finished"), "the run did not reach its last input")
        // `train(…, steps: 2^31)` ran into the 2 s limit, was stopped like Ctrl-C, and the script went on.
        #expect(errors.contains("interrupted: training stopped at step"))
        for marker in ["crashed", "Fatal error", "Backtrac", "failed to allocate"] {
            #expect(!errors.contains(marker), "\(marker): \(errors.components(separatedBy: "\n").filter { $0.contains(marker) }.prefix(3))")
        }
        // Every diagnostic is entk's own: `fuzz.entk:LINE:COL: error: …` (or without a column).
        let located = errors.split(separator: "\n").filter { $0.hasPrefix("fuzz.entk:") }
        #expect(located.count > 500)
        let foreign = located.filter { !$0.contains(": error: ") }
        #expect(foreign.isEmpty, "diagnostics not in entk's format: \(foreign.prefix(5))")
        let raw = errors.split(separator: "\n").filter { $0.contains("NSCocoaErrorDomain") || $0.contains("-nan") }
        #expect(raw.isEmpty, "raw system text in messages: \(raw.prefix(5))")
    }
}
