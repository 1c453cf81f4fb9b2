import LinearAlgebra
import Tensors

/// Tensors workloads: `Tensor.matmul` against the raw `BLAS.gemm` call on the same buffers (the
/// wrapper's overhead must stay within 10%), and the elementwise fast and broadcasting paths.
func tensorWorkloads() -> [Workload] {
    let n = 1000
    func operands() throws -> (Tensor, Tensor) {
        var g = RandomGenerator(seed: 1)
        return (try Tensor.randn([n, n], using: &g), try Tensor.randn([n, n], using: &g))
    }
    return [
        Workload(group: "tensor", "matmul 1000x1000 via Tensor.matmul", flops: 2e9, repeats: 15) {
            let (a, b) = try operands()
            return { _ = try a.matmul(b) }
        },
        Workload(group: "tensor", "matmul 1000x1000 via raw BLAS.gemm", flops: 2e9, repeats: 15) {
            let (a, b) = try operands()
            var c = [Double](repeating: 0, count: n * n)
            return {
                a.storage.withUnsafeBufferPointer { ap in
                    b.storage.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { cp in
                            BLAS.gemm(.none, .none, m: n, n: n, k: n, a: ap.baseAddress!, lda: n,
                                      b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                        }
                    }
                }
            }
        },
        Workload(group: "tensor", "add 1000x1000 + 1000x1000 (same shape)", flops: 1e6, repeats: 21) {
            let (a, b) = try operands()
            return { _ = try a + b }
        },
        Workload(group: "tensor", "add 1000x1000 + 1000 (row broadcast)", flops: 1e6, repeats: 21) {
            let (a, b) = try operands()
            let row = try b.slice(.at(0))
            return { _ = try a + row }
        },
        Workload(group: "tensor", "add 1000x1000 + 1000x1 (column broadcast)", flops: 1e6, repeats: 21) {
            let (a, b) = try operands()
            let column = try b.slice(.all, .slice(0, 1))
            return { _ = try a + column }
        },
    ]
}
