import Foundation

/// A first-order optimiser with PyTorch's exact update rules, holding its own state so that
/// reusing the same object across `train` calls continues the trajectory.
///
/// With gradient g, parameters θ and step count t (1 after the first update):
/// - sgd(lr, momentum μ, weightDecay λ, dampening τ, nesterov):
///   g ← g + λθ; b ← g (t = 1) or μb + (1 − τ)g; g ← g + μb (nesterov) or b (μ ≠ 0); θ ← θ − lr·g.
/// - adam(lr, β₁, β₂, ε, weightDecay λ, L2 style): g ← g + λθ; m ← β₁m + (1 − β₁)g;
///   v ← β₂v + (1 − β₂)g²; θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
/// - adamW(…, weightDecay λ, decoupled): θ ← θ − lr·λ·θ first, then the Adam update without λ.
public final class Optimizer {
    /// The rule and its hyper-parameters.
    public enum Rule: Equatable, Sendable {
        case sgd(lr: Double, momentum: Double, weightDecay: Double, dampening: Double, nesterov: Bool)
        case adam(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double)
        case adamW(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double)
    }

    /// The optimiser's state: step count and moment buffers (empty before the first update).
    public struct State: Equatable, Sendable {
        public var updates: Int = 0
        public var first: [Double] = []    // momentum buffer (sgd) or m (adam)
        public var second: [Double] = []   // v (adam)
    }

    public let rule: Rule
    public internal(set) var state = State()
    /// The model the state belongs to; a different model resets the state.
    var owner: ObjectIdentifier?

    public init(_ rule: Rule) throws {
        switch rule {
        case .sgd(let lr, let mu, let wd, _, let nesterov):
            guard lr >= 0, mu >= 0, wd >= 0 else { throw NetworkError.invalidArgument("sgd: lr, momentum and weight decay must be non-negative") }
            if nesterov && mu == 0 { throw NetworkError.invalidArgument("sgd: nesterov needs a positive momentum") }
        case .adam(let lr, let b1, let b2, let eps, let wd), .adamW(let lr, let b1, let b2, let eps, let wd):
            guard lr >= 0, eps >= 0, wd >= 0 else { throw NetworkError.invalidArgument("adam: lr, eps and weight decay must be non-negative") }
            guard (0..<1).contains(b1), (0..<1).contains(b2) else { throw NetworkError.invalidArgument("adam: betas (\(b1), \(b2)) must lie in [0, 1)") }
        }
        self.rule = rule
    }

    /// `torch.optim.SGD` defaults: momentum 0, no weight decay.
    public static func sgd(lr: Double, momentum: Double = 0, weightDecay: Double = 0, dampening: Double = 0, nesterov: Bool = false) throws -> Optimizer {
        try Optimizer(.sgd(lr: lr, momentum: momentum, weightDecay: weightDecay, dampening: dampening, nesterov: nesterov))
    }
    /// `torch.optim.Adam` defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.
    public static func adam(lr: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0) throws -> Optimizer {
        try Optimizer(.adam(lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay))
    }
    /// `torch.optim.AdamW` defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01.
    public static func adamW(lr: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0.01) throws -> Optimizer {
        try Optimizer(.adamW(lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay))
    }

    /// Forgets the moments and the step count.
    public func reset() { state = State(); owner = nil }

    /// Binds the state to `model` (P parameters), resetting it for a different model.
    func prepare(for model: AnyObject, count: Int) {
        let id = ObjectIdentifier(model)
        if owner != id { state = State() }
        owner = id
        prepareState(count: count)
    }

    /// Sizes the moment buffers for `count` parameters (zeros when new).
    func prepareState(count: Int) {
        switch rule {
        case .sgd(_, let mu, _, _, _):
            if mu != 0 && state.first.count != count { state.first = [Double](repeating: 0, count: count) }
        case .adam, .adamW:
            if state.first.count != count { state.first = [Double](repeating: 0, count: count) }
            if state.second.count != count { state.second = [Double](repeating: 0, count: count) }
        }
    }

