import Foundation

/// Where the session is in a lesson: the lesson, and how many of its steps have been shown.
public struct LessonProgress: Equatable, Sendable {
    public var lesson: Lesson
    public var stepsShown: Int
}

/// A step's inputs waiting to run once the `.lesson`/`.next` input that showed the step has
/// been recorded, so each runs as a top-level input of its own (in `.history`, `.save`,
/// `.export`), echoed as if typed.
struct PendingLessonRun {
    var inputs: [LessonInput]
    var closingNote: [String]
    var fileName: String
    var directory: String?
    /// The line printed after the step's inputs ran (what `.next` does now).
    var closing: String
}

// `.lessons`, `.lesson [N|next]` and `.next`.
extension ConsoleSession {
    static let echoPrompt = "entk> "
    static let echoContinuation = "...> "

    func lessonsCommand(_ context: MetaCommandContext) -> Bool {
        guard context.argument.isEmpty else { return context.fail(".lessons takes no argument") }
        let lessons: [Lesson]
        do { lessons = try allLessons() } catch { return context.fail(error.message) }
        if lessons.isEmpty { return context.fail("no lessons in '\(lessonsDirectory ?? "")'") }
        let numberWidth = lessons.map { String($0.number).count }.max() ?? 1
        let titleWidth = lessons.map(\.title.count).max() ?? 0
        let rows = lessons.map { lesson in
            String(repeating: " ", count: numberWidth - String(lesson.number).count) + "\(lesson.number)  "
                + lesson.title.padding(toLength: titleWidth, withPad: " ", startingAt: 0) + "  " + lesson.summary
        }
        context.say((rows + [".lesson N starts lesson N; .next runs its next step"]).joined(separator: "\n"))
        return true
    }

    func lessonCommand(_ context: MetaCommandContext) -> Bool {
        let argument = context.argument
        if argument.isEmpty {
            context.say(lessonStatus())
            return true
        }
        if argument == "next" { return nextCommand(MetaCommandContext(argument: "", origin: context.origin, session: self)) }
        guard let number = Int(argument) else {
            return context.fail("expected a lesson number or next: .lesson [N|next], got '\(argument)'")
        }
        let files: [(number: Int, path: String)]
        do { files = try lessonFiles() } catch { return context.fail(error.message) }
        guard let file = files.first(where: { $0.number == number }) else {
            let available = files.map { String($0.number) }.joined(separator: ", ")
            return context.fail("no lesson \(number); the lessons are \(available.isEmpty ? "none" : available) (.lessons lists them)")
        }
        let lesson: Lesson
        do {
            lesson = Lesson.parse(try loadScript(atPath: file.path), number: number,
                                  fileName: (file.path as NSString).lastPathComponent)
        } catch {
            return context.fail(error.message)
        }
        guard !lesson.steps.isEmpty else { return context.fail("lesson \(number) has no steps (no '## ' headings)") }
        lessonProgress = LessonProgress(lesson: lesson, stepsShown: 0)
        let heading = "lesson \(lesson.number) · \(lesson.title)"
        let introduction = Lesson.text(lesson.introduction)
        context.say(introduction.isEmpty ? heading : heading + "\n" + introduction + "\n\n")
        var prose = "## Lesson \(lesson.number): \(lesson.title)"
        if !introduction.isEmpty { prose += "\n\n" + introduction }
        return showNextStep(context, prose: prose)
    }

    func nextCommand(_ context: MetaCommandContext) -> Bool {
        guard context.argument.isEmpty else { return context.fail(".next takes no argument") }
        guard let progress = lessonProgress else {
            return context.fail("no lesson started; .lesson N starts one (.lessons lists them)")
        }
        guard progress.stepsShown < progress.lesson.steps.count else {
            return context.fail("lesson \(progress.lesson.number) has no more steps: all \(progress.lesson.steps.count) were shown (.lessons lists the others)")
        }
        return showNextStep(context, prose: nil)
    }

