import Foundation
import LinearAlgebra
internal import CKernels

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
        // Move the moments out of `state` so the two buffers are separate accesses.
        var first = state.first, second = state.second
        state.first = []; state.second = []
        defer { state.first = first; state.second = second }
        let updates = state.updates
        first.withUnsafeMutableBufferPointer { m in
            second.withUnsafeMutableBufferPointer { v in
                apply(from: UnsafePointer(theta), into: theta, gradient: g, count: count, updates: updates,
                      moments: (m.baseAddress.map { UnsafePointer($0) }, v.baseAddress.map { UnsafePointer($0) }),
                      into: (m.baseAddress, v.baseAddress))
            }
        }
    }

    /// One update written beside the old state: θ′ = rule(θ, g) into `next`, the new moments into
    /// `spare`'s buffers, which then become the state while `spare` takes the old one. The
    /// trainer keeps θ and the old state this way as its backup of the last sane step without
    /// copying them; the arithmetic is the in-place update's, bit for bit. `spare`'s buffers are
    /// sized here (allocating only when they do not match).
    /// From `laneMinimum` parameters up, the two halves of θ are updated on the two cores
    /// (`Lanes`); the rule is elementwise, so that changes no bit.
    func update(_ theta: UnsafePointer<Double>, into next: UnsafeMutablePointer<Double>, gradient g: UnsafeMutablePointer<Double>,
                count: Int, spare: inout State) {
        if spare.first.count != state.first.count { spare.first = [Double](repeating: 0, count: state.first.count) }
        if spare.second.count != state.second.count { spare.second = [Double](repeating: 0, count: state.second.count) }
        spare.updates = state.updates + 1
        let updates = spare.updates
        state.first.withUnsafeBufferPointer { m in
            state.second.withUnsafeBufferPointer { v in
                spare.first.withUnsafeMutableBufferPointer { m2 in
                    spare.second.withUnsafeMutableBufferPointer { v2 in
                        let (m, v, m2, v2) = (m.baseAddress, v.baseAddress, m2.baseAddress, v2.baseAddress)
                        /// Elements s..<e.
                        func part(_ s: Int, _ e: Int) {
                            apply(from: theta + s, into: next + s, gradient: g + s, count: e - s, updates: updates,
                                  moments: (m.map { $0 + s }, v.map { $0 + s }), into: (m2.map { $0 + s }, v2.map { $0 + s }))
                        }
                        if count < Self.laneMinimum { part(0, count); return }
                        let h = count / 2
                        Lanes.run({ part(0, h) }, { part(h, count) })
                    }
                }
            }
        }
        swap(&state, &spare)
    }

    /// Fewest parameters whose update is split over two cores: below 2¹⁴ (TMS has 550) a whole
    /// update takes about as long as the hand-over between the cores (a few µs).
    static let laneMinimum = 1 << 14

    /// The rule, elementwise: reads θ, g and the moments (m, v) at index i, then writes θ′ and
    /// the new moments at i, so each output may be its input (the in-place update). `updates`
    /// is t, the step count after this update. Moments are nil where the rule keeps none
    /// (sgd without momentum; v for sgd).
    private func apply(from theta: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>,
                       gradient g: UnsafeMutablePointer<Double>, count: Int, updates: Int,
                       moments: (UnsafePointer<Double>?, UnsafePointer<Double>?),
                       into newMoments: (UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?)) {
        let t = Double(updates)
        switch rule {
        case .sgd(let lr, let mu, let wd, let damp, let nesterov):
            let first = updates == 1
            for i in 0..<count {
                var gi = g[i] + wd * theta[i]
                if mu != 0, let b0 = moments.0, let b1 = newMoments.0 {
                    let b = first ? gi : mu * b0[i] + (1 - damp) * gi
                    b1[i] = b
                    gi = nesterov ? gi + mu * b : b
                }
                out[i] = theta[i] - lr * gi
            }
        case .adam(let lr, let b1, let b2, let eps, let wd), .adamW(let lr, let b1, let b2, let eps, let wd):
            guard count > 0, let m = moments.0, let v = moments.1, let m2 = newMoments.0, let v2 = newMoments.1 else { return }
            let decoupled: Bool
            if case .adamW = rule { decoupled = true } else { decoupled = false }
            let c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t)
            let stepSize = lr / c1, root2 = c2.squareRoot()
            // Decoupled (AdamW): θ·(1 − lr·λ) first; Adam's L2 form adds λθ to g, and without λ
            // neither (θ·1 is θ, bit for bit). At the CPU's width (`entk_adam`).
            let coupled = !decoupled && wd != 0
            entk_adam(theta, out, g, count, m, v, m2, v2, b1, 1 - b1, b2, 1 - b2, stepSize, root2, eps,
                      decoupled ? 1 - lr * wd : 1, wd, coupled ? 1 : 0)
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
