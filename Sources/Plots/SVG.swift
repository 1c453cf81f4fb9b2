import Foundation
import Tensors

/// Small helpers for writing SVG text: escaping, number formatting, and saving to a path.
public enum SVG {
    /// Text escaped for XML content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate with two decimals (keeps files small and byte-stable).
    static func n(_ x: Double) -> String {
        let s = String(format: "%.2f", x)
        return s == "-0.00" ? "0.00" : s
    }

    static func text(_ s: String, x: Double, y: Double, anchor: String = "middle", size: Int = 12,
                     extra: String = "") -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\"\(extra)>\(escape(s))</text>"
    }

    /// A tick label 10ᵏ for a decade of a log axis: "10" with the exponent raised in a
    /// `<tspan class="exponent">` (a minus sign for negative k), as on printed log axes.
    static func decade(_ k: Int, x: Double, y: Double, anchor: String, size: Int) -> String {
        let exponent = k < 0 ? "−\(-k)" : "\(k)"
        return "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" class=\"tick\">10"
            + "<tspan class=\"exponent\" dy=\"-5\" font-size=\"\(max(size - 3, 6))\">\(exponent)</tspan></text>"
    }

    /// A rough width in pixels of `s` set at `size` (average glyph 0.6 em; bold a little wider),
    /// for keeping titles inside the figure.
    static func estimatedWidth(_ s: String, size: Double, bold: Bool = false) -> Double {
        Double(s.count) * size * (bold ? 0.62 : 0.56)
    }

    static func header(width: Double, height: Double) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif">
        <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="white"/>
        """
    }

    /// Writes `svg` to `path` as UTF-8 (through a partial file renamed into place: see
    /// `Tensors.FileWriter`).
    public static func write(_ svg: String, to path: String) throws {
        do { try FileAccess.write(svg, to: path) }
        catch { throw PlotError("\(error)") }
    }
}

/// A plotting failure (an empty input, an unwritable file), with a lower-case message.
public struct PlotError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A categorical palette for series (Tableau 10), distinct on slides and in print.
enum SeriesColours {
    static let all = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    static func colour(_ k: Int) -> String { all[k % all.count] }
}

/// The viridis colour map (perceptually uniform, readable in greyscale and by colour-blind
/// viewers), computed from a degree-6 polynomial fit per channel rather than a lookup table.
public enum Viridis {
    private static let c: [[Double]] = [
        [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
        [0.1050930431085774, 1.404613529898575, 1.384590162594685],
        [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
        [-4.634230498983486, -5.799100973351585, -19.33244095627987],
        [6.228269936347081, 14.17993336680509, 56.69055260068105],
        [4.776384997670288, -13.74514537774601, -65.35303263337234],
        [-5.435455855934631, 4.645852612178535, 26.3124352495832],
    ]

    /// (r, g, b) in [0, 1] for t in [0, 1] (clamped): Horner's rule on c0 + c1 t + … + c6 t⁶.
    public static func rgb(_ t: Double) -> (Double, Double, Double) {
        let t = t.isFinite ? min(max(t, 0), 1) : 0
        var out = [0.0, 0.0, 0.0]
        for ch in 0..<3 {
            var v = c[6][ch]
            for k in stride(from: 5, through: 0, by: -1) { v = v * t + c[k][ch] }
            out[ch] = min(max(v, 0), 1)
        }
        return (out[0], out[1], out[2])
    }

    /// `#rrggbb` for t in [0, 1].
    public static func hex(_ t: Double) -> String {
        let (r, g, b) = rgb(t)
        return String(format: "#%02x%02x%02x", Int((r * 255).rounded()), Int((g * 255).rounded()), Int((b * 255).rounded()))
    }
}
