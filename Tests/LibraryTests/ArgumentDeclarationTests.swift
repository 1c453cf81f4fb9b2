import Foundation
import Language
import Library
import Testing

/// Every builtin and method reads only the argument names its table declares. Each is called
/// in-process, once with only its required parameters and once more per optional one, and each
/// such call is repeated with every parameter at its k-th plausible value (k = 0, 1, …), so the
/// handlers' branches for tensors, datasets, spectra, choices and file formats all run. The
/// registry notes any read of a name the table lacks (`undeclaredReads`): it would get `none`.
@Suite("Argument names read by handlers")
struct ArgumentDeclarationTests {
    /// Plausible argument texts for a parameter of `type`, over the fuzz test's fixtures.
    static func alternatives(_ type: ValueType, path: String) -> [String] {
        switch type {
        case .any: return ["ft", "randn(12, 6, seed: 0)", "fd", "fs", "ftr", "frec", "fpl", "[1, 2, 3]", "2", "\"text\""]
        case .number: return ["0.5", "1", "0"]
        case .integer: return ["2", "0", "1", "3"]
        case .bounded(let inner, _): return [BuiltinFuzzTests.pool(type)[0]] + alternatives(inner, path: path)
        case .string: return ["\"\(path)\""] + ["npy", "safetensors", "csv", "json", "svg"].map { "\"\(path).\($0)\"" }
        case .bool: return ["true", "false"]
        case .list: return ["[2, 2]", "[0, 1]", "[\"sum\"]", "[ft, ft]", "[fd, fd]"]
        case .function: return ["fn(s) { s }", "print"]
        case .range: return ["0..<3"]
        case .host(let name): return BuiltinFuzzTests.fixtures[name] ?? ["none"]
        case .choice(let words): return words.map { "\"\($0)\"" }
        case .oneOf(let types): return types.flatMap { alternatives($0, path: path) }
        case .optional(let inner): return alternatives(inner, path: path) + ["none"]
        }
    }

    /// The call texts for one callee.
    static func calls(_ callee: String, _ parameters: [BuiltinParameter], path: String) -> [String] {
        let fixed = parameters.filter { !$0.isVariadic }
        let variadic = parameters.first(where: \.isVariadic)
        let required = fixed.filter { $0.defaultValue == nil }
        let givenSets = [required] + fixed.filter { $0.defaultValue != nil }.map { required + [$0] }
        var out: [String] = []
        for given in givenSets {
            let widest = (given + (variadic.map { [$0] } ?? [])).map { alternatives($0.type, path: path).count }.max() ?? 1
            for k in 0..<widest {
                func value(_ p: BuiltinParameter) -> String {
                    let options = alternatives(p.type, path: path)
                    return options[min(k, options.count - 1)]
                }
                let rest = variadic.map { [value($0)] } ?? []
                out.append("\(callee)(\((rest + given.map { "\($0.name): \(value($0))" }).joined(separator: ", ")))")
            }
        }
        return Array(Set(out)).sorted()
    }

    @Test("no handler in the registry reads an argument name its table does not declare")
    func everyReadIsDeclared() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entk-arguments-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("x").path

        let session = Session(sink: TextBuffer())
        let registry = session.interpreter.registry
        #expect(session.interpreter.run(BuiltinFuzzTests.setup))
        var lines: [String] = []
        for name in registry.functionNames where name != "help" {
            lines += Self.calls(name, registry.function(named: name)!.parameters, path: path)
        }
        for typeName in registry.typeNames {
            guard let receivers = BuiltinFuzzTests.fixtures[typeName], let type = registry.type(named: typeName) else { continue }
            for method in type.methods { lines += Self.calls("\(receivers[0]).\(method.name)", method.parameters, path: path) }
        }
        var succeeded = 0
        for line in lines where session.interpreter.run(line) { succeeded += 1 }
        #expect(succeeded > 300, "only \(succeeded) of \(lines.count) calls ran to the end")
        #expect(registry.undeclaredReads.isEmpty, "\(Set(registry.undeclaredReads).sorted())")
    }
}
