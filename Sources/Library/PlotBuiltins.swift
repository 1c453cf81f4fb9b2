import Foundation
import Kernels
import Language
import Plots
import Tensors

/// A plot living in the language: echoes as its terminal rendering, `p.save(path)` writes SVG.
public final class PlotObject: HostObject {
    enum Figure { case line(LinePlot), heatmap(Heatmap) }
    let figure: Figure
    let width: Int
    let height: Int
    /// The file name a handout gives this plot (`p.named("spectrum")` → `spectrum.svg`).
    var figureName: String?

    init(_ figure: Figure, width: Int, height: Int) {
        self.figure = figure
        self.width = width
        self.height = height
    }

    public var typeName: String { "plot" }
    /// `plot eigenvalue spectrum (1 series, log y)` or `heatmap features 50×80`.
    public var summary: String {
        switch figure {
        case .line(let p):
            let name = p.title.isEmpty ? "" : " \(p.title)"
            return "plot\(name) (\(p.series.count) series\(p.logY ? ", log y" : ""))"
        case .heatmap(let h):
            return "heatmap\(h.title.isEmpty ? "" : " " + h.title) \(h.rows)×\(h.columns)"
        }
    }
    /// The terminal rendering at the size the plot was made with.
    public var displayText: String {
        switch figure {
        case .line(let p): return p.text(width: width, height: height)
        case .heatmap(let h): return h.text(width: width, height: height)
        }
    }
    /// The SVG document.
    public var svg: String {
        switch figure {
        case .line(let p): return p.svg()
        case .heatmap(let h): return h.svg()
        }
    }

    func save(_ path: String, argument: String) throws {
        do { try SVG.write(svg, to: path) } catch let error as PlotError {
            throw LanguageError(error.description, argument: argument)
        }
    }
}

/// `plot` and `heatmap`, and the plot type's table.
extension Session {
    func installPlotBuiltins() throws {
        let registry = interpreter.registry
        try registry.register([plotBuiltin, heatmapBuiltin])
        try registry.register(type: HostType(
            "plot", summary: "a line plot or heatmap: echoes as terminal text; save(path) writes SVG",
            properties: [
                HostProperty("svg", type: "string", summary: "the SVG document as text") { v in
                    guard case .host(let p as PlotObject) = v else { throw LanguageError("expected a plot") }
                    return .string(p.svg)
                },
            ],
            methods: [
                Builtin("named", [BuiltinParameter("name", .string, summary: "a file stem, e.g. \"spectrum\"")], returns: "plot",
                        summary: "the plot, named: a handout (.export) writes it as NAME.svg") { a in
                    let plot = try a.receiver(as: PlotObject.self)
                    plot.figureName = try a.string("name")
                    return .host(plot)
                },
                Builtin("save", [BuiltinParameter("path", .string, summary: "where to write the SVG, e.g. \"spectrum.svg\"")],
                        summary: "writes the plot as an SVG file (and prints nothing)") { [unowned self] a in
                    let plot = try a.receiver(as: PlotObject.self), path = try a.string("path")
                    try plot.save(path, argument: "path")
                    self.noteFigure(plot, savedAs: path)
                    return .nothing
                },
            ]))
    }

    private static var sizeParameters: [BuiltinParameter] { [
        BuiltinParameter("width", .bounded(.integer, .within(20, 1000)), default: .number(72), requiresLabel: true, summary: "terminal width in characters"),
        BuiltinParameter("height", .bounded(.integer, .within(4, 1000)), default: .number(16), requiresLabel: true, summary: "terminal height of the plotting area in rows"),
    ] }

