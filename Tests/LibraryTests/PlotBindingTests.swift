import Foundation
import Testing
import TestSupport
import Language
import Library

/// True when `path` holds well-formed XML whose root element is <svg>.
private func isSVG(atPath path: String) -> Bool {
    FileManager.default.contents(atPath: path).flatMap(xmlRootElement) == "svg"
}

private func temporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "entk-plot-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite("Plot bindings")
struct PlotBindingTests {
    @Test("plot of a tracker draws its values against steps in the terminal")
    func tracker() {
        let out = output("t = tracker(\"acc\")\nfor i in 0..<5 { t.add(10 * i, i) }\nplot(t, width: 30, height: 5)")
        #expect(out.hasPrefix("acc\nvalue\n4 ┤"), "\(out)")
        #expect(out.contains("   0            20          40"))
        #expect(out.contains("step"))
    }

    @Test("plot of a training history draws the loss against step on a log scale")
    func history() {
        let out = output("m = tms(features: 5, hidden: 2, seed: 0)\nd = m.samples(50, seed: 1)\ntrain(m, d, steps: 300, opt: adam(lr: 1e-2));\nplot(m.history, width: 50, height: 6)")
        #expect(out.hasPrefix("training loss\nloss (log scale)\n 0.1 ┤"), "\(out)")
        #expect(out.contains("0.01 ┤") && out.contains("300"))
    }

    @Test("plot of a list names each tracker in the legend")
    func list() {
        let out = output("a = tracker(\"overlap\")\nb = tracker(\"test acc\")\nfor i in 0..<4 { a.add(i, i)\n b.add(i, 3 - i) }\nplot([a, b])")
        #expect(out.hasSuffix("• overlap   + test acc\n"), "\(out)")
    }

    @Test("plot of a spectrum uses a log scale and marks its cliffs")
    func spectrum() {
        let session = Session(sink: TextBuffer())
        _ = output("m = tms(features: 6, hidden: 2, sparsity: 0.3, seed: 0)\nd = m.samples(20, seed: 1)\ntrain(m, d, steps: 200, opt: adam(lr: 1e-2));\nK = ntk(m, d)\ns = K.eig(10)", in: session)
        let out = output("p = plot(s)\np", in: session)
        #expect(out.contains("eigenvalue (log scale)"), "\(out)")
        let cliffs = output("s.cliffs(limit: 1)[0]", in: session).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(out.contains("┊after \(cliffs) (×"), "cliff \(cliffs) in \(out)")
        #expect(output("p", in: session) == out)
    }

    @Test("file: writes a parseable SVG and returns nothing; save writes the same plot")
    func files() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = output("plot(arange(1, 20), log: true, file: \"\(dir)/a.svg\")\np = heatmap(eye(3))\np.save(\"\(dir)/b.svg\")\nheatmap(eye(3), file: \"\(dir)/c.svg\")")
        #expect(out == "")
        #expect(isSVG(atPath: "\(dir)/a.svg") && isSVG(atPath: "\(dir)/b.svg") && isSVG(atPath: "\(dir)/c.svg"))
        #expect(FileManager.default.contents(atPath: "\(dir)/b.svg") == FileManager.default.contents(atPath: "\(dir)/c.svg"))
    }

    @Test("heatmap shades larger entries darker and labels its axes")
    func heatmap() {
        let out = output("heatmap(tensor([[0, 1], [2, 3]]), xlabel: \"eigenvector\", ylabel: \"feature\")")
        #expect(out.contains("feature ↓\n0 ┤ ░\n1 ┤▓█"), "\(out)")
        #expect(out.contains("eigenvector →"))
    }

    @Test("names: renames the curves of a list; a list of spectra draws on a log scale")
    func namesAndSpectra() {
        let out = output("plot([arange(1, 5), arange(5, 1, -1)], names: [\"up\", \"down\"], width: 30, height: 5)")
        #expect(out.hasSuffix("• up   + down\n"), "\(out)")
        let session = Session(sink: TextBuffer())
        _ = output("m = tms(features: 6, hidden: 2, seed: 0)\nd = m.samples(20, seed: 1)\ns = ntk(m, d).eig(8)", in: session)
        let spectra = output("plot([s, s], width: 40, height: 6)", in: session)
        #expect(spectra.hasPrefix("eigenvalue spectra\neigenvalue (log scale)\n"), "\(spectra)")
        #expect(spectra.hasSuffix("• spectrum 0   + spectrum 1\n"), "\(spectra)")
        #expect(output("plot([arange(3)], names: [\"a\", \"b\"])").contains("names has 2 entries for 1 curve"))
        #expect(output("plot([arange(3)], names: [1])").contains("names must be strings, got number at position 0"))
    }

    @Test("rows_from and columns_from number the heatmap's rows and columns")
    func heatmapOrigin() {
        let out = output("heatmap(eye(3), rows_from: 1, columns_from: 5)")
        #expect(out.contains("1 ┤█\n2 ┤ █\n3 ┤  █"), "\(out)")
        #expect(out.contains("\n   5"), "\(out)")
    }

    @Test("the session remembers the plots inputs echo or save, once each, until asked")
    func figures() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = Session(sink: TextBuffer())
        _ = output("p = plot(arange(3))\nq = heatmap(eye(2))", in: session)
        #expect(session.takeFigures().isEmpty, "binding a plot shows nothing")
        _ = output("p\nprint(1)\nq.save(\"\(dir)/q.svg\")\nq\nplot(arange(4), file: \"\(dir)/r.svg\")", in: session)
        let figures = session.takeFigures()
        #expect(figures.map(\.savedName) == [nil, "q.svg", "r.svg"])
        #expect(figures[1].svg == (try String(contentsOfFile: "\(dir)/q.svg", encoding: .utf8)))
        #expect(session.takeFigures().isEmpty)
        _ = output("plot(arange(3)).named(\"spectrum\")", in: session)
        #expect(session.takeFigures().map(\.savedName) == ["spectrum.svg"], "a named plot keeps its name in a handout")
    }

    @Test("bad arguments are errors that name the argument and the shape")
    func errors() {
        #expect(output("heatmap(zeros(2, 2, 2))").contains("heatmap needs a 2-d tensor for t, got shape (2, 2, 2)"))
        #expect(output("plot(\"abc\")").contains("plot cannot draw x of type string"))
        #expect(output("plot([1, 2], [1, 2, 3])").contains("x and y must have the same length, got 2 and 3"))
        #expect(output("plot(zeros(2, 2))").contains("plot needs a 1-d tensor for x, got shape (2, 2)"))
        #expect(output("plot([tracker(\"a\"), 3])").contains("got number at position 1"))
        #expect(output("plot(arange(3), file: \"/nonexistent-dir/x.svg\")").contains("cannot write '/nonexistent-dir/x.svg': no such directory"))
        #expect(output("plot(zeros(3), log: true)").contains("plot has nothing to draw"))
    }
}
