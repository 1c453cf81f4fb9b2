import Console
import Foundation
import Testing

/// A two-step lesson in the real language.
let sumsLesson = """
# entk 0.1.0 · seed 0
# lesson: Sums
#> Adding numbers, one step at a time.
#> A second line of introduction.

## Bind a number
#> We bind x.
x = 2
x
#| 2

## Double it
#> Twice x.
#>
#> Then look.
y = x * 2
#> Now look at it:
y
#| 4
#> That was y.
"""

/// A temporary lessons directory holding `files` (name → text).
func makeLessonsDirectory(_ files: [String: String]) throws -> URL {
    let directory = try makeTemporaryDirectory()
    for (name, text) in files { try write(text, to: directory.appendingPathComponent(name)) }
    return directory
}

/// A session over the real language with a collected display.
func makeLanguageSession(lessons directory: URL?) -> (ConsoleSession, CollectingOutput) {
    let display = CollectingOutput()
    let session = ConsoleSession(engine: LanguageEngine(), display: display)
    session.lessonsDirectory = directory?.path
    return (session, display)
}

@Suite("Lessons")
struct LessonTests {
    @Test("a lesson file parses into a title, an introduction and steps with notes and inputs")
    func parsing() {
        let engine = LanguageEngine()
        let script = SessionScript.parse(sumsLesson, inputStatus: engine.inputStatus)
        let lesson = Lesson.parse(script, number: 1, fileName: "01-sums.entk")
        #expect(lesson.title == "Sums")
        #expect(lesson.summary == "Adding numbers, one step at a time.")
        #expect(lesson.introduction == ["Adding numbers, one step at a time.", "A second line of introduction."])
        #expect(lesson.steps.map(\.title) == ["Bind a number", "Double it"])
        #expect(lesson.steps[0].explanation == ["We bind x."])
        #expect(lesson.steps[0].inputs.map(\.input.text) == ["x = 2", "x"])
        #expect(lesson.steps[0].inputs[1].input.expected == [.output("2")])
        #expect(lesson.steps[1].explanation == ["Twice x.", "", "Then look."])
        #expect(lesson.steps[1].inputs.map(\.input.text) == ["y = x * 2", "y"])
        #expect(lesson.steps[1].inputs.map(\.note) == [[], ["Now look at it:"]])
        #expect(lesson.steps[1].closingNote == ["That was y."])
    }

    @Test("file names give lesson numbers and default titles")
    func fileNames() {
        #expect(Lesson.number(fileName: "03-features.entk") == 3)
        #expect(Lesson.number(fileName: "features.entk") == nil)
        #expect(Lesson.number(fileName: "03-notes.md") == nil)
        let lesson = Lesson.parse(SessionScript(), number: 2, fileName: "02-spectra-and-cliffs.entk")
        #expect(lesson.title == "spectra and cliffs")
        #expect(lesson.steps.isEmpty)
    }

    @Test(".lessons lists number, title and summary, in order of number")
    func listing() throws {
        let directory = try makeLessonsDirectory([
            "01-sums.entk": sumsLesson,
            "02-more-sums.entk": "#> The second one.\n## Only step\n1 + 1\n",
            "README.md": "not a lesson",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let (session, _) = makeLanguageSession(lessons: directory)
        let result = session.execute(".lessons", origin: .console)
        #expect(result.output == [
            .output("1  Sums       Adding numbers, one step at a time."),
            .output("2  more sums  The second one."),
            .output(".lesson N starts lesson N; .next runs its next step"),
        ])
    }

