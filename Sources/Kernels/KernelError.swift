import LinearAlgebra
/// Everything that can go wrong while building or querying an empirical NTK, as a typed value.
public enum KernelError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The work would allocate more than the memory budget. `suggestion` names a view or route
    /// that fits (or says that none does).
    case overBudget(needed: Int, budget: Int, what: String, suggestion: String)
    /// An argument is outside what the operation accepts.
    case invalidArgument(String)
    /// Operand shapes do not fit together (both shapes named).
    case shapeMismatch(String)
    /// A route was asked for that cannot serve this model, view or size.
    case routeUnavailable(route: String, reason: String)

    public var description: String {
        switch self {
        case .overBudget(let needed, let budget, let what, let suggestion):
            return "\(what) needs \(formatBytes(needed)) but the memory budget is \(formatBytes(budget)); \(suggestion)"
        case .invalidArgument(let s): return s
        case .shapeMismatch(let s): return "shape mismatch: \(s)"
        case .routeUnavailable(let route, let reason): return "route \"\(route)\" is not available: \(reason)"
        }
    }
}

/// Bytes as a short human figure ("1.25 GB", "830 MB", "12 kB"), decimal units.
public func formatBytes(_ bytes: Int) -> String { AllocationBudget.format(bytes) }
