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

            *Your input:*

            ```entk
            draw spectrum > spectrum.svg
            ```

            ![](spectrum.svg)

            *Your input:*

            ```entk
            fail oops
            ```

            **Error:**

            ```text
            <console>:1: error: oops
            ```

            *Your input:*

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
        #expect(session.execute(".export", origin: .console).output == [.error("error: expected a file: .export FILE.md|FILE.ipynb [TITLE]")])
        #expect(session.execute(".export /nonexistent-dir/h.md", origin: .console).output
                == [.error("error: cannot write '/nonexistent-dir/h.md': no such directory")])
    }
}

@Suite(".export FILE.ipynb and --notebook")
struct NotebookExportTests {
    private func cells(_ text: String) throws -> (notebook: [String: Any], cells: [[String: Any]]) {
        let notebook = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return (notebook, notebook["cells"] as? [[String: Any]] ?? [])
    }

    @Test(".export FILE.ipynb writes nbformat 4.5: prose as Markdown, inputs as code cells, output streams, SVG figures")
    func exportNotebook() throws {
        let directory = try makeLessonsDirectory([
            "01-demo.entk": "# lesson: Demo\n#> Intro line.\n## First\n#> Bind x.\nx = 3\nx\n#| 3\n#> Done.\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let (session, _, _) = makeSession(seed: 7)
        session.lessonsDirectory = directory.path
        for input in [".lesson 1", "draw spectrum > spectrum.svg", "say a\nfail oops", ".history"] {
            session.execute(input, origin: .console)
        }
        let file = directory.appendingPathComponent("session.ipynb")
        let result = session.execute(".export \(file.path) Demo notebook", origin: .console)
        #expect(result.output == [.output("exported 4 inputs and 1 figure to \(file.path)")])
        let (notebook, cells) = try cells(String(contentsOf: file, encoding: .utf8))
        #expect(notebook["nbformat"] as? Int == 4 && notebook["nbformat_minor"] as? Int == 5)
        let metadata = notebook["metadata"] as? [String: [String: String]]
        #expect(metadata?["kernelspec"]?["name"] == "entk")
        #expect(metadata?["language_info"]?["file_extension"] == ".entk")
        #expect(cells.map { $0["cell_type"] as! String } == ["markdown", "markdown", "code", "code", "markdown", "code", "code"])
        #expect(Set(cells.map { $0["id"] as! String }).count == cells.count, "cell ids are unique")
        #expect((cells[0]["source"] as? String)?.hasPrefix("# Demo notebook\n") == true)
        #expect(cells[1]["source"] as? String == "## Lesson 1: Demo\n\nIntro line.\n\n### Step 1/1: First\n\nBind x.")
        #expect(cells[3]["source"] as? String == "x")
        let streams = cells[3]["outputs"] as? [[String: String]]
        #expect(streams == [["output_type": "stream", "name": "stdout", "text": "3\n"]])
        #expect(cells[4]["source"] as? String == "Done.")
        let figure = (cells[5]["outputs"] as? [[String: Any]])?.first
        #expect(figure?["output_type"] as? String == "display_data")
        let data = figure?["data"] as? [String: String]
        #expect(data?["image/svg+xml"]?.contains("<text>spectrum</text>") == true)
        #expect(data?["text/plain"] == "<figure spectrum.svg>")
        #expect(cells[6]["source"] as? String == "say a\nfail oops")
        #expect(cells[6]["outputs"] as? [[String: String]] == [
            ["output_type": "stream", "name": "stdout", "text": "a\n"],
            ["output_type": "stream", "name": "stderr", "text": "<console>:2: error: oops\n"],
        ])
        #expect(cells.map { $0["execution_count"] as? Int } == [nil, nil, 1, 2, nil, 3, 4])
    }

    @Test("a lesson file becomes a notebook of its prose and inputs, with their outputs, as .lesson and .next run it")
    func lessonNotebook() throws {
        let directory = try makeLessonsDirectory([
            "03-demo.entk": "# entk 0.1.0 · seed 0\n# lesson: Demo\n#> Intro.\n## One\n#> First step.\nx = 3\n#> Show it.\nx\n#| 3\n## Two\ndraw p\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let (session, _, _) = makeSession()
        let (text, outcome) = try session.notebook(ofScriptAtPath: directory.appendingPathComponent("03-demo.entk").path)
        #expect(outcome.succeeded)
        let (_, cells) = try cells(text)
        #expect(cells.map { $0["source"] as! String } == [
            "# entk lesson 3: Demo\n\nExported from entk \(EntkVersion.string), session seed 0. Run the cells in order with the entk kernel to reproduce the outputs.",
            "## Lesson 3: Demo\n\nIntro.\n\n### Step 1/2: One\n\nFirst step.", "x = 3", "Show it.", "x", "### Step 2/2: Two", "draw p",
        ])
        #expect((cells[6]["outputs"] as? [[String: Any]])?.first?["output_type"] as? String == "display_data")
    }

    @Test("a script that is not a lesson keeps its comments as Markdown; a failing input is reported")
    func scriptNotebook() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("example.entk")
        try write("# entk 0.1.0 · seed 0\n# An example.\n# Two lines.\nx = 2\n\n# Then x.\nx\n#| 2\nfail here\nx\n", to: file)
        let (session, _, _) = makeSession()
        let (text, outcome) = try session.notebook(ofScriptAtPath: file.path)
        #expect(outcome.failures == [InputOrigin(file: file.path, line: 9, directory: directory.path)])
        let (_, cells) = try cells(text)
        #expect(cells.dropFirst().map { $0["source"] as! String } == ["An example.\nTwo lines.", "x = 2", "Then x.", "x", "fail here"])
    }
}

@Suite("--notebook of a failing lesson")
struct FailingLessonNotebookTests {
    @Test("a lesson whose step input fails reports the input's line in the file")
    func failingLesson() throws {
        let directory = try makeLessonsDirectory([
            "02-broken.entk": "# lesson: Broken\n## One\nx = 1\n## Two\nsay fine\nfail here\nsay never\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("02-broken.entk").path
        let (session, _, _) = makeSession()
        let (_, outcome) = try session.notebook(ofScriptAtPath: path)
        #expect(outcome.failures == [InputOrigin(file: path, line: 6)])
    }
}
