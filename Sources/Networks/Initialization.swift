import Tensors

/// Parameter initialisers, each a PyTorch default written out, drawing in row-major order from
/// the one seeded generator.
enum Initialization {
    /// Xavier (Glorot) normal for a rows×cols weight: N(0, σ²) with σ = √(2 / (fan_in + fan_out)),
    /// fan_in = cols, fan_out = rows (`torch.nn.init.xavier_normal_`, gain 1).
    static func xavierNormal(rows: Int, cols: Int, into p: inout [Double], offset: Int, _ g: inout RandomGenerator) {
        let std = (2.0 / Double(rows + cols)).squareRoot()
        for i in 0..<(rows * cols) { p[offset + i] = std * g.nextNormal() }
    }

    /// N(0, 1) (`torch.nn.init.normal_(w, 0, 1)`).
    static func standardNormal(count: Int, into p: inout [Double], offset: Int, _ g: inout RandomGenerator) {
        for i in 0..<count { p[offset + i] = g.nextNormal() }
    }

    /// U(−bound, bound); with bound = 1/√fan_in this is `torch.nn.Linear`'s default for both the
    /// weight (kaiming_uniform with a = √5 gives gain·√(3/fan_in) = 1/√fan_in) and the bias.
    static func uniform(bound: Double, count: Int, into p: inout [Double], offset: Int, _ g: inout RandomGenerator) {
        for i in 0..<count { p[offset + i] = bound * (2 * g.nextUniform() - 1) }
    }
}