    private var plotBuiltin: Builtin {
        Builtin("plot", [BuiltinParameter("x", summary: "a spectrum, tracker, history, tensor, or a list of spectra/trackers/tensors"),
                         BuiltinParameter("y", default: .nothing, summary: "y values when x holds the x coordinates (tensors)"),
                         BuiltinParameter("names", .optional(.list), default: .nothing, requiresLabel: true,
                                          summary: "legend names of the curves of a list x, one string each"),
                         BuiltinParameter("title", .optional(.string), default: .nothing, requiresLabel: true, summary: "the title"),
                         BuiltinParameter("xlabel", .optional(.string), default: .nothing, requiresLabel: true, summary: "the x-axis label"),
                         BuiltinParameter("ylabel", .optional(.string), default: .nothing, requiresLabel: true, summary: "the y-axis label"),
                         BuiltinParameter("log", .optional(.bool), default: .nothing, requiresLabel: true,
                                          summary: "log10 y axis (default: true for spectra and histories)"),
                         BuiltinParameter("bars", .bool, default: .bool(false), requiresLabel: true,
                                          summary: "draw each point as a bar (a power spectrum by frequency)"),
                         BuiltinParameter("marks", .optional(.list), default: .nothing, requiresLabel: true,
                                          summary: "vertical marker lines: x values, or [x, \"label\"] pairs"),
                         BuiltinParameter("file", .optional(.string), default: .nothing, requiresLabel: true,
                                          summary: "write SVG to this path and return none")] + Session.sizeParameters,
                returns: "plot", summary: "a line plot: spectra with their cliffs, trackers, training histories, tensors",
                detail: """
                    plot(s) draws a spectrum λ_i against i on a log scale with its largest cliffs (ratio ≥ 1.5) marked; \
                    plot(t) a tracker's values against steps; plot(h) a history's loss against step (log scale); \
                    plot(v) a 1-d tensor against its index and plot(x, y) y against x; plot([t1, t2]) several curves \
                    on one plot, named by tracker name or "series k" unless names: ["…", "…"] says otherwise; \
                    plot([s1, s2]) several spectra (log scale, no cliff marks). The result echoes as terminal text; \
                    with file: "name.svg" the SVG is written and nothing is returned or printed.
                    """) { [unowned self] a in
            try self.finish(.line(try self.linePlot(a)), a)
        }
    }

    private var heatmapBuiltin: Builtin {
        Builtin("heatmap", [BuiltinParameter("t", summary: "a 2-d tensor (rows × columns)"),
                            BuiltinParameter("title", .optional(.string), default: .nothing, requiresLabel: true, summary: "the title"),
                            BuiltinParameter("xlabel", .optional(.string), default: .nothing, requiresLabel: true, summary: "the column-axis label"),
                            BuiltinParameter("ylabel", .optional(.string), default: .nothing, requiresLabel: true, summary: "the row-axis label"),
                            BuiltinParameter("file", .optional(.string), default: .nothing, requiresLabel: true,
                                             summary: "write SVG to this path and return none"),
                            BuiltinParameter("rows_from", .bounded(.integer, NumberBounds()), default: .number(0), requiresLabel: true,
                                             summary: "the index shown for the first row (1 for frequencies k = 1, 2, …)"),
                            BuiltinParameter("columns_from", .bounded(.integer, NumberBounds()), default: .number(0), requiresLabel: true,
                                             summary: "the index shown for the first column"),
                            BuiltinParameter("width", .bounded(.integer, .within(20, 1000)), default: .number(72), requiresLabel: true, summary: "terminal width in characters"),
                            BuiltinParameter("height", .bounded(.integer, .within(4, 1000)), default: .number(50), requiresLabel: true, summary: "most cell rows in the terminal")],
                returns: "plot", summary: "a heatmap of a matrix, e.g. heatmap(features(s, data)) for s from ntk(m, data, beta: 0.3)",
                detail: """
                    Terminal: one character per cell shaded ' ░▒▓█' from the smallest to the largest entry (larger is \
                    darker), blocks averaged to fit width and height. SVG: viridis cells with a colour scale.
                    """) { [unowned self] a in
            let t = try a.tensor("t")
            guard t.shape.count == 2 else {
                throw LanguageError("heatmap needs a 2-d tensor for t, got shape \(Tensor.describe(shape: t.shape))", argument: "t")
            }
            guard t.shape[0] > 0, t.shape[1] > 0 else {
                throw LanguageError("heatmap needs a non-empty tensor for t, got shape \(Tensor.describe(shape: t.shape))", argument: "t")
            }
            var h = try Heatmap(t, title: self.label(a, "title") ?? "", xLabel: self.label(a, "xlabel") ?? "column",
                                yLabel: self.label(a, "ylabel") ?? "row")
            (h.rowOrigin, h.columnOrigin) = (try a.integer("rows_from"), try a.integer("columns_from"))
            return try self.finish(.heatmap(h), a)
        }
    }

