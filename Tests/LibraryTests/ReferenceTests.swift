import Foundation
import Testing
import Language
import Library

@Suite("Reference documentation")
struct ReferenceTests {
    /// Documentation/Reference.md is generated from the builtin tables; this test fails when the
    /// committed file is stale. Regenerate with `ENTK_WRITE_REFERENCE=1 swift test --filter Reference`.
    @Test("Documentation/Reference.md matches the builtin tables")
    func referenceIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("Documentation/Reference.md").path
        let generated = Session(sink: TextBuffer()).interpreter.registry.markdownReference(title: "entk reference")
        if ProcessInfo.processInfo.environment["ENTK_WRITE_REFERENCE"] == "1" {
            try generated.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(committed == generated, "Documentation/Reference.md is stale: run ENTK_WRITE_REFERENCE=1 swift test --filter Reference")
    }

    @Test("every builtin and method has a summary, and help answers for each")
    func helpForEverything() {
        let session = Session(sink: TextBuffer())
        let registry = session.interpreter.registry
        for name in registry.functionNames {
            #expect(!(registry.function(named: name)?.summary.isEmpty ?? true), "\(name) has no summary")
            #expect(session.interpreter.help(name) != nil, "no help for \(name)")
        }
        for typeName in registry.typeNames {
            for method in registry.type(named: typeName)?.methods ?? [] {
                #expect(session.interpreter.help("\(typeName).\(method.name)") != nil, "no help for \(typeName).\(method.name)")
            }
        }
    }
}
