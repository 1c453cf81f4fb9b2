/// Input checks shared by every LAPACK entry point, run before anything is allocated or
/// handed to LAPACK (which reports NaN only as an opaque `info = -5`).
extension Matrix {
    /// True when every element is finite (no NaN, no ±∞). One pass, O(rows·cols).
    public var isFinite: Bool {
        storage.withUnsafeBufferPointer { p in
            var ok = true
            for x in p where !x.isFinite { ok = false; break }
            return ok
        }
    }

    /// Throws `.nonFiniteInput` when any element is NaN or infinite.
    func requireFinite(_ routine: String) throws {
        guard isFinite else { throw LinearAlgebraError.nonFiniteInput(routine: routine) }
    }

    /// Throws `.shapeMismatch` unless the matrix is square.
    func requireSquare(_ routine: String, argument: String = "a") throws {
        guard rows == cols else {
            throw LinearAlgebraError.shapeMismatch("\(routine): \(argument) must be square, got \(rows)×\(cols)")
        }
    }

    /// The largest asymmetry max |a_ij − a_ji| relative to max |a_ij| (0 for a zero matrix,
    /// +∞ for a non-square one).
    ///
    /// Cost: one O(n²) pass reading both triangles, negligible next to the O(n³) routines that
    /// call it.
    public var asymmetry: Double {
        guard rows == cols else { return .infinity }
        let n = rows
        return storage.withUnsafeBufferPointer { p in
            var worst = 0.0, scale = 0.0
            for i in 0..<n {
                scale = max(scale, abs(p[i * n + i]))
                for j in (i + 1)..<max(i + 1, n) {
                    let a = p[i * n + j], b = p[j * n + i]
                    worst = max(worst, abs(a - b))
                    scale = max(scale, abs(a), abs(b))
                }
            }
            return scale > 0 ? worst / scale : 0
        }
    }

    /// Relative asymmetry accepted by the symmetric routines. LAPACK reads one triangle only, so
    /// a matrix that is not symmetric would be silently replaced by its mirrored triangle; round-off
    /// from forming K = J·Jᵀ by GEMM stays near 1e-16, far below this bound.
    public static let symmetryTolerance = 1e-10

    /// Throws `.invalidRequest` when `asymmetry` exceeds `symmetryTolerance`.
    func requireSymmetric(_ routine: String) throws {
        let s = asymmetry
        guard s <= Matrix.symmetryTolerance else {
            throw LinearAlgebraError.invalidRequest(
                "\(routine): matrix is not symmetric (max |a_ij − a_ji| / max |a_ij| = \(s), tolerance \(Matrix.symmetryTolerance))")
        }
    }
}

/// Maps a LAPACK `info` to a typed error: negative names an illegal argument, positive means the
/// routine did not converge. Routines whose positive `info` means something else check it first.
func checkLAPACK(_ info: Int32, _ routine: String) throws {
    if info < 0 { throw LinearAlgebraError.illegalArgument(routine: routine, argument: Int(-info)) }
    if info > 0 { throw LinearAlgebraError.noConvergence(routine: routine, detail: "info = \(info)") }
}

/// Throws `.sizeTooLarge` when `n` does not fit LAPACK's 32-bit integers.
func requireLAPACKSize(_ n: Int, _ routine: String) throws {
    if n > Int(Int32.max) { throw LinearAlgebraError.sizeTooLarge(routine: routine, n: n, limit: Int(Int32.max)) }
}

/// A LAPACKE `char` argument.
func lapackChar(_ c: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: c)) }
