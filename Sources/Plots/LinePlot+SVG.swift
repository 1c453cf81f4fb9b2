import Foundation

extension LinePlot {
    /// The plot as an SVG document (640×400 by default): white background, framed axes with
    /// ticks and tick labels (a log axis labels its decades 10ᵏ), axis labels, title, one
    /// `<path class="series">` per drawable run, dashed marker lines with labels, and, when
    /// there are several series, a legend with one entry per series.
    public func svg(width: Double = 640, height: Double = 400) -> String {
        let f = frame(xTarget: 8, yTarget: 6)
        let left = 72.0, right = 24.0, top = title.isEmpty ? 24.0 : 44.0, bottom = 56.0
        let pw = width - left - right, ph = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - f.xLo) / (f.xHi - f.xLo) * pw }
        // Curves keep a small gap from the frame so values at the range ends stay visible.
        let gap = 0.04 * ph
        func py(_ y: Double) -> Double { top + gap + (f.yHi - y) / (f.yHi - f.yLo) * (ph - 2 * gap) }
        var out = [SVG.header(width: width, height: height)]
        if !title.isEmpty { out.append(SVG.text(title, x: width / 2, y: 26, size: 16, extra: " font-weight=\"bold\" class=\"title\"")) }
        // Grid and ticks; a log axis spanning few decades also gets unlabelled minor ticks at
        // 2…9 × 10^k so values between decades can be read.
        if logY && f.yHi - f.yLo <= 4 {
            for decade in Int(f.yLo)..<Int(f.yHi) {
                for m in 2...9 {
                    let y = py(Double(decade) + log10(Double(m)))
                    out.append("<line x1=\"\(SVG.n(left))\" y1=\"\(SVG.n(y))\" x2=\"\(SVG.n(left + pw))\" y2=\"\(SVG.n(y))\" stroke=\"#f3f3f3\"/>")
                    out.append("<line x1=\"\(SVG.n(left - 3))\" y1=\"\(SVG.n(y))\" x2=\"\(SVG.n(left))\" y2=\"\(SVG.n(y))\" stroke=\"black\"/>")
                }
            }
        }
        for t in f.yTicks {
            let y = py(logY ? log10(t) : t)
            out.append("<line x1=\"\(SVG.n(left))\" y1=\"\(SVG.n(y))\" x2=\"\(SVG.n(left + pw))\" y2=\"\(SVG.n(y))\" stroke=\"#e6e6e6\"/>")
            out.append("<line x1=\"\(SVG.n(left - 5))\" y1=\"\(SVG.n(y))\" x2=\"\(SVG.n(left))\" y2=\"\(SVG.n(y))\" stroke=\"black\"/>")
            if logY {
                out.append(SVG.decade(Int(log10(t).rounded()), x: left - 8, y: y + 4, anchor: "end", size: 11))
            } else {
                out.append(SVG.text(Axis.format(t), x: left - 8, y: y + 4, anchor: "end", size: 11, extra: " class=\"tick\""))
            }
        }
        for t in f.xTicks {
            let x = px(t)
            out.append("<line x1=\"\(SVG.n(x))\" y1=\"\(SVG.n(top))\" x2=\"\(SVG.n(x))\" y2=\"\(SVG.n(top + ph))\" stroke=\"#e6e6e6\"/>")
            out.append("<line x1=\"\(SVG.n(x))\" y1=\"\(SVG.n(top + ph))\" x2=\"\(SVG.n(x))\" y2=\"\(SVG.n(top + ph + 5))\" stroke=\"black\"/>")
            out.append(SVG.text(Axis.format(t), x: x, y: top + ph + 18, size: 11, extra: " class=\"tick\""))
        }
        out.append("<rect x=\"\(SVG.n(left))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(pw))\" height=\"\(SVG.n(ph))\" fill=\"none\" stroke=\"black\"/>")
        if !xLabel.isEmpty { out.append(SVG.text(xLabel, x: left + pw / 2, y: height - 14, size: 13, extra: " class=\"xlabel\"")) }
        if !yLabel.isEmpty {
            let label = yLabel + (logY ? " (log scale)" : "")
            out.append(SVG.text(label, x: 18, y: top + ph / 2, size: 13, extra: " class=\"ylabel\" transform=\"rotate(-90 18 \(SVG.n(top + ph / 2)))\""))
        }
        // Markers, labels staggered so neighbours do not collide.
        for (k, m) in markers.sorted(by: { $0.x < $1.x }).enumerated() {
            let x = px(m.x)
            out.append("<line class=\"marker\" x1=\"\(SVG.n(x))\" y1=\"\(SVG.n(top))\" x2=\"\(SVG.n(x))\" y2=\"\(SVG.n(top + ph))\" stroke=\"#555555\" stroke-dasharray=\"4 3\"/>")
            let anchor = x > left + pw * 0.75 ? "end" : "start"
            out.append(SVG.text(m.label, x: x + (anchor == "end" ? -4 : 4), y: top + 14 + Double(k % 3) * 14, anchor: anchor, size: 11,
                                extra: " fill=\"#333333\" class=\"marker-label\""))
        }
        // Series, clipped to the plotting area.
        out.append("<clipPath id=\"area\"><rect x=\"\(SVG.n(left))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(pw))\" height=\"\(SVG.n(ph))\"/></clipPath>")
        for (k, s) in series.enumerated() where bars {
            // Bars 0.8 of the narrowest spacing between neighbouring x values wide, side by side
            // when several series share the plot.
            let xs = Set(series.flatMap(\.x)).sorted()
            let spacing = zip(xs, xs.dropFirst()).map { $1 - $0 }.min() ?? 1
            let full = 0.8 * spacing / Double(series.count), base = py(barBase(f))
            for run in runs(s) {
                for (x, y) in run {
                    let x0 = px(x - 0.4 * spacing + Double(k) * full), x1 = px(x - 0.4 * spacing + Double(k + 1) * full)
                    let top = py(y)
                    out.append("<rect class=\"bar\" clip-path=\"url(#area)\" x=\"\(SVG.n(x0))\" y=\"\(SVG.n(min(top, base)))\" width=\"\(SVG.n(x1 - x0))\" height=\"\(SVG.n(abs(base - top)))\" fill=\"\(SeriesColours.colour(k))\"/>")
                }
            }
        }
        for (k, s) in series.enumerated() where !bars {
            let colour = SeriesColours.colour(k)
            for run in runs(s) {
                let d = run.enumerated().map { ($0.offset == 0 ? "M" : "L") + "\(SVG.n(px($0.element.0))) \(SVG.n(py($0.element.1)))" }.joined(separator: " ")
                out.append("<path class=\"series\" clip-path=\"url(#area)\" d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" stroke-linejoin=\"round\"/>")
                if run.count <= 100 {
                    for (x, y) in run {
                        out.append("<circle cx=\"\(SVG.n(px(x)))\" cy=\"\(SVG.n(py(y)))\" r=\"2.2\" fill=\"\(colour)\"/>")
                    }
                }
            }
        }
        if series.count > 1 { out.append(legend(px: px, py: py, left: left, top: top, pw: pw, ph: ph)) }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The legend box, in the corner of the plotting area that covers the fewest points.
    private func legend(px: (Double) -> Double, py: (Double) -> Double, left: Double, top: Double, pw: Double, ph: Double) -> String {
        var out: [String] = []
        let longest = Double(series.map(\.name.count).max() ?? 0)
        let lw = 34 + 6.5 * longest, lh = Double(series.count) * 18 + 8
        let points = series.flatMap { runs($0).flatMap { $0 } }.map { (px($0.0), py($0.1)) }
        let topY = top + 8 + (markers.isEmpty ? 0 : 44), bottomY = top + ph - lh - 8
        let corners = [(left + pw - lw - 8, topY), (left + 8, topY), (left + pw - lw - 8, bottomY), (left + 8, bottomY)]
        func covered(_ c: (Double, Double)) -> Int {
            points.filter { $0.0 >= c.0 - 4 && $0.0 <= c.0 + lw + 4 && $0.1 >= c.1 - 4 && $0.1 <= c.1 + lh + 4 }.count
        }
        let best = corners.min { covered($0) < covered($1) } ?? corners[0]
        let lx = best.0, ly = best.1
        out.append("<g class=\"legend\"><rect x=\"\(SVG.n(lx))\" y=\"\(SVG.n(ly))\" width=\"\(SVG.n(lw))\" height=\"\(SVG.n(lh))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999999\"/>")
        for (k, s) in series.enumerated() {
            let y = ly + 16 + Double(k) * 18
            out.append("<line x1=\"\(SVG.n(lx + 6))\" y1=\"\(SVG.n(y - 4))\" x2=\"\(SVG.n(lx + 26))\" y2=\"\(SVG.n(y - 4))\" stroke=\"\(SeriesColours.colour(k))\" stroke-width=\"2\"/>")
            out.append(SVG.text(s.name, x: lx + 30, y: y, anchor: "start", size: 11, extra: " class=\"legend-entry\""))
        }
        out.append("</g>")
        return out.joined(separator: "\n")
    }
}
