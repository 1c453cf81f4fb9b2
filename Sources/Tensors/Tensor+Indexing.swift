/// One component of a numpy-style index: `t[1, 2:8:2, :, newaxis]`.
public enum TensorIndex: Equatable, Sendable {
    /// A single position; negative counts from the end. Removes the axis.
    case at(Int)
    /// `start:stop:step` with Python's rules: missing bounds default to the whole axis in the
    /// direction of the step, negative bounds count from the end, out-of-range bounds clamp,
    /// and a negative step walks backwards. The step must not be zero.
    case range(start: Int?, stop: Int?, step: Int?)
    /// `:`, the whole axis.
    case all
    /// A new axis of size 1 (numpy's `newaxis` / `None`); consumes no axis of the tensor.
    case newAxis

    /// `start:stop:step`, the short spelling of `.range`.
    public static func slice(_ start: Int?, _ stop: Int?, _ step: Int? = nil) -> TensorIndex {
        .range(start: start, stop: stop, step: step)
    }
}

/// Where an index lands in the storage: every selection here is an arithmetic progression
/// along each axis, so it is a base offset plus one stride per result axis.
struct StridedView {
    var base: Int
    var shape: [Int]
    var strides: [Int]
}

extension Tensor {
    /// The elements an index selects, as a new tensor (numpy basic indexing). Axes not
    /// mentioned are taken whole. Throws `.indexOutOfRange` naming axis, index and size,
    /// `.tooManyIndices`, or `.invalidArgument` for a zero step. Cost: one strided copy.
    public func slice(_ indices: [TensorIndex]) throws -> Tensor {
        let view = try resolve(indices)
        return Tensor(shape: view.shape, storage: gather(base: view.base, shape: view.shape, strides: view.strides))
    }

    /// Variadic form of `slice(_:)`: `t.slice(.at(0), .all)`.
    public func slice(_ indices: TensorIndex...) throws -> Tensor { try slice(indices) }

    /// Writes `value` into the selected elements, broadcasting it to the selection's shape
    /// (numpy `t[idx] = value`; leading size-1 axes of `value` beyond the selection's rank are
    /// dropped first). Throws `.broadcast` naming both shapes when it does not fit.
    public mutating func assign(_ value: Tensor, at indices: [TensorIndex]) throws {
        let view = try resolve(indices)
        var v = value
        while v.rank > view.shape.count, v.shape.first == 1 { v = Tensor(shape: Array(v.shape.dropFirst()), storage: v.storage) }
        let filled: Tensor
        do { filled = try v.broadcast(to: view.shape) } catch {
            throw TensorError.broadcast(operation: "assign", lhs: value.shape, rhs: view.shape)
        }
        filled.storage.withUnsafeBufferPointer { src in
            storage.withUnsafeMutableBufferPointer { dst in
                Tensor.walk(shape: view.shape, strides: view.strides, base: view.base) { w, d in dst[d] = src[w] }
            }
        }
    }

    /// Writes the scalar `value` into every selected element.
    public mutating func assign(_ value: Double, at indices: [TensorIndex]) throws {
        try assign(Tensor(scalar: value), at: indices)
    }

    /// The element at a full multi-index; negative indices count from the end.
    public func element(_ index: [Int]) throws -> Double {
        guard index.count == rank else {
            throw TensorError.invalidArgument(operation: "element", detail: "\(index.count) indices given for a tensor of rank \(rank)")
        }
        let view = try resolve(index.map { .at($0) })
        return storage[view.base]
    }

    /// Resolves an index into base offset, result shape and result strides.
    func resolve(_ indices: [TensorIndex]) throws -> StridedView {
        let consumed = indices.filter { $0 != .newAxis }.count
        guard consumed <= rank else { throw TensorError.tooManyIndices(count: consumed, rank: rank) }
        let own = strides
        var view = StridedView(base: 0, shape: [], strides: [])
        var axis = 0
        for index in indices + Array(repeating: TensorIndex.all, count: rank - consumed) {
            switch index {
            case .newAxis:
                view.shape.append(1); view.strides.append(0)
            case .at(let i):
                let size = shape[axis]
                let j = i < 0 ? i &+ size : i
                guard j >= 0 && j < size else { throw TensorError.indexOutOfRange(axis: axis, index: i, size: size) }
                view.base += j * own[axis]
                axis += 1
            case .all:
                view.shape.append(shape[axis]); view.strides.append(own[axis])
                axis += 1
            case let .range(start, stop, step):
                let (first, length, by) = try Tensor.sliceBounds(start, stop, step, size: shape[axis], axis: axis)
                if length > 0 { view.base += first * own[axis] }
                view.shape.append(length)
                view.strides.append(length > 1 ? by * own[axis] : 0)
                axis += 1
            }
        }
        return view
    }

    /// Python's `slice.indices(size)` followed by the length: (first index, count, step).
    static func sliceBounds(_ start: Int?, _ stop: Int?, _ step: Int?, size: Int, axis: Int) throws -> (Int, Int, Int) {
        let rawStep = step ?? 1
        guard rawStep != 0 else {
            throw TensorError.invalidArgument(operation: "slice", detail: "slice step cannot be zero (axis \(axis))")
        }
        // A step longer than the axis selects at most one element; clamping it keeps the
        // arithmetic below free of overflow without changing the selection.
        let by = rawStep > 0 ? Swift.min(rawStep, size + 1) : Swift.max(rawStep, -(size + 1))
        let (lower, upper) = by > 0 ? (0, size) : (-1, size - 1)
        func clamp(_ v: Int?, default d: Int) -> Int {
            guard let v else { return d }
            return v < 0 ? Swift.max(v < -size ? lower : v + size, lower) : Swift.min(v, upper)
        }
        let first = clamp(start, default: by > 0 ? lower : upper)
        let last = clamp(stop, default: by > 0 ? upper : lower)
        let length = by > 0 ? Swift.max(0, (last - first + by - 1) / by) : Swift.max(0, (first - last - by - 1) / -by)
        return (first, length, by)
    }
}
