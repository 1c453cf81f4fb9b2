import Foundation

// The handlers behind `MetaCommand.table`, one per command, in table order.
extension ConsoleSession {
    func helpCommand(_ context: MetaCommandContext) -> Bool {
        let topic = context.argument
        if topic.isEmpty {
            context.say(Self.metaCommandHelp())
            if let general = engine.help(nil) { context.say(general) }
            context.say(".help NAME shows help on a function, type or meta-command (.help read).")
            return true
        }
        let name = topic.hasPrefix(".") ? String(topic.dropFirst()) : topic
        if topic.hasPrefix("."), case .command(let resolved) = MetaCommand.resolve(name),
           let command = MetaCommand.named(resolved) {
            context.say("\(command.usage)\n  \(command.summary)")
            return true
        }
        if let text = engine.help(topic) {
            context.say(text)
            return true
        }
        if let command = MetaCommand.named(name) {
            context.say("\(command.usage)\n  \(command.summary)")
            return true
        }
        return context.fail("no help for '\(topic)'")
    }

    /// The meta-command list `.help` prints, generated from `MetaCommand.table`.
    public static func metaCommandHelp() -> String {
        let width = MetaCommand.table.map(\.usage.count).max() ?? 0
        let rows = MetaCommand.table.map { command in
            command.usage.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + command.summary
        }
        return (["meta-commands (a unique prefix is enough, e.g. .q):"] + rows.map { "  " + $0 })
            .joined(separator: "\n")
    }

    func quitCommand(_ context: MetaCommandContext) -> Bool {
        guard context.argument.isEmpty else { return context.fail(".quit takes no argument") }
        return true
    }

    func varsCommand(_ context: MetaCommandContext) -> Bool {
        guard context.argument.isEmpty else { return context.fail(".vars takes no argument") }
        let bindings = engine.bindings
        if bindings.isEmpty {
            context.say("no bindings")
            return true
        }
        let width = bindings.map(\.name.count).max() ?? 0
        context.say(bindings.map { $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.summary }
            .joined(separator: "\n"))
        return true
    }

    func saveCommand(_ context: MetaCommandContext) -> Bool {
        guard !context.argument.isEmpty else { return context.fail("expected a file: .save FILE") }
        let path = resolvePath(context.argument, from: context.origin)
        let recorded = entries.filter(\.isRecorded)
        let script = SessionScript(
            header: SessionHeader(version: EntkVersion.string, seed: initialSeed),
            items: recorded.map { .input(SessionInput(text: $0.text, line: 0, expected: $0.output)) })
        do { try Self.writeText(script.rendered(), toPath: path) } catch { return context.fail(error.message) }
        context.say("saved \(recorded.count) input\(recorded.count == 1 ? "" : "s") to \(context.argument)")
        return true
    }

    func logCommand(_ context: MetaCommandContext) -> Bool {
        switch context.argument {
        case "":
            if let transcript { context.say("logging to \(transcript.path)") } else { context.say("not logging") }
            return true
        case "off":
            guard transcript != nil else { return context.fail("not logging") }
            close()
            return true
        default:
            close()
            var argument = context.argument
            let fresh = argument.hasSuffix(" --new")
            if fresh { argument = String(argument.dropLast(6)).trimmingCharacters(in: .whitespaces) }
            let path = resolvePath(argument, from: context.origin)
            do {
                let log = try Transcript(path: path, header: SessionHeader(version: EntkVersion.string, seed: engine.seed), fresh: fresh)
                transcript = log
                if log.existingBytes > 0 {
                    context.say("logging to \(argument), appending to what it holds (.log \(argument) --new starts it afresh)")
                } else {
                    context.say("logging to \(argument)")
                }
            } catch {
                return context.fail(error.message)
            }
            return true
        }
    }

    func historyCommand(_ context: MetaCommandContext) -> Bool {
        // The `.history` being run is not an entry yet, so entries are exactly what came before.
        let all = entries
        let range: ClosedRange<Int>
        let argument = context.argument
        if argument.isEmpty {
            range = 1...max(all.count, 1)
        } else if let count = Int(argument), count >= 0 {
            range = max(1, all.count - count + 1)...max(all.count, 1)
        } else if let dash = argument.firstIndex(of: "-"),
                  let low = Int(argument[..<dash]), let high = Int(argument[argument.index(after: dash)...]),
                  low >= 1, low <= high {
            range = low...high
        } else {
            return context.fail("expected a count or a range: .history [N|A-B], got '\(argument)'")
        }
        let width = String(all.count).count
        var lines: [String] = []
        for number in range where number <= all.count && number >= 1 {
            let text = all[number - 1].text.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: width + 2))
            lines.append(String(repeating: " ", count: width - String(number).count) + "\(number)  " + text)
        }
        if !lines.isEmpty { context.say(lines.joined(separator: "\n")) }
        return true
    }

    func seedCommand(_ context: MetaCommandContext) -> Bool {
        if context.argument.isEmpty {
            context.say("seed \(engine.seed)")
            return true
        }
        guard let seed = UInt64(context.argument) else {
            return context.fail("expected a non-negative integer seed, got '\(context.argument)'")
        }
        engine.seed = seed
        return true
    }

    func timerCommand(_ context: MetaCommandContext) -> Bool {
        switch context.argument {
        case "": context.say("timer \(timerEnabled ? "on" : "off")")
        case "on": timerEnabled = true
        case "off": timerEnabled = false
        default: return context.fail("expected on or off: .timer on|off, got '\(context.argument)'")
        }
        return true
    }

    func threadsCommand(_ context: MetaCommandContext) -> Bool {
        if context.argument.isEmpty { return runHook(context) { try engine.setThreads(nil) } }
        guard let count = Int(context.argument), count >= 1 else {
            return context.fail("expected a positive thread count: .threads N\(context.argument.isEmpty ? "" : ", got '\(context.argument)'")")
        }
        return runHook(context) { try engine.setThreads(count) }
    }

    func memoryCommand(_ context: MetaCommandContext) -> Bool {
        runHook(context) { try engine.memory(limit: context.argument.isEmpty ? nil : context.argument) }
    }

    private func runHook(_ context: MetaCommandContext, _ hook: () throws -> String) -> Bool {
        do {
            let text = try hook()
            if !text.isEmpty { context.say(text) }
            return true
        } catch {
            return context.fail(String(describing: error))
        }
    }

    func resetCommand(_ context: MetaCommandContext) -> Bool {
        guard context.argument.isEmpty else { return context.fail(".reset takes no argument") }
        engine.reset()
        let failures = loadPrelude()
        return failures.isEmpty
    }
}