    @Test("stepping shows explanations, echoes and runs inputs in order, and keeps the student's bindings")
    func stepping() throws {
        let directory = try makeLessonsDirectory(["01-sums.entk": sumsLesson])
        defer { try? FileManager.default.removeItem(at: directory) }
        let (session, display) = makeLanguageSession(lessons: directory)

        session.execute(".lesson 1", origin: .console)
        #expect(display.text == """
            lesson 1 · Sums
            Adding numbers, one step at a time.
            A second line of introduction.

            ── step 1/2 · Bind a number
            We bind x.
            entk> x = 2
            entk> x
            2
            ── .next: step 2/2 · Double it

            """)
        display.clear()
        // The student's own input between steps sees the lesson's bindings ...
        session.execute("z = x + 10", origin: .console)
        session.execute(".lesson", origin: .console)
        #expect(display.text == "lesson 1 · Sums · step 1/2 · Bind a number\n.next: step 2/2 · Double it\n")
        display.clear()

        let next = session.execute(".next", origin: .console)
        #expect(next.succeeded)
        let expected = """
            ── step 2/2 · Double it
            Twice x.

            Then look.
            entk> y = x * 2
            Now look at it:
            entk> y
            4
            That was y.
            ── end of lesson 1 · .lessons lists the others

            """
        #expect(display.text == expected)
        // ... and the lesson's later steps leave the student's bindings alone.
        #expect(session.execute("z + y", origin: .console).output == [.output("16")])
        // The result of `.next` carries everything shown, so a replay records it.
        #expect(next.output.map { if case .output(let text) = $0 { text } else { "!" } }.joined(separator: "\n") + "\n" == expected)
        // Each lesson input is an entry of its own; `.lesson`/`.next` are not saved.
        #expect(session.entries.map(\.text) == [".lesson 1", "x = 2", "x", "z = x + 10", ".lesson", ".next", "y = x * 2", "y", "z + y"])
        #expect(session.entries.filter(\.isRecorded).map(\.text) == ["x = 2", "x", "z = x + 10", "y = x * 2", "y", "z + y"])
    }

    @Test(".lesson next is .next, and a failing lesson input does not stop the step")
    func lessonNextAndErrors() throws {
        let lesson = "## One\nnope\n1 + 2\n"
        let directory = try makeLessonsDirectory(["07-errors.entk": lesson])
        defer { try? FileManager.default.removeItem(at: directory) }
        let (session, _) = makeLanguageSession(lessons: directory)
        let result = session.execute(".lesson 7", origin: .console)
        #expect(result.output.contains(.error("07-errors.entk:2:1: error: unknown name `nope`")))
        #expect(result.output.contains(.output("3")))
        let again = session.execute(".lesson next", origin: .console)
        #expect(again.output == [.error("error: lesson 7 has no more steps: all 1 were shown (.lessons lists the others)")])
    }

    @Test("lesson errors are clear: nothing started, no such lesson, past the end, no directory")
    func errors() throws {
        let directory = try makeLessonsDirectory(["01-sums.entk": sumsLesson, "02-empty.entk": "# nothing here\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let (session, _) = makeLanguageSession(lessons: directory)
        func run(_ input: String) -> [ExpectedLine] { session.execute(input, origin: .console).output }
        #expect(run(".next") == [.error("error: no lesson started; .lesson N starts one (.lessons lists them)")])
        #expect(run(".lesson") == [.output("no lesson started; .lesson N starts one (.lessons lists them)")])
        #expect(run(".lesson 9") == [.error("error: no lesson 9; the lessons are 1, 2 (.lessons lists them)")])
        #expect(run(".lesson two") == [.error("error: expected a lesson number or next: .lesson [N|next], got 'two'")])
        #expect(run(".lesson 2") == [.error("error: lesson 2 has no steps (no '## ' headings)")])
        _ = run(".lesson 1")
        _ = run(".next")
        #expect(run(".next") == [.error("error: lesson 1 has no more steps: all 2 were shown (.lessons lists the others)")])
        #expect(run(".lesson") == [.output("lesson 1 · Sums · step 2/2 · Double it"),
                                   .output("the lesson is over; .lessons lists the others")])

        let (lost, _) = makeLanguageSession(lessons: nil)
        #expect(lost.execute(".lessons", origin: .console).output
                == [.error("error: no lessons directory: set ENTK_LESSONS, or run entk from its package (scripts/lessons)")])
    }

    @Test("every lesson under scripts/lessons has a title, a summary and steps that run inputs")
    func shippedLessons() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let (session, _) = makeLanguageSession(lessons: root.appendingPathComponent("scripts/lessons"))
        let lessons = try session.allLessons()
        #expect(lessons.map(\.number) == [1, 2, 3, 4, 5, 6])
        for lesson in lessons {
            #expect(!lesson.summary.isEmpty, "lesson \(lesson.number) has no summary")
            #expect(lesson.steps.count >= 3, "lesson \(lesson.number) has \(lesson.steps.count) steps")
            #expect(lesson.steps.allSatisfy { !$0.explanation.isEmpty }, "lesson \(lesson.number) has a step without explanation")
            #expect(lesson.steps.contains { !$0.inputs.isEmpty })
        }
    }
}
