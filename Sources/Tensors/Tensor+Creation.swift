/// A nested list of numbers, the shape-free form a tensor literal takes before it is checked
/// to be rectangular: `[[1, 2], [3, 4]]` is `.list([.list([1, 2]), .list([3, 4])])`.
public indirect enum TensorLiteral: Equatable, Sendable, ExpressibleByFloatLiteral,
                                    ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    case number(Double)
    case list([TensorLiteral])

    /// A number literal.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// An integer literal, as a number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// A list literal.
    public init(arrayLiteral elements: TensorLiteral...) { self = .list(elements) }
}

extension Tensor {
    /// Zeros of `shape`. Throws for a negative dimension or an overflowing element count.
    public static func zeros(_ shape: [Int]) throws -> Tensor { try full(shape, 0) }

    /// Ones of `shape`.
    public static func ones(_ shape: [Int]) throws -> Tensor { try full(shape, 1) }

    /// `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Double) throws -> Tensor {
        _ = try validated(shape, "full")
        return Tensor(shape: shape, repeating: value)
    }

    /// The `rows × cols` matrix with ones on the diagonal (cols defaults to rows).
    public static func eye(_ rows: Int, _ cols: Int? = nil) throws -> Tensor {
        let c = cols ?? rows
        var t = try zeros([rows, c])
        for i in 0..<Swift.min(rows, c) { t.storage[i * c + i] = 1 }
        return t
    }

    /// start, start + step, … while below `stop` (above it for a negative step), like numpy:
    /// ⌈(stop − start) / step⌉ elements, element i = start + i·step.
    public static func arange(_ start: Double, _ stop: Double, _ step: Double = 1) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, stop.isFinite else {
            throw TensorError.invalidArgument(operation: "arange", detail: "start, stop and step must be finite and step non-zero (got \(NumberFormat.format(start)), \(NumberFormat.format(stop)), \(NumberFormat.format(step)))")
        }
        let exact = ((stop - start) / step).rounded(.up)
        guard exact.isFinite, exact < Double(Int32.max) * 64 else {
            throw TensorError.invalidArgument(operation: "arange", detail: "\(exact) elements is too many")
        }
        let n = Swift.max(0, Int(exact))
        _ = try validated([n], "arange")
        return Tensor((0..<n).map { start + Double($0) * step })
    }

    /// `count` evenly spaced values from `start` to `stop` inclusive (numpy's endpoint=True):
    /// element i = start + i·(stop − start)/(count − 1), with the last one exactly `stop`.
    public static func linspace(_ start: Double, _ stop: Double, count: Int) throws -> Tensor {
        guard count >= 0 else {
            throw TensorError.invalidArgument(operation: "linspace", detail: "count \(count) is negative")
        }
        _ = try validated([count], "linspace")
        if count == 1 { return Tensor([start]) }
        let delta = (stop - start) / Double(count - 1)
        var values = (0..<count).map { start + Double($0) * delta }
        if count > 1 { values[count - 1] = stop }
        return Tensor(values)
    }

    /// Uniform samples on [0, 1) drawn in row-major order from `generator`.
    public static func rand(_ shape: [Int], using generator: inout RandomGenerator) throws -> Tensor {
        let n = try validated(shape, "rand")
        var values = [Double](repeating: 0, count: n)
        for i in 0..<n { values[i] = generator.nextUniform() }
        return Tensor(shape: shape, storage: values)
    }

    /// Standard normal samples N(0, 1) drawn in row-major order from `generator`.
    public static func randn(_ shape: [Int], using generator: inout RandomGenerator) throws -> Tensor {
        let n = try validated(shape, "randn")
        var values = [Double](repeating: 0, count: n)
        for i in 0..<n { values[i] = generator.nextNormal() }
        return Tensor(shape: shape, storage: values)
    }

    /// A tensor from a rectangular nested list. The shape is read from the first element at
    /// each depth; any disagreement throws `.raggedLiteral` with the path to the culprit.
    /// A bare number gives a 0-d tensor; `[]` gives shape `(0,)`.
    public init(literal: TensorLiteral) throws {
        var shape: [Int] = []
        var probe = literal
        while case .list(let items) = probe {
            shape.append(items.count)
            guard let first = items.first else { break }
            probe = first
        }
        var values: [Double] = []
        values.reserveCapacity(Tensor.elementCount(shape))
        func collect(_ node: TensorLiteral, depth: Int, path: [Int]) throws {
            switch node {
            case .number(let x):
                guard depth == shape.count else {
                    throw TensorError.raggedLiteral(path: path, detail: "expected a list of \(shape[depth]) elements, found a number")
                }
                values.append(x)
            case .list(let items):
                guard depth < shape.count else {
                    throw TensorError.raggedLiteral(path: path, detail: "expected a number, found a list")
                }
                guard items.count == shape[depth] else {
                    throw TensorError.raggedLiteral(path: path, detail: "expected \(shape[depth]) elements, found \(items.count)")
                }
                for (i, item) in items.enumerated() { try collect(item, depth: depth + 1, path: path + [i]) }
            }
        }
        try collect(literal, depth: 0, path: [])
        self.init(shape: shape, storage: values)
    }

    /// A tensor over `storage` with `shape`, checked: throws instead of trapping when the shape
    /// is invalid or does not match the number of values.
    public init(validating shape: [Int], storage: [Double]) throws {
        let n = try Tensor.validated(shape, "tensor")
        guard n == storage.count else {
            throw TensorError.shapeMismatch(operation: "tensor", detail: "shape \(Tensor.describe(shape: shape)) needs \(n) elements, got \(storage.count)")
        }
        self.init(shape: shape, storage: storage)
    }
}

extension Tensor {
    /// Rows of the C×C identity picked by integer class labels: row n has a 1 in column
    /// `labels[n]`. `classes` defaults to the largest label + 1; every label must be an integer
    /// in 0..<classes.
    public static func oneHot(_ labels: Tensor, classes: Int? = nil) throws -> Tensor {
        guard labels.rank == 1 else {
            throw TensorError.invalidArgument(operation: "one_hot", detail: "labels must be a vector, got shape \(describe(shape: labels.shape))")
        }
        if let bad = labels.storage.firstIndex(where: { $0 < 0 || $0.rounded() != $0 || !$0.isFinite }) {
            throw TensorError.invalidArgument(operation: "one_hot", detail: "label \(labels.storage[bad]) at index \(bad) is not a class index (an integer ≥ 0)")
        }
        let largest = Int(labels.storage.max() ?? -1)
        let c = classes ?? (largest + 1)
        guard largest < c else {
            throw TensorError.invalidArgument(operation: "one_hot", detail: "label \(largest) is not below classes: \(c)")
        }
        var t = try zeros([labels.count, c])
        for (n, label) in labels.storage.enumerated() { t.storage[n * c + Int(label)] = 1 }
        return t
    }
}

