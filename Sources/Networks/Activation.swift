import Foundation

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
