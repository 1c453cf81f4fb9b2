import Foundation
import Testing
import Plots
import Tensors

@Suite("Heatmaps in the terminal")
struct HeatmapTextTests {
    @Test("a small grid renders to an exact string with its scale")
    func snapshot() throws {
        let h = try Heatmap(rows: 2, columns: 5, values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], title: "grid")
        let expected = """
            grid
            row ↓
            0 ┤  ░░▒
            1 ┤▒▓▓██
              └┬─┬─┬
               0 2 4
               column →
            scale [ ] 0  [░] 1.8  [▒] 3.6  [▓] 5.4  [█] 7.2…9
            """
        let text = h.text(width: 20, height: 10)
        #expect(text == expected, "got:\n\(text)")
    }

    @Test("larger values get darker shades")
    func shadingOrder() throws {
        let h = try Heatmap(rows: 1, columns: 5, values: [4, 3, 2, 1, 0])
        let row = h.text(width: 20).split(separator: "\n")[1]
        #expect(row.hasSuffix("█▓▒░"))  // the smallest is a blank, trimmed at the line end
        let shades = Heatmap.shades
        let order = Array(row.dropFirst(3)).map { shades.firstIndex(of: $0)! }
        #expect(order == order.sorted(by: >))
    }

    @Test("a grid larger than the space is averaged in blocks")
    func downsampling() throws {
        // 4×40 with values = column index; 20 character cells wide → pairs of columns average.
        let values = (0..<4).flatMap { _ in (0..<40).map(Double.init) }
        let h = try Heatmap(rows: 4, columns: 40, values: values)
        let d = h.downsampled(rowBin: 2, colBin: 3)
        #expect(d.rows == 2 && d.columns == 14)
        #expect(d.values[0] == 1 && d.values[13] == 39)  // last block holds column 39 alone
        let text = h.text(width: 24, height: 2)
        #expect(text.contains("each cell averages 2×2 entries of 4×40"))
        let cells = text.split(separator: "\n").first { $0.hasPrefix("0 ┤") }!.dropFirst(3)
        #expect(cells.count == 20)  // 40 columns averaged in pairs
    }

    @Test("a tensor that is not 2-d is refused with its shape")
    func shapeError() {
        #expect(throws: PlotError("a heatmap needs a 2-d tensor, got shape (2, 2, 2)")) {
            try Heatmap(Tensor(shape: [2, 2, 2], repeating: 0))
        }
    }
}
