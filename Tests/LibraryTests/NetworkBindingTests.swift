import Foundation
import Testing
import Language
import Library
import TestSupport

@Suite("Network bindings")
struct NetworkBindingTests {
    @Test("a tms model echoes its shape, exposes its groups and trains from where it is")
    func tmsTraining() {
        let session = Session(sink: TextBuffer())
        #expect(output("m = tms(features: 5, hidden: 2, sparsity: 0.5, seed: 0)\nm", in: session)
                == "tms  n=5 m=2 sparsity=0.5  15 parameters  step 0\n")
        #expect(output("m.W.shape\nm.groups", in: session) == "[2, 5]\n[\"W\", \"b\"]\n")
        let trained = output("d = m.samples(20, seed: 1)\ntrain(m, d, steps: 10, opt: adam(lr: 0.01));\nm.step\ntrain(m, d, steps: 5).steps\nm.step\nlen(m.history)", in: session)
        #expect(trained == "10\n5\n15\n16\n", "got \(trained)")
    }

    @Test("the hook runs every n steps with the step number and can call back into the language")
    func hook() {
        let session = Session(sink: TextBuffer())
        let text = output("""
            m = tms(features: 4, hidden: 2, seed: 3)
            d = m.samples(10, seed: 2)
            train(m, d, steps: 6, every: 2, do: fn(s) { print("at", s, m.step) });
            """, in: session)
        #expect(text == "at 0 0\nat 2 2\nat 4 4\nat 6 6\n", "got \(text)")
    }

    @Test("an error in the hook stops training and is reported; the model stays consistent")
    func hookError() {
        let session = Session(sink: TextBuffer())
        let text = output("""
            m = tms(features: 4, hidden: 2, seed: 3)
            d = m.samples(10, seed: 2)
            train(m, d, steps: 6, every: 2, do: fn(s) { if s == 4 { undefined_name } })
            """, in: session)
        #expect(text.contains("undefined_name"), "got \(text)")
        #expect(output("m.step", in: session) == "4\n")
    }

    @Test("checkpoint and restore return to an earlier step bit for bit")
    func checkpoints() {
        let session = Session(sink: TextBuffer())
        let text = output("""
            m = tms(features: 4, hidden: 2, seed: 3)
            d = m.samples(10, seed: 2)
            train(m, d, steps: 3);
            m.checkpoint()
            w = m.W
            train(m, d, steps: 3);
            m.restore(3)
            m.step
            (m.W == w).min()
            m.restore(5)
            """, in: session)
        #expect(text.hasPrefix("3\n3\n1\n"), "got \(text)")
        #expect(text.contains("no checkpoint at step 5; checkpoints: 3"), "got \(text)")
    }

    @Test("same seeds give the same trajectory")
    func determinism() {
        let script = "m = tms(features: 6, hidden: 3, sparsity: 0.3, seed: 7)\nd = m.samples(30, seed: 8)\ntrain(m, d, steps: 50).loss\nm.W.sum()"
        #expect(output(script) == output(script))
    }

    @Test("weights round trip through save and load_weights; mismatches name the tensor and shapes")
    func weights() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("entk-w-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = output("""
            a = modmlp(p: 5, width: 8, seed: 1)
            b = modmlp(p: 5, width: 8, seed: 2)
            save(a, "\(dir)/a.safetensors")
            load_weights(b, "\(dir)/a.safetensors")
            (a.W1 == b.W1).min()
            c = modmlp(p: 5, width: 4, seed: 2)
            load_weights(c, "\(dir)/a.safetensors")
            """)
        #expect(text.hasPrefix("1\n"), "got \(text)")
        #expect(text.contains("W1") && text.contains("4") && text.contains("8"), "got \(text)")
    }

    @Test("modular data and the modular MLP: training records accuracies")
    func modular() {
        let session = Session(sink: TextBuffer())
        let text = output("""
            data = modular(p: 7, train: 0.7, seed: 0)
            data
            data.all_x.shape
            m = modmlp(p: 7, width: 16, seed: 0)
            r = train(m, data, steps: 3, opt: adamw(lr: 0.05))
            m.history.test_acc.shape
            """, in: session)
        #expect(text.hasPrefix("dataset modular add p=7  34 train + 15 test  14→7\n[49, 14]\n"), "got \(text)")
        #expect(text.hasSuffix("[4]\n"), "got \(text)")
    }

    @Test("bad arguments name the parameter")
    func errors() {
        #expect(output("tms(hidden: -1)").contains("error"))
        #expect(output("modmlp(activation: \"sigmoid\")").contains("argument `activation` of `modmlp` expects \"relu\", \"gelu\", \"tanh\", \"square\", \"identity\", got \"sigmoid\""))
        #expect(output("modmlp(activation: \"reul\")").contains("got \"reul\"; did you mean \"relu\"?"))
        #expect(output("mlp(sizes: [2, 2], activation: \"ReLU\")").contains("did you mean \"relu\"?"))
        #expect(output("m = tms(seed: 0)\nm.n_represented()\nmodmlp(p: 5, width: 4).n_represented()").contains("needs a toy model of superposition (tms); this is a modmlp model"))
    }
}

@Suite("Tracker")
struct TrackerTests {
    @Test("a tracker filled by a training hook gives central differences and the peak step")
    func tracking() {
        let session = Session(sink: TextBuffer())
        // v = s² on steps 0, 2, 4, 6: interior derivative (v[i+1] − v[i−1]) / 4 = s·2 exactly.
        let text = output("""
            t = tracker("sq")
            for s in [0, 2, 4, 6] { t.add(s, s * s) }
            t.derivative().values
            t.derivative().peak()
            t.add(6, 1)
            """, in: session)
        #expect(text.hasPrefix("[ 2,  4,  8, 10]\n6\n"), "got \(text)")
        #expect(text.contains("steps must increase"))
    }

    @Test("a hook records into a tracker during train")
    func duringTraining() {
        let text = output("""
            m = tms(features: 4, hidden: 2, seed: 3)
            d = m.samples(10, seed: 2)
            t = tracker("loss")
            train(m, d, steps: 20, every: 5, do: fn(s) { t.add(s, m.history.loss[-1]) });
            t.steps
            """)
        #expect(text == "[ 0,  5, 10, 15, 20]\n", "got \(text)")
    }

    @Test("parameters are read and written as members, dotted paths and by name, with the shape checked")
    func weightsAsValues() {
        let text = output("""
            net = mlp(sizes: [3, 4, 2], seed: 0)
            net.layer0
            net.layer0.weight.shape
            net.layer1.bias = tensor([1, 2])
            net["layer1.bias"]
            """)
        #expect(text == "parameters layer0: weight (4, 3), bias (4,)\n[4, 3]\n[1, 2]\n", "got \(text)")
        #expect(output("net = mlp(sizes: [3, 4, 2], seed: 0)\nnet[\"layer1.bias\"] = zeros(3)").contains("tensor 'layer1.bias' has shape [3], expected [2]"))
        #expect(output("net = mlp(sizes: [3, 4, 2], seed: 0)\nnet.layer1.bias = tensor([0/0, 1])").contains("holds nan"))
        #expect(output("m = tms(features: 4, hidden: 2, seed: 0)\nm.b = ones(4)\nsum(m.b)") == "4\n")
    }

    @Test("integer class labels make a classification dataset, one-hot over train and test together")
    func labels() {
        let text = output("""
            x = randn(4, 2, seed: 0)
            d = dataset(x, tensor([0, 2, 1, 1]), test_x: x[0:1], test_y: tensor([3]))
            d
            sum(d.y, axis: 0)
            one_hot(tensor([1, 0]), classes: 3)
            """)
        #expect(text == "dataset 4 train + 1 test  2→4\n[1, 2, 1, 0]\n[[0, 1, 0],\n [1, 0, 0]]\n", "got \(text)")
        #expect(output("one_hot(tensor([1.5]))").contains("label 1.5 at index 0 is not a class index"))
        #expect(output("one_hot(tensor([3]), classes: 2)").contains("label 3 is not below classes: 2"))
    }

    @Test("a model called like a function, or a function written as a method, is pointed to the right form")
    func callHints() {
        #expect(output("net = mlp(sizes: [2, 2], seed: 0)\nnet(ones(1, 2))").contains("`net` is a model, not a function; did you mean `net.predict(…)`?"))
        #expect(output("v = ones(3)\nv.abs()").contains("tensor has no member `abs`; `abs` is a function: write `abs(…)`"))
    }
}
