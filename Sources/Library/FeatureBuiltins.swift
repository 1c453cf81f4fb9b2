import Foundation
import Kernels
import Language
import LinearAlgebra
import Tensors

/// The feature tools of the paper: TMS heatmaps, Fourier families, subspace overlaps, the
/// graph-smoothness rotation and phase-insensitive correlations.
extension Session {
    /// An N×d tensor argument as a matrix (vectors become one column).
    private func block(_ a: Arguments, _ name: String) throws -> Matrix {
        if case .host(let s as SpectrumObject) = a[name] { return s.spectrum.vectors.leadingColumns(s.shown) }
        let t = try a.tensor(name)
        if t.rank == 1 { return Matrix(rows: t.count, cols: 1, storage: t.storage) }
        guard let m = t.matrix else { throw LanguageError("\(name) must be a matrix (N×d), got shape \(Tensor.describe(shape: t.shape))", argument: name) }
        return m
    }

    /// p from an explicit `p:` or from N = p² rows.
    private func modulus(_ a: Arguments, rows: Int) throws -> Int {
        if let p = try a.optionalInteger("p") { return p }
        let p = Int(Double(rows).squareRoot().rounded())
        guard p * p == rows else { throw LanguageError("cannot infer p: \(rows) rows is not a square; pass p:", argument: "p") }
        return p
    }

    private func family(_ a: Arguments, _ name: String, p: Int) throws -> Matrix {
        if case .string(let familyName) = a[name] {
            guard let f = FourierFamily(rawValue: familyName) else {
                throw LanguageError("unknown family \"\(familyName)\"; expected \(FourierFamily.allCases.map(\.rawValue).joined(separator: ", "))", argument: name)
            }
            do { return try f.matrix(p: p, frequencies: try frequencies(a)) } catch let error as KernelError {
                throw LanguageError(error.description, argument: "freqs")
            }
        }
        if a.has("freqs") { throw LanguageError("freqs: restricts a named family; \(name) is a tensor", argument: "freqs") }
        return try block(a, name)
    }

    /// The `freqs:` argument as integer frequencies (a list or a 1-d tensor), nil when absent.
    private func frequencies(_ a: Arguments) throws -> [Int]? {
        guard a.has("freqs") else { return nil }
        let values: [Double]
        switch a["freqs"] {
        case .list(let elements):
            values = try elements.map {
                guard case .number(let x) = $0 else { throw LanguageError("freqs must hold integers, got \($0.typeName)", argument: "freqs") }
                return x
            }
        default:
            let t = try a.tensor("freqs")
            guard t.rank <= 1 else { throw LanguageError("freqs must be a list or a vector, got shape \(Tensor.describe(shape: t.shape))", argument: "freqs") }
            values = t.storage
        }
        return try values.map {
            guard $0 == $0.rounded(), abs($0) < 1e9 else { throw LanguageError("freqs must hold integers, got \(NumberFormat.format($0))", argument: "freqs") }
            return Int($0)
        }
    }

    private static var freqsParameter: BuiltinParameter {
        BuiltinParameter("freqs", default: .nothing, requiresLabel: true,
                         summary: "only these frequencies (a list or vector of k in 1…⌊p/2⌋), e.g. key_frequencies(m).freqs")
    }

    private static var pParameter: BuiltinParameter {
        BuiltinParameter("p", .optional(.bounded(.integer, .within(2, 1000))), default: .nothing, requiresLabel: true, summary: "the modulus (inferred from N = p²)")
    }

