/// The one seeded random generator: xoshiro256** (Blackman & Vigna, 2018), seeded by
/// SplitMix64 from a 64-bit seed, so a seed gives the same stream on every machine.
///
/// - `nextUInt64()`: the xoshiro256** output, `rotl(s1 · 5, 7) · 9`.
/// - `nextUniform()`: `(x >> 11) · 2⁻⁵³`, uniform on [0, 1) with 53 random bits.
/// - `nextNormal()`: Box–Muller on two uniforms, u1 ∈ (0, 1]: √(−2 ln u1)·cos(2π u2), with the
///   sine partner cached for the next call, so normals come in deterministic pairs.
/// It is a value type: copying it forks the stream, which makes snapshots (checkpoints) exact.
public struct RandomGenerator: Sendable, Equatable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?
    /// The seed this generator started from.
    public let seed: UInt64

    /// A generator whose four state words come from SplitMix64(seed).
    public init(seed: UInt64) {
        self.seed = seed
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    /// The next 64 random bits.
    public mutating func nextUInt64() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform on [0, 1).
    public mutating func nextUniform() -> Double {
        Double(nextUInt64() >> 11) * 0x1.0p-53
    }

    /// Standard normal N(0, 1) by Box–Muller.
    public mutating func nextNormal() -> Double {
        if let z = spareNormal { spareNormal = nil; return z }
        let u1 = 1.0 - nextUniform()          // (0, 1]: log never sees 0
        let u2 = nextUniform()
        let r = (-2.0 * _log(u1)).squareRoot()
        let theta = 2.0 * Double.pi * u2
        spareNormal = r * _sin(theta)
        return r * _cos(theta)
    }

    /// Uniform integer in 0..<bound (bound > 0), by Lemire's nearly-divisionless rejection.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        let b = UInt64(bound)
        while true {
            let x = nextUInt64()
            let (hi, lo) = x.multipliedFullWidth(by: b)
            if lo >= (0 &- b) % b { return Int(hi) }
        }
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates, from the end).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, nextInt(below: i + 1)) }
        return p
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Glibc.sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Darwin
@inline(__always) private func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Darwin.sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
