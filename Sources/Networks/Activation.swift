import Foundation
internal import CKernels

/// Elementwise nonlinearity of a hidden layer, with its exact derivative.
///
/// - relu: max(x, 0); derivative 1 for x > 0 and 0 otherwise (PyTorch's choice at 0).
/// - gelu: x·Φ(x) = ½x(1 + erf(x/√2)) (PyTorch's exact default); derivative Φ(x) + x·φ(x).
/// - tanh: derivative 1 − tanh²x.
/// - square: x²; derivative 2x.
/// - identity: x; derivative 1.
public enum Activation: String, CaseIterable, Sendable {
    case relu, gelu, tanh, square, identity

    /// σ(x).
    @inline(__always) public func value(_ x: Double) -> Double {
        switch self {
        case .relu: return x > 0 ? x : 0
        case .gelu: return 0.5 * x * (1 + erf(x * 0.7071067811865476))
        case .tanh: return Foundation.tanh(x)
        case .square: return x * x
        case .identity: return x
        }
    }

    /// σ′(x).
    @inline(__always) public func derivative(_ x: Double) -> Double {
        switch self {
        case .relu: return x > 0 ? 1 : 0
        case .gelu:
            let cdf = 0.5 * (1 + erf(x * 0.7071067811865476))
            let pdf = exp(-0.5 * x * x) * 0.3989422804014327
            return cdf + x * pdf
        case .tanh: let t = Foundation.tanh(x); return 1 - t * t
        case .square: return 2 * x
        case .identity: return 1
        }
    }

    /// Parses a name such as "relu"; nil for an unknown one.
    public init?(name: String) { self.init(rawValue: name.lowercased()) }
}

extension Activation {
    /// y[k] = σ(x[k]) for k < count, with the case chosen once outside the loop so the common
    /// cases (relu, square, identity) vectorise. `x` and `y` may be the same buffer.
    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        switch self {
        case .relu: entk_relu(x, y, count)      // y = x > 0 ? x : 0, at the CPU's width
        case .square: entk_square(x, y, count)  // y = x·x
        case .identity: if UnsafePointer(y) != x { y.update(from: x, count: count) }
        case .gelu, .tanh: for k in 0..<count { y[k] = value(x[k]) }
        }
    }
}

extension Activation {
    /// out[k] = d[k] · σ′(x[k]) for k < count (out may be d).
    func derivativeProduct(_ d: UnsafePointer<Double>, at x: UnsafePointer<Double>,
                           into out: UnsafeMutablePointer<Double>, count: Int) {
        switch self {
        case .relu: entk_relu_backward(d, x, out, count)      // out = x > 0 ? d : 0, at the CPU's width
        case .square: entk_square_backward(d, x, out, count)  // out = d·(2x)
        case .identity: if UnsafePointer(out) != d { out.update(from: d, count: count) }
        case .gelu, .tanh: for k in 0..<count { out[k] = d[k] * derivative(x[k]) }
        }
    }
}
