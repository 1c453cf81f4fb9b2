import Foundation
import Tensors

/// A file the console could not read or write; the message names the path.
public struct ConsoleFileError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How running a file went.
public struct ScriptOutcome: Sendable, Equatable {
    /// Where each failed input started (one at most unless keep-going).
    public var failures: [InputOrigin] = []
    /// The file ran `.quit`.
    public var quit = false
    /// Ctrl-C stopped the file between inputs.
    public var interrupted = false
    public var succeeded: Bool { failures.isEmpty && !interrupted }
}

extension ConsoleSession {
    /// Reads and parses a session file.
    /// A first line that looks like a header but is malformed is an error naming line 1.
    public func loadScript(atPath path: String) throws(ConsoleFileError) -> SessionScript {
        try parseScript(try Self.readText(atPath: path), name: path)
    }

    func parseScript(_ text: String, name: String) throws(ConsoleFileError) -> SessionScript {
        let script = SessionScript.parse(text, newInput: engine.makeInputCollector)
        if let problem = script.headerProblem { throw ConsoleFileError("\(name):1: \(problem)") }
        return script
    }

    static func readText(atPath path: String) throws(ConsoleFileError) -> String {
        let bytes: [UInt8]
        do { bytes = try FileAccess.readBytes(path) } catch { throw ConsoleFileError("\(error)") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConsoleFileError("cannot read '\(path)': not UTF-8 text")
        }
        return text
    }

    /// Writes through a partial file renamed into place (see `Tensors.FileWriter`): a link is
    /// written through, an existing file keeps its permissions.
    static func writeText(_ text: String, toPath path: String) throws(ConsoleFileError) {
        do { try FileAccess.write(text, to: path) } catch { throw ConsoleFileError("\(error)") }
    }

    /// Runs a script file (`entk FILE`): its header seed, if any, becomes the session seed
    /// (unless `seedOverride` is set),
    /// then its inputs run in order, stopping at the first failure unless `keepGoing`.
    /// Expectation lines in the file are ignored. Diagnostics name the path as given.
    public func runScript(atPath path: String, keepGoing: Bool) throws(ConsoleFileError) -> ScriptOutcome {
        let script = try loadScript(atPath: path)
        restart(seed: seedOverride ?? script.header?.seed ?? initialSeed)
        let canonical = Self.canonicalPath(path)
        readStack.append(canonical)
        defer { readStack.removeLast() }
        return runInputs(of: script, file: path, directory: Self.directory(of: canonical), keepGoing: keepGoing)
    }

    /// Runs source text that is not in a file (piped standard input) as a script named `name`.
    public func runScript(text: String, name: String, keepGoing: Bool) -> ScriptOutcome {
        let script: SessionScript
        do { script = try parseScript(text, name: name) } catch {
            router.writeError("error: \(error.message)\n")
            return ScriptOutcome(failures: [InputOrigin(file: name, line: 1)])
        }
        restart(seed: seedOverride ?? script.header?.seed ?? initialSeed)
        return runInputs(of: script, file: name, directory: nil, keepGoing: keepGoing)
    }

    func runInputs(of script: SessionScript, file: String, directory: String?, keepGoing: Bool) -> ScriptOutcome {
        var outcome = ScriptOutcome()
        for input in script.inputs {
            if Interrupts.isPending {
                outcome.interrupted = true
                break
            }
            let origin = InputOrigin(file: file, line: input.line, directory: directory)
            let result = execute(input.text, origin: origin)
            if result.quit {
                outcome.quit = true
                break
            }
            if result.interrupted {
                outcome.interrupted = true
                if !result.succeeded { outcome.failures.append(origin) }
                break
            }
            if !result.succeeded {
                outcome.failures.append(origin)
                if !keepGoing { break }
            }
        }
        return outcome
    }

    /// Binds `presetBindings`, then loads every `*.entk` file of the prelude directory in
    /// lexical order. A failing file stops at its first error (reported with `file:line`) and
    /// the next file still loads. Returns where failures happened.
    @discardableResult
    public func loadPrelude() -> [InputOrigin] {
        bindPresets()
        guard let directory = preludeDirectory else { return [] }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            router.writeError("prelude: cannot read directory '\(directory)'\n")
            return []
        }
        recordsEntries = false
        defer { recordsEntries = true }
        var failures: [InputOrigin] = []
        for name in names.filter({ $0.hasSuffix(".entk") }).sorted() {
            let path = (directory as NSString).appendingPathComponent(name)
            do throws(ConsoleFileError) {
                let script = try loadScript(atPath: path)
                readStack.append(Self.canonicalPath(path))
                let outcome = runInputs(of: script, file: path, directory: directory, keepGoing: false)
                readStack.removeLast()
                if let failure = outcome.failures.first {
                    failures.append(failure)
                    router.writeError("prelude: \(failure.file):\(failure.line): stopped after an error; the console starts anyway\n")
                }
            } catch {
                router.writeError("prelude: \(error.message)\n")
            }
        }
        return failures
    }

    /// `.read FILE`: runs the file's inputs as if typed, stopping at its first error.
    func readCommand(_ context: MetaCommandContext) -> Bool {
        guard !context.argument.isEmpty else { return context.fail("expected a file: .read FILE") }
        let path = resolvePath(context.argument, from: context.origin)
        let canonical = Self.canonicalPath(path)
        if let index = readStack.firstIndex(of: canonical) {
            let cycle = (readStack[index...] + [canonical]).map { ($0 as NSString).lastPathComponent }
            return context.fail(".read cycle: \(cycle.joined(separator: " → "))")
        }
        guard readStack.count < Self.readNestingLimit else {
            return context.fail(".read nested deeper than \(Self.readNestingLimit) files at '\(context.argument)'")
        }
        let script: SessionScript
        do { script = try loadScript(atPath: path) } catch { return context.fail(error.message) }
        readStack.append(canonical)
        defer { readStack.removeLast() }
        let outcome = runInputs(of: script, file: context.argument, directory: Self.directory(of: canonical), keepGoing: false)
        if outcome.interrupted { return context.fail(".read interrupted") }
        return outcome.failures.isEmpty
    }

    static func canonicalPath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static func directory(of path: String) -> String { FileAccess.directory(of: path) }
}

extension ConsoleSession {
    /// Binds each of `presetBindings` in the engine; a failure is reported, not fatal.
    func bindPresets() {
        for (name, value) in presetBindings {
            do { try engine.bind(name, string: value) } catch {
                router.writeError("entk: cannot bind '\(name)': \(error)\n")
            }
        }
    }
}
