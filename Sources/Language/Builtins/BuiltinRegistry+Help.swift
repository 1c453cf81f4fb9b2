/// Help text, completion names and the Markdown reference, all generated from the tables.
extension BuiltinRegistry {
    /// Help for a topic: a function (`randn`), a type (`kernel`), a method (`kernel.eig`) or a
    /// language topic (`for`, `fn`, `syntax`). With no topic, an overview. Nil for an unknown topic.
    public func help(_ topic: String?) -> String? {
        guard let topic = topic?.trimmingSpaces, !topic.isEmpty else { return overview() }
        // A constructor often shares its type's name (`tensor(…)` makes a tensor): show both.
        let sections = [functions[topic].map { Self.help(for: $0, prefix: "") }, types[topic].map { help(for: $0) }]
            .compactMap { $0 }
        if !sections.isEmpty { return sections.joined(separator: "\n\n") }
        if let dot = topic.firstIndex(of: "."), let type = types[String(topic[..<dot])] {
            let member = String(topic[topic.index(after: dot)...])
            if let method = type.method(named: member) { return Self.help(for: method, prefix: type.name + ".") }
            if let property = type.property(named: member) {
                return "\(type.name).\(property.name) -> \(property.type)\n  \(property.summary)"
            }
        }
        if let text = LanguageTopics.text(for: topic) { return text }
        // A bare member name (`eig`): the methods and properties of that name, on every type.
        let owners = types.values.filter { $0.method(named: topic) != nil || $0.property(named: topic) != nil }
            .sorted { $0.name < $1.name }
        guard !owners.isEmpty else { return nil }
        return owners.compactMap { help("\($0.name).\(topic)") }.joined(separator: "\n\n")
    }

    /// Every topic `help` answers to (functions, types, methods, language topics), sorted.
    public var helpTopics: [String] {
        var topics = Array(functions.keys) + Array(types.keys) + LanguageTopics.names
        for type in types.values { topics += type.memberNames.map { "\(type.name).\($0)" } }
        return topics.sorted()
    }

    private func overview() -> String {
        var lines = ["functions:"]
        let width = (functions.keys.map(\.count).max() ?? 0) + 2
        for name in functionNames {
            lines.append("  " + name.padded(to: width) + functions[name]!.summary)
        }
        if !types.isEmpty {
            lines.append("types:")
            let typeWidth = (types.keys.map(\.count).max() ?? 0) + 2
            for name in typeNames { lines.append("  " + name.padded(to: typeWidth) + types[name]!.summary) }
        }
        lines.append("language: " + LanguageTopics.names.joined(separator: ", "))
        lines.append("help(\"name\") shows one function, type, method (`type.method`) or language topic.")
        return lines.joined(separator: "\n")
    }

    static func help(for builtin: Builtin, prefix: String) -> String {
        var lines = ["\(prefix)\(builtin.signature) -> \(builtin.returns)", "  \(builtin.summary)"]
        let documented = builtin.parameters
        if !documented.isEmpty {
            lines.append("")
            let nameWidth = (documented.map { $0.name.count }.max() ?? 0) + 2
            let typeWidth = (documented.map { $0.type.name.count }.max() ?? 0) + 2
            for parameter in documented {
                var notes: [String] = []
                if parameter.requiresLabel { notes.append("label required") }
                if let value = parameter.defaultValue { notes.append("default \(value.literalText)") }
                let tail = notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))"
                lines.append("  " + parameter.name.padded(to: nameWidth) + parameter.type.name.padded(to: typeWidth)
                             + parameter.summary + tail)
            }
        }
        if !builtin.detail.isEmpty {
            lines.append("")
            lines += builtin.detail.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    private func help(for type: HostType) -> String {
        var lines = ["\(type.name): \(type.summary)"]
        if !type.detail.isEmpty { lines.append(type.detail) }
        if !type.properties.isEmpty {
            lines.append("properties:")
            let width = (type.properties.map(\.name.count).max() ?? 0) + 2
            for property in type.properties.sorted(by: { $0.name < $1.name }) {
                lines.append("  " + property.name.padded(to: width) + "\(property.type)  \(property.summary)")
            }
        }
        if !type.methods.isEmpty {
            lines.append("methods:")
            let signatures = type.methods.sorted { $0.name < $1.name }.map { ($0.signature, $0.summary) }
            let width = (signatures.map(\.0.count).max() ?? 0) + 2
            for (signature, summary) in signatures { lines.append("  " + signature.padded(to: width) + summary) }
        }
        return lines.joined(separator: "\n")
    }

    /// The whole reference as Markdown (the integrator writes it to Documentation/Reference.md):
    /// every function, then every type with its properties and methods, then the language topics.
    public func markdownReference(title: String = "entk reference") -> String {
        var out = ["# \(title)", "",
                   "Generated from the builtin tables; do not edit by hand.", "", "## Functions", ""]
        for name in functionNames { out += Self.markdown(for: functions[name]!, prefix: "") }
        if !types.isEmpty {
            out += ["## Types", ""]
            for name in typeNames {
                let type = types[name]!
                out += ["### \(type.name)", "", type.summary + ".", ""]
                if !type.detail.isEmpty { out += [type.detail, ""] }
                if !type.properties.isEmpty {
                    out += ["| property | type | description |", "|---|---|---|"]
                    for property in type.properties.sorted(by: { $0.name < $1.name }) {
                        out.append("| `\(property.name)` | \(property.type) | \(property.summary.markdownCell) |")
                    }
                    out.append("")
                }
                for method in type.methods.sorted(by: { $0.name < $1.name }) {
                    out += Self.markdown(for: method, prefix: type.name + ".", level: "####")
                }
            }
        }
        out += ["## Language topics", ""]
        for name in LanguageTopics.names {
            out += ["### \(name)", "", "```", LanguageTopics.text(for: name) ?? "", "```", ""]
        }
        return out.joined(separator: "\n")
    }

    private static func markdown(for builtin: Builtin, prefix: String, level: String = "###") -> [String] {
        var out = ["\(level) `\(prefix)\(builtin.signature) -> \(builtin.returns)`", "", builtin.summary + ".", ""]
        if !builtin.parameters.isEmpty {
            out += ["| parameter | type | default | description |", "|---|---|---|---|"]
            for parameter in builtin.parameters {
                var name = "`\(parameter.name)`"
                if parameter.requiresLabel { name += " (label)" }
                if parameter.isVariadic { name += " (…)" }
                let value = parameter.defaultValue.map { "`\($0.literalText)`" } ?? (parameter.isVariadic ? "" : "required")
                out.append("| \(name) | \(parameter.type.name) | \(value) | \(parameter.summary.markdownCell) |")
            }
            out.append("")
        }
        if !builtin.detail.isEmpty { out += [builtin.detail, ""] }
        return out
    }
}

extension String {
    func padded(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\n" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\n" { scalars.removeLast() }
        return String(scalars)
    }

    var markdownCell: String {
        var result = ""
        for character in self {
            switch character {
            case "|": result += "\\|"
            case "\n": result += " "
            default: result.append(character)
            }
        }
        return result
    }
}
