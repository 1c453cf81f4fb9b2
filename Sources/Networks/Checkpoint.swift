/// A snapshot of a model's parameters and step, and of an optimiser's state, taken at one step.
/// Restoring it puts both back exactly, so training resumes bit-identically.
public struct Checkpoint: Equatable, Sendable {
    public let step: Int
    public let parameters: [Double]
    public let optimizerState: Optimizer.State?
}

extension DifferentiableModel {
    /// The current parameters and step, plus `optimizer`'s state when given. O(P) copy.
    public func checkpoint(optimizer: Optimizer? = nil) -> Checkpoint {
        Checkpoint(step: step, parameters: parameters, optimizerState: optimizer?.state)
    }

    /// Puts back a checkpoint: parameters, step, history truncated to steps ≤ the checkpoint's,
    /// and the optimiser's state (bound to this model) when both are given.
    public func restore(_ checkpoint: Checkpoint, optimizer: Optimizer? = nil) throws {
        guard checkpoint.parameters.count == parameterCount else {
            throw NetworkError.shapeMismatch(argument: "checkpoint parameters", expected: [parameterCount], got: [checkpoint.parameters.count])
        }
        parameters = checkpoint.parameters
        step = checkpoint.step
        while let last = history.last, last.step > step { history.removeLast() }
        if let optimizer, let state = checkpoint.optimizerState {
            optimizer.state = state
            optimizer.owner = ObjectIdentifier(self)
        }
    }
}
