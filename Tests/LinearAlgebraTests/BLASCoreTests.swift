import LinearAlgebra
import Testing

@Suite("BLAS core")
struct BLASCoreTests {
    let avx512: Set<Substring> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512cd"]

    @Test("a pre-AVX fallback on an AVX-512 or AVX2 CPU is corrected to the CPU's kernels")
    func fallbackCorrected() {
        #expect(BLASCore.correction(detected: "Prescott", cpuFlags: avx512) == "SkylakeX")
        #expect(BLASCore.correction(detected: "Prescott", cpuFlags: ["sse3", "avx", "avx2", "fma"]) == "Haswell")
    }

    @Test("a detected AVX core, or a CPU without AVX2, is left alone")
    func otherwiseKept() {
        #expect(BLASCore.correction(detected: "Haswell", cpuFlags: avx512) == nil)
        #expect(BLASCore.correction(detected: "Zen", cpuFlags: avx512) == nil)
        #expect(BLASCore.correction(detected: "Sandybridge", cpuFlags: ["avx", "avx2", "fma"]) == nil)
        #expect(BLASCore.correction(detected: "Prescott", cpuFlags: ["sse3", "avx"]) == nil)
        #expect(BLASCore.correction(detected: "Nehalem", cpuFlags: ["sse4_2"]) == nil)
    }
}
