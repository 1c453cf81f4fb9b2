import Foundation

/// The elementwise binary operations, each under numpy broadcasting. Comparisons give 1 where
/// the relation holds and 0 elsewhere (NaN compares unequal to everything, as in IEEE 754).
public enum BinaryOperation: String, CaseIterable, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "**"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case maximum = "maximum", minimum = "minimum"
}

/// The elementwise unary functions. `relu(x) = max(x, 0)`, `sign(x) ∈ {−1, 0, 1}` (NaN stays NaN),
/// `square(x) = x²`.
public enum UnaryFunction: String, CaseIterable, Sendable {
    case negate, exp, log, sqrt, abs, tanh, relu, sin, cos, square, sign
}

extension Tensor {
    /// `self ∘ other` elementwise under broadcasting; throws `.broadcast` naming the operation
    /// and both shapes. Cost: one pass over the result.
    public func combined(with other: Tensor, _ op: BinaryOperation) throws -> Tensor {
        let name = op.rawValue
        switch op {
        case .add: return try zipWith(other, operation: name) { $0 + $1 }
        case .subtract: return try zipWith(other, operation: name) { $0 - $1 }
        case .multiply: return try zipWith(other, operation: name) { $0 * $1 }
        case .divide: return try zipWith(other, operation: name) { $0 / $1 }
        case .power: return try zipWith(other, operation: name) { Tensor.power($0, $1) }
        case .equal: return try zipWith(other, operation: name) { $0 == $1 ? 1 : 0 }
        case .notEqual: return try zipWith(other, operation: name) { $0 != $1 ? 1 : 0 }
        case .less: return try zipWith(other, operation: name) { $0 < $1 ? 1 : 0 }
        case .lessEqual: return try zipWith(other, operation: name) { $0 <= $1 ? 1 : 0 }
        case .greater: return try zipWith(other, operation: name) { $0 > $1 ? 1 : 0 }
        case .greaterEqual: return try zipWith(other, operation: name) { $0 >= $1 ? 1 : 0 }
        case .maximum: return try zipWith(other, operation: name) { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
        case .minimum: return try zipWith(other, operation: name) { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
        }
    }

    /// `self ∘ x` with a scalar right operand (never fails: a scalar broadcasts to anything).
    public func combined(with x: Double, _ op: BinaryOperation) -> Tensor {
        // A 0-d operand always broadcasts to self's shape, so this cannot throw.
        (try? combined(with: Tensor(scalar: x), op)) ?? self
    }

    /// x^y with the cheap exact cases first (x², √x are what networks use most).
    @inline(__always)
    static func power(_ x: Double, _ y: Double) -> Double {
        if y == 2 { return x * x }
        if y == 1 { return x }
        return Foundation.pow(x, y)
    }

    /// f applied to every element. Cost: one pass.
    public func map(_ f: UnaryFunction) -> Tensor {
        switch f {
        case .negate: return map { -$0 }
        case .exp: return map { Foundation.exp($0) }
        case .log: return map { Foundation.log($0) }
        case .sqrt: return map { $0.squareRoot() }
        case .abs: return map { Swift.abs($0) }
        case .tanh: return map { Foundation.tanh($0) }
        case .relu: return map { $0 > 0 || $0.isNaN ? $0 : 0 }
        case .sin: return map { Foundation.sin($0) }
        case .cos: return map { Foundation.cos($0) }
        case .square: return map { $0 * $0 }
        case .sign: return map { $0 > 0 ? 1 : ($0 < 0 ? -1 : ($0.isNaN ? .nan : 0)) }
        }
    }

    /// `body` applied to every element, in row-major order.
    public func map(_ body: (Double) -> Double) -> Tensor {
        let n = count
        let out = [Double](unsafeUninitializedCapacity: n) { o, initialized in
            storage.withUnsafeBufferPointer { a in for i in 0..<n { o[i] = body(a[i]) } }
            initialized = n
        }
        return Tensor(shape: shape, storage: out)
    }

    /// Elementwise power under broadcasting.
    public func power(_ exponent: Tensor) throws -> Tensor { try combined(with: exponent, .power) }
    /// Every element raised to `exponent`.
    public func power(_ exponent: Double) -> Tensor { combined(with: exponent, .power) }

    /// Elementwise a + b under broadcasting; throws `.broadcast` naming both shapes.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, .add) }
    /// Elementwise a − b under broadcasting; throws `.broadcast` naming both shapes.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, .subtract) }
    /// Elementwise (Hadamard) a ⊙ b under broadcasting; throws `.broadcast` naming both shapes.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, .multiply) }
    /// Elementwise a / b under broadcasting (IEEE: x/0 = ±inf, 0/0 = nan).
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, .divide) }
    /// a + x for every element.
    public static func + (a: Tensor, x: Double) -> Tensor { a.map { $0 + x } }
    /// a − x for every element.
    public static func - (a: Tensor, x: Double) -> Tensor { a.map { $0 - x } }
    /// a · x for every element.
    public static func * (a: Tensor, x: Double) -> Tensor { a.map { $0 * x } }
    /// a / x for every element.
    public static func / (a: Tensor, x: Double) -> Tensor { a.map { $0 / x } }
    /// x + a for every element.
    public static func + (x: Double, a: Tensor) -> Tensor { a.map { x + $0 } }
    /// x − a for every element.
    public static func - (x: Double, a: Tensor) -> Tensor { a.map { x - $0 } }
    /// x · a for every element.
    public static func * (x: Double, a: Tensor) -> Tensor { a.map { x * $0 } }
    /// x / a for every element.
    public static func / (x: Double, a: Tensor) -> Tensor { a.map { x / $0 } }
    /// −a for every element.
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    /// Elementwise comparison masks (1 where true, 0 where false) under broadcasting.
    public static func .== (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, .equal) }
    /// 1 where a is not equal to b (broadcast), else 0.
    public static func .!= (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, .notEqual) }
    /// 1 where a is less than b (broadcast), else 0.
    public static func .< (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, .less) }
    /// 1 where a is at most b (broadcast), else 0.
    public static func .<= (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, .lessEqual) }
    /// 1 where a is greater than b (broadcast), else 0.
    public static func .> (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, .greater) }
    /// 1 where a is at least b (broadcast), else 0.
    public static func .>= (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, .greaterEqual) }
    /// 1 where a is equal to x, else 0.
    public static func .== (a: Tensor, x: Double) -> Tensor { a.combined(with: x, .equal) }
    /// 1 where a is not equal to x, else 0.
    public static func .!= (a: Tensor, x: Double) -> Tensor { a.combined(with: x, .notEqual) }
    /// 1 where a is less than x, else 0.
    public static func .< (a: Tensor, x: Double) -> Tensor { a.combined(with: x, .less) }
    /// 1 where a is at most x, else 0.
    public static func .<= (a: Tensor, x: Double) -> Tensor { a.combined(with: x, .lessEqual) }
    /// 1 where a is greater than x, else 0.
    public static func .> (a: Tensor, x: Double) -> Tensor { a.combined(with: x, .greater) }
    /// 1 where a is at least x, else 0.
    public static func .>= (a: Tensor, x: Double) -> Tensor { a.combined(with: x, .greaterEqual) }
}
