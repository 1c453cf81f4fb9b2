import Testing
import LinearAlgebra
import TestSupport

@Suite("BLAS wrappers")
struct BLASTests {
    @Test("gemm matches a hand-computed product")
    func gemmSmall() throws {
        let a = Matrix(rows: 2, cols: 3, storage: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 3, cols: 2, storage: [7, 8, 9, 10, 11, 12])
        let c = try a.multiplied(by: b)
        #expect(c.storage == [58, 64, 139, 154])
        let ct = try a.multiplied(by: a, .none, .transpose)
        #expect(ct.storage == [14, 32, 32, 77])
    }

    @Test("gram through syrk fills both triangles and equals A·Aᵀ and Aᵀ·A")
    func gramMatchesGemm() throws {
        let a = Matrix(rows: 3, cols: 4, storage: (0..<12).map { Double($0 * $0 % 7) - 2.5 })
        #expect(a.gram(.none) == (try a.multiplied(by: a, .none, .transpose)))
        #expect(a.gram(.transpose) == (try a.multiplied(by: a, .transpose, .none)))
    }

    @Test("shape mismatch is an error, not a crash")
    func mismatch() {
        let a = Matrix(rows: 2, cols: 3)
        #expect(throws: LinearAlgebraError.self) { try a.multiplied(by: a) }
    }
}
