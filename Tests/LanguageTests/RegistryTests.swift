import Language
import Testing

@Suite("Registering builtins")
struct RegistryTests {
    @Test("registering a name already taken is refused with a clear error, and the builtin stays")
    func duplicateFunctionRefused() {
        let s = Session()
        let impostor = Builtin("len", returns: "number", summary: "always 7") { _ in .number(7) }
        #expect {
            try s.interpreter.registry.register(impostor)
        } throws: { error in
            let conflict = error as? RegistrationConflict
            return conflict == RegistrationConflict(kind: "function", name: "len")
                && "\(error)" == "a builtin function named `len` is already registered; pass `replacing: true` to replace it on purpose"
        }
        #expect(s.echo("len([1, 2])") == "2")
    }

    @Test("replacing: true replaces on purpose")
    func explicitReplacement() throws {
        let s = Session()
        try s.interpreter.registry.register(Builtin("len", [BuiltinParameter("x")], returns: "number", summary: "always 7") { _ in .number(7) },
                                            replacing: true)
        #expect(s.echo("len([1, 2])") == "7")
    }

    @Test("a table with a taken name, or a name twice, adds nothing")
    func batchIsAllOrNothing() {
        let s = Session()
        let fresh = Builtin("fresh", returns: "number", summary: "one") { _ in .number(1) }
        let clash = Builtin("print", summary: "not print") { _ in .nothing }
        #expect(throws: RegistrationConflict.self) { try s.interpreter.registry.register([fresh, clash]) }
        #expect(s.interpreter.registry.function(named: "fresh") == nil)
        #expect(throws: RegistrationConflict(kind: "function", name: "fresh")) { try s.interpreter.registry.register([fresh, fresh]) }
        #expect(s.interpreter.registry.function(named: "fresh") == nil)
    }

    @Test("a type table registered twice is refused")
    func duplicateTypeRefused() throws {
        let s = Session()
        try s.interpreter.registry.register(type: HostType("gadget", summary: "first"))
        #expect(throws: RegistrationConflict(kind: "type", name: "gadget")) {
            try s.interpreter.registry.register(type: HostType("gadget", summary: "second"))
        }
        #expect(s.interpreter.registry.type(named: "gadget")?.summary == "first")
    }
}

@Suite("Undeclared argument names")
struct UndeclaredArgumentTests {
    @Test("a handler reading a name its table does not declare is reported, not silently none")
    func undeclaredReadIsRecorded() throws {
        let s = Session()
        try s.interpreter.registry.register(Builtin("scale", [BuiltinParameter("x", .number), BuiltinParameter("factor", .number, default: .number(2))],
                                                    returns: "number", summary: "x times factor") { a in
            // The misspelling this check exists for: `factr` is not a parameter.
            .number(try a.number("x") * (a.has("factr") ? try a.number("factr") : 1))
        })
        #expect(s.echo("scale(3, factor: 5)") == "3")
        #expect(s.interpreter.registry.undeclaredReads == ["`scale` reads argument `factr`, which its parameter table does not declare"])
    }

    @Test("declared names, defaults and none included, are not reported")
    func declaredReadsAreQuiet() throws {
        let s = Session()
        try s.interpreter.registry.register(Builtin("pick", [BuiltinParameter("x", .optional(.number), default: .nothing)],
                                                    returns: "number", summary: "x or 0") { a in a.has("x") ? a["x"] : .number(0) })
        #expect(s.echo("pick()") == "0")
        #expect(s.echo("pick(4)") == "4")
        #expect(s.interpreter.registry.undeclaredReads.isEmpty)
    }
}