    /// One update of `count` parameters in place with gradient `g` (which may be modified).
    /// Allocation-free after `prepare`.
    func update(_ theta: UnsafeMutablePointer<Double>, gradient g: UnsafeMutablePointer<Double>, count: Int) {
        state.updates += 1
        let t = Double(state.updates)
        switch rule {
        case .sgd(let lr, let mu, let wd, let damp, let nesterov):
            let first = state.updates == 1
            state.first.withUnsafeMutableBufferPointer { buf in
                for i in 0..<count {
                    var gi = g[i] + wd * theta[i]
                    if mu != 0 {
                        let b = first ? gi : mu * buf[i] + (1 - damp) * gi
                        buf[i] = b
                        gi = nesterov ? gi + mu * b : b
                    }
                    theta[i] -= lr * gi
                }
            }
        case .adam(let lr, let b1, let b2, let eps, let wd), .adamW(let lr, let b1, let b2, let eps, let wd):
            let decoupled: Bool
            if case .adamW = rule { decoupled = true } else { decoupled = false }
            let c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t)
            let stepSize = lr / c1, root2 = c2.squareRoot()
            // Move the moments out of `state` so the two buffers are separate accesses.
            var first = state.first, second = state.second
            state.first = []; state.second = []
            defer { state.first = first; state.second = second }
            // One loop per case, so each vectorises (same arithmetic as a branch inside).
            let decay = 1 - lr * wd
            first.withUnsafeMutableBufferPointer { mb in
                second.withUnsafeMutableBufferPointer { vb in
                    let m = mb.baseAddress!, v = vb.baseAddress!
                    if decoupled {
                        // Eight lanes at a time (IEEE √ and ÷ round each lane as the scalar does).
                        var i = 0
                        while i + 8 <= count {
                            let gi = load8(g + i)
                            let t = load8(theta + i) * decay
                            let mi = b1 * load8(m + i) + (1 - b1) * gi
                            let vi = b2 * load8(v + i) + (1 - b2) * gi * gi
                            store8(mi, m + i); store8(vi, v + i)
                            store8(t - stepSize * mi / (vi.squareRoot() / root2 + eps), theta + i)
                            i += 8
                        }
                        for i in i..<count {
                            let gi = g[i]
                            theta[i] *= decay
                            m[i] = b1 * m[i] + (1 - b1) * gi
                            v[i] = b2 * v[i] + (1 - b2) * gi * gi
                            theta[i] -= stepSize * m[i] / (v[i].squareRoot() / root2 + eps)
                        }
                    } else {
                        for i in 0..<count {
                            var gi = g[i]
                            if wd != 0 { gi += wd * theta[i] }
                            m[i] = b1 * m[i] + (1 - b1) * gi
                            v[i] = b2 * v[i] + (1 - b2) * gi * gi
                            theta[i] -= stepSize * m[i] / (v[i].squareRoot() / root2 + eps)
                        }
                    }
                }
            }
        }
    }
}

extension Optimizer {
    /// One update of `parameters` with `gradient` outside the trainer (the state is bound to no
    /// model, so a later `train` call with a model starts fresh). Throws when lengths differ.
    public func update(_ parameters: inout [Double], gradient: [Double]) throws {
        guard gradient.count == parameters.count else {
            throw NetworkError.shapeMismatch(argument: "gradient", expected: [parameters.count], got: [gradient.count])
        }
        if owner != nil || (!state.first.isEmpty && state.first.count != parameters.count) { reset() }
        prepareState(count: parameters.count)
        var g = gradient
        parameters.withUnsafeMutableBufferPointer { pp in
            g.withUnsafeMutableBufferPointer { gp in
                if pp.count > 0 { update(pp.baseAddress!, gradient: gp.baseAddress!, count: pp.count) }
            }
        }
    }
}

@inline(__always) func load8(_ p: UnsafePointer<Double>) -> SIMD8<Double> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self) }
@inline(__always) func load8(_ p: UnsafeMutablePointer<Double>) -> SIMD8<Double> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self) }
@inline(__always) func store8(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self) }
