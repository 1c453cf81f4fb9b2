import LinearAlgebra
import Tensors

/// Inputs and targets for training, with an optional held-out test split.
///
/// Rows are examples. `isClassification` turns on accuracy (argmax of output against argmax of
/// target) in the training history; TMS data is a reconstruction task and has none.
public struct Dataset: Sendable {
    public let inputs: Matrix
    public let targets: Matrix
    public let testInputs: Matrix?
    public let testTargets: Matrix?
    public let isClassification: Bool

    /// Checks that inputs and targets have the same number of rows and that the test split (if
    /// any) has the same widths as the training split.
    public init(inputs: Matrix, targets: Matrix, testInputs: Matrix? = nil, testTargets: Matrix? = nil,
                isClassification: Bool) throws {
        guard inputs.rows == targets.rows else {
            throw NetworkError.shapeMismatch(argument: "targets", expected: [inputs.rows, targets.cols], got: [targets.rows, targets.cols])
        }
        guard inputs.rows > 0 else { throw NetworkError.invalidArgument("dataset: inputs has no rows") }
        guard (testInputs == nil) == (testTargets == nil) else {
            throw NetworkError.invalidArgument("dataset: test inputs and test targets must be given together")
        }
        if let ti = testInputs, let tt = testTargets {
            guard ti.cols == inputs.cols else {
                throw NetworkError.shapeMismatch(argument: "test inputs", expected: [ti.rows, inputs.cols], got: [ti.rows, ti.cols])
            }
            guard tt.rows == ti.rows, tt.cols == targets.cols else {
                throw NetworkError.shapeMismatch(argument: "test targets", expected: [ti.rows, targets.cols], got: [tt.rows, tt.cols])
            }
        }
        self.inputs = inputs; self.targets = targets
        self.testInputs = testInputs; self.testTargets = testTargets
        self.isClassification = isClassification
    }

    /// User data from rank-2 tensors (N×d inputs, N×C targets, optional test split).
    public init(inputs: Tensor, targets: Tensor, testInputs: Tensor? = nil, testTargets: Tensor? = nil,
                isClassification: Bool) throws {
        func matrix(_ t: Tensor, _ name: String) throws -> Matrix {
            guard let m = t.matrix else { throw NetworkError.invalidArgument("dataset: \(name) must be a 2-d tensor, got shape \(NetworkError.format(t.shape))") }
            return m
        }
        try self.init(inputs: matrix(inputs, "inputs"), targets: matrix(targets, "targets"),
                      testInputs: try testInputs.map { try matrix($0, "test inputs") },
                      testTargets: try testTargets.map { try matrix($0, "test targets") },
                      isClassification: isClassification)
    }

    /// Number of training examples.
    public var count: Int { inputs.rows }
    public var hasTestSplit: Bool { testInputs != nil }

    /// The paper's TMS data: `samples` rows of `features` entries, each entry nonzero with
    /// probability 1 − S and then uniform on [0, 1); each row divided by (‖x‖₂ + 1e-8).
    /// Per entry the generator gives the value, then the presence draw (u < 1 − S).
    public static func tms(samples: Int, features: Int, sparsity: Double, generator: inout RandomGenerator) throws -> Dataset {
        guard samples > 0, features > 0 else { throw NetworkError.invalidArgument("tms data: samples (\(samples)) and features (\(features)) must be positive") }
        guard sparsity >= 0, sparsity <= 1 else { throw NetworkError.invalidArgument("tms data: sparsity \(sparsity) is not in [0, 1]") }
        var x = Matrix(rows: samples, cols: features)
        for r in 0..<samples {
            var norm = 0.0
            for c in 0..<features {
                let value = generator.nextUniform()
                let present = generator.nextUniform() < 1 - sparsity
                let v = present ? value : 0
                x.storage[r * features + c] = v
                norm += v * v
            }
            let denominator = norm.squareRoot() + 1e-8
            for c in 0..<features { x.storage[r * features + c] /= denominator }
        }
        return try Dataset(inputs: x, targets: x, isClassification: false)
    }
}
