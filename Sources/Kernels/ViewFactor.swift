import LinearAlgebra
import Networks

/// Turns the model's sample-major Jacobian (row n·C + c) into rows of a *factor* of the view's
/// kernel: a matrix A with K_view = A Aᵀ (or L Rᵀ for an off-diagonal pair), one row per kernel
/// index. Every route but "structured" goes through it, so the view conventions live in one place:
/// - flat: row c·N + n of A is s_c · J[n·C + c]                 (width P)
/// - trace: row n of A is [s_0 J[n·C+0] | … | s_{C−1} J[n·C+C−1]] / √C   (width C·P; a free reshape)
/// - mean: row n of A is (1/C) Σ_c s_c J[n·C + c]               (width P)
/// - pair(c1, c2): L row n = s_c1 J[n·C+c1], R row n = s_c2 J[n·C+c2]   (width P)
/// The mean and pair rows come straight from a backward pass of the combined seeds
/// (`DifferentiableModel.jacobian(_:seeds:groups:)`), never through the C per-output rows.
/// with s_c = I_c^{β/2} the importance rescaling (1 without it).
struct ViewFactor {
    let model: any DifferentiableModel
    let inputs: Matrix
    let view: KernelView
    let groups: [String]?
    let scales: [Double]
    let samples: Int
    let outputs: Int
    let parameters: Int

    init(model: any DifferentiableModel, inputs: Matrix, options: KernelOptions) throws {
        guard inputs.cols == model.inputSize else {
            throw KernelError.shapeMismatch("inputs are \(inputs.rows)×\(inputs.cols) but the \(model.kind) model takes \(model.inputSize) inputs per sample")
        }
        guard inputs.rows > 0 else { throw KernelError.invalidArgument("inputs hold no samples") }
        let c = model.outputSize
        if case .pair(let a, let b) = options.view, !(0..<c).contains(a) || !(0..<c).contains(b) {
            throw KernelError.invalidArgument("pair view classes (\(a), \(b)) are outside 0..<\(c)")
        }
        self.model = model
        self.inputs = inputs
        self.view = options.view
        self.groups = options.groups
        self.samples = inputs.rows
        self.outputs = c
        self.parameters = try selectedParameterCount(model, options.groups)
        self.scales = try outputScales(importance: options.importance, beta: options.beta, outputs: c)
    }

    /// Columns of the factor.
    var width: Int { view == .trace ? outputs * parameters : parameters }
    /// Rows of the factor = side of the kernel matrix.
    var dimension: Int { view.dimension(samples: samples, outputs: outputs) }

    /// Samples per Jacobian block so that one block's Jacobian stays under `bytes`.
    func blockSamples(bytes: Int) -> Int {
        let perSample = max(1, MemoryBudget.matrixBytes(seedsPerSample, parameters))
        return max(1, min(samples, bytes / perSample))
    }

    /// Bytes of one block's Jacobian plus its factor rows.
    func blockBytes(samplesPerBlock b: Int) -> Int {
        2 * MemoryBudget.matrixBytes(b * seedsPerSample, parameters)
    }

    /// Kernel row indices held by the block of samples `range`, in the order `rows(of:)` returns them.
    func kernelRows(_ range: Range<Int>) -> [Int] {
        if view == .flat { return (0..<outputs).flatMap { c in range.map { c * samples + $0 } } }
        return Array(range)
    }

    /// Seeds per input: the views that combine outputs back-propagate the combination, so the
    /// mean view costs one backward pass per input (J̄ = ∇ of the mean output) and a pair two.
    var seedsPerSample: Int {
        switch view {
        case .flat, .trace: return outputs
        case .mean: return 1
        case .pair(let a, let b): return a == b ? 1 : 2
        }
    }

    /// The seeds (m×C) whose Jacobian rows are this view's factor rows: s_c/C for the mean,
    /// s_c1 e_c1 (and s_c2 e_c2) for a pair; nil (the unit seeds) for flat and trace.
    var seeds: Matrix? {
        switch view {
        case .flat, .trace: return nil
        case .mean: return Matrix(rows: 1, cols: outputs, storage: scales.map { $0 / Double(outputs) })
        case .pair(let a, let b):
            var s = Matrix(rows: a == b ? 1 : 2, cols: outputs)
            s[0, a] = scales[a]
            if a != b { s[1, b] = scales[b] }
            return s
        }
    }

