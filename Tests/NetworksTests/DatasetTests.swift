import LinearAlgebra
import Networks
import Tensors
import Testing

@Suite("Datasets")
struct DatasetTests {
    @Test("TMS samples: entries in [0, 1), nonzero with probability 1 − S, each row L2-normalised")
    func tmsSamples() throws {
        var g = RandomGenerator(seed: 0)
        let data = try Dataset.tms(samples: 2000, features: 50, sparsity: 0.9, generator: &g)
        #expect(data.count == 2000 && data.inputs.cols == 50 && !data.isClassification && !data.hasTestSplit)
        #expect(data.targets == data.inputs)
        let nonzero = data.inputs.storage.filter { $0 != 0 }.count
        let fraction = Double(nonzero) / 100_000
        #expect(abs(fraction - 0.1) < 0.005, "nonzero fraction \(fraction), expected 0.1 ± 0.005")
        // Regenerate the raw rows with the documented draw order (value, then presence) and
        // normalise them here: x / (‖x‖ + 1e-8).
        var raw = RandomGenerator(seed: 0)
        for r in 0..<2000 {
            var x = [Double](repeating: 0, count: 50)
            for c in 0..<50 {
                let value = raw.nextUniform()
                if raw.nextUniform() < 0.1 { x[c] = value }
            }
            let norm = x.map { $0 * $0 }.reduce(0, +).squareRoot()
            let expected = x.map { $0 / (norm + 1e-8) }
            #expect(data.inputs.row(r) == expected)
            #expect(expected.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        var g2 = RandomGenerator(seed: 0)
        #expect(try Dataset.tms(samples: 2000, features: 50, sparsity: 0.9, generator: &g2).inputs == data.inputs)
    }

    @Test("modular addition p = 29: 841 pairs in order a·p + b, one-hot inputs and targets, 588/253 split")
    func modular() throws {
        let task = try ModularArithmetic(p: 29, seed: 0)
        #expect(task.allInputs.rows == 841 && task.allInputs.cols == 58 && task.allTargets.cols == 29)
        #expect(task.trainIndices.count == 588 && task.testIndices.count == 253)
        #expect(Set(task.trainIndices + task.testIndices) == Set(0..<841))
        for i in [0, 1, 30, 500, 840] {
            let (a, b) = task.pair(i)
            #expect(i == a * 29 + b)
            let row = task.allInputs.row(i)
            #expect(row.reduce(0, +) == 2 && row[a] == 1 && row[29 + b] == 1)
            #expect(task.labels[i] == (a + b) % 29 && task.allTargets[i, (a + b) % 29] == 1)
        }
        let data = task.dataset
        #expect(data.count == 588 && data.testInputs?.rows == 253 && data.isClassification)
        #expect(data.inputs.row(5) == task.allInputs.row(task.trainIndices[5]))
        #expect(try ModularArithmetic(p: 29, seed: 0).trainIndices == task.trainIndices)
        #expect(try ModularArithmetic(p: 29, seed: 1).trainIndices != task.trainIndices)
    }

    @Test("subtraction and multiplication labels")
    func operations() throws {
        let sub = try ModularArithmetic(p: 7, operation: .sub)
        let mul = try ModularArithmetic(p: 7, operation: .mul)
        #expect(sub.labels[2 * 7 + 5] == 4)   // 2 − 5 ≡ 4 (mod 7)
        #expect(mul.labels[3 * 7 + 5] == 1)   // 15 ≡ 1 (mod 7)
        #expect(throws: NetworkError.self) { try ModularArithmetic(p: 7, trainFraction: 0) }
    }

    @Test("user data from tensors is checked: rows must match, test widths must match")
    func userData() throws {
        let x = Tensor(shape: [4, 3], repeating: 1), y = Tensor(shape: [4, 2], repeating: 0)
        let d = try Dataset(inputs: x, targets: y, isClassification: false)
        #expect(d.count == 4 && d.targets.cols == 2)
        do {
            _ = try Dataset(inputs: x, targets: Tensor(shape: [5, 2], repeating: 0), isClassification: false)
            Issue.record("accepted 5 targets for 4 inputs")
        } catch let e as NetworkError {
            #expect(e.description == "targets has shape [5, 2], expected [4, 2]")
        }
        #expect(throws: NetworkError.self) {
            try Dataset(inputs: x, targets: y, testInputs: Tensor(shape: [2, 4], repeating: 0), testTargets: Tensor(shape: [2, 2], repeating: 0), isClassification: true)
        }
        #expect(throws: NetworkError.self) { try Dataset(inputs: Tensor([1, 2]), targets: y, isClassification: false) }
    }

    @Test("shuffle: .python splits the token pairs as the paper author's notebook did (CPython's random.seed(0) shuffle)")
    func pythonSplit() throws {
        let task = try ModularArithmetic(p: 29, trainFraction: 0.5, seed: 0, encoding: .tokens, shuffle: .python)
        // CPython: random.seed(0); random.shuffle(pairs); the first 420 train (see PythonRandomTests).
        #expect(task.trainIndices.count == 420 && task.testIndices.count == 421)
        #expect(Array(task.trainIndices.prefix(5)) == [530, 364, 558, 140, 686] && task.testIndices.last == 394)
        let ours = try ModularArithmetic(p: 29, trainFraction: 0.5, seed: 0, encoding: .tokens)
        #expect(ours.trainIndices != task.trainIndices)
    }
}
