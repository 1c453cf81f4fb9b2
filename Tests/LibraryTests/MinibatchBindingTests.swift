import Foundation
import Testing
import Language
import Library
import TestSupport

@Suite("Minibatch training bindings")
struct MinibatchBindingTests {
    @Test("modular_sequences: token ids (a, b, p), 420 train + 421 test for p = 29, one-hot over p classes")
    func sequences() {
        let text = output("""
            d = modular_sequences(p: 29)
            d
            d.all_x[30]
            d.all_y.shape
            d.test_x.shape
            """)
        #expect(text == "dataset modular add p=29 tokens  420 train + 421 test  3→29\n[ 1,  1, 29]\n[841, 29]\n[421, 3]\n", "got \(text)")
    }

    @Test("epochs and batch: one step per minibatch, records every k epochs on the full splits, do gets the epoch")
    func epochs() {
        let session = Session(sink: TextBuffer())
        let text = output("""
            d = modular_sequences(p: 29)
            m = mlp(sizes: [3, 8, 30], seed: 0)
            r = train(m, d, epochs: 4, batch: 64, opt: adamw(lr: 0.01, weight_decay: 1), loss: "cross_entropy", classes: 29, every: 2, do: fn(e) { print("epoch", e, m.step) })
            m.step
            r.steps
            m.history.epoch
            m.history.step
            """, in: session)
        #expect(text == "epoch 0 0\nepoch 2 14\nepoch 4 28\n28\n28\n[0, 2, 4]\n[ 0, 14, 28]\n", "got \(text)")
        let echo = output("train(m, d, epochs: 1, batch: 64, loss: \"cross_entropy\", classes: 29)", in: session)
        #expect(echo.hasPrefix("epoch 5  step 35  loss "), "got \(echo)")
        #expect(echo.contains("train acc") && echo.contains("test acc"), "got \(echo)")
    }

    @Test("bad combinations are refused with the argument named")
    func refusals() {
        let setup = "d = modular_sequences(p: 5)\nm = mlp(sizes: [3, 4, 6], seed: 0)\n"
        #expect(output(setup + "train(m, d, steps: 2, epochs: 2, batch: 4)").contains("give either steps (full batch) or epochs (minibatches), not both"))
        #expect(output(setup + "train(m, d, epochs: 2)").contains("epochs needs batch: (rows per minibatch)"))
        #expect(output(setup + "train(m, d, steps: 2, batch: 4)").contains("batch applies to epochs"))
        #expect(output(setup + "train(m, d)").contains("train needs steps: (full batch) or epochs: with batch: (minibatches)"))
        #expect(output(setup + "train(m, d, epochs: 2, batch: 0)").contains("error"))
        #expect(output(setup + "train(m, d, epochs: 1, batch: 4, loss: \"mse\", classes: 5)").contains("classes applies to cross_entropy"))
        #expect(output(setup + "train(m, d, epochs: 1, batch: 4, loss: \"cross_entropy\", classes: 7)").contains("classes (7) is more than the model's 6 outputs"))
        #expect(output(setup + "train(m, d, epochs: 1, batch: 4, loss: \"cross_entropy\")")
                .contains("the targets have 5 columns and the model 6 outputs; classes: 5 trains the cross-entropy on the first 5 logits"))
        // batch above the rows is one full batch per epoch.
        #expect(output(setup + "train(m, d, epochs: 3, batch: 1000, loss: \"cross_entropy\", classes: 5);\nm.step") == "3\n")
    }

    @Test("a dataset from an N×3 integer token matrix and integer labels trains an mlp")
    func tokenDataset() {
        let text = output("""
            x = tensor([[0, 1, 3], [2, 1, 3], [1, 1, 3], [2, 2, 3]])
            d = dataset(x, tensor([1, 0, 2, 1]))
            d
            m = mlp(sizes: [3, 4, 3], seed: 0)
            train(m, d, epochs: 2, batch: 3, loss: "cross_entropy");
            m.step
            """)
        #expect(text == "dataset 4 samples  3→3\n4\n", "got \(text)")
    }
}
