import Console
import Foundation
import Library
import Testing
import TestSupport

/// The package root, three levels above this file.
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `.svg` files in `directory`, sorted.
private func svgFiles(in directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".svg") }.sorted()
}

/// Runs entk as the executable would with `options` (real language, no prelude unless given);
/// returns the exit status and everything shown.
private func launch(_ options: ConsoleOptions) -> (status: Int32, shown: String) {
    let display = CollectingOutput()
    let status = ConsoleLauncher.run(options, engine: LanguageEngine(), display: display, environment: [:])
    return (status, display.text)
}

@Suite("--out and figures")
struct FigureTests {
    @Test("--out DIR creates DIR and binds out to it; without it out is none; .reset binds it again")
    func outVariable() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("s.entk")
        try write("type(out)\nout\n.reset\nout\n", to: script)
        let figures = directory.appendingPathComponent("new/figures").path
        var options = ConsoleOptions()
        options.file = script.path
        options.noPrelude = true
        options.outputDirectory = figures
        let with = launch(options)
        #expect(with.status == 0)
        #expect(with.shown == "\"string\"\n\"\(figures)\"\n\"\(figures)\"\n")
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: figures, isDirectory: &isDirectory) && isDirectory.boolValue)

        options.outputDirectory = nil
        try write("type(out)\nout == none\n", to: script)
        #expect(launch(options) == (0, "\"none\"\ntrue\n"))
    }

    @Test("the binding is not an input: a recording with --out holds only the script's own inputs")
    func notInTranscript() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("s.entk")
        try write("type(out)\n", to: script)
        var options = ConsoleOptions()
        options.record = script.path
        options.noPrelude = true
        options.outputDirectory = directory.appendingPathComponent("figs").path
        #expect(launch(options).status == 0)
        #expect(try String(contentsOf: script, encoding: .utf8) == "# entk \(EntkVersion.string) · seed 0 · blas \(Session.arithmetic)\ntype(out)\n#| \"string\"\n")
    }

    @Test("--out naming a file that exists is a file error")
    func outIsAFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("taken")
        try write("x", to: file)
        var options = ConsoleOptions()
        options.noPrelude = true
        options.file = file.path
        options.outputDirectory = file.path
        let result = launch(options)
        #expect(result.status == ExitStatus.fileError)
        #expect(result.shown.hasPrefix("entk: cannot create the output directory '\(file.path)'"), "\(result.shown)")
    }

    @Test("entk --check scripts/examples/tms.entk --out DIR passes and writes its figures as SVG",
          .enabled(if: heavyTestsEnabled, "trains three TMS models: release builds only"))
    func tmsFigures() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = ConsoleOptions()
        options.check = packageRoot.appendingPathComponent("scripts/examples/tms.entk").path
        options.preludeDirectory = packageRoot.appendingPathComponent("prelude").path
        options.outputDirectory = directory.path
        let result = launch(options)
        #expect(result == (0, ""), "the check prints nothing and passes")
        let names = try svgFiles(in: directory)
        #expect(names == ["tms-features-beta0.3.svg", "tms-features-beta1.svg", "tms-spectrum-dense.svg",
                          "tms-spectrum-sparse.svg", "tms-spectrum-wide.svg"])
        for name in names {
            let data = try #require(FileManager.default.contents(atPath: directory.appendingPathComponent(name).path))
            #expect(xmlRootElement(data) == "svg", "\(name) is well-formed XML with an <svg> root")
        }
    }

    @Test(".export writes the plots a session showed or saved beside the handout, and links them")
    func exportWithPlots() throws {
        let saved = try makeTemporaryDirectory(), handoutDirectory = try makeTemporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: saved)
            try? FileManager.default.removeItem(at: handoutDirectory)
        }
        let session = ConsoleSession(engine: LanguageEngine(), display: CollectingOutput())
        for input in ["p = plot(arange(1, 5), title: \"rising\")", "p", "heatmap(eye(3), file: \"\(saved.path)/h.svg\")", "x = 1"] {
            #expect(session.execute(input, origin: .console).succeeded, "\(input)")
        }
        let file = handoutDirectory.appendingPathComponent("notes.md")
        #expect(session.execute(".export \(file.path)", origin: .console).output
                == [.output("exported 4 inputs and 2 figures to \(file.path)")])
        #expect(try svgFiles(in: handoutDirectory) == ["h.svg", "notes-1.svg"])
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("```entk\np\n```\n\n```text\nrising\n"))
        #expect(text.contains("```\n\n![](notes-1.svg)\n\n```entk\nheatmap(eye(3), file:"))
        #expect(text.contains("/h.svg\")\n```\n\n![](h.svg)\n\n```entk\nx = 1"))
        #expect(text.components(separatedBy: "![](").count == 3, "p = plot(…) alone shows nothing")
        for name in ["h.svg", "notes-1.svg"] {
            let data = try #require(FileManager.default.contents(atPath: handoutDirectory.appendingPathComponent(name).path))
            #expect(xmlRootElement(data) == "svg", "\(name) is an SVG document")
        }
        #expect(FileManager.default.contents(atPath: saved.appendingPathComponent("h.svg").path)
                == FileManager.default.contents(atPath: handoutDirectory.appendingPathComponent("h.svg").path))
    }
}
