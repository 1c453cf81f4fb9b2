import Console
import Foundation
import Testing

@Suite(".export")
struct ExportTests {
    @Test(".export writes a Markdown handout: prose, inputs, outputs, errors and images")
    func handout() throws {
        let directory = try makeLessonsDirectory([
            "01-demo.entk": "# lesson: Demo\n#> Intro line.\n## First\n#> Bind x.\nx = 3\nx\n#| 3\n#> Done.\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let (session, _, _) = makeSession(seed: 7)
        session.lessonsDirectory = directory.path
        for input in [".lesson 1", "draw spectrum > spectrum.svg", "fail oops", ".history", "```", ".vars"] {
            session.execute(input, origin: .console)
        }
        let file = directory.appendingPathComponent("handout.md")
        let result = session.execute(".export \(file.path) Demo handout", origin: .console)
        #expect(result.output == [.output("exported 6 inputs and 1 figure to \(file.path)")])
        let figure = try String(contentsOf: directory.appendingPathComponent("spectrum.svg"), encoding: .utf8)
        #expect(figure.contains("<text>spectrum</text>"))
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text == """
            # Demo handout

            Exported from entk \(EntkVersion.string), session seed 7. Each input is followed by its output; running the inputs in order reproduces them.

            ## Lesson 1: Demo

            Intro line.

            ### Step 1/1: First

            Bind x.

            ```entk
            x = 3
            ```

            ```entk
            x
            ```

            ```text
            3
            ```

            Done.

            ```entk
            draw spectrum > spectrum.svg
            ```

            ![](spectrum.svg)

            ```entk
            fail oops
            ```

            **Error:**

            ```text
            <console>:1: error: oops
            ```

            ````entk
            ```
            ````

            **Error:**

            ````text
            <console>:1: error: unknown name '```'
            ````

            ```entk
            .vars
            ```

            ```text
            x  int 3
            ```

            """)
    }

    @Test("figures are named after the handout, or keep the name they were saved under, never twice")
    func imageNames() {
        let (session, _, _) = makeSession()
        for input in ["draw a", "draw b > x.svg", "{\ndraw c > x.svg\ndraw d\n}", "draw e > my plot.svg", "say no figure"] {
            session.execute(input, origin: .console)
        }
        let handout = MarkdownHandout.render(session.entries, title: "t", version: "0", seed: 0, imageStem: "notes")
        #expect(handout.images.map(\.fileName) == ["notes-1.svg", "x.svg", "x-2.svg", "notes-2.svg", "notes-3.svg"])
        for (image, title) in zip(handout.images, ["a", "b", "c", "d", "e"]) {
            #expect(image.figure.svg.contains("<text>\(title)</text>"), "\(image.fileName) holds figure \(title)")
        }
        for name in handout.images.map(\.fileName) {
            #expect(handout.text.components(separatedBy: "![](\(name))").count == 2, "\(name) linked once")
        }
    }

    @Test(".export writes every figure beside the Markdown, wherever the input saved it")
    func imagesBesideHandout() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (session, _, _) = makeSession()
        session.execute("draw shown", origin: .console)
        session.execute("draw saved > elsewhere.svg", origin: .console)
        let file = directory.appendingPathComponent("handout.md")
        #expect(session.execute(".export \(file.path)", origin: .console).output
                == [.output("exported 2 inputs and 2 figures to \(file.path)")])
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("draw shown\n```\n\n![](handout-1.svg)"))
        #expect(text.contains("draw saved > elsewhere.svg\n```\n\n![](elsewhere.svg)"))
        #expect(try String(contentsOf: directory.appendingPathComponent("handout-1.svg"), encoding: .utf8).contains("<text>shown</text>"))
        #expect(try String(contentsOf: directory.appendingPathComponent("elsewhere.svg"), encoding: .utf8).contains("<text>saved</text>"))
    }

    @Test(".export without a file, or to a path it cannot write, fails clearly")
    func errors() {
        let (session, _, _) = makeSession()
        #expect(session.execute(".export", origin: .console).output == [.error("error: expected a file: .export FILE.md [TITLE]")])
        #expect(session.execute(".export /nonexistent-dir/h.md", origin: .console).output
                == [.error("error: cannot write '/nonexistent-dir/h.md': no such directory")])
    }
}
