import LinearAlgebra

/// LinearAlgebra workloads: DGEMM, the TMS-shaped SYRK, eigen routes.
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
    ]
}
