import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Plots

/// Collects the elements of an SVG document, failing on malformed XML.
final class SVGScan: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var texts: [String] = []
    private var current = ""
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append((name, attributes))
        current = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
        current = ""
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

    @Test("a log-scale spectrum labels its decades and its y axis as log")
    func spectrum() throws {
        let scan = try #require(SVGScan.parse(LinePlot.spectrum([500, 400, 5, 4], cliffs: [(after: 2, ratio: 80)]).svg()))
        #expect(scan.texts.contains("eigenvalue (log scale)"))
        #expect(["1", "10", "100", "1e+03"].allSatisfy(scan.texts.contains))
        #expect(scan.texts.contains("after 2 (×80)"))
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
