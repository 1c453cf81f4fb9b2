import Tensors

/// Tensors workloads (matmul through Tensor against raw BLAS, …).
func tensorWorkloads() -> [Workload] { [] }
