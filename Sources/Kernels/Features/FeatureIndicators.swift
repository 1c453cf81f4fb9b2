import LinearAlgebra

/// TMS feature indicators and the feature × eigenvector heatmap (SCIENCE.md §2).
///
/// For feature a, z^a ∈ R^{N·C} (flat, channel-major) is zero except the block of output a,
/// which holds the inputs x_{n,a}; the heatmap is |⟨ẑ^a, e_i⟩| with ẑ^a = z^a/‖z^a‖ and e_i the
/// unit eigenvectors of the flat kernel (β enters through the kernel's importance rescaling).
public enum FeatureIndicators {
    /// The indicators as columns of an (N·C) × C matrix, each normalised (zero columns stay zero).
    /// `inputs` is N × C: TMS reconstructs its input, so features and outputs coincide.
    public static func indicators(inputs x: Matrix) -> Matrix {
        let n = x.rows, c = x.cols
        var z = Matrix(rows: n * c, cols: c)
        for a in 0..<c { for s in 0..<n { z[a * n + s, a] = x[s, a] } }
        return normalised(z)
    }

    /// heatmap[a, i] = |⟨ẑ^a, e_i⟩| for features a < C and eigenvectors i < k (C × k). With
    /// `columnNormalised`, each column is divided by its L2 norm over features. Cost O(N·C·k).
    public static func heatmap(_ spectrum: Spectrum, inputs x: Matrix, count k: Int,
                               columnNormalised: Bool = true) throws -> Matrix {
        let kernel = spectrum.kernel
        guard kernel.view == .flat else {
            throw KernelError.invalidArgument("feature heatmaps need a flat-view spectrum (this is \(kernel.view))")
        }
        guard x.rows == kernel.samples, x.cols == kernel.outputs else {
            throw KernelError.shapeMismatch("inputs are \(x.rows)×\(x.cols) but the kernel has \(kernel.samples) samples × \(kernel.outputs) outputs")
        }
        try spectrum.extend(to: k)
        let m = min(k, spectrum.count)
        let n = x.rows, c = x.cols
        var h = Matrix(rows: c, cols: m)
        for a in 0..<c {
            var norm = 0.0
            for s in 0..<n { norm += x[s, a] * x[s, a] }
            guard norm > 0 else { continue }
            let inv = 1 / norm.squareRoot()
            for i in 0..<m {
                var d = 0.0
                for s in 0..<n { d += x[s, a] * spectrum.vectors[a * n + s, i] }
                h[a, i] = abs(d) * inv
            }
        }
        return columnNormalised ? normalised(h) : h
    }

    /// For each column of a heatmap, the row (feature) with the largest entry (first on ties).
    public static func bestMatches(_ heatmap: Matrix) -> [Int] {
        (0..<heatmap.cols).map { i in
            var best = 0
            for a in 1..<max(1, heatmap.rows) where heatmap[a, i] > heatmap[best, i] { best = a }
            return best
        }
    }
}
