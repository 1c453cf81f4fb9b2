import Foundation

/// One input of a lesson step, with the `#>` lines written just above it (after the step's
/// first input), which the console shows before running it.
public struct LessonInput: Equatable, Sendable {
    public var note: [String]
    public var input: SessionInput
    public init(note: [String] = [], input: SessionInput) {
        self.note = note
        self.input = input
    }
}

/// One step of a lesson: a title, an explanation, and the inputs it runs.
public struct LessonStep: Equatable, Sendable {
    public var title: String
    /// The `#>` lines between the step's heading and its first input, without the marker; an
    /// empty string is a paragraph break (`#>` alone).
    public var explanation: [String]
    /// The step's inputs with their recorded expectations, in file order.
    public var inputs: [LessonInput]
    /// `#>` lines after the step's last input.
    public var closingNote: [String]
    public init(title: String, explanation: [String] = [], inputs: [LessonInput] = [], closingNote: [String] = []) {
        self.title = title
        self.explanation = explanation
        self.inputs = inputs
        self.closingNote = closingNote
    }

    /// Adds a `#>` line where it falls: the explanation before the first input, otherwise a
    /// note waiting for the next input (or closing the step).
    mutating func addText(_ line: String) {
        if inputs.isEmpty { explanation.append(line) } else { closingNote.append(line) }
    }

    mutating func addInput(_ input: SessionInput) {
        inputs.append(LessonInput(note: inputs.isEmpty ? [] : closingNote, input: input))
        closingNote = []
    }
}

/// A workshop lesson: a session file (`scripts/lessons/NN-name.entk`) read as a sequence of
/// steps. The same file replays under `entk --check` (the step markers are comments, which
/// never run) and drives `.lesson N`.
///
/// The convention, inside the session format:
///
/// ```
/// # entk 0.1.0 · seed 0
/// # lesson: What the eNTK is             the title (`.lessons`, the handout)
/// #> A two-parameter model …             before the first step: the introduction; its
///                                        first line is the summary `.lessons` shows
/// ## A model with two parameters         a step begins: its title
/// #> Explanation, one line at a time.    the step's explanation (`#>` alone: a paragraph break)
/// m = tms(features: 1, hidden: 1, seed: 4)
/// #| tms  n=1 m=1 …                      recorded output, as in any session
/// #> A remark on what comes next.        shown just before the next input (or at the end)
/// m.W
/// ```
///
/// Other comments and blank lines are notes for whoever reads the file. Inputs before the first
/// step belong to no step and are not run by `.lesson` (keep setup inside step 1).
public struct Lesson: Equatable, Sendable {
    public static let titleMarker = "# lesson:"
    public static let stepMarker = "## "
    public static let explanationMarker = "#>"

    /// The number from the file name (`03-features.entk` is lesson 3).
    public var number: Int
    public var title: String
    /// The `#>` lines before the first step.
    public var introduction: [String]
    public var steps: [LessonStep]
    /// The file's last path component: lesson inputs report errors with it, as `--check` does.
    public var fileName: String

    /// The one-line summary `.lessons` shows: the first line of the introduction.
    public var summary: String { introduction.first { !$0.isEmpty } ?? "" }

    public init(number: Int, title: String, introduction: [String] = [], steps: [LessonStep], fileName: String) {
        self.number = number
        self.title = title
        self.introduction = introduction
        self.steps = steps
        self.fileName = fileName
    }

    /// Reads the lesson out of a parsed session file. Never fails: a file without markers is a
    /// lesson with no steps, and one without a `# lesson:` line is titled after its file name.
    public static func parse(_ script: SessionScript, number: Int, fileName: String) -> Lesson {
        var lesson = Lesson(number: number, title: defaultTitle(fileName: fileName), steps: [], fileName: fileName)
        for item in script.items {
            switch item {
            case .note(let text):
                if text.hasPrefix(titleMarker) {
                    lesson.title = text.dropFirst(titleMarker.count).trimmingCharacters(in: .whitespaces)
                } else if text.hasPrefix(stepMarker) {
                    lesson.steps.append(LessonStep(title: text.dropFirst(stepMarker.count).trimmingCharacters(in: .whitespaces)))
                } else if text.hasPrefix(explanationMarker) {
                    var line = text.dropFirst(explanationMarker.count)
                    if line.first == " " { line = line.dropFirst() }
                    let cleaned = String(line).trimmingCharacters(in: .whitespaces)
                    if lesson.steps.isEmpty {
                        lesson.introduction.append(cleaned)
                    } else {
                        lesson.steps[lesson.steps.count - 1].addText(cleaned)
                    }
                }
            case .input(let input):
                if !lesson.steps.isEmpty { lesson.steps[lesson.steps.count - 1].addInput(input) }
            }
        }
        return lesson
    }

    /// `02-spectra-and-cliffs.entk` → `spectra and cliffs`.
    static func defaultTitle(fileName: String) -> String {
        let stem = (fileName as NSString).deletingPathExtension
        let words = stem.drop { $0.isNumber }.drop { $0 == "-" || $0 == "_" }
        return words.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
    }

    /// The lesson number of a file name (`03-features.entk` → 3); nil when the name does not
    /// start with digits or is not a `.entk` file.
    public static func number(fileName: String) -> Int? {
        guard fileName.hasSuffix(".entk") else { return nil }
        return Int(fileName.prefix { $0.isNumber })
    }

    /// The lesson files of `directory` by number (a number given twice keeps the first name in
    /// lexical order). Throws when the directory cannot be listed.
    public static func files(in directory: String) throws(ConsoleFileError) -> [(number: Int, path: String)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ConsoleFileError("cannot read the lessons directory '\(directory)'")
        }
        var seen: Set<Int> = []
        var files: [(number: Int, path: String)] = []
        for name in names.sorted() {
            guard let number = number(fileName: name), seen.insert(number).inserted else { continue }
            files.append((number, (directory as NSString).appendingPathComponent(name)))
        }
        return files.sorted { $0.number < $1.number }
    }

    /// Explanation lines as plain text for the console: paragraphs of `#>` lines, a blank line
    /// between paragraphs.
    static func text(_ lines: [String]) -> String {
        var result = lines
        while result.last == "" { result.removeLast() }
        while result.first == "" { result.removeFirst() }
        return result.joined(separator: "\n")
    }
}
