import Networks

/// Networks workloads (TMS and modular-MLP training).
func networkWorkloads() -> [Workload] { [] }
