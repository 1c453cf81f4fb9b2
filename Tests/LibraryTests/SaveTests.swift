import Foundation
import Language
import Library
import Testing
import TestSupport

/// `save` writes the format its path's extension names, or refuses.
@Suite("Saving values as files")
struct SaveTests {
    /// A fresh directory, and a session whose inputs run in it by absolute paths.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("entk-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func text(_ url: URL, _ name: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
    }

    @Test("a path without .npy, .safetensors, .csv or .json is refused, naming the allowed extensions, and nothing is written")
    func unknownExtensionsRefused() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["noext", "spec.txt", "spec.npz", "dir.csv/x"] {
            let out = output("save(ones(2), \"\(dir.path)/\(name)\")")
            #expect(out.contains("save writes .npy, .safetensors, .csv or .json (and .svg for a plot)"), "\(name): \(out)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("spec.csv and spec.json hold CSV and JSON, not .npy bytes; numbers exact, nan and inf spelled out or null")
    func tensorsAsCSVAndJSON() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let session = Session(sink: TextBuffer())
        _ = output("""
            x = tensor([[1, 0.1, 1e-300], [1/0, -1/0, 0/0]])
            save(x, "\(dir.path)/spec.csv")
            save(x, "\(dir.path)/spec.json")
            save(arange(3) / 3, "\(dir.path)/v.csv")
            save(2.5, "\(dir.path)/n.json")
            save(x, "\(dir.path)/UPPER.CSV")
            """, in: session)
        let out = output("save(ones(2, 2, 2), \"\(dir.path)/cube.csv\")", in: session)
            + output("save(ones(2), \"\(dir.path)/f.csv\", precision: \"float32\")", in: session)
        #expect(try Self.text(dir, "spec.csv") == "c0,c1,c2\n1,0.1,1e-300\ninf,-inf,nan\n")
        #expect(try Self.text(dir, "spec.json") == "[[1, 0.1, 1e-300], [null, null, null]]\n")
        #expect(try Self.text(dir, "v.csv") == "value\n0\n0.3333333333333333\n0.6666666666666666\n")
        #expect(try Self.text(dir, "n.json") == "2.5\n")
        #expect(try Self.text(dir, "UPPER.CSV") == "c0,c1,c2\n1,0.1,1e-300\ninf,-inf,nan\n")
        #expect(out.contains("a tensor of rank 3 has no CSV form (CSV holds rank ≤ 2); reshape it, or save it as .npy or .json"))
        #expect(out.contains("precision applies to .npy and .safetensors; .csv numbers are written exactly"))
    }

    @Test("a spectrum saves its eigenvalues and eigenvectors, exactly")
    func spectrum() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let session = Session(sink: TextBuffer())
        _ = output("""
            m = tms(features: 4, hidden: 2, seed: 0)
            d = m.samples(3, seed: 1)
            s = ntk(m, d).eig(3)
            save(s, "\(dir.path)/s.csv")
            save(s, "\(dir.path)/s.json")
            """, in: session)
        let values = try session.interpreter.evaluate("s.values.tolist()")
        let vectors = try session.interpreter.evaluate("s.vectors.T.tolist()")
        func numbers(_ v: Value) -> [Double] {
            if case .number(let x) = v { return [x] }
            if case .list(let l) = v { return l.flatMap(numbers) }
            return []
        }
        let csv = try Self.text(dir, "s.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(csv[0] == ["index", "eigenvalue"] + (0..<12).map { "v\($0)" }[...].map { Substring($0) })
        #expect(csv.count == 4)
        let rows = csv.dropFirst().map { $0.map { Double(String($0))! } }
        #expect(rows.map { $0[0] } == [0, 1, 2])
        #expect(rows.map { $0[1] } == numbers(values))
        #expect(rows.flatMap { $0.dropFirst(2) } == numbers(vectors))
        // Foundation's JSON parser rounds some numbers, so the numbers are read from the text.
        let json = try Self.text(dir, "s.json").split(separator: "\n")
        func parsed(_ key: String) -> [Double] {
            guard let line = json.first(where: { $0.hasPrefix("\"\(key)\": ") }) else { return [] }
            return line.dropFirst(key.count + 4).split(whereSeparator: { "[], ".contains($0) }).compactMap { Double(String($0)) }
        }
        #expect(json.contains("\"dimension\": 12,"))
        #expect(parsed("eigenvalues") == numbers(values))
        #expect(parsed("eigenvectors") == numbers(vectors))
    }

    @Test("a tracker saves as step and its named series; a history as its recorded columns")
    func trackerAndHistory() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = output("""
            t = tracker("sum overlap")
            t.add(0, 0.1)
            t.add(10, 1/3)
            t.add(20, 0/0)
            save(t, "\(dir.path)/t.csv")
            save(t, "\(dir.path)/t.json")
            u = tracker("loss")
            u.add(0, 3)
            u.add(10, 2)
            u.add(20, 1)
            save([t, u], "\(dir.path)/tu.csv")
            m = tms(features: 4, hidden: 2, seed: 0)
            train(m, m.samples(8, seed: 1), steps: 2)
            save(m.history, "\(dir.path)/h.csv")
            w = tracker("late")
            w.add(5, 1)
            save([t, w], "\(dir.path)/tw.csv")
            """)
        #expect(out.contains("trackers sum overlap and late were filled at different steps, so they make no one table"))
        #expect(try Self.text(dir, "tu.csv") == "step,sum overlap,loss\n0,0.1,3\n10,0.3333333333333333,2\n20,nan,1\n")
        #expect(try Self.text(dir, "t.csv") == "step,sum overlap\n0,0.1\n10,0.3333333333333333\n20,nan\n")
        #expect(try Self.text(dir, "t.json") == "{\n\"name\": \"sum overlap\",\n\"steps\": [0, 10, 20],\n\"values\": [0.1, 0.3333333333333333, null]\n}\n")
        let history = try Self.text(dir, "h.csv").split(separator: "\n")
        #expect(history.first == "step,loss" && history.count == 4)
    }

    @Test("a record saves as a nested JSON object; as CSV only when flat, else the message says .json")
    func records() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let session = Session(sink: TextBuffer())
        _ = output("""
            r = record("a", 1, "name", "x, y", "flag", true, "none", none)
            save(r, "\(dir.path)/flat.csv")
            t = tracker("loss")
            t.add(1, 0.5)
            e = record("n", 3, "v", arange(2), "t", t, "inner", record("k", "w"), "fn", print)
            save(e, "\(dir.path)/e.json")
            """, in: session)
        let out = output("save(e, \"\(dir.path)/e.csv\")", in: session)
        #expect(try Self.text(dir, "flat.csv") == "a,name,flag,none\n1,\"x, y\",true,\n")
        #expect(try Self.text(dir, "e.json") == """
            {
            "n": 3,
            "v": [0, 1],
            "t": {"name": "loss", "steps": [1], "values": [0.5]},
            "inner": {"k": "w"},
            "fn": {"type": "function", "summary": "<builtin print(values..., sep: \\" \\")>"}
            }

            """)
        #expect(out.contains("record field \"v\" is a tensor: a record saves as CSV only when every field is a number, string or bool; save it as .json"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("e.csv").path))
    }

    @Test("a heatmap saves its matrix; a kernel or a function is refused in every format")
    func plotsAndRefusals() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let session = Session(sink: TextBuffer())
        _ = output("save(heatmap(tensor([[1, 2], [3, 4.5]])), \"\(dir.path)/h.csv\")\nm = tms(features: 4, hidden: 2, seed: 0)", in: session)
        let out = output("save(ntk(m, m.samples(3, seed: 1)), \"\(dir.path)/k.json\")", in: session)
            + output("save(print, \"\(dir.path)/f.csv\")", in: session)
            + output("save(tracker(), \"\(dir.path)/t.npy\")", in: session)
        #expect(try Self.text(dir, "h.csv") == "c0,c1\n1,2\n3,4.5\n")
        #expect(out.contains("a kernel cannot be saved to a file: save writes tensors"))
        #expect(out.contains("a function cannot be saved to a file"))
        #expect(out.contains(".npy holds one tensor, not a tracker; save it as .json"))
    }

    @Test("numpy.loadtxt, pandas.read_csv and json.load read the files back exactly")
    func pythonReadsFiles() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = output("""
            x = tensor([[1, 0.1, 1e-300], [1/0, -1/0, 0/0], [1/3, -2.5e-17, 123456789.125]])
            save(x, "\(dir.path)/x.csv")
            save(x, "\(dir.path)/x.json")
            t = tracker("a, b")
            t.add(1, 2/3)
            t.add(2, 1e300)
            save(t, "\(dir.path)/t.csv")
            save(record("t", t, "x", x), "\(dir.path)/r.json")
            """)
        let script = """
            import sys, json, math, numpy as np
            d = sys.argv[1]
            expect = [[1, 0.1, 1e-300], [math.inf, -math.inf, math.nan], [1/3, -2.5e-17, 123456789.125]]
            def same(a, b): return all((math.isnan(p) and math.isnan(q)) or p == q for p, q in zip(np.ravel(a), np.ravel(b)))
            assert same(np.loadtxt(d + "/x.csv", delimiter=",", skiprows=1), expect)
            j = json.load(open(d + "/x.json"))
            assert j[1] == [None, None, None] and j[0] == expect[0] and j[2] == expect[2]
            assert same(np.loadtxt(d + "/t.csv", delimiter=",", skiprows=1), [[1, 2/3], [2, 1e300]])
            r = json.load(open(d + "/r.json"))
            assert r["t"] == {"name": "a, b", "steps": [1, 2], "values": [2/3, 1e300]} and r["x"] == j
            try:
                import pandas as pd
            except ImportError:
                print("ok (pandas not installed)"); sys.exit(0)
            f = pd.read_csv(d + "/x.csv")
            assert list(f.columns) == ["c0", "c1", "c2"] and same(f.to_numpy(), expect)
            f = pd.read_csv(d + "/t.csv")
            assert list(f.columns) == ["step", "a, b"] and f["a, b"].tolist() == [2/3, 1e300]
            print("ok")
            """
        guard let (status, said) = try runPythonWithNumpy(script, [dir.path]) else { return }
        #expect(status == 0 && said.contains("ok"), "python said: \(said)")
    }
}
