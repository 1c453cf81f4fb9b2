import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Plots

/// Collects the elements of an SVG document, failing on malformed XML.
final class SVGScan: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    /// The content of each `<text>`, `<tspan>`s included (`10` with exponent `3` is "103").
    var texts: [String] = []
    /// The content of each `<tspan class="exponent">`.
    var exponents: [String] = []
    private var current = "", span: String?
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append((name, attributes))
        if name == "text" { current = "" }
        if name == "tspan", attributes["class"] == "exponent" { span = "" }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        current += string
        span? += string
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
        if name == "tspan", let text = span { exponents.append(text); span = nil }
    }
    func count(_ name: String, class className: String) -> Int {
        elements.filter { $0.name == name && $0.attributes["class"] == className }.count
    }

    /// Parses `svg`; nil when it is not well-formed XML.
    static func parse(_ svg: String) -> SVGScan? {
        let scan = SVGScan()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = scan
        return parser.parse() ? scan : nil
    }
}

@Suite("SVG output")
struct SVGTests {
    @Test("a line plot is well-formed SVG with title, axis labels, legend entries and one path per series")
    func linePlot() throws {
        let plot = LinePlot(title: "grokking <p=29>", xLabel: "epoch", yLabel: "percent",
                            series: [Series(name: "sum overlap", values: [7, 40, 87, 95]),
                                     Series(name: "test accuracy", values: [1, 9, 85, 100])],
                            markers: [Marker(x: 1.5, label: "onset")])
        let scan = try #require(SVGScan.parse(plot.svg()))
        #expect(scan.elements.first?.name == "svg")
        #expect(scan.texts.contains("grokking <p=29>"))
        #expect(scan.texts.contains("epoch") && scan.texts.contains("percent"))
        #expect(scan.texts.contains("sum overlap") && scan.texts.contains("test accuracy"))
        #expect(scan.texts.contains("onset"))
        #expect(scan.count("path", class: "series") == 2)
        #expect(scan.count("text", class: "legend-entry") == 2)
        #expect(scan.count("line", class: "marker") == 1)
        #expect(scan.count("text", class: "tick") >= 6)
    }

    @Test("a log-scale spectrum labels its decades 10^k and its y axis as log; one series has no legend")
    func spectrum() throws {
        let scan = try #require(SVGScan.parse(LinePlot.spectrum([500, 400, 5, 4], cliffs: [(after: 2, ratio: 80)]).svg()))
        #expect(scan.texts.contains("eigenvalue (log scale)"))
        #expect(scan.exponents == ["0", "1", "2", "3"])
        #expect(["100", "101", "102", "103"].allSatisfy(scan.texts.contains), "10 followed by its exponent")
        #expect(scan.texts.contains("after 2 (×80)"))
        #expect(scan.count("g", class: "legend") == 0)
        let small = try #require(SVGScan.parse(LinePlot.spectrum([0.02, 3e-5]).svg()))
        #expect(small.exponents == ["−5", "−4", "−3", "−2", "−1"])
    }

    @Test("heatmap ticks stay apart on small cells and count from the given origin")
    func heatmapTicks() throws {
        var h = try Heatmap(rows: 14, columns: 56, values: (0..<(14 * 56)).map(Double.init))
        h.rowOrigin = 1
        let scan = try #require(SVGScan.parse(h.svg()))
        let ys = scan.elements.filter { $0.name == "text" && $0.attributes["class"] == "tick" && $0.attributes["text-anchor"] == "end" }
            .compactMap { Double($0.attributes["y"] ?? "") }
        #expect(ys.count >= 4)
        #expect(zip(ys, ys.dropFirst()).allSatisfy { $1 - $0 >= 14 }, "row labels at \(ys)")
        #expect(scan.texts.first == "1", "the first row is labelled 1: \(scan.texts)")
    }

    @Test("a heatmap title wider than its grid widens the figure")
    func wideTitle() throws {
        let title = "a long title over a two by two heatmap of alignments"
        let svg = try Heatmap(rows: 2, columns: 2, values: [0, 1, 2, 3], title: title).svg()
        let scan = try #require(SVGScan.parse(svg))
        let width = try #require(Double(scan.elements[0].attributes["width"] ?? ""))
        let x = try #require(scan.elements.first { $0.attributes["class"] == "title" }.flatMap { Double($0.attributes["x"] ?? "") })
        let half = Double(title.count) * 16 * 0.62 / 2
        #expect(x - half >= 0 && x + half <= width, "title centred at \(x) in a figure \(width) wide")
    }

    @Test("a heatmap has one cell per entry, coloured by viridis, and a colour scale")
    func heatmap() throws {
        let h = try Heatmap(rows: 3, columns: 4, values: (0..<12).map(Double.init), title: "features", xLabel: "eigenvector", yLabel: "feature")
        let scan = try #require(SVGScan.parse(h.svg()))
        #expect(scan.count("rect", class: "cell") == 12)
        #expect(scan.count("rect", class: "colour-scale") == 1)
        #expect(scan.texts.contains("features") && scan.texts.contains("eigenvector") && scan.texts.contains("feature"))
        let fills = scan.elements.filter { $0.attributes["class"] == "cell" }.map { $0.attributes["fill"]! }
        #expect(fills.first == Viridis.hex(0) && fills.last == Viridis.hex(1))
        #expect(Set(fills).count == 12)
    }

    @Test("a large heatmap is averaged in blocks in the SVG, and says so")
    func largeHeatmap() throws {
        let h = try Heatmap(rows: 300, columns: 600, values: (0..<(300 * 600)).map { Double($0 % 600) })
        let scan = try #require(SVGScan.parse(h.svg()))
        #expect(scan.count("rect", class: "cell") == 150 * 200)
        #expect(scan.texts.contains("each cell averages 2×3 entries"))
    }

    @Test("viridis runs from dark purple to yellow and gets lighter along the way")
    func viridis() {
        // matplotlib's viridis at 0, 0.5 and 1: (68, 1, 84), (33, 145, 140), (253, 231, 37).
        for (t, reference) in [(0.0, [68.0, 1, 84]), (0.5, [33, 145, 140]), (1.0, [253, 231, 37])] {
            let (r, g, b) = Viridis.rgb(t)
            let error = zip([r, g, b].map { $0 * 255 }, reference).map { abs($0 - $1) }.max()!
            #expect(error <= 4, "t = \(t): expected \(reference), observed \([r, g, b].map { $0 * 255 }), tolerance 4/255")
        }
        let luminance = stride(from: 0.0, through: 1.0, by: 0.1).map { t -> Double in
            let (r, g, b) = Viridis.rgb(t); return 0.2126 * r + 0.7152 * g + 0.0722 * b
        }
        #expect(luminance == luminance.sorted())
    }

    @Test("writing to a path that cannot be opened is a plot error naming the path")
    func unwritable() {
        #expect(throws: PlotError.self) { try SVG.write("<svg/>", to: "/nonexistent-dir/x.svg") }
    }
}
