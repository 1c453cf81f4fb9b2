import LinearAlgebra
import Networks

/// The route decision for one kernel: which route, why, and how the Jacobian is blocked.
struct KernelPlan {
    let route: KernelRoute
    let reason: String
    /// Jacobian route: hold the whole factor (one SYRK) rather than recompute blocks pairwise.
    let cacheFactor: Bool
    /// Bytes one Jacobian block may take.
    let blockBytes: Int

    /// Estimated bytes of every route for this kernel (nil = the route cannot serve it).
    struct Estimates {
        var structured: Int?
        var gram: Int?
        var jacobianCached: Int
        var jacobianPairwise: Int
        /// Route operator: a product on a block of 32 vectors with its chunk of inputs.
        var `operator`: Int
    }

    static func estimates(model: any DifferentiableModel, factor: ViewFactor, options: KernelOptions,
                          blockBytes: Int, budget: Int) -> Estimates {
        let n = factor.dimension, w = factor.width
        let dense = MemoryBudget.matrixBytes(n, n)
        let rowsPerBlock = factor.blockSamples(bytes: blockBytes) * (factor.view == .flat ? factor.outputs : 1)
        let block = factor.blockBytes(samplesPerBlock: factor.blockSamples(bytes: blockBytes))
        let factorBytes = MemoryBudget.matrixBytes(n, w) * (factor.view.isSymmetric ? 1 : 2)
        var e = Estimates(structured: nil, gram: nil,
                          jacobianCached: dense + factorBytes + block,
                          jacobianPairwise: dense + 2 * block + MemoryBudget.matrixBytes(rowsPerBlock, rowsPerBlock),
                          operator: KernelOperator.estimate(model: model, samples: factor.samples, dimension: n, budget: budget))
        if StructuredKernel.unsupportedReason(model: model, options: options) == nil {
            e.structured = dense + StructuredKernel.workBytes(model: model, samples: factor.samples)
        }
        if factor.view.isSymmetric {
            e.gram = factorBytes + MemoryBudget.matrixBytes(w, w) + block
        }
        return e
    }

    static func choose(model: any DifferentiableModel, factor: ViewFactor, options: KernelOptions, budget: Int) throws -> KernelPlan {
        let blockBytes = max(1 << 20, min(budget / 8, 256 << 20))
        let e = estimates(model: model, factor: factor, options: options, blockBytes: blockBytes, budget: budget)
        let n = factor.dimension, w = factor.width
        func jacobianPlan(_ reason: String) -> KernelPlan? {
            if e.jacobianCached <= budget { return KernelPlan(route: .jacobian, reason: reason, cacheFactor: true, blockBytes: blockBytes) }
            if e.jacobianPairwise <= budget {
                return KernelPlan(route: .jacobian, reason: reason + "; Jacobian blocks recomputed pairwise to stay in budget",
                                  cacheFactor: false, blockBytes: blockBytes)
            }
            return nil
        }
        let what = "the \(options.view) kernel (\(n)×\(n), \(factor.parameters) parameters)"
        switch options.route {
        case .structured:
            if let why = StructuredKernel.unsupportedReason(model: model, options: options) {
                throw KernelError.routeUnavailable(route: "structured", reason: why)
            }
            try check(e.structured!, budget, what + " by route structured", model: model, factor: factor, options: options, budget: budget)
            return KernelPlan(route: .structured, reason: "requested", cacheFactor: false, blockBytes: blockBytes)
        case .gram:
            guard let g = e.gram else {
                throw KernelError.routeUnavailable(route: "gram", reason: "the \(options.view) view is not symmetric, so it has no Gram factorisation")
            }
            try check(g, budget, what + " by route gram", model: model, factor: factor, options: options, budget: budget)
            return KernelPlan(route: .gram, reason: "requested", cacheFactor: false, blockBytes: blockBytes)
        case .operator:
            try check(e.operator, budget, what + " by route operator", model: model, factor: factor, options: options, budget: budget)
            return KernelPlan(route: .operator, reason: "requested; " + operatorReason(e, factor: factor, model: model, budget: budget),
                              cacheFactor: false, blockBytes: blockBytes)
        case .jacobian:
            if let plan = jacobianPlan("requested") { return plan }
            throw overBudget(e.jacobianPairwise, budget, what + " by route jacobian", model: model, factor: factor, options: options)
        case .auto:
            if let s = e.structured, s <= budget {
                return KernelPlan(route: .structured, reason: "modular MLP closed forms: a few GEMMs of \(factor.samples)×hidden instead of a Jacobian",
                                  cacheFactor: false, blockBytes: blockBytes)
            }
            if let g = e.gram, w < n, g <= budget {
                return KernelPlan(route: .gram, reason: "rank ≤ \(w) < \(n): hold the \(n)×\(w) factor and its \(w)×\(w) Gram matrix",
                                  cacheFactor: false, blockBytes: blockBytes)
            }
            let why = e.gram == nil ? "asymmetric view" : (w >= n ? "factor width \(w) ≥ side \(n), so a dense kernel is cheaper" : "the Gram factor does not fit")
            if let plan = jacobianPlan("general route (\(why))") { return plan }
            if e.operator <= budget {
                let held = [("K", MemoryBudget.matrixBytes(n, n)), ("J", MemoryBudget.matrixBytes(n, w))]
                    .map { "\($0.0) \(formatBytes($0.1))" }.joined(separator: ", ")
                return KernelPlan(route: .operator,
                                  reason: "no other route fits the budget of \(formatBytes(budget)) (\(held)); " + operatorReason(e, factor: factor, model: model, budget: budget),
                                  cacheFactor: false, blockBytes: blockBytes)
            }
            let cheapest = [e.structured, e.gram, e.jacobianPairwise, e.operator].compactMap { $0 }.min()!
            throw overBudget(cheapest, budget, what, model: model, factor: factor, options: options)
        }
    }

