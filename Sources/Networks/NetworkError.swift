/// Everything the Networks module refuses, as a typed value with a lower-case message that names
/// the argument or tensor at fault and, for shapes, both shapes.
public enum NetworkError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An argument has the wrong shape: `argument`, the shape expected and the shape given.
    case shapeMismatch(argument: String, expected: [Int], got: [Int])
    /// An argument is outside its allowed range (message says which and why).
    case invalidArgument(String)
    /// A parameter group name that the model does not have.
    case unknownGroup(String, available: [String])
    /// A weight dictionary lacks a tensor the model needs.
    case missingTensor(String)
    /// A weight dictionary holds a tensor the model does not know.
    case unexpectedTensor(String, expected: [String])
    /// Training produced a NaN or infinite loss at `step`; the model was restored to `restoredStep`.
    case nonFiniteLoss(step: Int, value: Double, restoredStep: Int)
    /// The loss grew past `Trainer.divergenceFactor` × the loss the call started from.
    case diverged(step: Int, value: Double, start: Double, restoredStep: Int)

    public var description: String {
        switch self {
        case .shapeMismatch(let a, let e, let g):
            return "\(a) has shape \(Self.format(g)), expected \(Self.format(e))"
        case .invalidArgument(let s): return s
        case .unknownGroup(let n, let av):
            return "unknown parameter group '\(n)' (the model has \(av.map { "'\($0)'" }.joined(separator: ", ")))"
        case .missingTensor(let n): return "missing tensor '\(n)'"
        case .unexpectedTensor(let n, let e):
            return "unexpected tensor '\(n)' (expected \(e.map { "'\($0)'" }.joined(separator: ", ")))"
        case .nonFiniteLoss(let s, let v, let r):
            let text = v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf")
            return "loss became \(text) at step \(s); the model was restored to step \(r)"
        case .diverged(let s, let v, let start, let r):
            return String(format: "training diverged: loss %.3g at step \(s), over %g × the %.3g it started from; "
                          + "the model was restored to step \(r) (try a smaller learning rate)", v, divergenceFactor, start)
        }
    }

    static func format(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
