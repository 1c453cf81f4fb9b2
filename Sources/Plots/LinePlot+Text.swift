import Foundation

extension LinePlot {
    /// Glyphs of the series when several share a plot (a single series is drawn in braille).
    static let glyphs: [Character] = ["•", "+", "×", "o", "*", "#", "@", "%"]

    /// The plot as terminal text, `width` characters wide with a plotting area `height` rows
    /// tall: title, y label, y ticks on the left, the curves (braille dots for one series,
    /// one glyph per series for several), markers as `┊` columns labelled above the area, the
    /// x axis with ticks, the x label, and a legend. No colour; deterministic to the character.
    public func text(width: Int = 72, height: Int = 16) -> String {
        let height = max(height, 3)
        let f = frame(xTarget: max(2, width / 12), yTarget: max(2, logY ? height / 2 : height / 3))
        let yLabels = f.yTicks.map(Axis.format)
        let margin = (yLabels.map(\.count).max() ?? 1) + 1
        let plotWidth = max(width - margin - 1, 8)
        let markerRows = markerLabelRows(f, plotWidth: plotWidth, margin: margin)
        var lines: [String] = []
        if !title.isEmpty { lines.append(title) }
        if !yLabel.isEmpty { lines.append(yLabel + (logY ? " (log scale)" : "")) }
        lines += markerRows

        var canvas = TextCanvas(width: margin + 1 + plotWidth, height: height + 2)
        func column(_ x: Double) -> Int { Int(((x - f.xLo) / (f.xHi - f.xLo) * Double(plotWidth - 1)).rounded()) }
        func row(_ y: Double) -> Int { Int(((f.yHi - y) / (f.yHi - f.yLo) * Double(height - 1)).rounded()) }
        for r in 0..<height { canvas[r, margin] = "│" }
        for (tick, label) in zip(f.yTicks, yLabels) {
            let r = row(logY ? log10(tick) : tick)
            canvas.put(String(repeating: " ", count: margin - 1 - label.count) + label, row: r, column: 0)
            canvas[r, margin] = "┤"
        }
        for m in markers {
            let c = column(m.x)
            for r in 0..<height { canvas[r, margin + 1 + c] = "┊" }
        }
        if bars {
            // One column of █ per point (glyphs when several series share the plot), from the
            // base up to the value's row.
            let base = row(barBase(f))
            for (k, s) in series.enumerated() {
                let glyph: Character = series.count == 1 ? "█" : Self.glyphs[k % Self.glyphs.count]
                for run in runs(s) {
                    for (x, y) in run {
                        let c = column(x), top = row(y)
                        for r in min(top, base)...max(top, base) where r >= 0 && r < height { canvas[r, margin + 1 + c] = glyph }
                    }
                }
            }
        } else if series.count == 1 {
            var raster = BrailleRaster(columns: plotWidth, rows: height)
            func dx(_ x: Double) -> Int { Int(((x - f.xLo) / (f.xHi - f.xLo) * Double(2 * plotWidth - 1)).rounded()) }
            func dy(_ y: Double) -> Int { Int(((f.yHi - y) / (f.yHi - f.yLo) * Double(4 * height - 1)).rounded()) }
            for run in runs(series[0]) {
                var previous: (Int, Int)?
                for (x, y) in run {
                    let p = (dx(x), dy(y))
                    if let q = previous { raster.line(q.0, q.1, p.0, p.1) } else { raster.set(p.0, p.1) }
                    previous = p
                }
            }
            for r in 0..<height {
                for c in 0..<plotWidth { if let ch = raster.character(row: r, column: c) { canvas[r, margin + 1 + c] = ch } }
            }
        } else {
            for (k, s) in series.enumerated() {
                let glyph = Self.glyphs[k % Self.glyphs.count]
                for run in runs(s) {
                    var previous: (Int, Int)?
                    for (x, y) in run {
                        let p = (column(x), row(y))
                        for (c, r) in previous.map({ bresenham($0.0, $0.1, p.0, p.1) }) ?? [p] {
                            canvas[r, margin + 1 + c] = glyph
                        }
                        previous = p
                    }
                }
            }
        }
        // x axis: corner, rule with tick marks, tick labels centred under their marks.
        canvas[height, margin] = "└"
        for c in 0..<plotWidth { canvas[height, margin + 1 + c] = "─" }
        for tick in f.xTicks {
            let c = column(tick), label = Axis.format(tick)
            canvas[height, margin + 1 + c] = "┬"
            let start = min(max(margin + 1 + c - (label.count - 1) / 2, 0), canvas.width - label.count)
            if canvas.isFree(row: height + 1, column: start - 1, length: label.count + 2) {
                canvas.put(label, row: height + 1, column: start)
            }
        }
        lines.append(canvas.text)
        if !xLabel.isEmpty {
            let pad = max(0, margin + 1 + (plotWidth - xLabel.count) / 2)
            lines.append(String(repeating: " ", count: pad) + xLabel)
        }
        if series.count > 1 {
            lines.append(series.enumerated().map { "\(Self.glyphs[$0.offset % Self.glyphs.count]) \($0.element.name)" }
                .joined(separator: "   "))
        }
        return lines.joined(separator: "\n")
    }

    /// Marker labels placed above the plotting area, each starting at its marker's column;
    /// a label that would overlap the one before goes on the next row.
    private func markerLabelRows(_ f: Frame, plotWidth: Int, margin: Int) -> [String] {
        var rows: [TextCanvas] = []
        for m in markers.sorted(by: { $0.x < $1.x }) {
            let c = margin + 1 + Int(((m.x - f.xLo) / (f.xHi - f.xLo) * Double(plotWidth - 1)).rounded())
            // Near the right edge the label hangs to the left of its marker: `label┊`.
            let fitsRight = c + m.label.count + 1 <= margin + 1 + plotWidth
            let text = fitsRight ? "┊" + m.label : m.label + "┊"
            let start = max(0, fitsRight ? c : c - m.label.count)
            if let k = rows.indices.first(where: { rows[$0].isFree(row: 0, column: max(start - 1, 0), length: text.count + 1) }) {
                rows[k].put(text, row: 0, column: start)
            } else {
                var canvas = TextCanvas(width: margin + 1 + plotWidth, height: 1)
                canvas.put(text, row: 0, column: start)
                rows.append(canvas)
            }
        }
        return rows.map(\.text)
    }
}
