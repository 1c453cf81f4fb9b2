import Foundation

extension Heatmap {
    /// The heatmap as an SVG document: one `<rect class="cell">` per entry coloured by viridis
    /// (dark purple smallest, yellow largest), row and column index ticks, axis labels, title,
    /// and a vertical colour scale with tick labels. Cells are square, at most 16 px, sized so
    /// the grid fits about 560×440 px. A grid over 280 columns or 220 rows is averaged in blocks
    /// (as in the terminal) so the file stays small, and a note under the axis says so.
    public func svg() -> String {
        let colBin = (columns + 279) / 280, rowBin = (rows + 219) / 220
        let grid = downsampled(rowBin: rowBin, colBin: colBin)
        let scale = range
        let cell = max(1.5, min(16, 560 / Double(grid.columns), 440 / Double(grid.rows)))
        let gw = cell * Double(grid.columns), gh = cell * Double(grid.rows)
        let left = 64.0, top = title.isEmpty ? 24.0 : 48.0, bottom = 56.0
        let scaleX = left + gw + 24, scaleW = 16.0
        // A title wider than the grid widens the figure; it stays centred over the grid when it fits.
        let titleWidth = title.isEmpty ? 0 : SVG.estimatedWidth(title, size: 16, bold: true)
        let width = max(scaleX + scaleW + 64, titleWidth + 32), height = top + gh + bottom
        var out = [SVG.header(width: width, height: height)]
        if !title.isEmpty {
            let x = min(max(left + gw / 2, 16 + titleWidth / 2), width - 16 - titleWidth / 2)
            out.append(SVG.text(title, x: x, y: 28, size: 16, extra: " font-weight=\"bold\" class=\"title\""))
        }
        out.append("<g class=\"cells\" shape-rendering=\"crispEdges\">")
        for r in 0..<grid.rows {
            for c in 0..<grid.columns {
                let v = grid.values[r * grid.columns + c]
                let fill = v.isFinite ? Viridis.hex(level(v, in: scale)) : "#ffffff"
                out.append("<rect class=\"cell\" x=\"\(SVG.n(left + Double(c) * cell))\" y=\"\(SVG.n(top + Double(r) * cell))\" width=\"\(SVG.n(cell))\" height=\"\(SVG.n(cell))\" fill=\"\(fill)\"/>")
            }
        }
        out.append("</g>")
        out.append("<rect x=\"\(SVG.n(left))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(gw))\" height=\"\(SVG.n(gh))\" fill=\"none\" stroke=\"black\"/>")
        // Ticks at most 10 per axis and at least 18 px (rows) or 36 px (columns) apart, so
        // labels never collide on small cells.
        for r in Axis.indexTicks(count: rows, target: max(1, min(10, Int(gh / 18)))) {
            let y = top + (Double(r) + 0.5) / Double(rowBin) * cell
            out.append("<line x1=\"\(SVG.n(left - 4))\" y1=\"\(SVG.n(y))\" x2=\"\(SVG.n(left))\" y2=\"\(SVG.n(y))\" stroke=\"black\"/>")
            out.append(SVG.text(String(r + rowOrigin), x: left - 7, y: y + 4, anchor: "end", size: 11, extra: " class=\"tick\""))
        }
        for c in Axis.indexTicks(count: columns, target: max(1, min(10, Int(gw / 36)))) {
            let x = left + (Double(c) + 0.5) / Double(colBin) * cell
            out.append("<line x1=\"\(SVG.n(x))\" y1=\"\(SVG.n(top + gh))\" x2=\"\(SVG.n(x))\" y2=\"\(SVG.n(top + gh + 4))\" stroke=\"black\"/>")
            out.append(SVG.text(String(c + columnOrigin), x: x, y: top + gh + 17, size: 11, extra: " class=\"tick\""))
        }
        if !xLabel.isEmpty { out.append(SVG.text(xLabel, x: left + gw / 2, y: height - 14, size: 13, extra: " class=\"xlabel\"")) }
        if rowBin > 1 || colBin > 1 {
            out.append(SVG.text("each cell averages \(rowBin)×\(colBin) entries", x: left + gw, y: height - 14, anchor: "end", size: 10, extra: " fill=\"#555555\""))
        }
        if !yLabel.isEmpty {
            out.append(SVG.text(yLabel, x: 18, y: top + gh / 2, size: 13, extra: " class=\"ylabel\" transform=\"rotate(-90 18 \(SVG.n(top + gh / 2)))\""))
        }
        // Colour scale: a computed gradient, largest at the top, with ticks in data units.
        let (lo, hi) = scale
        out.append("<defs><linearGradient id=\"scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">")
        for k in 0...16 {
            let t = Double(k) / 16
            out.append("<stop offset=\"\(SVG.n(t))\" stop-color=\"\(Viridis.hex(t))\"/>")
        }
        out.append("</linearGradient></defs>")
        out.append("<rect class=\"colour-scale\" x=\"\(SVG.n(scaleX))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(scaleW))\" height=\"\(SVG.n(gh))\" fill=\"url(#scale)\" stroke=\"black\"/>")
        for t in Axis.linearTicks(lo, hi, target: 5).ticks where t >= lo - 1e-12 * abs(hi - lo) && t <= hi + 1e-12 * abs(hi - lo) {
            let y = top + (hi - t) / (hi - lo) * gh
            out.append("<line x1=\"\(SVG.n(scaleX + scaleW))\" y1=\"\(SVG.n(y))\" x2=\"\(SVG.n(scaleX + scaleW + 4))\" y2=\"\(SVG.n(y))\" stroke=\"black\"/>")
            out.append(SVG.text(Axis.format(t), x: scaleX + scaleW + 7, y: y + 4, anchor: "start", size: 11, extra: " class=\"scale-tick\""))
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
