import Foundation
import Testing
import Language
import Library

/// Runs `source` in a fresh session (or the given one) and returns everything it printed.
func output(_ source: String, in session: Session? = nil) -> String {
    let buffer = TextBuffer()
    let s = session ?? Session(sink: buffer)
    s.interpreter.sink = buffer
    s.interpreter.run(source)
    return buffer.take()
}

@Suite("Tensor bindings")
struct TensorBindingTests {
    @Test("creation, arithmetic with broadcasting, matmul and echo")
    func arithmetic() {
        #expect(output("a = tensor([[1, 2], [3, 4]])\na + [10, 20]") == "[[11, 22],\n [13, 24]]\n")
        #expect(output("a = tensor([[1, 2], [3, 4]])\na @ a") == "[[ 7, 10],\n [15, 22]]\n")
        #expect(output("2 * ones(3) - 1") == "[1, 1, 1]\n")
        #expect(output("eye(2)[1, :]") == "[0, 1]\n")
    }

    @Test("reductions as functions and methods give plain numbers for full reductions")
    func reductions() {
        #expect(output("x = arange(6).reshape(2, 3)\nx.sum()\nsum(x, axis: 0)\nx.argmax(axis: 1)") == "15\n[3, 5, 7]\n[2, 2]\n")
        #expect(output("norm(tensor([3, 4]))") == "5\n")
        #expect(output("sqrt(16)") == "4\n")
    }

    @Test("slicing and assignment through a subscript")
    func slicing() {
        #expect(output("v = arange(10)\nv[2:8:2]\nv[-1]\nv[0] = 100\nv[:3]") == "[2, 4, 6]\n9\n[100,   1,   2]\n")
    }

    @Test("the same seed gives the same random tensor; no seed draws from the session stream")
    func seeds() {
        let a = output("randn(2, 2, seed: 5)"), b = output("randn(2, 2, seed: 5)")
        #expect(a == b)
        #expect(output("x = randn(3)\ny = randn(3)\nx == y") != "[1, 1, 1]\n")
        #expect(output("randn(3)") == output("randn(3)"))   // fresh sessions share seed 0
    }

    @Test("a shape error names both shapes and bindings survive it")
    func shapeError() {
        let buffer = TextBuffer()
        let session = Session(sink: buffer)
        let text = output("a = ones(2, 3)\nb = ones(4)\na + b", in: session)
        #expect(text.contains("(2, 3)") && text.contains("(4,)"), "got \(text)")
        #expect(output("a.shape", in: session) == "[2, 3]\n")
    }

    @Test("a request over the memory budget is refused with the size it needs")
    func memoryBudget() {
        let buffer = TextBuffer()
        let session = Session(sink: buffer)
        session.memoryBudget = 1_000_000
        let text = output("zeros(1000, 1000)", in: session)
        #expect(text.contains("8 MB") && text.contains("memory budget"), "got \(text)")
    }

    @Test("npy and safetensors round trip through load and save")
    func files() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("entk-lib-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = output("""
            x = arange(6).reshape(2, 3)
            save(x, "\(dir)/x.npy")
            y = load("\(dir)/x.npy")
            y == x
            save(x, "\(dir)/x.safetensors")
            w = load("\(dir)/x.safetensors")
            w.tensor.shape
            load("\(dir)/missing.npy")
            """)
        #expect(text.hasPrefix("[[1, 1, 1],\n [1, 1, 1]]\n[2, 3]\n"), "got \(text)")
        #expect(text.contains("missing.npy"))
    }

    @Test("errors from the libraries name the builtin once, and never print -nan")
    func messagesWithoutDoubledPrefixesOrNegativeNaN() {
        let cases = [("arange(0, 1, 0)", "error: arange: start, stop and step must be finite and step non-zero (got 0, 1, 0)"),
                     ("arange(0/0, 1, 1)", "error: argument `start` of `arange` expects finite number, got nan"),
                     ("reshape(zeros(6), [4, 2])", "error: reshape: cannot reshape (6,) (6 elements) into (4, 2)"),
                     ("zeros(6).reshape([4, 2])", "error: tensor.reshape: cannot reshape (6,) (6 elements) into (4, 2)"),
                     ("eye(-1)", "error: argument `n` of `eye` expects integer ≥ 0, got -1"),
                     ("zeros(-1)", "error: zeros: a shape holds non-negative integers, got -1"),
                     ("eye(2^31, 2^31)", "error: eye: a tensor of shape (2147483648, 2147483648) needs more bytes than a 64-bit size can count"),
                     ("sgd(lr: -1)", "error: argument `lr` of `sgd` expects number > 0, got -1"),
                     ("load(\"/nonexistent-entk.npy\")", "error: load: cannot read '/nonexistent-entk.npy': no such file")]
        for (source, message) in cases {
            let text = output(source)
            #expect(text.contains(message), "\(text)")
            #expect(!text.contains("-nan"))
        }
    }

    @Test("named tensors are built, assigned, renamed and removed in entk, and load a model (a PyTorch nn.Sequential file's names mapped)")
    func namedTensorEditing() {
        let out = output("""
            m = mlp(sizes: [3, 4, 2], seed: 1)
            w = tensors()
            w["0.weight"] = m["layer0.weight"] * 2
            w["0.bias"] = m["layer0.bias"]
            w["2.weight"] = m["layer1.weight"]
            w["2.bias"] = m["layer1.bias"]
            for pair in [["0", "layer0"], ["2", "layer1"]] { for part in ["weight", "bias"] { w.rename(pair[0] + "." + part, pair[1] + "." + part) } }
            w.names
            before = m["layer0.weight"][1, 2]
            load_weights(m, w)
            m["layer0.weight"][1, 2] == 2 * before
            w.remove("layer1.bias")
            load_weights(m, w)
            """)
        #expect(out.contains("[\"layer0.weight\", \"layer0.bias\", \"layer1.weight\", \"layer1.bias\"]"), "\(out)")
        #expect(out.contains("true"), "\(out)")
        #expect(out.contains("missing tensor 'layer1.bias'"), "\(out)")
        let clash = output("w = tensors()\nw[\"a\"] = zeros(2)\nw[\"b\"] = zeros(3)\nw.rename(\"a\", \"b\")")
        #expect(clash.contains("a tensor named \"b\" exists already"), "\(clash)")
    }
}
