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
        for input in [".lesson 1", "say wrote spectrum.svg", "fail oops", ".history", "```", ".vars"] {
            session.execute(input, origin: .console)
        }
        let file = directory.appendingPathComponent("handout.md")
        let result = session.execute(".export \(file.path) Demo handout", origin: .console)
        #expect(result.output == [.output("exported 6 inputs to \(file.path)")])
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
            say wrote spectrum.svg
            ```

            ```text
            wrote spectrum.svg
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

    @Test("images come from file: \"NAME.svg\" in an input and from wrote lines, once each")
    func images() {
        let (session, _, _) = makeSession()
        session.execute("say plot(s, file: \"a.svg\") wrote a.svg", origin: .console)
        let text = MarkdownHandout.render(session.entries, title: "t", version: "0", seed: 0)
        #expect(text.components(separatedBy: "![](a.svg)").count == 2)
    }

    @Test(".export without a file, or to a path it cannot write, fails clearly")
    func errors() {
        let (session, _, _) = makeSession()
        #expect(session.execute(".export", origin: .console).output == [.error("error: expected a file: .export FILE.md [TITLE]")])
        #expect(session.execute(".export /nonexistent-dir/h.md", origin: .console).output
                == [.error("error: cannot write '/nonexistent-dir/h.md'")])
    }
}