    private func label(_ a: Arguments, _ name: String) throws -> String? {
        a.has(name) ? try a.string(name) : nil
    }

    /// Writes the SVG when `file:` is given (returning none), otherwise returns the plot.
    private func finish(_ figure: PlotObject.Figure, _ a: Arguments) throws -> Value {
        let width = try a.integer("width"), height = try a.integer("height")
        guard width >= 20 else { throw LanguageError("width must be at least 20 characters, got \(width)", argument: "width") }
        guard height >= 3 else { throw LanguageError("height must be at least 3 rows, got \(height)", argument: "height") }
        let plot = PlotObject(figure, width: width, height: height)
        if a.has("file") {
            let path = try a.string("file")
            try plot.save(path, argument: "file")
            noteFigure(plot, savedAs: path)
            return .nothing
        }
        return .host(plot)
    }

    /// The line plot for `plot(x, y, …)`, defaults taken from what x is.
    private func linePlot(_ a: Arguments) throws -> LinePlot {
        let log = a.has("log") ? try a.bool("log") : nil
        var plot: LinePlot
        switch a["x"] {
        case .host(let s as SpectrumObject):
            try noY(a, "a spectrum")
            let marked = cliffs(of: s.values, limit: 3).filter { $0.ratio >= 1.5 }.map { (after: $0.after, ratio: $0.ratio) }
            plot = LinePlot.spectrum(s.values, cliffs: marked, logY: log ?? true)
        case .host(let h as HistoryObject):
            try noY(a, "a history")
            plot = LinePlot(title: "training loss", xLabel: "step", yLabel: "loss",
                            series: [Series(name: "loss", x: h.records.map { Double($0.step) }, y: h.records.map(\.loss))],
                            logY: log ?? true)
            let tests = h.records.compactMap(\.testLoss)
            if tests.count == h.records.count {
                plot.series.append(Series(name: "test loss", x: h.records.map { Double($0.step) }, y: tests))
            }
        case .list(let items) where items.isEmpty || items.contains(where: { if case .host = $0 { return true } else { return false } }):
            try noY(a, "a list")
            guard !items.isEmpty else { throw LanguageError("plot needs at least one series in the list x", argument: "x") }
            let allSpectra = items.allSatisfy { if case .host(_ as SpectrumObject) = $0 { return true } else { return false } }
            plot = LinePlot(xLabel: "step", series: try items.enumerated().map { try series($0.element, index: $0.offset) },
                            logY: log ?? allSpectra)
            if items.contains(where: { if case .host(_ as TrackerObject) = $0 { return false } else { return true } }) { plot.xLabel = "index" }
            if allSpectra { (plot.title, plot.yLabel) = ("eigenvalue spectra", "eigenvalue") }
        case .host(let t as TrackerObject):
            try noY(a, "a tracker")
            plot = LinePlot(title: t.name, xLabel: "step", yLabel: "value", series: [try series(a["x"], index: 0)], logY: log ?? false)
        default:
            let x = try oneDimensional(a, "x")
            if a.has("y") {
                let y = try oneDimensional(a, "y")
                guard x.count == y.count else {
                    throw LanguageError("x and y must have the same length, got \(x.count) and \(y.count)", argument: "y")
                }
                plot = LinePlot(xLabel: "x", yLabel: "y", series: [Series(name: "y", x: x, y: y)], logY: log ?? false)
            } else {
                plot = LinePlot(xLabel: "index", yLabel: "value", series: [Series(name: "values", values: x)], logY: log ?? false)
            }
        }
        if a.has("names") { try name(&plot.series, a) }
        plot.bars = try a.bool("bars")
        if a.has("marks") { plot.markers += try marks(a) }
        if let t = try label(a, "title") { plot.title = t }
        if let t = try label(a, "xlabel") { plot.xLabel = t }
        if let t = try label(a, "ylabel") { plot.yLabel = t }
        guard plot.hasDrawablePoints else {
            throw LanguageError("plot has nothing to draw: no finite\(plot.logY ? " positive" : "") values in x", argument: "x")
        }
        return plot
    }

