/// The table of language help topics (`help("for")`): keywords and syntax that are not
/// builtins. Like the builtin tables, help and the reference are generated from it.
public enum LanguageTopics {
    static let table: [(name: String, text: String)] = [
        ("syntax", """
            x = expr          bind a name (also +=, -=, *=, /=)
            expr              evaluate and echo; `ans` holds the last value
            expr;             evaluate without echo
            # comment         to the end of the line
            statements are separated by new lines or `;`
            """),
        ("operators", """
            or  and  not  ==  !=  <  <=  >  >=  ..<  ...  +  -  *  /  %  @  -x  ^
            from loosest to tightest; `^` is right-associative and binds tighter than unary minus
            `@` is the matrix product (host objects only); `..<` and `...` build integer ranges
            """),
        ("indexing", """
            a[i]  a[-1]  a[start:stop]  a[start:stop:step]  a[:, 0]
            negative indices count from the end; slice bounds are clamped; a[i] = v assigns
            """),
        ("if", """
            if cond { … } else if other { … } else { … }
            conditions must be bool; `else` may start the next line after `}`
            """),
        ("for", """
            for i in 0..<n { … }      for x in list { … }
            iterates over a range, list, string or iterable host object; break and continue work
            """),
        ("while", """
            while cond { … }
            stops with an error after the interpreter's loop limit (10,000,000 steps by default)
            """),
        ("fn", """
            fn name(a, b: 2) { … return value }      f = fn(x) { return x * 2 }
            parameters may have defaults (evaluated at each call) and be passed by label: name(1, b: 3)
            functions see the scope they were defined in; assignments inside a function are local
            a string literal as the body's first statement is the docstring help(name) shows
            """),
        ("values", """
            number (double), string, bool, none, list, range, function, and host objects
            (tensor, model, kernel, …); lists, strings and ranges are copied on assignment
            """),
    ]

    /// Topic names in table order.
    public static var names: [String] { table.map(\.name) }

    /// The text for a topic, or nil.
    public static func text(for name: String) -> String? { table.first { $0.name == name }?.text }
}
