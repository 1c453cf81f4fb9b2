import Tensors

/// Weights in and out as named tensors, one per parameter group, with the group's name and shape
/// (TMS: "W" m×n, "b" n; modmlp: "W1" H×2p, "W2" p×H; mlp: "layerK.weight" out×in,
/// "layerK.bias" out). The safetensors file format is Tensors' business; this is the dictionary.
extension DifferentiableModel {
    /// Every parameter group as a tensor of the group's shape.
    public func namedTensors() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for g in parameterGroups {
            out[g.name] = Tensor(shape: g.shape, storage: Array(parameters[g.offset..<(g.offset + g.count)]))
        }
        return out
    }

    /// One group as a tensor; throws `.unknownGroup`.
    public func tensor(_ name: String) throws -> Tensor {
        let g = try group(name)
        return Tensor(shape: g.shape, storage: Array(parameters[g.offset..<(g.offset + g.count)]))
    }

    /// Replaces one group by `tensor`, which must have the group's shape and finite entries.
    public func setTensor(_ name: String, _ tensor: Tensor) throws {
        let g = try group(name)
        guard tensor.shape == g.shape else { throw NetworkError.shapeMismatch(argument: "tensor '\(name)'", expected: g.shape, got: tensor.shape) }
        try Self.requireFinite(tensor, name)
        var flat = parameters
        flat.replaceSubrange(g.offset..<(g.offset + g.count), with: tensor.storage)
        parameters = flat
    }

    private static func requireFinite(_ t: Tensor, _ name: String) throws {
        if let bad = t.storage.firstIndex(where: { !$0.isFinite }) {
            throw NetworkError.invalidArgument("tensor '\(name)' holds \(t.storage[bad].isNaN ? "nan" : "an infinity") at flat index \(bad); weights must be finite")
        }
    }

    /// Replaces every parameter group from `tensors`. All names and shapes are checked before
    /// anything changes: a missing or unknown name, or a shape that differs from the group's,
    /// throws an error that names the tensor (and both shapes), and so does a NaN or an infinity.
    public func load(_ tensors: [String: Tensor]) throws {
        for name in tensors.keys.sorted() where !parameterGroups.contains(where: { $0.name == name }) && !ignoresTensor(named: name) {
            throw NetworkError.unexpectedTensor(name, expected: groupNames)
        }
        var flat = parameters
        for g in parameterGroups {
            guard let t = tensors[g.name] else { throw NetworkError.missingTensor(g.name) }
            guard t.shape == g.shape else { throw NetworkError.shapeMismatch(argument: "tensor '\(g.name)'", expected: g.shape, got: t.shape) }
            try Self.requireFinite(t, g.name)
            flat.replaceSubrange(g.offset..<(g.offset + g.count), with: t.storage)
        }
        parameters = flat
    }

    /// Replaces the flat parameter vector; throws when the length is not P.
    public func setParameters(_ values: [Double]) throws {
        guard values.count == parameterCount else {
            throw NetworkError.shapeMismatch(argument: "parameters", expected: [parameterCount], got: [values.count])
        }
        parameters = values
    }
}
