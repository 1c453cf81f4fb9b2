import Foundation
import Networks
import Testing
import TestSupport

/// Optimisers against the update rules as printed in the PyTorch documentation, written here
/// in their textbook form (bias-corrected m̂ and v̂), a different arrangement of the arithmetic
/// from the implementation's (step size lr/(1 − β₁ᵗ), denominator √v/√(1 − β₂ᵗ) + ε).
@Suite("Optimizers")
struct OptimizerTests {
    static let gradients: [[Double]] = [[0.5, -2, 1e-3], [0.3, 1, -4], [-0.2, 0.7, 2]]
    static let start: [Double] = [1, -0.5, 2]

    static func referenceAdam(lr: Double, b1: Double, b2: Double, eps: Double, wd: Double, decoupled: Bool) -> [Double] {
        var theta = start, m = [0.0, 0, 0], v = [0.0, 0, 0]
        for (t, g0) in gradients.enumerated() {
            let step = Double(t + 1)
            for i in 0..<3 {
                var g = g0[i]
                if decoupled { theta[i] -= lr * wd * theta[i] } else { g += wd * theta[i] }
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                let mHat = m[i] / (1 - pow(b1, step)), vHat = v[i] / (1 - pow(b2, step))
                theta[i] -= lr * mHat / (vHat.squareRoot() + eps)
            }
        }
        return theta
    }

    static func run(_ opt: Optimizer) throws -> [Double] {
        var theta = start
        for g in gradients { try opt.update(&theta, gradient: g) }
        return theta
    }

    @Test("Adam with PyTorch defaults and with L2 weight decay follows the documented rule")
    func adam() throws {
        for wd in [0.0, 0.1] {
            let observed = try Self.run(try .adam(lr: 0.01, weightDecay: wd))
            let expected = Self.referenceAdam(lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, wd: wd, decoupled: false)
            let err = maxRelativeDifference(observed, expected)
            #expect(err < 1e-14, "wd \(wd): max relative error \(err), tolerance 1e-14")
        }
    }

    @Test("AdamW decays decoupled (θ ← θ − lr·λ·θ before the Adam step), default λ = 0.01")
    func adamW() throws {
        let observed = try Self.run(try .adamW(lr: 0.05))
        let expected = Self.referenceAdam(lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.01, decoupled: true)
        let err = maxRelativeDifference(observed, expected)
        #expect(err < 1e-14, "max relative error \(err), tolerance 1e-14")
        let coupled = Self.referenceAdam(lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.01, decoupled: false)
        #expect(maxRelativeDifference(observed, coupled) > 1e-6)
    }

    @Test("SGD: plain, with momentum (buffer starts at g), and Nesterov")
    func sgd() throws {
        let g1 = Self.gradients[0][0], g2 = Self.gradients[1][0], g3 = Self.gradients[2][0]
        let plain = try Self.run(try .sgd(lr: 0.1))[0]
        #expect(abs(plain - (1 - 0.1 * (g1 + g2 + g3))) < 1e-15)
        let b1 = g1, b2 = 0.9 * b1 + g2, b3 = 0.9 * b2 + g3
        let momentum = try Self.run(try .sgd(lr: 0.1, momentum: 0.9))[0]
        #expect(abs(momentum - (1 - 0.1 * (b1 + b2 + b3))) < 1e-15)
        let nesterov = try Self.run(try .sgd(lr: 0.1, momentum: 0.9, nesterov: true))[0]
        #expect(abs(nesterov - (1 - 0.1 * ((g1 + 0.9 * b1) + (g2 + 0.9 * b2) + (g3 + 0.9 * b3)))) < 1e-15)
        #expect(throws: NetworkError.self) { try Optimizer.sgd(lr: 0.1, nesterov: true) }
        #expect(throws: NetworkError.self) { try Optimizer.adam(beta1: 1) }
    }
}
