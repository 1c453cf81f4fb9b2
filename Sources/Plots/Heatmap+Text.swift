import Foundation

extension Heatmap {
    /// Shades from the smallest to the largest value: larger values are darker (denser).
    public static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    /// The heatmap as terminal text at most `width` characters wide and `height` cell rows tall:
    /// one character per cell, shaded ` ░▒▓█` by the cell's place on the scale (fifths), blocks
    /// of entries averaged when the grid is larger than the space. Row indices on the left,
    /// column indices below, then the x label and the scale. No colour.
    public func text(width: Int = 72, height: Int = 50) -> String {
        let rowTicksAll = Axis.indexTicks(count: rows, target: 8)
        let margin = (rowTicksAll.map { String($0 + rowOrigin).count }.max() ?? 1) + 1
        let available = max(width - margin - 1, 4)
        let colBin = (columns + available - 1) / available, rowBin = (rows + max(height, 2) - 1) / max(height, 2)
        let grid = downsampled(rowBin: rowBin, colBin: colBin)
        let scale = range
        var lines: [String] = []
        if !title.isEmpty { lines.append(title) }
        if !yLabel.isEmpty { lines.append(yLabel + " ↓") }
        var canvas = TextCanvas(width: margin + 1 + grid.columns, height: grid.rows + 2)
        let tickRows = Axis.indexTicks(count: grid.rows, target: 8)
        for i in 0..<grid.rows {
            canvas[i, margin] = tickRows.contains(i) ? "┤" : "│"
            if tickRows.contains(i) {
                let label = String(i * rowBin + rowOrigin)
                canvas.put(label, row: i, column: margin - 1 - label.count)
            }
            for j in 0..<grid.columns {
                let v = grid.values[i * grid.columns + j]
                let shade = v.isFinite ? Self.shades[min(4, max(0, Int(level(v, in: scale) * 5)))] : "·"
                canvas[i, margin + 1 + j] = shade
            }
        }
        canvas[grid.rows, margin] = "└"
        for j in 0..<grid.columns { canvas[grid.rows, margin + 1 + j] = "─" }
        for j in Axis.indexTicks(count: grid.columns, target: max(2, grid.columns / 8)) {
            let label = String(j * colBin + columnOrigin)
            canvas[grid.rows, margin + 1 + j] = "┬"
            if canvas.isFree(row: grid.rows + 1, column: max(margin + j, 0), length: label.count + 1) {
                canvas.put(label, row: grid.rows + 1, column: margin + 1 + j)
            }
        }
        lines.append(canvas.text)
        if !xLabel.isEmpty { lines.append(String(repeating: " ", count: margin + 1) + xLabel + " →") }
        let (lo, hi) = scale
        let steps = (0...5).map { lo + (hi - lo) * Double($0) / 5 }
        var legend = "scale " + zip(Self.shades, steps).map { "[\($0.0)] \(Axis.format($0.1))" }.joined(separator: "  ")
        legend += "…\(Axis.format(steps[5]))"
        lines.append(legend)
        if rowBin > 1 || colBin > 1 { lines.append("each cell averages \(rowBin)×\(colBin) entries of \(rows)×\(columns)") }
        return lines.joined(separator: "\n")
    }
}