    /// `marks:` as markers: a number x (labelled with x) or a pair [x, "label"].
    private func marks(_ a: Arguments) throws -> [Marker] {
        try a.list("marks").map { item in
            switch item {
            case .number(let x) where x.isFinite: return Marker(x: x, label: Axis.format(x))
            case .list(let pair) where pair.count == 2:
                if case .number(let x) = pair[0], x.isFinite, case .string(let label) = pair[1] { return Marker(x: x, label: label) }
            default: break
            }
            throw LanguageError("marks holds x values or [x, \"label\"] pairs, got \(item.typeName)", argument: "marks")
        }
    }

    private func noY(_ a: Arguments, _ what: String) throws {
        if a.has("y") { throw LanguageError("y is only for tensors; x is \(what)", argument: "y") }
    }

    /// Renames the curves from `names:`, one string per series.
    private func name(_ series: inout [Series], _ a: Arguments) throws {
        let names = try a.list("names")
        guard names.count == series.count else {
            throw LanguageError("names has \(names.count) entr\(names.count == 1 ? "y" : "ies") for \(series.count) curve\(series.count == 1 ? "" : "s")", argument: "names")
        }
        for (k, value) in names.enumerated() {
            guard case .string(let text) = value else {
                throw LanguageError("names must be strings, got \(value.typeName) at position \(k)", argument: "names")
            }
            series[k].name = text
        }
    }

    /// One series of a list: a tracker (named by its name), a spectrum ("spectrum k", its
    /// eigenvalues against index) or a 1-d tensor ("series k").
    private func series(_ v: Value, index: Int) throws -> Series {
        if case .host(let t as TrackerObject) = v {
            return Series(name: t.name, x: t.steps, y: t.values)
        }
        if case .host(let s as SpectrumObject) = v {
            return Series(name: "spectrum \(index)", values: s.values)
        }
        guard case .host(let t as TensorObject) = v else {
            throw LanguageError("plot expects spectra, trackers or 1-d tensors in the list x, got \(v.typeName) at position \(index)", argument: "x")
        }
        guard t.tensor.shape.count == 1 else {
            throw LanguageError("plot expects 1-d tensors in the list x, got shape \(Tensor.describe(shape: t.tensor.shape)) at position \(index)", argument: "x")
        }
        return Series(name: "series \(index)", values: t.tensor.storage)
    }

    private func oneDimensional(_ a: Arguments, _ name: String) throws -> [Double] {
        switch a[name] {
        case .host(let o as TensorObject):
            guard o.tensor.shape.count == 1 else {
                throw LanguageError("plot needs a 1-d tensor for \(name), got shape \(Tensor.describe(shape: o.tensor.shape))", argument: name)
            }
            return o.tensor.storage
        case .list, .range:
            let t = try a.tensor(name)
            guard t.shape.count == 1 else {
                throw LanguageError("plot needs a 1-d list for \(name), got shape \(Tensor.describe(shape: t.shape))", argument: name)
            }
            return t.storage
        default:
            throw LanguageError("plot cannot draw \(name) of type \(a[name].typeName); expected a spectrum, tracker, history, tensor or list", argument: name)
        }
    }
}