    /// The factor rows (left, and right for an off-diagonal pair) of the samples in `range`.
    func rows(of range: Range<Int>) throws -> (left: Matrix, right: Matrix?) {
        try Interruption.poll("the kernel build (inputs \(range.lowerBound)..<\(range.upperBound) of \(samples))")
        let x = Matrix(rows: range.count, cols: inputs.cols,
                       storage: Array(inputs.storage[(range.lowerBound * inputs.cols)..<(range.upperBound * inputs.cols)]))
        let m = seedsPerSample
        let j = try model.jacobian(x, seeds: seeds, groups: groups)
        let b = range.count, c = outputs, p = parameters
        guard j.rows == b * m, j.cols == p else {
            throw KernelError.shapeMismatch("the model's Jacobian is \(j.rows)×\(j.cols), expected \(b * m)×\(p)")
        }
        switch view {
        case .flat:
            var a = Matrix(rows: b * c, cols: p)
            for ci in 0..<c {
                for n in 0..<b { copyRow(j, n * c + ci, into: &a, ci * b + n, scale: scales[ci]) }
            }
            return (a, nil)
        case .trace:
            var a = j
            let root = 1 / Double(c).squareRoot()
            for n in 0..<b { for ci in 0..<c { scaleRow(&a, n * c + ci, by: scales[ci] * root) } }
            return (Matrix(rows: b, cols: c * p, storage: a.storage), nil)
        case .mean:
            return (j, nil)
        case .pair(let c1, let c2):
            if c1 == c2 { return (j, nil) }
            var l = Matrix(rows: b, cols: p), r = Matrix(rows: b, cols: p)
            for n in 0..<b { copyRow(j, 2 * n, into: &l, n, scale: 1); copyRow(j, 2 * n + 1, into: &r, n, scale: 1) }
            return (l, r)
        }
    }

    /// The whole factor (and right factor for an off-diagonal pair), rows in kernel order,
    /// built block by block so the Jacobian in flight stays under `blockBytes`.
    func full(blockBytes: Int) throws -> (left: Matrix, right: Matrix?) {
        let b = blockSamples(bytes: blockBytes)
        // One block already comes out in kernel order: skip the second copy.
        if b >= samples { return try rows(of: 0..<samples) }
        let n = dimension, w = width
        var left = Matrix(rows: n, cols: w)
        var right: Matrix? = view.isSymmetric ? nil : Matrix(rows: n, cols: w)
        var start = 0
        while start < samples {
            let range = start..<min(samples, start + b)
            let (l, r) = try rows(of: range)
            let kr = kernelRows(range)
            for (i, row) in kr.enumerated() {
                copyRow(l, i, into: &left, row, scale: 1)
                if let r { copyRow(r, i, into: &right!, row, scale: 1) }
            }
            start = range.upperBound
        }
        return (left, right)
    }
}

/// P of the selected groups; throws naming the known groups when one is unknown.
func selectedParameterCount(_ model: any DifferentiableModel, _ groups: [String]?) throws -> Int {
    guard let groups else { return model.parameterCount }
    let known = model.parameterGroups.map(\.name)
    var total = 0
    for g in groups {
        guard let group = model.parameterGroups.first(where: { $0.name == g }) else {
            throw KernelError.invalidArgument("unknown parameter group \"\(g)\"; the \(model.kind) model has \(known.joined(separator: ", "))")
        }
        total += group.count
    }
    guard total > 0 else { throw KernelError.invalidArgument("no parameter groups selected") }
    return total
}

/// s_c = I_c^{β/2} for every output (all 1 when no importance is given).
func outputScales(importance: [Double]?, beta: Double, outputs: Int) throws -> [Double] {
    guard let importance else { return [Double](repeating: 1, count: outputs) }
    guard importance.count == outputs else {
        throw KernelError.shapeMismatch("importance has \(importance.count) entries but the model has \(outputs) outputs")
    }
    guard importance.allSatisfy({ $0 > 0 && $0.isFinite }) else {
        throw KernelError.invalidArgument("importance values must be positive and finite")
    }
    return importance.map { Foundation.pow($0, beta / 2) }
}

func copyRow(_ src: Matrix, _ i: Int, into dst: inout Matrix, _ k: Int, scale: Double) {
    let w = src.cols
    src.storage.withUnsafeBufferPointer { s in
        dst.storage.withUnsafeMutableBufferPointer { d in
            let from = s.baseAddress! + i * w, to = d.baseAddress! + k * w
            if scale == 1 { to.update(from: from, count: w) } else { for t in 0..<w { to[t] = scale * from[t] } }
        }
    }
}

func scaleRow(_ m: inout Matrix, _ i: Int, by s: Double) {
    if s == 1 { return }
    let w = m.cols
    m.storage.withUnsafeMutableBufferPointer { p in for t in 0..<w { p[i * w + t] *= s } }
}

import Foundation
