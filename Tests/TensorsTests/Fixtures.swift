import Foundation
import Tensors
import Testing

/// Access to the numpy-computed fixtures in Fixtures/ (regenerate with make_fixtures.py).
enum Fixtures {
    static var directory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    }

    static func url(_ relative: String) -> URL { directory.appendingPathComponent(relative) }

    static func bytes(_ relative: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(relative))) }

    static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(relative)))
    }

    /// The parsed cases.json, loaded once.
    nonisolated(unsafe) static let cases: [String: Any] = {
        (try? json("cases.json")) as? [String: Any] ?? [:]
    }()

    /// The cases under `key`; none is a test failure, so a loop over them cannot pass on zero.
    static func list(_ key: String, sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
        let found = cases[key] as? [[String: Any]] ?? []
        if found.isEmpty { Issue.record("no fixture cases under '\(key)' in cases.json", sourceLocation: sourceLocation) }
        return found
    }

    /// A tensor encoded as {"shape": [...], "data": [numbers, or "nan"/"inf"/"-inf"]}.
    static func tensor(_ any: Any?) -> Tensor {
        let dict = any as! [String: Any]
        let shape = (dict["shape"] as! [Any]).map { ($0 as! NSNumber).intValue }
        let data = (dict["data"] as! [Any]).map { item -> Double in
            if let n = item as? NSNumber { return n.doubleValue }
            return Double(item as! String)!
        }
        return Tensor(shape: shape, storage: data)
    }

    /// Index components encoded as "all", "newaxis", {"at": i} or {"slice": [start, stop, step]}.
    static func index(_ any: Any?) -> [TensorIndex] {
        (any as! [Any]).map { item in
            if let s = item as? String { return s == "all" ? .all : .newAxis }
            let d = item as! [String: Any]
            if let i = d["at"] as? NSNumber { return .at(i.intValue) }
            let parts = (d["slice"] as! [Any]).map { ($0 as? NSNumber)?.intValue }
            return .slice(parts[0], parts[1], parts.count > 2 ? parts[2] : nil)
        }
    }
}

/// Elementwise equality that treats NaN as equal to NaN (the fixtures hold NaNs from 0/0).
func sameValues(_ a: Tensor, _ b: Tensor) -> Bool {
    a.shape == b.shape && zip(a.storage, b.storage).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
}

/// A readable line for a failed tensor comparison.
func mismatch(_ expected: Tensor, _ observed: Tensor, _ context: String) -> Comment {
    "\(context): expected shape \(expected.shape) \(expected.storage.prefix(12)), observed shape \(observed.shape) \(observed.storage.prefix(12))"
}
