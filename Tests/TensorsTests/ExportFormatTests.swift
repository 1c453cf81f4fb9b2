import Foundation
import Testing
import Tensors

@Suite("CSV and JSON writing")
struct ExportFormatTests {
    @Test("numbers are written in their shortest text that reads back as the same Double")
    func shortestRoundTrips() {
        #expect(NumberFormat.shortest(3) == "3")
        #expect(NumberFormat.shortest(-0.0) == "-0")
        #expect(NumberFormat.shortest(0.1) == "0.1")
        #expect(NumberFormat.shortest(1.0 / 3) == "0.3333333333333333")
        #expect(NumberFormat.shortest(1e-5) == "1e-05")
        #expect(NumberFormat.shortest(5e-324) == "5e-324")
        #expect(NumberFormat.shortest(.greatestFiniteMagnitude) == "1.7976931348623157e+308")
        #expect(NumberFormat.shortest(0x1p53) == "9007199254740992.0")
        #expect([Double.nan, .infinity, -.infinity].map(NumberFormat.shortest) == ["nan", "inf", "-inf"])
        var g = RandomGenerator(seed: 7)
        for _ in 0..<20_000 {
            let x = Double(bitPattern: g.nextUInt64())
            guard x.isFinite else { continue }
            #expect(Double(NumberFormat.shortest(x))?.bitPattern == x.bitPattern, "\(x)")
        }
    }

    @Test("a CSV table: header, rows, text fields quoted only when they need it")
    func csvText() {
        let table = CSVTable(header: ["step", "a, b", "say \"hi\""], rowCount: 2) { r in
            [CSVTable.number(Double(r)), CSVTable.number(r == 0 ? 0.1 : .nan), CSVTable.text(r == 0 ? "plain" : "x\ny")]
        }
        #expect(table.text == "step,\"a, b\",\"say \"\"hi\"\"\"\n0,0.1,plain\n1,nan,\"x\ny\"\n")
        #expect(CSVTable.numeric(header: ["value"], rows: 0) { _, _ in 0 }.text == "value\n")
    }

    @Test("JSON text: key order kept, non-finite numbers null, strings escaped")
    func jsonText() {
        let value = JSONValue.object([
            ("name", .string("a \"b\"\n")), ("values", .numbers([1, 0.5, .nan, -.infinity])),
            ("nested", .object([("x", .number(2.5)), ("ok", .bool(true)), ("none", .null)])), ("rows", .array([.numbers([]), .numbers([3])])),
        ])
        #expect(value.text == """
            {
            "name": "a \\"b\\"\\n",
            "values": [1, 0.5, null, null],
            "nested": {"x": 2.5, "ok": true, "none": null},
            "rows": [[], [3]]
            }
            """)
        #expect(JSONValue.number(.infinity) == .null)
    }

    @Test("files are streamed through the safe writer and read back whole")
    func filesMatchText() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entk-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Wider than one 64 kB chunk, so several chunks are written.
        let table = CSVTable.numeric(header: (0..<50).map { "c\($0)" }, rows: 400) { r, c in Double(r) / 7 + Double(c) }
        try table.write(to: directory.appendingPathComponent("t.csv").path)
        #expect(try String(contentsOf: directory.appendingPathComponent("t.csv"), encoding: .utf8) == table.text)
        let json = JSONValue.object([("v", .numbers((0..<20_000).map { Double($0) / 3 }))])
        try json.write(to: directory.appendingPathComponent("v.json").path)
        #expect(try String(contentsOf: directory.appendingPathComponent("v.json"), encoding: .utf8) == json.text + "\n")
    }
}
