import LinearAlgebra
import Tensors

/// LinearAlgebra workloads: DGEMM, the TMS-shaped SYRK, eigen routes.
///
/// Eigen rows: `flops` is the nominal 9n³ of dsyevd with vectors (tridiagonal reduction, divide
/// and conquer, back-transformation) so that a fraction of the DGEMM ceiling can be shown; it is a
/// convention, not a count. The top-20 and matrix-free rows leave flops empty: compare their
/// median time against the dsyevd row of the same n.
func linearAlgebraWorkloads() -> [Workload] {
    [
        Workload(group: "linalg", "dgemm 2000x2000", flops: 2 * 8e9) {
            let n = 2000
            let a = Matrix(rows: n, cols: n, storage: (0..<(n * n)).map { Double($0 % 17) - 8 })
            return { _ = try a.multiplied(by: a) }
        },
        Workload(group: "linalg", "syrk 25000x550 -> 550x550 (JᵀJ)", flops: 25_000 * 550 * 550) {
            let a = Matrix(rows: 25_000, cols: 550, storage: (0..<(25_000 * 550)).map { Double($0 % 13) - 6 })
            return { _ = a.gram(.transpose) }
        },
    ] + smallGEMMWorkloads() + eigenWorkloads(n: 2000, repeats: 5) + eigenWorkloads(n: 4000, repeats: 3)
}

/// The GEMM shapes of a training step, 1000 calls each, on OpenBLAS's current thread count and
/// on one thread: where a second thread starts to pay (`BLAS.gemm`'s thread choice).
private func smallGEMMWorkloads() -> [Workload] {
    let shapes = [(500, 10, 50), (192, 192, 64), (64, 256, 64), (512, 588, 29), (256, 256, 256)]
    return shapes.flatMap { (m: Int, n: Int, k: Int) in
        [nil, 1].map { (threads: Int?) in
            Workload(group: "linalg", "gemm \(m)×\(n)×\(k) ×1000\(threads.map { ", \($0) thread" } ?? "")",
                     flops: 1000 * 2 * Double(m * n * k)) {
                let a = (0..<(m * k)).map { Double($0 % 7) - 3 }, b = (0..<(k * n)).map { Double($0 % 5) - 2 }
                var c = [Double](repeating: 0, count: m * n)
                return {
                    withBLASThreads(threads) {
                        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                            for _ in 0..<1000 {
                                BLAS.gemm(.none, .none, m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n,
                                          c: cp.baseAddress!, ldc: n)
                            }
                        } } }
                    }
                }
            }
        }
    }
}

/// dsyevd (all pairs), dsyevr (top 20) and IterativeEigen (top 20, dense GEMM operator) on the
/// same PSD matrix with a decaying spectrum.
private func eigenWorkloads(n: Int, repeats: Int) -> [Workload] {
    let nominal = 9 * Double(n) * Double(n) * Double(n)
    var rows = [
        Workload(group: "linalg", "eigen all n=\(n) (dsyevd, nominal 9n³)", flops: nominal, repeats: repeats) {
            let k = decayingPSD(n: n)
            return { _ = try SymmetricEigen.all(k) }
        },
        Workload(group: "linalg", "eigen top-20 n=\(n) (dsyevr)", repeats: repeats) {
            let k = decayingPSD(n: n)
            return { _ = try SymmetricEigen.top(k, count: 20) }
        },
    ]
    if n == 4000 {
        rows.append(Workload(group: "linalg", "eigen top-20 n=\(n) (IterativeEigen, GEMM op)", repeats: repeats) {
            let k = decayingPSD(n: n)
            return { _ = try IterativeEigen.top(count: 20, dimension: n) { try k.multiplied(by: $0) } }
        })
    }
    return rows
}

/// K = B·Bᵀ + diag(1/(1+i)) with B n×n standard normal, column c scaled by 1/(1+c): PSD, eigenvalues
/// decaying roughly like n/c², seeded so every run sees the same matrix.
func decayingPSD(n: Int, seed: UInt64 = 7) -> Matrix {
    var rng = RandomGenerator(seed: seed)
    var b = Matrix(rows: n, cols: n)
    for i in 0..<n { for c in 0..<n { b.storage[i * n + c] = rng.nextNormal() / Double(1 + c) } }
    var k = b.gram(.none)
    for i in 0..<n { k.storage[i * n + i] += 1 / Double(1 + i) }
    return k
}
