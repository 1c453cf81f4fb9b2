import Foundation
import Tensors

/// A matrix (rows × columns) drawn as shaded cells with a colour scale: feature × eigenvector
/// alignments, correlation matrices. The scale runs from the smallest to the largest finite entry.
public struct Heatmap: Equatable, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public let rows: Int
    public let columns: Int
    /// The index shown for the first row (0 by default; 1 for frequencies k = 1, 2, …).
    public var rowOrigin = 0
    /// The index shown for the first column.
    public var columnOrigin = 0
    /// Row-major entries.
    public let values: [Double]

    /// A heatmap of a rows × columns grid of row-major `values`.
    public init(rows: Int, columns: Int, values: [Double], title: String = "", xLabel: String = "column", yLabel: String = "row") throws {
        guard rows > 0, columns > 0, values.count == rows * columns else {
            throw PlotError("a heatmap needs a non-empty rows×columns grid, got \(rows)×\(columns) with \(values.count) values")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// A heatmap of a 2-d tensor.
    public init(_ tensor: Tensor, title: String = "", xLabel: String = "column", yLabel: String = "row") throws {
        guard tensor.shape.count == 2 else {
            throw PlotError("a heatmap needs a 2-d tensor, got shape \(Tensor.describe(shape: tensor.shape))")
        }
        try self.init(rows: tensor.shape[0], columns: tensor.shape[1], values: tensor.storage, title: title, xLabel: xLabel, yLabel: yLabel)
    }

    /// Smallest and largest finite entries (0…1 when there are none; widened when equal).
    public var range: (lo: Double, hi: Double) {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return (0, 1) }
        return hi > lo ? (lo, hi) : (lo - 0.5, hi + 0.5)
    }

    /// Entry (r, c).
    public subscript(r: Int, c: Int) -> Double { values[r * columns + c] }

    /// The grid averaged over blocks of `rowBin` × `colBin` entries (the last block of a row or
    /// column may be smaller); non-finite entries are skipped, an all-non-finite block is NaN.
    public func downsampled(rowBin: Int, colBin: Int) -> (rows: Int, columns: Int, values: [Double]) {
        let rb = max(rowBin, 1), cb = max(colBin, 1)
        let nr = (rows + rb - 1) / rb, nc = (columns + cb - 1) / cb
        var out = [Double](repeating: .nan, count: nr * nc)
        for i in 0..<nr {
            for j in 0..<nc {
                var sum = 0.0, count = 0
                for r in (i * rb)..<min((i + 1) * rb, rows) {
                    for c in (j * cb)..<min((j + 1) * cb, columns) where self[r, c].isFinite {
                        sum += self[r, c]; count += 1
                    }
                }
                if count > 0 { out[i * nc + j] = sum / Double(count) }
            }
        }
        return (nr, nc, out)
    }

    /// Position of `v` on the scale `range` (computed once by the caller: it scans every entry).
    func level(_ v: Double, in range: (lo: Double, hi: Double)) -> Double {
        (v - range.lo) / (range.hi - range.lo)
    }
}
