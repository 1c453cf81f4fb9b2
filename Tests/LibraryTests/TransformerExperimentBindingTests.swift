import Foundation
import Testing
import Language
import Library

@Suite("Transformer experiment bindings")
struct TransformerExperimentBindingTests {
    @Test("fourier(…, freqs:) and overlap(…, freqs:) restrict a family to the key frequencies")
    func restrictedFamilies() {
        let text = output("""
            F = fourier(29, "sum", freqs: [1, 12])
            F.shape
            abs(F[30, 2] - cos(2 * 3.141592653589793 * 12 * 2 / 29)) < 1e-12
            abs(overlap(F, "sum", freqs: [12, 1]) - 4) < 1e-9
            abs(overlap(F, fourier(29, "sum")) - 4) < 1e-9
            overlap(F, "axis_sum", freqs: [1, 12]) < 1e-9
            fourier(29, "axis_sum", freqs: tensor([2])).shape
            """)
        #expect(text == "[841, 4]\ntrue\ntrue\ntrue\ntrue\n[841, 2]\n", "got \(text)")
        let bad = output("fourier(29, \"sum\", freqs: [15])")
        #expect(bad.contains("frequency 15 is outside 1…14"), "got \(bad)")
    }

    @Test("key_frequencies reads a transformer's W_E without the \"=\" row and picks the built-in frequencies")
    func keyFrequencies() {
        let text = output("""
            t = fourier(29, "a", freqs: [3, 10])[0:841:29, :] * tensor([1, 1, 0.5, 0.5])
            r = key_frequencies(t)
            r.freqs
            abs(r.power[3] - 29 * 29 / 8) < 1e-9
            key_frequencies(t, threshold: 5).freqs
            m = transformer(seed: 0)
            key_frequencies(m).power.shape
            """)
        #expect(text == "[3, 10]\ntrue\n[3]\n[15]\n", "got \(text)")
    }

    @Test("the class-mean W_U kernel equals h·h′/30 with h = m.residual(x), the final residual")
    func unembeddingIdentity() {
        let text = output("""
            d = modular_sequences(p: 29, op: "add", train: 0.5, seed: 0)
            m = transformer(seed: 1)
            x = d.all_x[0:60]
            K = ntk(m, x, view: "mean", layers: ["unembed.W_U"]).matrix()
            h = m.residual(x)
            h.shape
            abs(K - h @ h.T / 30).max() < 1e-12 * abs(K).max()
            """)
        #expect(text == "[60, 64]\ntrue\n", "got \(text)")
    }

    @Test("ntk(…, outputs: \"residual\", metric: W_U W_Uᵀ) has the logits' trace kernel (× D/V) without the unembedding; bad arguments are named")
    func residualMetric() {
        let setup = """
            m = transformer(vocab: 8, d_model: 6, heads: 2, d_head: 4, d_mlp: 12, seed: 1)
            x = modular_sequences(p: 7, op: "add", train: 0.5, seed: 0).all_x[0:5]
            W = m.unembed.W_U
            """
        let text = output(setup + """

            groups = m.groups[:len(m.groups) - 1]
            K = ntk(m, x, view: "trace", outputs: "residual", metric: W @ W.T, route: "operator")
            K.size
            L = ntk(m, x, view: "trace", layers: groups).matrix()
            abs(K.matrix() * 6 / 8 - L).max() < 1e-10 * abs(L).max()
            ntk(m, x, outputs: "residual").size
            """)
        #expect(text == "5\ntrue\n30\n", "got \(text)")
        for (call, words) in [("ntk(m, x, outputs: \"logits\")", "has no hidden state \"logits\""),
                              ("ntk(m, x, outputs: \"residual\", metric: W.T @ W)", "metric: is 8×8"),
                              ("ntk(m, x, metric: -(W.T @ W))", "positive semi-definite"),
                              ("ntk(m, x, metric: W)", "square")] {
            let bad = output(setup + "\n" + call)
            #expect(bad.contains(words), "\(call): got \(bad)")
        }
    }

    @Test("plot(…, bars: true) draws columns of █; marks: adds labelled marker lines")
    func barsAndMarks() {
        let text = output("""
            plot(ones(5), bars: true, marks: [[2, "peak"]], width: 30, height: 4)
            """)
        #expect(text.contains("█"), "got \(text)")
        #expect(text.contains("┊peak"), "got \(text)")
        let svg = output("""
            p = plot(ones(5), bars: true)
            save(p, "\(NSTemporaryDirectory())entk-bars.svg")
            """)
        #expect(svg.isEmpty, "got \(svg)")
        let written = (try? String(contentsOfFile: NSTemporaryDirectory() + "entk-bars.svg", encoding: .utf8)) ?? ""
        #expect(written.components(separatedBy: "class=\"bar\"").count == 6, "five bars expected")
    }
}
