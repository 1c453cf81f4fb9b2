import Foundation
import Testing
import Language
import Library

@Suite("Kernel bindings")
struct KernelBindingTests {
    static let tmsSetup = """
        m = tms(features: 6, hidden: 3, sparsity: 0.3, seed: 0)
        d = m.samples(40, seed: 1)
        train(m, d, steps: 200, opt: adam(lr: 0.01));
        """

    @Test("the gram and jacobian routes give the same kernel through the language")
    func routesAgree() {
        let text = output(Self.tmsSetup + """

            Kg = ntk(m, d, route: "gram")
            Kj = ntk(m, d, route: "jacobian")
            Kg.route
            Kj.route
            (abs(Kg.matrix() - Kj.matrix())).max() < 1e-10 * abs(Kj.matrix()).max()
            """)
        #expect(text == "\"gram\"\n\"jacobian\"\ntrue\n", "got \(text)")
    }

    @Test("route operator through the language: its products, entries and eigenvalues are the gram route's")
    func operatorRoute() {
        let text = output(Self.tmsSetup + """

            Ko = ntk(m, d, route: "operator")
            Kg = ntk(m, d, route: "gram")
            Ko.route
            (abs(Ko.matrix() - Kg.matrix())).max() < 1e-10 * abs(Kg.matrix()).max()
            abs(Ko[3, 7] - Kg[3, 7]) < 1e-10 * abs(Kg.matrix()).max()
            so = Ko.eig(6)
            so.method
            abs(so.values - Kg.eig(6).values).max() < 1e-9 * so.values[0]
            """)
        #expect(text == "\"operator\"\ntrue\ntrue\n\"iterative\"\ntrue\n", "got \(text)")
    }

    @Test("asking for more eigenpairs extends the same spectrum; values agree with a dense decomposition")
    func incremental() {
        let text = output(Self.tmsSetup + """

            K = ntk(m, d)
            s1 = K.eig(5)
            s2 = K.eig(12)
            len(s1)
            len(s2)
            (s2.values[:5] == s1.values).min()
            dense = ntk(m, d, route: "jacobian").eig(12, method: "direct")
            abs(dense.values - s2.values).max() < 1e-9 * s2.values[0]
            """)
        #expect(text == "5\n12\n1\ntrue\n", "got \(text)")
    }

    @Test("K @ v equals the dense matrix times v, and layer kernels sum to the whole")
    func productsAndLayers() {
        let text = output(Self.tmsSetup + """

            K = ntk(m, d)
            v = randn(K.size, seed: 3)
            abs(K @ v - K.matrix() @ v).max() < 1e-9 * abs(K @ v).max()
            parts = K.by_layer
            abs(parts[0].matrix() + parts[1].matrix() - K.matrix()).max() < 1e-9 * K.matrix().max()
            """)
        #expect(text == "true\ntrue\n", "got \(text)")
    }

    @Test("feature heatmap, Fourier families and overlaps")
    func features() {
        let text = output(Self.tmsSetup + """

            s = ntk(m, d, beta: 0.3).eig(6)
            features(s, d).shape
            F = fourier(7, "a")
            F.shape
            abs(overlap(F, "a") - 6) < 1e-9
            overlap(F, "sum") < 1
            """)
        #expect(text == "[6, 6]\n[49, 6]\ntrue\ntrue\n", "got \(text)")
    }

    @Test("a kernel over the memory budget is refused with the size it needs")
    func memoryRefusal() {
        let session = Session(sink: TextBuffer())
        _ = output(Self.tmsSetup, in: session)
        session.memoryBudget = 10_000
        let text = output("ntk(m, d, route: \"jacobian\")", in: session)
        #expect(text.contains("error") && text.contains("B"), "got \(text)")
        #expect(output("m.step", in: session) == "200\n")
    }

    @Test("a kernel taken before training, loading or restoring refuses to split by layer, and stays a snapshot")
    func staleKernel() throws {
        let stale = "the model's parameters have changed since this kernel was computed (at step 200"
        let trained = output(Self.tmsSetup + """

            K = ntk(m, d)
            train(m, d, steps: 1);
            K.by_layer
            """)
        #expect(trained.contains(stale), "got \(trained)")
        // load_weights changes the weights without a step: caught all the same.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entk-stale-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("w.safetensors").path
        let session = Session(sink: TextBuffer())
        let loaded = output(Self.tmsSetup + """

            K = ntk(m, d)
            e1 = K.eig(3).values
            save(tms(features: 6, hidden: 3, seed: 9), "\(file)")
            load_weights(m, "\(file)")
            K.by_layer
            """, in: session)
        #expect(loaded.contains(stale), "got \(loaded)")
        #expect(output("m.step", in: session) == "200\n")
        let after = output("K2 = ntk(m, d)\nmax(abs(K2.eig(3).values - e1)) > 1e-3\nmax(abs(K.eig(3).values - e1))", in: session)
        #expect(after == "true\n0\n", "the kernel's spectrum changed with the model, or the new weights gave the same: \(after)")
    }
}
