import Foundation

// `.export FILE.ipynb`, and `entk FILE.entk --notebook OUT.ipynb`: a session file run and
// written as a notebook, so the lessons' and examples' notebooks are generated, never copied.
extension ConsoleSession {
    /// `.export FILE.ipynb [TITLE]`: writes the session so far as a notebook (see `Notebook`).
    func exportNotebook(_ context: MetaCommandContext, file: String, title: String) -> Bool {
        let path = resolvePath(file, from: context.origin)
        let text = Notebook.render(entries, title: title, version: EntkVersion.string, seed: initialSeed)
        do { try Self.writeText(text, toPath: path) } catch { return context.fail(error.message) }
        let count = entries.filter(\.isRecorded).count
        let figures = entries.filter(\.isRecorded).reduce(0) { $0 + $1.figures.count }
        let also = figures == 0 ? "" : " and \(figures) figure\(figures == 1 ? "" : "s")"
        context.say("exported \(count) input\(count == 1 ? "" : "s")\(also) to \(file)")
        return true
    }

    /// Runs the session file at `path` and returns it as a notebook.
    ///
    /// A lesson (a file with a `# lesson:` line and a numbered name) runs as `.lesson N` and
    /// `.next` to its end would, so its introduction and step explanations become Markdown cells
    /// and its inputs code cells. Any other file runs as `entk FILE` would, its comment lines
    /// (other than the header) becoming Markdown cells before the input they precede. Stops at
    /// the first failure; the outcome says where.
    public func notebook(ofScriptAtPath path: String) throws(ConsoleFileError) -> (text: String, outcome: ScriptOutcome) {
        let script = try loadScript(atPath: path)
        restart(seed: seedOverride ?? script.header?.seed ?? initialSeed)
        let fileName = (path as NSString).lastPathComponent
        let canonical = Self.canonicalPath(path)
        let isLesson = script.items.contains { if case .note(let text) = $0 { text.hasPrefix(Lesson.titleMarker) } else { false } }
        var outcome = ScriptOutcome()
        let title: String
        if isLesson {
            guard let number = Lesson.number(fileName: fileName) else {
                throw ConsoleFileError("'\(path)' is a lesson but its name does not start with its number (NN-name.entk)")
            }
            title = "entk lesson \(number): " + Lesson.parse(script, number: number, fileName: fileName).title
            let saved = lessonsDirectory
            lessonsDirectory = Self.directory(of: canonical)
            defer { lessonsDirectory = saved }
            var command = ".lesson \(number)"
            while true {
                let before = entries.count
                let result = execute(command, origin: .console)
                if result.interrupted { outcome.interrupted = true; break }
                // A step's failing input does not fail `.next`: find it among the step's entries
                // (the first is the `.lesson`/`.next` itself, then one per step input).
                let isFailure = { (entry: SessionEntry) in entry.output.contains { if case .error = $0 { true } else { false } } }
                if !result.succeeded || entries[before...].contains(where: isFailure) {
                    var line = 0
                    if let progress = lessonProgress, let index = entries[before...].firstIndex(where: isFailure),
                       index > before, index - before - 1 < progress.lesson.steps[progress.stepsShown - 1].inputs.count {
                        line = progress.lesson.steps[progress.stepsShown - 1].inputs[index - before - 1].input.line
                    }
                    outcome.failures.append(InputOrigin(file: path, line: line))
                    break
                }
                guard let progress = lessonProgress, progress.stepsShown < progress.lesson.steps.count else { break }
                command = ".next"
            }
        } else {
            title = "entk example: " + fileName
            readStack.append(canonical)
            defer { readStack.removeLast() }
            var prose: [String] = []
            for item in script.items {
                switch item {
                case .note(let text):
                    if text.hasPrefix("#") {
                        var line = text.dropFirst()
                        if line.first == " " { line = line.dropFirst() }
                        prose.append(String(line))
                    } else if prose.last.map({ !$0.isEmpty }) ?? false {
                        prose.append("")
                    }
                case .input(let input):
                    let text = Lesson.text(prose)
                    prose = []
                    pendingProse = text.isEmpty ? nil : text
                    let origin = InputOrigin(file: path, line: input.line, directory: Self.directory(of: canonical))
                    let result = execute(input.text, origin: origin)
                    if result.interrupted { outcome.interrupted = true }
                    if !result.succeeded { outcome.failures.append(origin) }
                }
                if outcome.interrupted || !outcome.failures.isEmpty { break }
            }
        }
        return (Notebook.render(entries, title: title, version: EntkVersion.string, seed: initialSeed), outcome)
    }
}
