/// Everything that can go wrong in a BLAS/LAPACK call, as a typed error.
///
/// Every LAPACK `info` is checked; a negative `info` names the bad argument, a positive
/// one means the algorithm did not converge (or the matrix is not positive definite).
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The input holds NaN or infinity (LAPACKE reports NaN as info = -5 and prints nothing).
    case nonFiniteInput(routine: String)
    /// LAPACK rejected argument number `argument` (info < 0).
    case illegalArgument(routine: String, argument: Int)
    /// The iteration did not converge (info > 0 for eigen/SVD routines, or an iterative solver).
    case noConvergence(routine: String, detail: String)
    /// Cholesky found a leading minor that is not positive (info > 0 in potrf).
    case notPositiveDefinite(order: Int)
    /// A dimension or workspace exceeds LAPACK's 32-bit integer range.
    case sizeTooLarge(routine: String, n: Int, limit: Int)
    /// Operand shapes do not fit together.
    case shapeMismatch(String)
    /// A request outside what the routine offers (k > n, k < 1, …).
    case invalidRequest(String)
    /// A long computation stopped because its `shouldStop` callback returned true (Ctrl-C).
    case interrupted(routine: String)

    public var description: String {
        switch self {
        case .nonFiniteInput(let r): return "\(r): the input contains NaN or infinity"
        case .illegalArgument(let r, let a): return "\(r): illegal value in argument \(a)"
        case .noConvergence(let r, let d): return "\(r): did not converge (\(d))"
        case .notPositiveDefinite(let k): return "matrix is not positive definite (leading minor \(k) is not positive)"
        case .sizeTooLarge(let r, let n, let limit): return "\(r): size \(n) exceeds the 32-bit LAPACK limit \(limit)"
        case .shapeMismatch(let s): return "shape mismatch: \(s)"
        case .invalidRequest(let s): return s
        case .interrupted(let r): return "interrupted by Ctrl-C during \(r); every binding is as it was"
        }
    }
}