    /// Shows the next step's title and explanation and queues its inputs.
    private func showNextStep(_ context: MetaCommandContext, prose: String?) -> Bool {
        guard var progress = lessonProgress else { return false }
        let lesson = progress.lesson
        let index = progress.stepsShown
        let step = lesson.steps[index]
        progress.stepsShown += 1
        lessonProgress = progress
        let explanation = Lesson.text(step.explanation)
        let position = "step \(index + 1)/\(lesson.steps.count)"
        context.say("── \(position) · \(step.title)" + (explanation.isEmpty ? "" : "\n" + explanation))
        var markdown = "### Step \(index + 1)/\(lesson.steps.count): \(step.title)"
        if !explanation.isEmpty { markdown += "\n\n" + explanation }
        pendingProse = [prose, markdown].compactMap { $0 }.joined(separator: "\n\n")
        let closing: String
        if index + 1 < lesson.steps.count {
            closing = "── .next: step \(index + 2)/\(lesson.steps.count) · \(lesson.steps[index + 1].title)"
        } else {
            closing = "── end of lesson \(lesson.number) · .lessons lists the others"
        }
        let run = PendingLessonRun(inputs: step.inputs, closingNote: step.closingNote, fileName: lesson.fileName,
                                   directory: lessonsDirectory.map(Self.canonicalPath), closing: closing)
        if isNested {
            // Inside `.read` or a script's nested input: run in place, as part of that input.
            _ = runLessonInputs(run)
        } else {
            pendingLessonRun = run
        }
        return true
    }

    /// Runs a step's inputs, each echoed as if typed, then prints the closing line. Returns
    /// everything shown (echoes included) and whether Ctrl-C stopped the step.
    func runLessonInputs(_ run: PendingLessonRun) -> (output: [ExpectedLine], interrupted: Bool) {
        var lines: [ExpectedLine] = []
        var interrupted = false
        runningLessonInputs = true
        defer { runningLessonInputs = false }
        func show(_ note: [String]) {
            let text = Lesson.text(note)
            guard !text.isEmpty else { return }
            router.write(text + "\n")
            lines += text.split(separator: "\n", omittingEmptySubsequences: false).map { .output(String($0)) }
        }
        for item in run.inputs {
            if Interrupts.isPending { interrupted = true; break }
            show(item.note)
            let echo = Self.echo(item.input.text)
            router.write(echo.joined(separator: "\n") + "\n")
            lines += echo.map { .output($0) }
            let note = Lesson.text(item.note)
            pendingProse = note.isEmpty ? nil : note
            let result = execute(item.input.text, origin: InputOrigin(file: run.fileName, line: item.input.replayLine, directory: run.directory))
            lines += result.output
            if result.interrupted { interrupted = true; break }
        }
        if !interrupted {
            show(run.closingNote)
            let note = Lesson.text(run.closingNote)
            if !note.isEmpty, let last = entries.indices.last { entries[last].proseAfter = note }
        }
        let closing = interrupted ? "── step interrupted; .next goes on with the following step" : run.closing
        router.write(closing + "\n")
        lines.append(.output(closing))
        return (lines, interrupted)
    }

    /// The lines of an input as the prompt shows them: `entk> ` first, `...> ` after.
    static func echo(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            (index == 0 ? echoPrompt : echoContinuation) + line
        }
    }

    /// What `.lesson` alone says.
    func lessonStatus() -> String {
        guard let progress = lessonProgress else {
            return "no lesson started; .lesson N starts one (.lessons lists them)"
        }
        let lesson = progress.lesson
        var text = "lesson \(lesson.number) · \(lesson.title) · step \(progress.stepsShown)/\(lesson.steps.count) · "
            + lesson.steps[progress.stepsShown - 1].title
        if progress.stepsShown < lesson.steps.count {
            text += "\n.next: step \(progress.stepsShown + 1)/\(lesson.steps.count) · \(lesson.steps[progress.stepsShown].title)"
        } else {
            text += "\nthe lesson is over; .lessons lists the others"
        }
        return text
    }

    func lessonFiles() throws(ConsoleFileError) -> [(number: Int, path: String)] {
        guard let directory = lessonsDirectory else {
            throw ConsoleFileError("no lessons directory: set ENTK_LESSONS, or run entk from its package (scripts/lessons)")
        }
        return try Lesson.files(in: directory)
    }

    /// Every lesson of the lessons directory, parsed, by number.
    public func allLessons() throws(ConsoleFileError) -> [Lesson] {
        var lessons: [Lesson] = []
        for file in try lessonFiles() {
            let script = try loadScript(atPath: file.path)
            lessons.append(Lesson.parse(script, number: file.number, fileName: (file.path as NSString).lastPathComponent))
        }
        return lessons
    }
}
