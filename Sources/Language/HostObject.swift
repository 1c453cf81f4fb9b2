/// A domain object (tensor, model, kernel, spectrum, plot …) living in the language.
///
/// The Library module implements this for each domain type and registers the type's methods
/// and properties in `BuiltinRegistry` as a `HostType` table; the table is what help,
/// completion and argument checking use. The protocol adds what a table cannot express:
/// display, operators, subscripts, iteration and dynamic members. Every requirement except
/// `typeName` and `summary` has a default that declines, so a host implements only what its
/// type supports; declining produces a clear error naming the type and the operation.
public protocol HostObject: AnyObject {
    /// The language-visible type name (`tensor`, `kernel`, …); it keys the `HostType` table.
    var typeName: String { get }
    /// One line: shown in `.vars`, inside lists, and by default when echoed.
    var summary: String { get }
    /// The echo text (may span lines, e.g. a printed tensor). Defaults to `summary`.
    var displayText: String { get }

    /// A member not in the type's table (say a model's parameter group `m.W`), or nil.
    func member(named name: String) throws -> Value?
    /// Names `member(named:)` answers to, for completion.
    var dynamicMemberNames: [String] { get }
    /// Members of the type's table this object does not offer (a tms method on an mlp), left
    /// out of completion.
    var unofferedMemberNames: Set<String> { get }
    /// `object.name = value`.
    func setMember(named name: String, to value: Value) throws

    /// `self op other` (`selfOnLeft`) or `other op self`; nil when the operator does not apply,
    /// which the evaluator reports as an error naming both types. Numbers mix in as `.number`.
    func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value?
    /// `-self`, `+self`, `not self`; nil when the operator does not apply.
    func unary(_ op: UnaryOperator) throws -> Value?

    /// `self[components]`. Integer components arrive as they were written (negative indices
    /// not yet wrapped); `IndexComponent.resolve(_:count:)` and `SliceBounds.indices(count:)`
    /// implement the language's rules for hosts to reuse.
    func subscriptValue(_ components: [IndexComponent]) throws -> Value
    /// `self[components] = value`.
    func setSubscript(_ components: [IndexComponent], to value: Value) throws

    /// `len(self)`, or nil when the object has no length.
    var count: Int? { get }
    /// The elements `for x in self` visits, or nil when the object is not iterable.
    func elements() throws -> [Value]?
}

/// Defaults that decline: each reports the operation as unsupported for the type.
extension HostObject {
    public var displayText: String { summary }
    public func member(named name: String) throws -> Value? { nil }
    public var dynamicMemberNames: [String] { [] }
    public var unofferedMemberNames: Set<String> { [] }
    public func setMember(named name: String, to value: Value) throws {
        throw LanguageError("cannot set member `\(name)` of \(typeName)")
    }
    public func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value? { nil }
    public func unary(_ op: UnaryOperator) throws -> Value? { nil }
    public func subscriptValue(_ components: [IndexComponent]) throws -> Value {
        throw LanguageError("\(typeName) cannot be subscripted")
    }
    public func setSubscript(_ components: [IndexComponent], to value: Value) throws {
        throw LanguageError("\(typeName) does not support assignment through a subscript")
    }
    public var count: Int? { nil }
    public func elements() throws -> [Value]? { nil }
}

/// One component of a subscript after evaluation: `a[i]`, `a[start:stop:step]`, `a[:]`.
public enum IndexComponent {
    /// A single index as written; usually a number, but hosts may accept other values (masks).
    case single(Value)
    case slice(SliceBounds)

    /// Wraps a negative index (`-1` is the last) and checks it against `count`.
    public static func resolve(_ index: Int, count: Int) throws -> Int {
        let wrapped = index < 0 ? index + count : index
        guard wrapped >= 0, wrapped < count else {
            throw LanguageError("index \(index) is out of range for length \(count)")
        }
        return wrapped
    }
}

/// The parts of a slice `start:stop:step`, each optional, with Python's rules.
public struct SliceBounds: Equatable, Sendable {
    public var start: Int?
    public var stop: Int?
    public var step: Int?

    public init(start: Int? = nil, stop: Int? = nil, step: Int? = nil) {
        self.start = start
        self.stop = stop
        self.step = step
    }

    /// The selected positions in a sequence of length `count`: negative bounds count from the
    /// end, out-of-range bounds are clamped, a negative step walks backwards, step 0 is an error.
    /// Cost O(result).
    public func indices(count: Int) throws -> [Int] {
        let step = self.step ?? 1
        guard step != 0 else { throw LanguageError("slice step cannot be zero") }
        func clamp(_ bound: Int?, _ fallback: Int, low: Int, high: Int) -> Int {
            guard var value = bound else { return fallback }
            if value < 0 { value += count }
            return min(max(value, low), high)
        }
        if step > 0 {
            let start = clamp(start, 0, low: 0, high: count)
            let stop = clamp(stop, count, low: 0, high: count)
            return start < stop ? Array(stride(from: start, to: stop, by: step)) : []
        }
        let start = clamp(start, count - 1, low: -1, high: count - 1)
        let stop = clamp(stop, -1, low: -1, high: count - 1)
        return start > stop ? Array(stride(from: start, to: stop, by: step)) : []
    }
}
