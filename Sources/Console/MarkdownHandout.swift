import Foundation
import Tensors

/// The session as a Markdown handout (`.export FILE.md`): a title, then each input in an
/// `entk` code block followed by its output, errors under an **Error** label, lesson text as
/// prose, and an image link after each input that showed or saved a plot.
///
/// Entries of console-management commands (`.save`, `.history`, `.export` …) are left out, as
/// in `.save`; the `.lesson`/`.next` inputs appear only as the prose they showed, and the
/// inputs a lesson step ran follow as ordinary inputs, with the step's `#>` notes as prose. In a
/// session that ran a lesson, each input the student typed is marked *Your input:*.
///
/// Figures are written beside the Markdown file, so the handout directory is self-contained:
/// a plot the input saved keeps its file name (`spectrum.svg`), a plot that was only shown is
/// named after the handout (`handout-1.svg`, `handout-2.svg`, …); a name already taken gets
/// `-2`, `-3` … before `.svg`.
public enum MarkdownHandout {
    /// The Markdown text and the figures to write beside it, under the names the text links.
    public struct Handout {
        public var text: String
        public var images: [(fileName: String, figure: EngineFigure)]
    }

    /// Renders `entries` (oldest first) under `title`; `imageStem` names figures that were
    /// only shown (`STEM-1.svg`, …), usually the handout's file name without `.md`.
    public static func render(_ entries: [SessionEntry], title: String, version: String, seed: UInt64,
                              imageStem: String = "figure") -> Handout {
        var blocks: [String] = ["# \(title)",
                                "Exported from entk \(version), session seed \(seed). Each input is followed by its output; running the inputs in order reproduces them."]
        var images: [(fileName: String, figure: EngineFigure)] = []
        var unnamed = 0
        // In a lesson handout the student's own inputs are marked apart from the lesson's.
        let isLesson = entries.contains(where: \.isLessonInput)
        for entry in entries {
            if let prose = entry.prose { blocks.append(prose) }
            if entry.isRecorded && isLesson && !entry.isLessonInput && entry.prose == nil && !MetaCommandLine.isMetaCommand(entry.text) {
                blocks.append("*Your input:*")
            }
            if entry.isRecorded {
                blocks.append(fenced(entry.text, language: "entk"))
                blocks.append(contentsOf: outputBlocks(entry.output))
                for figure in entry.figures {
                    var wanted = figure.savedName.flatMap(usableName)
                    if wanted == nil {
                        unnamed += 1
                        wanted = "\(imageStem)-\(unnamed).svg"
                    }
                    let name = freeName(wanted!, taken: Set(images.map(\.fileName)))
                    images.append((name, figure))
                    blocks.append("![](\(name))")
                }
            }
            if let prose = entry.proseAfter { blocks.append(prose) }
        }
        return Handout(text: blocks.joined(separator: "\n\n") + "\n", images: images)
    }

    /// A saved file name fit to link and write beside the handout: it ends in `.svg`, does not
    /// start with `.`, and needs no escaping in a Markdown link.
    static func usableName(_ name: String) -> String? {
        let plain = name.allSatisfy { $0.isLetter || $0.isNumber || "-_.+".contains($0) }
        return plain && name.hasSuffix(".svg") && !name.hasPrefix(".") ? name : nil
    }

    /// `name`, or `name` with `-2`, `-3` … before `.svg` when it is taken.
    static func freeName(_ name: String, taken: Set<String>) -> String {
        guard taken.contains(name) else { return name }
        let stem = String(name.dropLast(4))
        var k = 2
        while taken.contains("\(stem)-\(k).svg") { k += 1 }
        return "\(stem)-\(k).svg"
    }

    /// Consecutive output lines form one `text` block; consecutive error lines one block under
    /// an **Error** label.
    static func outputBlocks(_ lines: [ExpectedLine]) -> [String] {
        ExpectedLine.runs(lines).flatMap { run in
            (run.isError ? ["**Error:**"] : []) + [fenced(run.texts.joined(separator: "\n"), language: "text")]
        }
    }

    /// A fenced block whose fence is longer than any run of backticks inside it.
    static func fenced(_ text: String, language: String) -> String {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + language + "\n" + text + "\n" + fence
    }
}

extension ConsoleSession {
    /// `.export FILE.md [TITLE]`: writes the session so far as a Markdown handout; a `.ipynb`
    /// file gets a notebook instead (`exportNotebook`).
    func exportCommand(_ context: MetaCommandContext) -> Bool {
        let argument = context.argument
        guard !argument.isEmpty else { return context.fail("expected a file: .export FILE.md|FILE.ipynb [TITLE]") }
        let file = String(argument.prefix { !$0.isWhitespace })
        let givenTitle = argument.dropFirst(file.count).trimmingCharacters(in: .whitespaces)
        let title = givenTitle.isEmpty ? "entk session" : givenTitle
        if file.hasSuffix(".ipynb") {
            return exportNotebook(context, file: file, title: givenTitle.isEmpty ? "entk session" : givenTitle)
        }
        let path = resolvePath(file, from: context.origin)
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let handout = MarkdownHandout.render(entries, title: title, version: EntkVersion.string, seed: initialSeed,
                                             imageStem: stem.isEmpty ? "figure" : stem)
        let directory = FileAccess.directory(of: path)
        do {
            try Self.writeText(handout.text, toPath: path)
            for image in handout.images {
                try Self.writeText(image.figure.svg, toPath: (directory as NSString).appendingPathComponent(image.fileName))
            }
        } catch { return context.fail(error.message) }
        let count = entries.filter(\.isRecorded).count, figures = handout.images.count
        let also = figures == 0 ? "" : " and \(figures) figure\(figures == 1 ? "" : "s")"
        context.say("exported \(count) input\(count == 1 ? "" : "s")\(also) to \(file)")
        return true
    }
}
