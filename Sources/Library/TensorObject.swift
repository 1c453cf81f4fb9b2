import Language
import Tensors

/// A tensor living in the language. Like a numpy array it is a reference: `b = a` shares it,
/// and `b[0] = 1` is seen through `a`.
public final class TensorObject: HostObject {
    public private(set) var tensor: Tensor

    public init(_ tensor: Tensor) { self.tensor = tensor }

    public var typeName: String { "tensor" }
    /// `tensor 500×50`.
    public var summary: String { tensor.summary }
    /// The numpy-like printout (summarised when large).
    public var displayText: String { tensor.formatted() }
    public var count: Int? { tensor.shape.first }

    public func elements() throws -> [Value]? {
        guard let n = tensor.shape.first else { return nil }
        return try (0..<n).map { Value.wrap(try tensor.slice(.at($0))) }
    }

    public func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value? {
        let operation: BinaryOperation
        switch op {
        case .add: operation = .add
        case .subtract: operation = .subtract
        case .multiply: operation = .multiply
        case .divide: operation = .divide
        case .power: operation = .power
        case .equal: operation = .equal
        case .notEqual: operation = .notEqual
        case .less: operation = .less
        case .lessEqual: operation = .lessEqual
        case .greater: operation = .greater
        case .greaterEqual: operation = .greaterEqual
        case .matrixMultiply:
            let rhs = try other.asTensor(argument: "right operand of @")
            return .wrap(selfOnLeft ? try tensor.matmul(rhs) : try rhs.matmul(tensor))
        default: return nil
        }
        let rhs = try other.asTensor(argument: "operand of \(op.rawValue)")
        let (a, b) = selfOnLeft ? (tensor, rhs) : (rhs, tensor)
        if b.rank == 0 { return .wrap(a.combined(with: b.storage[0], operation)) }
        return .wrap(try a.combined(with: b, operation))
    }

    public func unary(_ op: UnaryOperator) throws -> Value? {
        switch op {
        case .negate: return .wrap(tensor.map { -$0 })
        case .plus: return .host(self)
        case .not: return nil
        }
    }

    public func subscriptValue(_ components: [IndexComponent]) throws -> Value {
        .wrap(try tensor.slice(try TensorObject.indices(components)))
    }

    public func setSubscript(_ components: [IndexComponent], to value: Value) throws {
        try tensor.assign(value.asTensor(argument: "assigned value"), at: TensorObject.indices(components))
    }

    /// Language subscript components as tensor indices: integers select, slices keep the axis.
    static func indices(_ components: [IndexComponent]) throws -> [TensorIndex] {
        try components.map { component in
            switch component {
            case .slice(let bounds): return .range(start: bounds.start, stop: bounds.stop, step: bounds.step)
            case .single(let value):
                guard let i = value.integer else {
                    throw LanguageError("a tensor index must be an integer or a slice, got \(value.summary)")
                }
                return .at(i)
            }
        }
    }
}
