import Tensors
import Testing

/// Expected values printed by CPython 3.11 itself (the oracle):
///
///     import random
///     random.seed(0); [random.getrandbits(32) for _ in range(3)]
///     random.seed(12345678901); [random.getrandbits(32) for _ in range(2)]
///     random.seed(0); x = list(range(10)); random.shuffle(x); x
///     p = [(i, j, 29) for i in range(29) for j in range(29)]; random.seed(0); random.shuffle(p)
///     idx = [a * 29 + b for a, b, _ in p]; idx[:12], idx[-3:], sum(i * k for k, i in enumerate(idx))
@Suite("CPython's random, reproduced")
struct PythonRandomTests {
    @Test("MT19937 seeded as CPython seeds it: the first outputs of seed 0 and of a two-word seed")
    func outputs() {
        var g = PythonRandom(seed: 0)
        #expect((0..<3).map { _ in g.next() } == [3_626_764_237, 1_654_615_998, 3_255_389_356])
        var h = PythonRandom(seed: 12_345_678_901)
        #expect((0..<2).map { _ in h.next() } == [4_063_089_813, 2_562_312_935])
    }

    @Test("random.shuffle: ten numbers, and the paper author's 841 pairs of the transformer task")
    func shuffle() {
        var g = PythonRandom(seed: 0)
        var x = Array(0..<10)
        g.shuffle(&x)
        #expect(x == [7, 8, 1, 5, 3, 4, 2, 0, 9, 6])
        var h = PythonRandom(seed: 0)
        var pairs = Array(0..<841)
        h.shuffle(&pairs)
        #expect(Array(pairs.prefix(12)) == [530, 364, 558, 140, 686, 834, 781, 417, 69, 804, 600, 272])
        #expect(Array(pairs.suffix(3)) == [430, 776, 394])
        #expect(pairs.enumerated().reduce(0) { $0 + $1.offset * $1.element } == 147_600_825)
    }
}
