import Foundation

/// One named curve of a line plot: the points (x[i], y[i]).
public struct Series: Equatable, Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// A series; `x` and `y` are truncated to the shorter of the two.
    public init(name: String, x: [Double], y: [Double]) {
        let n = min(x.count, y.count)
        self.name = name
        self.x = Array(x.prefix(n))
        self.y = Array(y.prefix(n))
    }
    /// Values against their index 0, 1, 2, ….
    public init(name: String, values: [Double]) {
        self.init(name: name, x: values.indices.map(Double.init), y: values)
    }
}

/// A labelled vertical line at x (a cliff position, a phase transition).
public struct Marker: Equatable, Sendable {
    public var x: Double
    public var label: String
    public init(x: Double, label: String) { self.x = x; self.label = label }
}

/// Several named series on shared axes, linear or log10 y scale, with optional vertical markers.
/// A value type: `text(width:height:)` renders it for the terminal, `svg()` for a file.
public struct LinePlot: Equatable, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var markers: [Marker]
    /// y on a log10 axis; non-positive values are left out (they break the curve).
    public var logY: Bool
    /// Each point drawn as a bar from the bottom of the axis (zero on a linear axis that holds
    /// it) up to its value, instead of a curve through the points: a power spectrum by frequency.
    public var bars: Bool

    public init(title: String = "", xLabel: String = "", yLabel: String = "", series: [Series],
                markers: [Marker] = [], logY: Bool = false, bars: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.markers = markers
        self.logY = logY
        self.bars = bars
    }

    /// Where bars start, in plotting units: zero on a linear axis whose range holds it, else
    /// the bottom of the frame.
    func barBase(_ f: Frame) -> Double { !logY && f.yLo <= 0 && f.yHi >= 0 ? 0 : f.yLo }

    /// An eigenvalue spectrum: λ_i against index i (log scale by default), with each cliff
    /// "after k" (λ_{k-1}/λ_k large) marked by a line at x = k − 0.5, between the two eigenvalues.
    public static func spectrum(_ values: [Double], cliffs: [(after: Int, ratio: Double)] = [],
                                title: String = "eigenvalue spectrum", logY: Bool = true) -> LinePlot {
        LinePlot(title: title, xLabel: "index", yLabel: "eigenvalue",
                 series: [Series(name: "eigenvalue", values: values)],
                 markers: cliffs.sorted { $0.after < $1.after }.map {
                     Marker(x: Double($0.after) - 0.5, label: "after \($0.after) (×\(Axis.format($0.ratio)))")
                 },
                 logY: logY)
    }

    /// True when some series has a point that can be drawn on this plot's axes.
    public var hasDrawablePoints: Bool { series.contains { !runs($0).isEmpty } }

    /// The y value on the plotting axis (log10 when `logY`), or nil when it cannot be drawn.
    func transformed(_ y: Double) -> Double? {
        guard y.isFinite else { return nil }
        if logY { return y > 0 ? log10(y) : nil }
        return y
    }

    /// The axes: x and y ranges (y in plotting units) and their ticks (in data units).
    struct Frame {
        var xLo: Double, xHi: Double, xTicks: [Double]
        var yLo: Double, yHi: Double, yTicks: [Double]
    }

    /// Ranges cover every drawable point and marker, rounded out to nice ticks.
    func frame(xTarget: Int, yTarget: Int) -> Frame {
        var xs: [Double] = markers.map(\.x), ys: [Double] = bars && !logY ? [0] : []
        for s in series {
            for (x, y) in zip(s.x, s.y) where x.isFinite {
                if let t = transformed(y) { xs.append(x); ys.append(t) }
            }
        }
        if bars, let lo = xs.min(), let hi = xs.max() { xs += [lo - 0.5, hi + 0.5] }
        let integerX = series.allSatisfy { $0.x.allSatisfy { !$0.isFinite || $0 == $0.rounded() } }
        let xr = Axis.linearTicks(xs.min() ?? 0, xs.max() ?? 1, target: xTarget, integer: integerX)
        if logY {
            let yr = Axis.logTicks(pow(10, ys.min() ?? 0), pow(10, ys.max() ?? 1), target: yTarget)
            return Frame(xLo: xr.lo, xHi: xr.hi, xTicks: xr.ticks, yLo: yr.lo, yHi: yr.hi, yTicks: yr.ticks)
        }
        let yr = Axis.linearTicks(ys.min() ?? 0, ys.max() ?? 1, target: yTarget)
        return Frame(xLo: xr.lo, xHi: xr.hi, xTicks: xr.ticks, yLo: yr.lo, yHi: yr.hi, yTicks: yr.ticks)
    }

    /// The drawable runs of a series, each a list of (x, y in plotting units); a point that
    /// cannot be drawn (NaN, non-positive on a log axis) ends a run.
    func runs(_ s: Series) -> [[(Double, Double)]] {
        var out: [[(Double, Double)]] = [], current: [(Double, Double)] = []
        for (x, y) in zip(s.x, s.y) {
            if x.isFinite, let t = transformed(y) { current.append((x, t)) }
            else if !current.isEmpty { out.append(current); current = [] }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
