import Foundation
import Testing
import Language

/// A session with `thread()`: a number naming the thread it runs on (a fresh number the first
/// time a thread calls it), so tests can see whether inputs share a thread.
private func threadSession() -> Session {
    let session = Session()
    nonisolated(unsafe) var nextNumber = 0
    let lock = NSLock()
    try! session.interpreter.registry.register(Builtin("thread", returns: "number", summary: "names the current thread") { _ in
        let dictionary = Thread.current.threadDictionary
        if let number = dictionary["entk.test.threadNumber"] as? Int { return .number(Double(number)) }
        let number = lock.withLock { nextNumber += 1; return nextNumber }
        dictionary["entk.test.threadNumber"] = number
        return .number(Double(number))
    })
    return session
}

@Test("every input runs on the same long-lived evaluation thread")
func evaluationThreadReused() {
    let session = threadSession()
    let first = session.echo("thread()")
    for _ in 0..<50 { #expect(session.echo("thread()") == first) }
    #expect(session.interpreter.inputStatus("[1,") == .incomplete)
    #expect(session.echo("thread()") == first)
}

@Test("a thread that cannot start is an error, not a hang, and the next input tries again")
func evaluationThreadStartFailure() throws {
    let session = threadSession()
    // No system maps a stack of 2^60 bytes.
    session.interpreter.evaluationStackSize = 1 << 60
    let output = session.run("x = 1")
    #expect(output.hasPrefix("error: cannot start the evaluation thread with a "))
    #expect(output.contains("ulimit -v"))
    #expect(session.interpreter.value(named: "x") == nil)
    #expect(throws: Diagnostic.self) { try session.interpreter.evaluate("1") }
    session.interpreter.evaluationStackSize = 512 << 20
    #expect(session.echo("x = 2; x") == "2")
}

@Test("the evaluation thread still bounds recursion by depth, not by a stack overflow")
func recursionStillBounded() {
    let session = Session()
    let output = session.run("fn f(n) { return f(n + 1) }\nf(0)")
    #expect(output.contains("error: too much recursion: more than 1000 nested calls"))
    // The thread survives the error.
    #expect(session.echo("1 + 1") == "2")
}

@Test("runaway recursion through a builtin's callback names file:line (the builtin's call)")
func recursionThroughCallbackHasLocation() {
    let session = Session()
    try! session.interpreter.registry.register(Builtin("apply", [BuiltinParameter("f", .function, summary: "a function")],
                                                  returns: "any", summary: "calls f") { arguments in
        try arguments.context.call(arguments["f"], [])
    })
    let output = session.run("fn g() { return apply(g) }\ng()", file: "s.entk")
    #expect(output.hasPrefix("s.entk:1:17: error: too much recursion: more than 1000 nested calls"), "\(output)")
    #expect(!output.contains("\nerror:"))
}

@Test("a host error is named by the callee once, never `name: name:` or `eye: full:`")
func hostErrorPrefixedOnce() {
    struct HostFailure: Error, CustomStringConvertible { var description: String }
    let session = Session()
    for (name, message) in [("shape", "shape: cannot reshape"), ("eye", "full: invalid shape (-1, -1)"),
                            ("load", "cannot access 'f': no such file"), ("tms", "tms.train: lr must be positive")] {
        try! session.interpreter.registry.register(Builtin(name, returns: "none", summary: "fails") { _ in
            throw HostFailure(description: message)
        })
    }
    #expect(session.run("shape()").contains("error: shape: cannot reshape\n"))
    #expect(session.run("eye()").contains("error: eye: invalid shape (-1, -1)\n"))
    #expect(session.run("load()").contains("error: load: cannot access 'f': no such file\n"))
    #expect(session.run("tms()").contains("error: tms: lr must be positive\n"))
}
