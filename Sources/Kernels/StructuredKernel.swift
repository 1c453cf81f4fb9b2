import LinearAlgebra
import Networks

/// Closed forms for the modular MLP's layer kernels (SCIENCE.md §1). With z = s·W1 x (N×H),
/// a = σ(z) (z² in the paper), out = (1/H) W2 a and output scales s_c (importance rescaling):
///
///     K_W2 = κ_view · (1/H²) · A Aᵀ
///     K_W1 = (s²/H²) · (X Xᵀ) ∘ (Σ' diag(w) Σ'ᵀ),   Σ'[n, h] = σ′(z_h(x_n))  (= 2z for z²)
///
/// which for σ = z² is SCIENCE.md's (4s²/(C H²)) (x·x') Σ_h (Σ_c W2[c,h]²) z_h z'_h in the trace view.
/// with, per view, w_h = (1/C) Σ_c s_c² W2[c,h]² (trace), ((1/C) Σ_c s_c W2[c,h])² (mean),
/// s_c1 s_c2 W2[c1,h] W2[c2,h] (pair), and κ = (1/C) Σ_c s_c² (trace), (1/C²) Σ_c s_c² (mean),
/// [c1 = c2] s_c1² (pair). Cost: two N×N SYRKs of width H and 2p, versus a Jacobian of
/// N·C·P entries. The flat view has no closed form here (it is N·C wide; use gram or jacobian).
enum StructuredKernel {
    /// The modular MLP's weights as the closed forms need them.
    struct Weights {
        let w1: Matrix      // H × inputSize
        let w2: Matrix      // C × H
        let inputScale: Double
        let activation: Activation
        let w1Group: String
        let w2Group: String
    }

    static func weights(_ model: any DifferentiableModel) -> Weights? {
        guard let m = model as? ModularMLP else { return nil }
        let names = m.groupNames
        guard names.count == 2 else { return nil }
        return Weights(w1: m.w1, w2: m.w2, inputScale: m.inputScale, activation: m.activation,
                       w1Group: names[0], w2Group: names[1])
    }

    /// Why the structured route cannot serve this request (nil = it can).
    static func unsupportedReason(model: any DifferentiableModel, options: KernelOptions) -> String? {
        guard let w = weights(model) else { return "closed forms exist only for the modular MLP (this is a \(model.kind) model)" }
        if options.view == .flat { return "the flat view has no closed form; use route gram or jacobian" }
        if let groups = options.groups, !groups.allSatisfy({ $0 == w.w1Group || $0 == w.w2Group }) {
            return "closed forms cover the groups \(w.w1Group) and \(w.w2Group) only"
        }
        return nil
    }

    /// Working memory besides the N×N result: Z, A, and one more N×N for the Hadamard factor.
    static func workBytes(model: any DifferentiableModel, samples n: Int) -> Int {
        guard let w = weights(model) else { return 0 }
        return 2 * MemoryBudget.matrixBytes(n, w.w1.rows) + MemoryBudget.matrixBytes(n, n)
    }

    static func matrix(model: any DifferentiableModel, inputs x: Matrix, options: KernelOptions, scales: [Double]) throws -> Matrix {
        guard let wts = weights(model) else {
            throw KernelError.routeUnavailable(route: "structured", reason: unsupportedReason(model: model, options: options) ?? "")
        }
        let n = x.rows, h = wts.w1.rows, c = wts.w2.rows
        let hh = Double(h)
        var z = try x.multiplied(by: wts.w1, .none, .transpose, alpha: wts.inputScale)   // N × H
        let useW1 = options.groups?.contains(wts.w1Group) ?? true
        let useW2 = options.groups?.contains(wts.w2Group) ?? true
        var k = Matrix(rows: n, cols: n)
        if useW2 {
            var kappa = 0.0
            switch options.view {
            case .trace: kappa = scales.map { $0 * $0 }.reduce(0, +) / Double(c)
            case .mean: kappa = scales.map { $0 * $0 }.reduce(0, +) / Double(c * c)
            case .pair(let c1, let c2): kappa = c1 == c2 ? scales[c1] * scales[c1] : 0
            case .flat: break
            }
            if kappa != 0 {
                let a = Matrix(rows: n, cols: h, storage: z.storage.map { wts.activation.value($0) })
                k = a.gram(.none, alpha: kappa / (hh * hh))
            }
        }
        if useW1 {
            var w = [Double](repeating: 0, count: h)
            for hi in 0..<h {
                switch options.view {
                case .trace: w[hi] = (0..<c).reduce(0) { $0 + pow(scales[$1] * wts.w2[$1, hi], 2) } / Double(c)
                case .mean: w[hi] = pow((0..<c).reduce(0) { $0 + scales[$1] * wts.w2[$1, hi] } / Double(c), 2)
                case .pair(let c1, let c2): w[hi] = scales[c1] * scales[c2] * wts.w2[c1, hi] * wts.w2[c2, hi]
                case .flat: break
                }
            }
            for k in z.storage.indices { z.storage[k] = wts.activation.derivative(z.storage[k]) }
            let zz: Matrix
            if w.allSatisfy({ $0 >= 0 }) {
                for i in 0..<n { for hi in 0..<h { z[i, hi] *= w[hi].squareRoot() } }
                zz = z.gram(.none)
            } else {
                var zw = z
                for i in 0..<n { for hi in 0..<h { zw[i, hi] *= w[hi] } }
                zz = try zw.multiplied(by: z, .none, .transpose)
            }
            let xx = x.gram(.none)
            let coefficient = wts.inputScale * wts.inputScale / (hh * hh)
            k.storage.withUnsafeMutableBufferPointer { kp in
                zz.storage.withUnsafeBufferPointer { zp in
                    xx.storage.withUnsafeBufferPointer { xp in
                        for i in 0..<(n * n) { kp[i] += coefficient * xp[i] * zp[i] }
                    }
                }
            }
        }
        return k
    }
}

import Foundation
