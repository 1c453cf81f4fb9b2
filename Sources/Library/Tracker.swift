import Foundation
import Language
import Tensors

/// A series recorded during training: `t.add(step, value)` from a `train(…, do:)` hook, then
/// `t.values`, `t.derivative()` and `t.peak()`. A reference, so a hook can fill it.
public final class TrackerObject: HostObject {
    let name: String
    private(set) var steps: [Double] = []
    private(set) var values: [Double] = []

    init(name: String, steps: [Double] = [], values: [Double] = []) {
        self.name = name
        self.steps = steps
        self.values = values
    }

    public var typeName: String { "tracker" }
    public var count: Int? { steps.count }
    public var summary: String {
        guard let first = steps.first, let last = steps.last else { return "tracker \(name) (empty)" }
        return "tracker \(name)  \(steps.count) points, steps \(Value.format(first))…\(Value.format(last))"
    }
    /// The summary, then one `step value` line per point (at most 12, evenly spread).
    public var displayText: String {
        guard !steps.isEmpty else { return summary }
        let shown = steps.count <= 12 ? Array(steps.indices)
            : (0..<12).map { $0 * (steps.count - 1) / 11 }
        return ([summary] + shown.map { "  \(Value.format(steps[$0]).padding(toLength: 8, withPad: " ", startingAt: 0)) \(format4(values[$0]))" })
            .joined(separator: "\n")
    }

    func add(step: Double, value: Double) throws {
        if let last = steps.last, step <= last {
            throw LanguageError("tracker \(name): steps must increase (got \(Value.format(step)) after \(Value.format(last)))")
        }
        steps.append(step)
        values.append(value)
    }

    /// dv/ds by central differences (v[i+1] − v[i−1]) / (s[i+1] − s[i−1]) inside, one-sided at
    /// the ends (numpy.gradient with the steps as coordinates, first order at the edges).
    func derivative() throws -> TrackerObject {
        let n = steps.count
        guard n >= 2 else { throw LanguageError("tracker \(name): a derivative needs at least 2 points, have \(n)") }
        let d = (0..<n).map { i -> Double in
            let lo = max(i - 1, 0), hi = min(i + 1, n - 1)
            return (values[hi] - values[lo]) / (steps[hi] - steps[lo])
        }
        return TrackerObject(name: "d(\(name))/dstep", steps: steps, values: d)
    }

    /// The step where the value is largest (the first such step).
    func peak() throws -> Double {
        guard let i = values.indices.max(by: { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) }) else {
            throw LanguageError("tracker \(name) is empty")
        }
        return steps[i]
    }
}

extension Session {
    func installTrackerBuiltins() throws {
        try interpreter.registry.register(
            Builtin("tracker", [BuiltinParameter("name", .string, default: .string("value"), summary: "a label for displays")],
                    returns: "tracker", summary: "an empty series to fill during training: t.add(step, value)",
                    detail: """
                        Example: t = tracker("sum overlap"); train(m, data, steps: 500, every: 10, do: fn(s) { t.add(s, overlap(...)) }); \
                        t.derivative().peak(). save(t, "t.csv") writes the columns step,NAME; save(t, "t.json") writes {"name", "steps", "values"}.
                        """) { a in .host(TrackerObject(name: try a.string("name"))) })
        func tracker(_ v: Value) throws -> TrackerObject { try v.object(TrackerObject.self, named: "tracker") }
        try interpreter.registry.register(type: HostType(
            "tracker", summary: "a series of (step, value) points recorded during training",
            properties: [
                HostProperty("steps", type: "tensor", summary: "the steps") { .host(TensorObject(Tensor(try tracker($0).steps))) },
                HostProperty("values", type: "tensor", summary: "the values") { .host(TensorObject(Tensor(try tracker($0).values))) },
            ],
            methods: [
                Builtin("add", [BuiltinParameter("step", .number), BuiltinParameter("value", .number)], summary: "append a point (steps must increase)") { a in
                    try a.receiver(as: TrackerObject.self).add(step: try a.number("step"), value: try a.number("value"))
                    return .nothing
                },
                Builtin("derivative", returns: "tracker", summary: "dv/dstep by central differences (one-sided at the ends)") { a in
                    .host(try a.receiver(as: TrackerObject.self).derivative())
                },
                Builtin("peak", returns: "number", summary: "the step where the value is largest") { a in
                    .number(try a.receiver(as: TrackerObject.self).peak())
                },
            ]))
    }
}