    var featureBuiltins: [Builtin] {
        let familyList = FourierFamily.allCases.map(\.rawValue)
        let familyNames = familyList.joined(separator: ", ")
        return [
            Builtin("features", [BuiltinParameter("s", .host("spectrum"), summary: "a flat-view spectrum"),
                                 BuiltinParameter("x", summary: "the kernel's inputs: a dataset or an N×C tensor"),
                                 BuiltinParameter("k", .optional(.count), default: .nothing, requiresLabel: true, summary: "eigenvectors (default: all in s)"),
                                 BuiltinParameter("normalise", .bool, default: .bool(true), requiresLabel: true, summary: "divide each column by its norm over features")],
                    returns: "tensor", summary: "TMS heatmap |⟨ẑᵃ, eᵢ⟩|: feature a (rows) against eigenvector i (columns)",
                    detail: "zᵃ ∈ R^{N·C} holds the inputs x[:, a] in output block a and zeros elsewhere. The best-matching feature of eigenvector i is h.argmax(axis: 0)[i]. Importance rescaling β is taken when the kernel is made: ntk(m, data, beta: 0.3).") { a in
                let s = try a.host("s", as: SpectrumObject.self)
                let x: Matrix
                if case .host(let d as DatasetObject) = a["x"] { x = d.dataset.inputs } else {
                    guard let m = try a.tensor("x").matrix else { throw LanguageError("x must be N×C", argument: "x") }
                    x = m
                }
                let k = try a.optionalInteger("k") ?? s.shown
                return .host(TensorObject(Tensor(try FeatureIndicators.heatmap(s.spectrum, inputs: x, count: k, columnNormalised: try a.bool("normalise")))))
            },
            Builtin("fourier", [BuiltinParameter("p", .bounded(.integer, .within(2, 1000))), BuiltinParameter("family", .choice(familyList)),
                                Session.freqsParameter],
                    returns: "tensor", summary: "a Fourier family on all p² pairs: columns cos(2πk·v/p), sin(2πk·v/p), k = 1…⌊p/2⌋",
                    detail: "Pairs in the order i = a·p + b. Families: a, b, sum (a+b), diff (a−b), 2a, 2b, axis_sum (F_a + F_b), axis_diff (F_a − F_b). With freqs: [k1, k2, …] only those frequencies, columns cos k1, sin k1, cos k2, …: fourier(29, \"sum\", freqs: [1, 12]) is 841×4.") { [unowned self] a in
                .host(TensorObject(Tensor(try self.family(a, "family", p: try a.integer("p")))))
            },
            Builtin("overlap", [BuiltinParameter("block", summary: "eigenvectors as columns (N×d), e.g. s.vectors[:, 57:113]"),
                                BuiltinParameter("family", summary: "a family name (\(familyNames)) or an N×m tensor"), Session.pParameter,
                                Session.freqsParameter],
                    returns: "number", summary: "subspace overlap Σ s², s the singular values of QᵀF (F centred, both orthonormalised)",
                    detail: "Lies in [0, min(d, rank F)]; for p = 29 a family spans 28 dimensions, so 28 is a perfect overlap; restricted to m frequencies (freqs:) it spans 2m.") { [unowned self] a in
                let b = try self.block(a, "block")
                return .number(try subspaceOverlap(b, family: try self.family(a, "family", p: try self.modulus(a, rows: b.rows))))
            },
            Builtin("rotate", [BuiltinParameter("block", summary: "a degenerate eigenvector block (N×k)"),
                               BuiltinParameter("stage", .choice(["cliff1", "cliff2"]), default: .string("cliff1"), requiresLabel: true, summary: "cliff1 (a, then b) or cliff2 (sum, then diff)"),
                               Session.pParameter],
                    returns: "tensor", summary: "the two-stage graph-smoothness rotation of a block into single-frequency atoms") { [unowned self] a in
                let b = try self.block(a, "block")
                let stage: SmoothnessStage = try a.string("stage") == "cliff1" ? .cliff1 : .cliff2
                return .host(TensorObject(Tensor(try smoothnessRotation(b, stage: stage, p: try self.modulus(a, rows: b.rows)))))
            },
            Builtin("correlation", [BuiltinParameter("atoms", summary: "vectors as columns (N×d)"),
                                    BuiltinParameter("family", .choice(familyList)), Session.pParameter],
                    returns: "tensor", summary: "phase-insensitive correlation √(⟨ĉos_k, â⟩² + ⟨ŝin_k, â⟩²): frequency k (rows) against atom (columns)") { [unowned self] a in
                let atoms = try self.block(a, "atoms")
                let f = try a.choice("family", as: FourierFamily.self)
                return .host(TensorObject(Tensor(try phaseInsensitiveCorrelation(atoms, family: f, p: try self.modulus(a, rows: atoms.rows)))))
            },
            Builtin("key_frequencies", [BuiltinParameter("embedding", summary: "a transformer model (its embed.W_E) or a tokens × d tensor"),
                                        BuiltinParameter("p", .optional(.bounded(.integer, .within(3, 1000))), default: .nothing, requiresLabel: true,
                                                         summary: "token rows to transform (default: vocabulary − 1 for a model, all rows of a tensor)"),
                                        BuiltinParameter("threshold", .bounded(.number, .within(0, 1e6)), default: .number(2), requiresLabel: true,
                                                         summary: "k is key when its power is at least this × the mean over k = 1…⌊p/2⌋")],
                    returns: "record", summary: "the Fourier power of the embedding along tokens and its key frequencies: record(power, freqs, threshold)",
                    detail: """
                        power[k] = (1/d) Σ_j |Σ_t E[t, j] e^(−2πi k t/p)|² for k = 0…⌊p/2⌋ (index = frequency), over the first p \
                        token rows (p: default vocabulary − 1 for a transformer, whose last token is "=", else all rows): the \
                        author's mean over d_model of |fft(W_E[:p])|². freqs lists, ascending, every k ≥ 1 whose power is at \
                        least threshold × the mean of power[1:] (the strongest alone when none is). plot(r.power, bars: true) draws it.
                        """) { [unowned self] a in
                let e: Matrix, defaultP: Int
                if case .host(let m as ModelObject) = a["embedding"] {
                    guard let t = try? m.model.tensor("embed.W_E"), let em = t.matrix else {
                        throw LanguageError("\(m.model.kind) has no token embedding embed.W_E; pass the embedding tensor", argument: "embedding")
                    }
                    e = em
                    defaultP = em.rows - 1
                } else {
                    e = try self.block(a, "embedding")
                    defaultP = e.rows
                }
                let spectrum: EmbeddingFourierPower
                do { spectrum = try EmbeddingFourierPower(embedding: e, p: try a.optionalInteger("p") ?? defaultP) } catch let error as KernelError {
                    throw LanguageError(error.description, argument: "p")
                }
                let threshold = try a.number("threshold")
                let freqs = spectrum.keyFrequencies(threshold: threshold).map { Value.number(Double($0)) }
                return .host(RecordObject([("power", .host(TensorObject(Tensor(shape: [spectrum.power.count], storage: spectrum.power)))),
                                           ("freqs", .list(freqs)), ("threshold", .number(threshold))]))
            },
            Builtin("laplacian", [BuiltinParameter("p", .bounded(.integer, .within(2, 1000))),
                                  BuiltinParameter("along", .choice(["a", "b", "sum", "diff"]), default: .string("a"), requiresLabel: true)],
                    returns: "tensor", summary: "the cycle Laplacian 2I − S(+d) − S(−d) on Z_p², dense p²×p²") { [unowned self] a in
                let l = try a.choice("along", as: CycleLaplacian.self)
                let p = try a.integer("p")
                try self.checkMemory(p * p * p * p * 8, for: "laplacian(\(p))")
                return .host(TensorObject(Tensor(try l.dense(p: p))))
            },
        ]
    }
}

extension Matrix {
    /// The first `k` columns.
    func leadingColumns(_ k: Int) -> Matrix {
        if k == cols { return self }
        var out = Matrix(rows: rows, cols: k)
        for i in 0..<rows { for j in 0..<k { out[i, j] = self[i, j] } }
        return out
    }
}
