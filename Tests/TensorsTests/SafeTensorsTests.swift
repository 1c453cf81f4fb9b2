import Foundation
import Testing
import Tensors
import TestSupport

@Suite("safetensors files")
struct SafeTensorsTests {
    @Test("a hand-written file with F64, F32, I64 and I32 tensors and metadata reads back exactly")
    func readsFixture() throws {
        let index = try Fixtures.json("safetensors/index.json") as! [String: Any]
        let file = try SafeTensors.read(contentsOf: Fixtures.url("safetensors/mixed.safetensors").path)
        let expected = index["tensors"] as! [[String: Any]]
        #expect(file.names == expected.map { $0["name"] as! String })
        for entry in expected {
            let name = entry["name"] as! String
            #expect(file[name] == Fixtures.tensor(entry["expected"]), "\(name)")
        }
        #expect(file.metadata == index["metadata"] as? [String: String])
    }

    @Test("our files round-trip with names, shapes, order and metadata")
    func roundTrip() throws {
        var g = RandomGenerator(seed: 2)
        let file = SafeTensorsFile(tensors: [("W", try Tensor.randn([4, 3], using: &g)), ("b", try Tensor.randn([3], using: &g)),
                                             ("step", Tensor(scalar: 7)), ("empty", try Tensor.zeros([0, 2])), ("naïve \"q\"", Tensor([1]))],
                                   metadata: ["kind": "tms", "quote": "a \"b\"\n"])
        let bytes = try SafeTensors.encode(file)
        #expect(try SafeTensors.read(bytes) == file)
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        let single = try SafeTensors.read(SafeTensors.encode(file, precision: .float32))
        #expect(single["W"] == file["W"]!.map { Double(Float($0)) })
        #expect(throws: TensorError.self) { try SafeTensors.encode(SafeTensorsFile(tensors: [("a", Tensor([1])), ("a", Tensor([2]))])) }
        let named = SafeTensorsFile(named: ["z": Tensor([1]), "a": Tensor([2])])
        #expect(named.names == ["a", "z"])
        #expect(try SafeTensors.read(SafeTensors.encode(named)).dictionary == ["a": Tensor([2]), "z": Tensor([1])])
    }

