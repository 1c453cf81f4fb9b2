import Foundation
import Language

/// A plot an input showed (echoed at the top level) or saved as SVG, remembered so the console
/// can put it in a handout (`.export`). The SVG is rendered only when asked for: plots are
/// immutable, so it is the figure as it was shown.
public struct ShownFigure {
    /// The file name the input saved the plot under (last path component, e.g.
    /// `tms-spectrum-dense.svg`); nil when the plot was only shown.
    public var savedName: String?
    let plot: PlotObject

    /// The SVG document.
    public var svg: String { plot.svg }
}

extension Session {
    /// The figures shown or saved since the last call, oldest first; the list is then
    /// cleared. A plot both shown and saved by one input is listed once, with its file name.
    public func takeFigures() -> [ShownFigure] {
        defer { shownFigures = [] }
        return shownFigures
    }

    /// Remembers that `plot` was shown (`path` nil) or saved to `path`.
    func noteFigure(_ plot: PlotObject, savedAs path: String?) {
        let name = path.map { ($0 as NSString).lastPathComponent } ?? plot.figureName.map { $0 + ".svg" }
        if let index = shownFigures.firstIndex(where: { $0.plot === plot }) {
            if let name { shownFigures[index].savedName = name }
            return
        }
        shownFigures.append(ShownFigure(savedName: name, plot: plot))
    }

    /// Watches top-level echoes for plots.
    func installFigureObserver() {
        interpreter.echoObserver = { [unowned self] value in
            if case .host(let plot as PlotObject) = value { self.noteFigure(plot, savedAs: nil) }
        }
    }
}
