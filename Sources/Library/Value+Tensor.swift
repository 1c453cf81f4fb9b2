import Language
import Tensors

extension Value {
    /// A tensor result as a language value: 0-d tensors become plain numbers.
    static func wrap(_ tensor: Tensor) -> Value {
        tensor.rank == 0 ? .number(tensor.storage[0]) : .host(TensorObject(tensor))
    }

    /// The value as a tensor: tensors as they are, numbers as 0-d tensors, nested lists of
    /// numbers as their literal. `argument` names the parameter in errors.
    func asTensor(argument: String) throws -> Tensor {
        switch self {
        case .number(let x): return Tensor(scalar: x)
        case .host(let object as TensorObject): return object.tensor
        case .list, .range:
            do { return try Tensor(literal: try literal()) } catch let error as TensorError {
                throw LanguageError("argument `\(argument)`: \(error)", argument: argument)
            }
        default:
            throw LanguageError("argument `\(argument)` expects a tensor, number or list, got \(typeName)", argument: argument)
        }
    }

    private func literal() throws -> TensorLiteral {
        switch self {
        case .number(let x): return .number(x)
        case .bool(let flag): return .number(flag ? 1 : 0)
        case .list(let elements): return .list(try elements.map { try $0.literal() })
        case .range(let range): return .list((0..<range.count).map { .number(Double(range.element(at: $0))) })
        case .host(let object as TensorObject):
            let t = object.tensor
            if t.rank == 0 { return .number(t.storage[0]) }
            return .list(try (0..<t.shape[0]).map { Value.wrap(try t.slice(.at($0))) }.map { try $0.literal() })
        default: throw LanguageError("a tensor literal holds numbers only, not \(typeName)")
        }
    }
}

extension Arguments {
    /// The argument `name` as a tensor (numbers and lists convert).
    func tensor(_ name: String) throws -> Tensor { try self[name].asTensor(argument: name) }

    /// An optional integer argument (`none` gives nil).
    func optionalInteger(_ name: String) throws -> Int? { has(name) ? try integer(name) : nil }

    /// A shape from variadic integers (`zeros(3, 4)`) or one list (`zeros([3, 4])`).
    func shape(fromRest what: String) throws -> [Int] {
        var values = rest
        if values.count == 1, case .list(let elements) = values[0] { values = elements }
        return try values.map { value in
            guard let n = value.integer, n >= 0 else {
                throw LanguageError("\(what): a shape holds non-negative integers, got \(value.summary)")
            }
            return n
        }
    }
}

extension Value {
    /// The host object of Swift type `T` inside this value (property getters use it on their
    /// receiver); the error names the expected type.
    func object<T: HostObject>(_ type: T.Type, named name: String) throws -> T {
        guard case .host(let object as T) = self else { throw LanguageError("expected a \(name), got \(typeName)") }
        return object
    }
}
