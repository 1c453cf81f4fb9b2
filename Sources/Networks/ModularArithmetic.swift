import LinearAlgebra
import Tensors

/// The modular-arithmetic task: all p² pairs (a, b) in the order i = a·p + b, input
/// one_hot(a) ‖ one_hot(b) ∈ R^{2p}, target one_hot(a ∘ b mod p), split into train and test by
/// a seeded permutation of 0..<p² (the first ⌊fraction·p²⌋ indices train; 588/253 for p = 29).
///
/// With `encoding: .tokens` the input of pair (a, b) is instead the token sequence (a, b, p) as
/// a row of three token ids (Doubles), token p being "=" (vocabulary p + 1): the transformer
/// task of SCIENCE.md §4, whose paper split is fraction 0.5 (420 train, 421 test for p = 29).
/// Targets, labels, order and split are the same for both encodings.
///
/// The split's shuffle is entk's (`RandomGenerator(seed).permutation(p²)`) or, with
/// `shuffle: .python`, CPython's `random.seed(seed); random.shuffle(pairs)` on the pairs in
/// order a·p + b (`PythonRandom`): the paper author's split, bit for bit.
public struct ModularArithmetic: Sendable {
    /// Whose shuffle splits the pairs.
    public enum Shuffle: String, CaseIterable, Sendable {
        /// `RandomGenerator(seed: seed).permutation(p²)`.
        case entk
        /// CPython's `random.seed(seed); random.shuffle(pairs)`.
        case python
    }

    /// How a pair is presented to the model.
    public enum Encoding: String, CaseIterable, Sendable {
        /// one_hot(a) ‖ one_hot(b), 2p columns.
        case oneHot
        /// The token ids (a, b, p), 3 columns; p is the "=" token.
        case tokens
    }

    /// The binary operation.
    public enum Operation: String, CaseIterable, Sendable {
        case add, sub, mul
        func apply(_ a: Int, _ b: Int, _ p: Int) -> Int {
            switch self {
            case .add: return (a + b) % p
            case .sub: return ((a - b) % p + p) % p
            case .mul: return (a * b) % p
            }
        }
    }

    public let p: Int
    public let operation: Operation
    public let encoding: Encoding
    /// All p² inputs (p² × 2p one-hot, or p² × 3 token ids), row a·p + b.
    public let allInputs: Matrix
    /// All p² one-hot targets (p² × p).
    public let allTargets: Matrix
    /// Label a ∘ b mod p of each of the p² pairs.
    public let labels: [Int]
    /// Indices into the p² pairs, in permutation order.
    public let trainIndices: [Int]
    public let testIndices: [Int]

    /// Builds the task; throws for p < 2 or a fraction outside (0, 1].
    public init(p: Int, operation: Operation = .add, trainFraction: Double = 0.7, seed: UInt64 = 0,
                encoding: Encoding = .oneHot, shuffle: Shuffle = .entk) throws {
        let inputCols = encoding == .oneHot ? 2 * p : 3
        try AllocationBudget.reserve([p, p, inputCols + p], for: "modular(p: \(p)) inputs and one-hot targets")
        guard p >= 2 else { throw NetworkError.invalidArgument("modular data: p (\(p)) must be at least 2") }
        guard trainFraction > 0, trainFraction <= 1 else { throw NetworkError.invalidArgument("modular data: train fraction \(trainFraction) is not in (0, 1]") }
        self.p = p; self.operation = operation; self.encoding = encoding
        let n = p * p
        var x = Matrix(rows: n, cols: inputCols), y = Matrix(rows: n, cols: p)
        var labels = [Int](repeating: 0, count: n)
        for a in 0..<p {
            for b in 0..<p {
                let i = a * p + b
                switch encoding {
                case .oneHot: x[i, a] = 1; x[i, p + b] = 1
                case .tokens: x[i, 0] = Double(a); x[i, 1] = Double(b); x[i, 2] = Double(p)
                }
                labels[i] = operation.apply(a, b, p)
                y[i, labels[i]] = 1
            }
        }
        allInputs = x; allTargets = y; self.labels = labels
        var order: [Int]
        switch shuffle {
        case .entk:
            var g = RandomGenerator(seed: seed)
            order = g.permutation(n)
        case .python:
            var g = PythonRandom(seed: seed)
            order = Array(0..<n)
            g.shuffle(&order)
        }
        let trainCount = max(1, Int((trainFraction * Double(n)).rounded(.down)))
        trainIndices = Array(order[..<trainCount])
        testIndices = Array(order[trainCount...])
    }

    /// The (a, b) pair of data index i.
    public func pair(_ i: Int) -> (a: Int, b: Int) { (i / p, i % p) }

    /// The train split as a dataset, with the test split attached when it is non-empty.
    public var dataset: Dataset {
        let train = Self.rows(allInputs, trainIndices), trainY = Self.rows(allTargets, trainIndices)
        let hasTest = !testIndices.isEmpty
        // Shapes agree by construction, so this cannot throw.
        return try! Dataset(inputs: train, targets: trainY,
                            testInputs: hasTest ? Self.rows(allInputs, testIndices) : nil,
                            testTargets: hasTest ? Self.rows(allTargets, testIndices) : nil,
                            isClassification: true)
    }

    static func rows(_ m: Matrix, _ indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, cols: m.cols)
        for (r, i) in indices.enumerated() {
            for c in 0..<m.cols { out.storage[r * m.cols + c] = m.storage[i * m.cols + c] }
        }
        return out
    }
}
