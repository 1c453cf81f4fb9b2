import Foundation
import LinearAlgebra
internal import CKernels

/// Training losses over an N×C output matrix o and targets t.
///
/// - mse: L = (1/(N·C)) Σ_{n,c} (o − t)²  (`F.mse_loss`, mean over every entry); ∂L/∂o = 2(o − t)/(N·C).
/// - weightedMSE(I): L = (1/(N·C)) Σ_{n,c} I_c (o − t)²  (the TMS loss); ∂L/∂o = 2 I_c (o − t)/(N·C).
/// - crossEntropy: L = (1/N) Σ_n Σ_c t_nc (logsumexp(o_n) − o_nc)  (`F.cross_entropy` with
///   probability targets, mean over samples); ∂L/∂o = (softmax(o_n)·Σ_c t_nc − t_n)/N.
/// - leadingCrossEntropy(classes: k): the cross-entropy over the first k logits only, with
///   N×k targets: L = (1/N) Σ_n Σ_{c<k} t_nc (logsumexp(o_n,0..<k) − o_nc); ∂L/∂o_nc for c < k as
///   above with the softmax over those k logits, and 0 for c ≥ k (those logits are never trained;
///   the paper's transformer has p + 1 outputs and trains the first p). Accuracy compares argmax
///   over the same k logits.
public enum Loss: Equatable, Sendable {
    case mse
    case weightedMSE(importance: [Double])
    case crossEntropy
    case leadingCrossEntropy(classes: Int)

    /// "mse", "weighted_mse" or "cross_entropy".
    public var name: String {
        switch self {
        case .mse: return "mse"
        case .weightedMSE: return "weighted_mse"
        case .crossEntropy, .leadingCrossEntropy: return "cross_entropy"
        }
    }

    /// Columns the targets must have for a model with `outputs` outputs: k for
    /// `leadingCrossEntropy(classes: k)`, `outputs` otherwise.
    public func targetColumns(outputs: Int) -> Int {
        if case .leadingCrossEntropy(let k) = self { return k }
        return outputs
    }

    /// Throws unless targets of `targetCols` columns fit this loss on `outputs` outputs.
    func checkColumns(outputs: Int, targetRows: Int, targetCols: Int) throws {
        if case .leadingCrossEntropy(let k) = self, k < 1 || k > outputs {
            throw NetworkError.invalidArgument("cross_entropy: classes (\(k)) must be between 1 and the model's \(outputs) outputs")
        }
        let expected = targetColumns(outputs: outputs)
        guard targetCols == expected else {
            throw NetworkError.shapeMismatch(argument: "targets", expected: [targetRows, expected], got: [targetRows, targetCols])
        }
        if case .weightedMSE(let imp) = self, imp.count != outputs {
            throw NetworkError.shapeMismatch(argument: "importance", expected: [outputs], got: [imp.count])
        }
    }

    /// The loss of `outputs` against `targets` (same shape; N×k for `leadingCrossEntropy`).
    public func value(_ outputs: Matrix, _ targets: Matrix) throws -> Double {
        try check(outputs: outputs, targets: targets)
        guard outputs.rows > 0 else { return 0 }
        return outputs.storage.withUnsafeBufferPointer { o in
            targets.storage.withUnsafeBufferPointer { t in
                evaluate(outputs: o.baseAddress!, targets: t.baseAddress!, rows: outputs.rows, cols: outputs.cols, gradient: nil)
            }
        }
    }

    /// ∂L/∂outputs (same shape as outputs).
    public func gradient(_ outputs: Matrix, _ targets: Matrix) throws -> Matrix {
        try check(outputs: outputs, targets: targets)
        var g = Matrix(rows: outputs.rows, cols: outputs.cols)
        guard outputs.rows > 0 else { return g }
        outputs.storage.withUnsafeBufferPointer { o in
            targets.storage.withUnsafeBufferPointer { t in
                g.storage.withUnsafeMutableBufferPointer { gp in
                    _ = evaluate(outputs: o.baseAddress!, targets: t.baseAddress!, rows: outputs.rows, cols: outputs.cols, gradient: gp.baseAddress!)
                }
            }
        }
        return g
    }

    func check(outputs: Matrix, targets: Matrix) throws {
        guard outputs.rows == targets.rows else {
            throw NetworkError.shapeMismatch(argument: "targets", expected: [outputs.rows, targetColumns(outputs: outputs.cols)],
                                             got: [targets.rows, targets.cols])
        }
        try checkColumns(outputs: outputs.cols, targetRows: targets.rows, targetCols: targets.cols)
    }

    /// The loss, and ∂L/∂o into `gradient` when given (rows×cols, like the outputs; targets are
    /// rows × `targetColumns(outputs: cols)`). Allocation-free; the caller checked shapes.
    /// The mean is over `meanRows` rows (default `rows`): a shard of a batch passes the batch's
    /// count N, so its loss and gradient are its rows' share of the batch's.
    func evaluate(outputs o: UnsafePointer<Double>, targets t: UnsafePointer<Double>, rows: Int, cols: Int,
                  gradient: UnsafeMutablePointer<Double>?, meanRows: Int? = nil) -> Double {
        var total = 0.0
        let n = meanRows ?? rows
        switch self {
        case .mse, .weightedMSE:
            let scale = 1 / Double(n * cols), s = 2 * scale
            var weights: [Double] = []
            if case .weightedMSE(let imp) = self { weights = imp }
            weights.withUnsafeBufferPointer { wp in
                // s·w_c once per call, not per entry (the same product the entry would form).
                // Each row's Σ_c w_c (o_c − t_c)² is taken in eight partial sums and its gradient
                // g_c = (s·w_c)(o_c − t_c) entry by entry (`entk_squared_errors`, at the CPU's
                // width): the gradient is the scalar formula's bit for bit; the reported loss may
                // differ from a left-to-right sum in its last bits, and no step depends on it.
                withUnsafeTemporaryAllocation(of: Double.self, capacity: wp.count) { sw in
                    for c in 0..<wp.count { sw[c] = s * wp[c] }
                    let w = wp.isEmpty ? nil : wp.baseAddress, scaled = wp.isEmpty ? nil : UnsafePointer(sw.baseAddress)
                    total = entk_squared_errors(o, t, rows, cols, w, scaled, s, gradient)
                }
            }
            return total * scale
        case .crossEntropy, .leadingCrossEntropy:
            // k = cols for the plain loss; logits k..<cols take no part and get a zero gradient.
            let k = targetColumns(outputs: cols)
            let scale = 1 / Double(n)
            for r in 0..<rows {
                let row = o + r * cols, target = t + r * k
                var top = -Double.infinity
                for c in 0..<k { top = max(top, row[c]) }
                var sum = 0.0
                for c in 0..<k { sum += exp(row[c] - top) }
                let lse = top + log(sum)
                var mass = 0.0
                for c in 0..<k { mass += target[c]; total += target[c] * (lse - row[c]) }
                if let g = gradient {
                    for c in 0..<k { g[r * cols + c] = (exp(row[c] - lse) * mass - target[c]) * scale }
                    for c in k..<cols { g[r * cols + c] = 0 }
                }
            }
            return total * scale
        }
    }
}
