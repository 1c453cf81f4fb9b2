import Language

/// Named values bundled together, read back as members: `r = record("model", m, "data", d)`,
/// then `r.model`. The prelude's experiment functions return one, so a single call hands back
/// everything a user explores next.
public final class RecordObject: HostObject {
    let fields: [(name: String, value: Value)]
    init(_ fields: [(name: String, value: Value)]) { self.fields = fields }

    public var typeName: String { "record" }
    public var count: Int? { fields.count }
    /// `record model, data, K, s`.
    public var summary: String { "record " + fields.map(\.name).joined(separator: ", ") }
    /// One line per field: `  model  tms  n=50 …`.
    public var displayText: String {
        let width = fields.map(\.name.count).max() ?? 0
        return ([summary] + fields.map { "  \($0.name.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.value.summary)" })
            .joined(separator: "\n")
    }
    public var dynamicMemberNames: [String] { fields.map(\.name) }
    public func member(named name: String) throws -> Value? { fields.first { $0.name == name }?.value }
}

extension Session {
    func installRecordBuiltins() throws {
        try interpreter.registry.register(
            Builtin("record", [BuiltinParameter("pairs", isVariadic: true, summary: "name, value, name, value, …")],
                    returns: "record", summary: "bundle named values: record(\"model\", m, \"data\", d).model") { a in
                guard a.rest.count % 2 == 0 else { throw LanguageError("record takes name, value pairs; got \(a.rest.count) arguments") }
                var fields: [(name: String, value: Value)] = []
                for i in stride(from: 0, to: a.rest.count, by: 2) {
                    guard case .string(let name) = a.rest[i] else {
                        throw LanguageError("record: argument \(i + 1) must be a field name (a string), got \(a.rest[i].typeName)")
                    }
                    guard !fields.contains(where: { $0.name == name }) else { throw LanguageError("record: field \"\(name)\" is given twice") }
                    fields.append((name, a.rest[i + 1]))
                }
                return .host(RecordObject(fields))
            })
        try interpreter.registry.register(type: HostType("record", summary: "named values read as members (r.name)",
                                                           detail: "save(r, \"r.json\") writes it as a JSON object, nested records, tensors and spectra included; save(r, \"r.csv\") only when every field is a number, string or bool."))
    }
}