    /// What route operator will hold, in words.
    static func operatorReason(_ e: Estimates, factor: ViewFactor, model: any DifferentiableModel, budget: Int) -> String {
        let b = KernelOperator.nominalBlock
        let chunk = KernelOperator.chunkInputs(model: model, samples: factor.samples, dimension: factor.dimension, block: b, budget: budget)
        return "K·V by backward then tangent passes over chunks of \(chunk) inputs, never holding J or K: \(formatBytes(e.operator)) for a block of \(b) vectors (Jᵀ V \(b)×\(model.parameterCount))"
    }

    /// Throws `.overBudget` when `need > budget`, with a suggestion that fits when there is one.
    static func check(_ need: Int, _ budget: Int, _ what: String, model: any DifferentiableModel, factor: ViewFactor,
                      options: KernelOptions, budget b: Int) throws {
        guard need > budget else { return }
        throw overBudget(need, budget, what, model: model, factor: factor, options: options)
    }

    static func overBudget(_ need: Int, _ budget: Int, _ what: String, model: any DifferentiableModel, factor: ViewFactor,
                           options: KernelOptions) -> KernelError {
        .overBudget(needed: need, budget: budget, what: what,
                    suggestion: suggestion(model: model, factor: factor, options: options, budget: budget))
    }

    /// A cheaper view or route that fits, in words: another view by a route that holds its
    /// kernel or factor when one fits, else route operator in this view when it fits.
    static func suggestion(model: any DifferentiableModel, factor: ViewFactor, options: KernelOptions, budget: Int) -> String {
        let blockBytes = max(1 << 20, min(budget / 8, 256 << 20))
        var candidates: [(String, Int)] = []
        for view in [KernelView.flat, .trace, .mean] where view != options.view {
            var o = options
            o.view = view
            guard let f = try? ViewFactor(model: model, inputs: factor.inputs, options: o) else { continue }
            let e = estimates(model: model, factor: f, options: o, blockBytes: blockBytes, budget: budget)
            for (name, bytes) in [("structured", e.structured), ("gram", e.gram), ("jacobian", Optional(e.jacobianPairwise))] {
                if let bytes, bytes <= budget { candidates.append(("view \(view) by route \(name) needs \(formatBytes(bytes))", bytes)) }
            }
        }
        if let best = candidates.min(by: { $0.1 < $1.1 }) { return best.0 }
        if options.route != .operator {
            let e = estimates(model: model, factor: factor, options: options, blockBytes: blockBytes, budget: budget)
            if e.operator <= budget { return "route operator needs \(formatBytes(e.operator)) (products only, never J or K)" }
        }
        let perSample = max(1, factor.dimension / factor.samples)
        let fitting = Int((Double(budget) / 8).squareRoot()) / perSample
        return "no view fits; use at most about \(max(1, fitting)) inputs or raise the budget"
    }
}
