/// CPython's `random` module, as far as `random.seed(n)` and `random.shuffle(list)` go: the
/// Mersenne Twister MT19937 (Matsumoto & Nishimura) seeded the way CPython seeds it from a
/// non-negative integer, so that entk can reproduce a split a Python notebook made. The paper
/// author's transformer data is `random.seed(0); random.shuffle(pairs)` (SCIENCE.md §4).
///
/// - `seed(n)`: `init_genrand(19650218)`, then `init_by_array` with the 32-bit words of n, least
///   significant first (one word 0 for n = 0), as CPython's `random_seed` does.
/// - `randbelow(n)`: k = bit length of n; draw `getrandbits(k)` = next 32-bit output ≫ (32 − k)
///   until it is below n (CPython's `_randbelow_with_getrandbits`, n < 2³²).
/// - `shuffle`: for i = count − 1 down to 1, swap i with `randbelow(i + 1)`.
public struct PythonRandom: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    public init(seed: UInt64) {
        var key: [UInt32] = []
        var n = seed
        repeat { key.append(UInt32(truncatingIfNeeded: n)); n >>= 32 } while n > 0
        initialize(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            let previous = state[i - 1] ^ (state[i - 1] >> 30)
            state[i] = (state[i] ^ (previous &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1; j += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            let previous = state[i - 1] ^ (state[i - 1] >> 30)
            state[i] = (state[i] ^ (previous &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
        }
        state[0] = 0x8000_0000
        index = 624
    }

    /// `init_genrand(s)`.
    private mutating func initialize(_ s: UInt32) {
        state[0] = s
        for i in 1..<624 { state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i) }
        index = 624
    }

    /// The next 32-bit output (`genrand_uint32`).
    public mutating func next() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (state[k] & 0x8000_0000) | (state[(k + 1) % 624] & 0x7fff_ffff)
                state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_b0df)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// A uniform integer in 0..<n (1 ≤ n < 2³²), CPython's `_randbelow`.
    public mutating func randbelow(_ n: Int) -> Int {
        precondition(n >= 1 && n < 1 << 32, "randbelow: n = \(n)")
        let k = Int.bitWidth - n.leadingZeroBitCount
        while true {
            let r = Int(next() >> UInt32(32 - k))
            if r < n { return r }
        }
    }

    /// `random.shuffle(values)`.
    public mutating func shuffle<T>(_ values: inout [T]) {
        var i = values.count - 1
        while i > 0 {
            values.swapAt(i, randbelow(i + 1))
            i -= 1
        }
    }
}
