import LinearAlgebra

/// Everything that can go wrong in a tensor operation or while reading a tensor file.
///
/// Messages are lower case and name what was wrong: the operation, both shapes, the axis,
/// the index and the size, or the file and the byte offset.
public enum TensorError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Two shapes that numpy's broadcasting rules cannot join, in `operation`.
    case broadcast(operation: String, lhs: [Int], rhs: [Int])
    /// Operand shapes that do not fit together (matmul inner sizes, concatenation, …).
    case shapeMismatch(operation: String, detail: String)
    /// A shape that cannot exist: a negative dimension or an element count past `Int.max`.
    case invalidShape(operation: String, shape: [Int], reason: String)
    /// A reshape whose element counts differ (or with an impossible `-1`).
    case cannotReshape(from: [Int], to: [Int])
    /// An axis outside `-rank..<rank`.
    case invalidAxis(operation: String, axis: Int, rank: Int)
    /// An index outside `-size..<size` along `axis`.
    case indexOutOfRange(axis: Int, index: Int, size: Int)
    /// More indices than the tensor has axes.
    case tooManyIndices(count: Int, rank: Int)
    /// A nested list literal that is not rectangular; `path` leads to the offending element.
    case raggedLiteral(path: [Int], detail: String)
    /// Any other bad argument (a zero step, an empty reduction, …).
    case invalidArgument(operation: String, detail: String)
    /// New storage refused by the memory budget (its size, or that it overflows).
    case overBudget(AllocationRefused)
    /// A tensor file that is truncated, malformed or inconsistent; `detail` says where.
    case corruptFile(format: String, detail: String)
    /// A tensor file whose element type this reader does not handle.
    case unsupportedDType(format: String, dtype: String)
    /// The operating system refused to read or write `path`.
    case fileAccess(path: String, detail: String)

    /// The lower-case message shown to the user.
    public var description: String {
        switch self {
        case let .broadcast(op, a, b):
            return "\(op): cannot broadcast shapes \(Tensor.describe(shape: a)) and \(Tensor.describe(shape: b))"
        case let .shapeMismatch(op, detail):
            return "\(op): \(detail)"
        case let .invalidShape(op, shape, reason):
            return "\(op): invalid shape \(Tensor.describe(shape: shape)): \(reason)"
        case let .cannotReshape(from, to):
            return "reshape: cannot reshape \(Tensor.describe(shape: from)) (\(Tensor.elementCount(from)) elements) into \(Tensor.describe(shape: to))"
        case let .invalidAxis(op, axis, rank):
            return "\(op): axis \(axis) is out of range for a tensor of rank \(rank)"
        case let .indexOutOfRange(axis, index, size):
            return "index \(index) is out of range for axis \(axis) with size \(size)"
        case let .tooManyIndices(count, rank):
            return "too many indices: \(count) given for a tensor of rank \(rank)"
        case let .raggedLiteral(path, detail):
            let at = path.isEmpty ? "at the top level" : "at [" + path.map(String.init).joined(separator: "][") + "]"
            return "ragged nested list \(at): \(detail)"
        case let .invalidArgument(op, detail):
            return "\(op): \(detail)"
        case let .overBudget(refusal):
            return refusal.description
        case let .corruptFile(format, detail):
            return "corrupt \(format) file: \(detail)"
        case let .unsupportedDType(format, dtype):
            return "\(format): unsupported dtype '\(dtype)'"
        case let .fileAccess(path, detail):
            return "cannot access '\(path)': \(detail)"
        }
    }
}

extension Tensor {
    /// A shape written the numpy way: `(3, 4)`, `(5,)`, `()`.
    public static func describe(shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// Checks the shape of a tensor about to be allocated: no negative dimension, and its storage
    /// within the process's `AllocationBudget` (which also refuses a count that overflows).
    /// Every allocation of new tensor storage whose size a caller chose passes here.
    static func validated(_ shape: [Int], _ operation: String) throws -> Int {
        if let d = shape.first(where: { $0 < 0 }) {
            throw TensorError.invalidShape(operation: operation, shape: shape, reason: "dimension \(d) is negative")
        }
        do {
            try AllocationBudget.reserve(shape, for: "a tensor of shape \(describe(shape: shape))")
        } catch {
            throw TensorError.overBudget(error)
        }
        return elementCount(shape)
    }

    /// `axis` mapped into `0..<rank` (negative counts from the end), or a typed error.
    static func normalized(axis: Int, rank: Int, _ operation: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < rank else { throw TensorError.invalidAxis(operation: operation, axis: axis, rank: rank) }
        return a
    }
}
