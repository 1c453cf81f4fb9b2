import Language
import Testing

/// Choices and bounded numbers are declared once in a parameter's type and checked by the
/// binder, so every builtin refuses the same way and help lists what is allowed.
@Suite("Argument constraints")
struct ArgumentConstraintTests {
    enum Colour: String, CaseIterable { case red, green, blue }

    func session() -> Session {
        let s = Session()
        try! s.interpreter.registry.register(Builtin("paint", [
            BuiltinParameter("colour", .choice(of: Colour.self), default: .string("red"), requiresLabel: true),
            BuiltinParameter("coats", .count, default: .number(1), requiresLabel: true),
            BuiltinParameter("gloss", .bounded(.number, .within(0, 1)), default: .number(0.5), requiresLabel: true),
            BuiltinParameter("thinner", .optional(.nonNegativeNumber), default: .nothing, requiresLabel: true),
        ], returns: "string", summary: "paint") { a in
            .string("\(try a.choice("colour", as: Colour.self).rawValue) ×\(try a.integer("coats"))")
        })
        return s
    }

    @Test("a choice outside the list is refused with the list and the nearest word, swapped letters included")
    func choice() {
        let s = session()
        #expect(s.echo("paint(colour: \"green\")") == "\"green ×1\"")
        let error = s.run("paint(colour: \"grene\")")
        #expect(error.contains("argument `colour` of `paint` expects \"red\", \"green\", \"blue\", got \"grene\"; did you mean \"green\"?"))
        #expect(s.run("paint(colour: \"bleu\")").contains("did you mean \"blue\"?"))
        #expect(s.run("paint(colour: 3)").contains("got number"))
    }

    @Test("bounded numbers refuse what is out of range, not finite, or not an integer")
    func bounds() {
        let s = session()
        #expect(s.run("paint(coats: 0)").contains("expects integer ≥ 1, got 0"))
        #expect(s.run("paint(coats: 2.5)").contains("expects integer ≥ 1, got 2.5, not an integer"))
        #expect(s.run("paint(gloss: 1.5)").contains("expects number in 0…1, got 1.5"))
        #expect(s.run("paint(gloss: 0/0)").contains("got nan"))
        #expect(s.run("paint(thinner: -1)").contains("expects number ≥ 0 or none, got -1"))
        #expect(s.run("paint(thinner: 1/0)").contains("got inf"))
        #expect(s.succeeds("paint(coats: 3, gloss: 1, thinner: none)"))
    }

    @Test("help shows the allowed values and ranges")
    func help() throws {
        let text = try #require(session().interpreter.help("paint"))
        #expect(text.contains("\"red\", \"green\", \"blue\""))
        #expect(text.contains("integer ≥ 1"))
        #expect(text.contains("number in 0…1"))
    }

    @Test("edit distance counts a swap of neighbours as one edit")
    func transpositions() {
        #expect(Suggestion.editDistance("veiw", "view") == 1)
        #expect(Suggestion.editDistance("egi", "eig") == 1)
        #expect(Suggestion.editDistance("lesosn", "lesson") == 1)
        #expect(Suggestion.editDistance("abc", "abc") == 0)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
    }
}

@Suite("Help by member name")
struct HelpByMemberTests {
    @Test("help on a bare method name answers with the method of every type that has it")
    func bareMethod() throws {
        let s = Session()
        try s.interpreter.registry.register(type: HostType("gadget", summary: "a test type", methods: [
            Builtin("spin", [BuiltinParameter("turns", .count)], summary: "spin it") { _ in .nothing },
        ]))
        let text = try #require(s.interpreter.help("spin"))
        #expect(text.hasPrefix("gadget.spin(turns) -> none"))
        #expect(s.interpreter.help("nosuchmember") == nil)
    }
}