    @Test("files we write are parsed by an independent python reader")
    func pythonReadsOurFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try Tensor.arange(0, 6).reshaped(to: [2, 3]) / 4
        try SafeTensors.write(SafeTensorsFile(tensors: [("weight", w), ("bias", Tensor([0.5, -1]))], metadata: ["format": "entk"]),
                              to: dir.appendingPathComponent("m.safetensors").path)
        try SafeTensors.write(SafeTensorsFile(tensors: [("weight", w)]), to: dir.appendingPathComponent("s.safetensors").path, precision: .float32)
        let script = """
        import sys, json, struct, numpy as np
        def load(path):
            raw = open(path, 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]
            header = json.loads(raw[8:8 + n])
            data = raw[8 + n:]
            out = {}
            for name, info in header.items():
                if name == '__metadata__':
                    continue
                b, e = info['data_offsets']
                dt = {'F64': '<f8', 'F32': '<f4'}[info['dtype']]
                out[name] = np.frombuffer(data[b:e], dtype=dt).reshape(info['shape'])
            return header, out
        d = sys.argv[1]
        header, m = load(d + '/m.safetensors')
        want = np.arange(6.0).reshape(2, 3) / 4
        assert header['__metadata__'] == {'format': 'entk'}, header
        assert np.array_equal(m['weight'], want) and np.array_equal(m['bias'], [0.5, -1.0]), m
        header, s = load(d + '/s.safetensors')
        assert header['weight']['dtype'] == 'F32' and np.array_equal(s['weight'], want.astype('<f4')), s
        print('ok')
        """
        guard let (status, output) = try runPythonWithNumpy(script, [dir.path]) else { return }
        #expect(status == 0 && output.contains("ok"), "python said: \(output)")
    }

    /// A file with the given JSON header text and data bytes.
    func file(_ json: String, data: [UInt8] = []) -> [UInt8] {
        let header = Array(json.utf8)
        return withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header + data
    }

    @Test("corrupt and hostile files give typed errors that say what is wrong")
    func corruptFiles() throws {
        func expectError(_ bytes: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try SafeTensors.read(bytes)
                Issue.record("expected an error containing '\(fragment)'", sourceLocation: sourceLocation)
            } catch let e as TensorError {
                #expect(e.description.contains(fragment), "\(e.description)", sourceLocation: sourceLocation)
            } catch { Issue.record("unexpected error \(error)", sourceLocation: sourceLocation) }
        }
        let eight = [UInt8](repeating: 0, count: 8)
        expectError([1, 2, 3], "too short")
        expectError(withUnsafeBytes(of: UInt64.max.littleEndian) { Array($0) } + Array("{}".utf8), "header length 18446744073709551615 exceeds")
        expectError(withUnsafeBytes(of: UInt64(100).littleEndian) { Array($0) } + Array("{}".utf8), "header length 100 exceeds the 2 bytes")
        expectError(file("{\"a\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]"), "malformed JSON")
        expectError(file("{\"a\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}} trailing"), "unexpected text")
        expectError(file("[1, 2]"), "not a JSON object")
        expectError(file(String(repeating: "[", count: 100_000)), "nesting deeper")
        expectError(file("{\"a\": {\"dtype\": \"F64\", \"shape\": [-1], \"data_offsets\": [0, 8]}}", data: eight), "negative or overflowing")
        expectError(file("{\"a\": {\"dtype\": \"F64\", \"shape\": [4294967296, 4294967296], \"data_offsets\": [0, 8]}}", data: eight), "negative or overflowing")
        expectError(file("{\"a\": {\"dtype\": \"F64\", \"shape\": [2305843009213693952], \"data_offsets\": [0, 8]}}", data: eight), "more than Int.max")
        expectError(file("{\"a\": {\"dtype\": \"F64\", \"shape\": [1e3], \"data_offsets\": [0, 8]}}", data: eight), "non-integer")
        expectError(file("{\"a\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 16]}}", data: eight), "run past the 8 data bytes")
        expectError(file("{\"a\": {\"dtype\": \"F64\", \"shape\": [2], \"data_offsets\": [0, 8]}}", data: eight), "span 8 bytes but shape (2,) of F64 needs 16")
        expectError(file("{\"a\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [8, 0]}}", data: eight), "0 ≤ begin ≤ end")
        expectError(file("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", data: eight), "gap or overlap")
        expectError(file("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", data: eight), "cover 4 of the 8")
        expectError(file("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", data: eight), "appears twice")
        expectError(file("{\"a\": {\"dtype\": \"F8_E4M3\", \"shape\": [8], \"data_offsets\": [0, 8]}}", data: eight), "unsupported dtype 'F8_E4M3'")
        expectError(file("{\"a\": {\"shape\": [1], \"data_offsets\": [0, 8]}}", data: eight), "lacks 'dtype'")
        expectError(file("{\"__metadata__\": {\"k\": 1}}"), "not a string")
        expectError(file("{\"a\": \"\\ud800\"}"), "unpaired surrogate")
    }

    /// Little-endian bytes of 16-bit patterns.
    func halves(_ bits: [UInt16]) -> [UInt8] { bits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }

    @Test("F16 tensors load as the exact Doubles their bits encode: normals, the largest, subnormals, ±inf, nan")
    func readsHalfPrecision() throws {
        // 1.0, -2.5, 65504 (largest), 2⁻¹⁴ (smallest normal), 2⁻²⁴ (smallest subnormal),
        // 1023·2⁻²⁴ (largest subnormal), -0, inf, -inf, nan.
        let bits: [UInt16] = [0x3C00, 0xC100, 0x7BFF, 0x0400, 0x0001, 0x03FF, 0x8000, 0x7C00, 0xFC00, 0x7E00]
        let bytes = file("{\"h\": {\"dtype\": \"F16\", \"shape\": [2, 5], \"data_offsets\": [0, 20]}}", data: halves(bits))
        let h = try #require(try SafeTensors.read(bytes)["h"])
        #expect(h.shape == [2, 5])
        let expected: [Double] = [1, -2.5, 65504, 0x1p-14, 0x1p-24, 1023 * 0x1p-24, -0.0, .infinity, -.infinity]
        for (i, x) in expected.enumerated() {
            #expect(h.storage[i].bitPattern == x.bitPattern, "element \(i): \(h.storage[i]) ≠ \(x)")
        }
        #expect(h.storage[9].isNaN)
    }

    @Test("BF16 tensors load as the exact Doubles their bits encode")
    func readsBFloat16() throws {
        // 1.0, -2.5, 3.140625 (0x4049), 2⁻¹³³ (smallest subnormal), inf, nan.
        let bits: [UInt16] = [0x3F80, 0xC020, 0x4049, 0x0001, 0x7F80, 0x7FC0]
        let bytes = file("{\"b\": {\"dtype\": \"BF16\", \"shape\": [6], \"data_offsets\": [0, 12]}}", data: halves(bits))
        let b = try #require(try SafeTensors.read(bytes)["b"])
        #expect(Array(b.storage.prefix(5)) == [1, -2.5, 3.140625, 0x1p-133, .infinity])
        #expect(b.storage[5].isNaN)
    }

    @Test("an F16 tensor whose byte range does not match its shape is refused")
    func halfSizeIsChecked() throws {
        let bytes = file("{\"h\": {\"dtype\": \"F16\", \"shape\": [3], \"data_offsets\": [0, 8]}}", data: [UInt8](repeating: 0, count: 8))
        #expect(throws: TensorError.self) { try SafeTensors.read(bytes) }
    }

    @Test("every truncation of a valid file is refused")
    func truncations() throws {
        let valid = try SafeTensors.encode(SafeTensorsFile(tensors: [("x", Tensor([1, 2, 3]))], metadata: ["k": "v"]))
        for n in 0..<valid.count {
            #expect(throws: TensorError.self, "prefix of \(n) bytes") { try SafeTensors.read(Array(valid[..<n])) }
        }
    }

    @Test("random mutations of valid files never crash")
    func fuzzing() throws {
        let valid = try Fixtures.bytes("safetensors/mixed.safetensors")
        let result = fuzz(valid, iterations: heavyTestsEnabled ? 50_000 : 4_000, seed: 99) { try SafeTensors.read($0) }
        #expect(result.rejected > 0)
    }
}
