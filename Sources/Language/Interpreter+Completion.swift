extension Interpreter {
    /// Completion candidates for the word ending at `cursor` (a count of characters into `line`):
    /// after `name.`, the members of the value bound to `name` (from its type's table and its
    /// dynamic members); otherwise bound names, builtin functions and keywords. Candidates are
    /// whole words starting with the partial word, sorted and unique.
    public func completions(line: String, cursor: Int) -> [String] {
        let characters = Array(line.prefix(max(0, cursor)))
        func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        var start = characters.count
        while start > 0, isWordCharacter(characters[start - 1]) { start -= 1 }
        let word = String(characters[start...])
        if word.first?.isNumber == true { return [] }
        var candidates: Set<String>
        if start > 0, characters[start - 1] == "." {
            var receiverStart = start - 1
            while receiverStart > 0, isWordCharacter(characters[receiverStart - 1]) { receiverStart -= 1 }
            let receiver = String(characters[receiverStart..<(start - 1)])
            guard let value = evaluator.globals.values[receiver] else { return [] }
            candidates = Set(registry.type(named: value.typeName)?.memberNames ?? [])
            if case .host(let object) = value {
                candidates.subtract(object.unofferedMemberNames)
                candidates.formUnion(object.dynamicMemberNames)
            }
        } else {
            candidates = Set(evaluator.globals.values.keys).union(registry.functions.keys).union(TokenKind.keywords.keys)
        }
        return candidates.filter { $0.hasPrefix(word) }.sorted()
    }
}

extension Interpreter {
    /// The parameter names of the function `name` (a builtin, or a function bound by the user),
    /// in order; nil when `name` is not a function.
    public func parameterNames(of name: String) -> [String]? {
        if case .function(let f)? = evaluator.globals.values[name] {
            switch f.kind {
            case .closure(let declaration, _): return declaration.parameters.map(\.name)
            case .builtin(let b), .method(_, let b): return b.parameters.map(\.name)
            }
        }
        return registry.function(named: name)?.parameters.map(\.name)
    }

    /// Everything `help("…")` answers to: functions, bound names, type names and their members.
    public var helpTopics: [String] {
        Array(Set(registry.functions.keys).union(registry.types.keys).union(evaluator.globals.values.keys)
            .union(registry.types.values.flatMap(\.memberNames))).sorted()
    }
}
