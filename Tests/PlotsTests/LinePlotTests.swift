import Foundation
import Testing
import Plots

@Suite("Line plots in the terminal")
struct LinePlotTextTests {
    @Test("a straight line renders to an exact, stable string")
    func snapshot() {
        let plot = LinePlot(title: "line", xLabel: "x", yLabel: "y", series: [Series(name: "y", x: [0, 1, 2, 3, 4], y: [0, 1, 2, 3, 4])])
        let expected = """
            line
            y
            4 ┤       ⢠⠊
              │     ⢀⠔⠁
            2 ┤    ⡠⠊
              │ ⢀⠔⠉
            0 ┤⡠⠃
              └┬───┬───┬
               0   2   4
                   x
            """
        let text = plot.text(width: 12, height: 5)
        #expect(text == expected, "got:\n\(text)")
        #expect(plot.text(width: 12, height: 5) == text)
        #expect(!text.contains("\u{1B}"))
    }

    @Test("every line fits the width, and the area has the requested rows")
    func size() {
        let values = (0..<200).map { sin(Double($0) / 10) }
        let text = LinePlot(series: [Series(name: "sin", values: values)]).text(width: 50, height: 10)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 50 })
        #expect(lines.filter { $0.contains("│") || $0.contains("┤") }.count == 10)
    }

    @Test("a log scale puts decades on equally spaced rows with decade tick labels")
    func logScale() {
        let plot = LinePlot(series: [Series(name: "v", values: [1000, 100, 10, 1])], logY: true)
        let lines = plot.text(width: 30, height: 7).split(separator: "\n").map(String.init)
        func row(_ label: String) -> Int? {
            lines.firstIndex { $0.split(separator: "┤").first?.trimmingCharacters(in: .whitespaces) == label }
        }
        let rows = ["1e+03", "100", "10", "1"].map(row)
        #expect(rows.allSatisfy { $0 != nil }, "\(lines)")
        let r = rows.compactMap { $0 }
        #expect(r == [0, 2, 4, 6], "\(lines)")
        // The first point (1000) is drawn in the top row, the last (1) in the bottom row.
        #expect(lines[0].contains { ("\u{2801}"..."\u{28FF}").contains(String($0)) })
        #expect(lines[6].contains { ("\u{2801}"..."\u{28FF}").contains(String($0)) })
    }

    @Test("non-positive values are left out on a log axis instead of breaking the plot")
    func logSkipsNonPositive() {
        let plot = LinePlot(series: [Series(name: "v", values: [10, 0, -1, 1])], logY: true)
        #expect(plot.hasDrawablePoints)
        #expect(plot.text(width: 30, height: 5).contains("10 ┤"))
        #expect(!LinePlot(series: [Series(name: "v", values: [0, -1])], logY: true).hasDrawablePoints)
    }

    @Test("a marker draws a dotted column at its x and its label above the area, starting at that column")
    func markers() {
        let plot = LinePlot(series: [Series(name: "v", x: [0, 10], y: [0, 1])], markers: [Marker(x: 5, label: "half")])
        let lines = plot.text(width: 24, height: 8).split(separator: "\n").map(String.init)
        let labelLine = lines[0]
        let column = labelLine.distance(from: labelLine.startIndex, to: labelLine.firstIndex(of: "┊")!)
        #expect(labelLine.hasSuffix("┊half"))
        #expect(lines[1...8].filter { Array($0).count > column && Array($0)[column] == "┊" }.count >= 6)
        for row in lines[1...8] {
            let chars = Array(row)
            // The marker shows wherever the curve does not pass through its column.
            #expect(chars.count > column && (chars[column] == "┊" || ("\u{2801}"..."\u{28FF}").contains(String(chars[column]))), "\(row)")
        }
        // x = 5 is halfway along the axis from 0 to 10 (the axis starts after the margin).
        let axis = Array(lines[9])
        let start = axis.firstIndex(of: "└")! + 1, end = axis.lastIndex(of: "┬")!
        #expect(column == start + (end - start) / 2)
    }

    @Test("several series get one glyph each and a legend naming them")
    func legend() {
        let plot = LinePlot(series: [Series(name: "overlap", values: [0, 1, 2]), Series(name: "test acc", values: [2, 1, 0])])
        let text = plot.text(width: 30, height: 6)
        #expect(text.hasSuffix("• overlap   + test acc"))
        #expect(text.contains("•") && text.contains("+"))
    }

    @Test("a spectrum plot marks each cliff between the two eigenvalues it separates")
    func spectrum() {
        let plot = LinePlot.spectrum([100, 90, 80, 1, 0.9], cliffs: [(after: 3, ratio: 80)])
        #expect(plot.logY)
        #expect(plot.markers == [Marker(x: 2.5, label: "after 3 (×80)")])
        #expect(plot.text().contains("┊after 3 (×80)"))
    }

    @Test("tick labels use three significant digits")
    func tickFormat() {
        #expect(Axis.format(1234.5) == "1.23e+03")
        #expect(Axis.format(0.5) == "0.5")
        #expect(Axis.format(-0.0) == "0")
        #expect(Axis.linearTicks(0, 0.95, target: 4).ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Axis.logTicks(0.02, 300, target: 8).ticks == [0.01, 0.1, 1, 10, 100, 1000])
        #expect(Axis.linearTicks(0, 2, target: 8, integer: true).ticks == [0, 1, 2])
    }
}
