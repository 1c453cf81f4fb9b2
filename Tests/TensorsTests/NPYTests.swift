import Foundation
import Testing
import Tensors
import TestSupport

@Suite("npy files")
struct NPYTests {
    @Test("every dtype, byte order, memory order and header version numpy wrote reads back exactly")
    func readsNumpyFiles() throws {
        let index = try Fixtures.json("npy/index.json") as! [[String: Any]]
        #expect(index.count >= 40)
        for entry in index {
            let name = entry["file"] as! String
            let expected = Fixtures.tensor(entry["expected"])
            let fromPath = try NPY.read(contentsOf: Fixtures.url("npy/\(name)").path)
            #expect(fromPath == expected, mismatch(expected, fromPath, name))
            #expect(try NPY.read(Data(Fixtures.bytes("npy/\(name)"))) == expected)
        }
    }

    @Test("unsupported dtypes are refused with their name")
    func unsupportedDTypes() throws {
        #expect(throws: TensorError.unsupportedDType(format: "npy", dtype: "<c16")) {
            try NPY.read(Fixtures.bytes("npy/unsupported_c16.npy"))
        }
        #expect(throws: TensorError.unsupportedDType(format: "npy", dtype: "<f2")) {
            try NPY.read(Fixtures.bytes("npy/unsupported_f2.npy"))
        }
        do { _ = try NPY.read(Fixtures.bytes("npy/unsupported_struct.npy")); Issue.record("expected an error") } catch let e as TensorError {
            guard case .unsupportedDType(_, let dtype) = e else { Issue.record("wrong error \(e)"); return }
            #expect(dtype.hasPrefix("[('a', '<f8')"))
        }
    }

    @Test("our files round-trip: f8 exactly, f4 rounded to single precision")
    func roundTrip() throws {
        var g = RandomGenerator(seed: 1)
        let t = try Tensor.randn([3, 5, 2], using: &g)
        #expect(try NPY.read(NPY.encode(t)) == t)
        #expect(try NPY.read(NPY.encode(t, precision: .float32)) == t.map { Double(Float($0)) })
        #expect(try NPY.read(NPY.encode(Tensor(scalar: -3))) == Tensor(scalar: -3))
        #expect((NPY.encode(t).count - 8 * t.count) % 64 == 0, "data starts on a 64-byte boundary")
        // A header beyond 65535 bytes switches to format 2.0.
        let deep = Tensor(shape: [Int](repeating: 1, count: 30_000), storage: [4])
        let bytes = NPY.encode(deep)
        #expect(bytes[6] == 2)
        #expect(try NPY.read(bytes) == deep)
    }

    @Test("files we write are read by numpy with the values we meant")
    func numpyReadsOurFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try Tensor.arange(0, 24).reshaped(to: [2, 3, 4]) / 8 - 1
        try NPY.write(t, to: dir.appendingPathComponent("a.npy").path)
        try NPY.write(t, to: dir.appendingPathComponent("b.npy").path, precision: .float32)
        try NPY.write(Tensor(scalar: 2.5), to: dir.appendingPathComponent("c.npy").path)
        let script = """
        import sys, numpy as np
        d = sys.argv[1]
        want = np.arange(24.0).reshape(2, 3, 4) / 8 - 1
        a, b, c = np.load(d + '/a.npy'), np.load(d + '/b.npy'), np.load(d + '/c.npy')
        assert a.dtype == np.dtype('<f8') and a.flags.c_contiguous and np.array_equal(a, want), a
        assert b.dtype == np.dtype('<f4') and np.array_equal(b, want.astype('<f4')), b
        assert c.shape == () and c == 2.5, c
        print('ok')
        """
        guard let (status, output) = try runPythonWithNumpy(script, [dir.path]) else { return }
        #expect(status == 0 && output.contains("ok"), "numpy said: \(output)")
    }

    /// A v1.0 file with the given header dict text and data bytes.
    func npy(_ dict: String, data: [UInt8] = [], version: UInt8 = 1) -> [UInt8] {
        let header = Array((dict + "\n").utf8)
        let length: [UInt8] = version == 1 ? [UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
                                           : [UInt8(header.count & 0xFF), UInt8(header.count >> 8), 0, 0]
        return [0x93] + Array("NUMPY".utf8) + [version, 0] + length + header + data
    }

    @Test("corrupt and hostile files give typed errors that say what is wrong")
    func corruptFiles() throws {
        func expectCorrupt(_ bytes: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try NPY.read(bytes)
                Issue.record("expected an error containing '\(fragment)'", sourceLocation: sourceLocation)
            } catch let e as TensorError {
                #expect(e.description.contains(fragment), "\(e.description)", sourceLocation: sourceLocation)
            } catch { Issue.record("unexpected error \(error)", sourceLocation: sourceLocation) }
        }
        let eight = [UInt8](repeating: 0, count: 8)
        expectCorrupt([], "too short")
        expectCorrupt(Array("not an npy file at all".utf8), "magic")
        expectCorrupt(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", data: eight, version: 4), "version 4.0")
        var long = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", data: eight)
        long[8] = 0xFF; long[9] = 0xFF
        expectCorrupt(long, "header length 65535 exceeds")
        expectCorrupt(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data: eight), "data is 8 bytes but shape (2,) of '<f8' needs 16")
        expectCorrupt(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", data: eight + [0]), "data is 9 bytes")
        expectCorrupt(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 3), }"), "negative dimension -1")
        expectCorrupt(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"), "overflows")
        expectCorrupt(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976,), }"), "overflows the byte count")
        expectCorrupt(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }"), "64 bits")
        expectCorrupt(npy("{'descr': '<f8', 'fortran_order': False, }"), "lacks the key 'shape'")
        expectCorrupt(npy("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (), }"), "True or False")
        expectCorrupt(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)"), "malformed header")
        expectCorrupt(npy("['descr']"), "malformed header")
        expectCorrupt(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1}"), "unexpected key 'extra'")
        expectCorrupt(npy("{'descr': '|f8', 'fortran_order': False, 'shape': (1,), }", data: eight), "unsupported dtype '|f8'")
        expectCorrupt(npy("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", data: eight), "unsupported dtype '<U3'")
    }

    @Test("every truncation of a valid file is refused")
    func truncations() throws {
        let valid = NPY.encode(try Tensor.arange(0, 10))
        for n in 0..<valid.count {
            #expect(throws: TensorError.self, "prefix of \(n) bytes") { try NPY.read(Array(valid[..<n])) }
        }
    }

    @Test("random mutations of valid files never crash")
    func fuzzing() throws {
        let files = ["f8_le_C.npy", "i2_be_F.npy", "f8_v2.npy", "b1_na_C.npy"]
        for (i, name) in files.enumerated() {
            let result = fuzz(try Fixtures.bytes("npy/\(name)"), iterations: heavyTestsEnabled ? 20_000 : 2_000, seed: UInt64(i)) { try NPY.read($0) }
            #expect(result.rejected > 0)
        }
    }
}
