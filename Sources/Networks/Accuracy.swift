import LinearAlgebra

extension DifferentiableModel {
    /// Fraction of rows whose largest output sits where the target's largest entry does
    /// (classification accuracy by argmax), on the given inputs and one-hot targets.
    public func accuracy(inputs: Matrix, targets: Matrix) throws -> Double {
        let outputs = try predict(inputs)
        guard targets.rows == outputs.rows, targets.cols == outputs.cols else {
            throw NetworkError.shapeMismatch(argument: "targets", expected: [outputs.rows, outputs.cols], got: [targets.rows, targets.cols])
        }
        return outputs.storage.withUnsafeBufferPointer { o in
            targets.storage.withUnsafeBufferPointer { t in
                argmaxAccuracy(o.baseAddress!, t.baseAddress!, rows: outputs.rows, cols: outputs.cols)
            }
        }
    }
}
