import Foundation

/// The one memory rule of entk: memory whose size comes from a user's input is counted before it
/// is allocated, and a request over the budget is refused with its size instead of aborting the
/// process. The tensor allocators (`Tensor.allocate`) and the matrix allocator (`Matrix.allocate`)
/// ask here, so a new builtin that makes tensors or matrices is budgeted without remembering to.
///
/// The budget in force is the one of the innermost `withLimit` on the calling thread (the session
/// runs every builtin inside its own, so sessions side by side keep their own `.memory`), else the
/// derived default: the smallest of: half of `MemAvailable`, the address-space and data limits (`RLIMIT_AS`,
/// `RLIMIT_DATA`) less what the process already maps, and the cgroup's `memory.max` less its
/// `memory.current`, so that entk under `ulimit -v` or in a container refuses before the kernel
/// would kill it.
public enum AllocationBudget {
    /// The bytes one request may take now, on this thread: its `withLimit`, else the default
    /// derived once per process (so an allocation outside a session reads no /proc file).
    public static var limit: Int { threadLimit.value ?? processDefault }

    private static let processDefault = defaultLimit()

    /// Runs `body` with `bytes` as the budget of this thread (nested calls: the innermost wins).
    public static func withLimit<T>(_ bytes: Int, _ body: () throws -> T) rethrows -> T {
        try threadLimit.with(bytes, body)
    }

    private static let threadLimit = ThreadLocal<Int>()

    /// Bytes of `counts` multiplied together and by `elementSize`, or nil when the product
    /// overflows `Int` or a count is negative.
    public static func bytes(_ counts: [Int], elementSize: Int = 8) -> Int? {
        var total = elementSize
        for count in counts {
            guard count >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: count)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// Refuses, before anything is allocated, a request for `counts` elements of
    /// `elementSize` bytes that overflows or exceeds the budget.
    public static func reserve(_ counts: [Int], elementSize: Int = 8, for what: @autoclosure () -> String) throws(AllocationRefused) {
        guard let need = bytes(counts, elementSize: elementSize) else {
            throw AllocationRefused(what: what(), bytes: nil, limit: limit)
        }
        let allowed = limit
        guard need <= allowed else { throw AllocationRefused(what: what(), bytes: need, limit: allowed) }
    }

    /// The default budget from the machine and the process's limits.
    public static func defaultLimit() -> Int {
        var candidates: [Int] = []
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        if let available = field(meminfo, "MemAvailable:") { candidates.append(available * 1024 / 2) }
        let mapped = field((try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? "", "VmSize:").map { $0 * 1024 } ?? 0
        for resource in [RLIMIT_AS, RLIMIT_DATA] {
            var r = rlimit()
            if getrlimit(__rlimit_resource_t(resource.rawValue), &r) == 0, r.rlim_cur != rlim_t.max, r.rlim_cur < UInt64(Int.max) {
                candidates.append(max(0, Int(r.rlim_cur) - mapped) / 2)
            }
        }
        if let maximum = cgroupValue("memory.max") {
            candidates.append(max(0, maximum - (cgroupValue("memory.current") ?? 0)) / 2)
        }
        return candidates.min() ?? 4_000_000_000
    }

    /// The first integer after `name` in a `/proc` text.
    private static func field(_ text: String, _ name: String) -> Int? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first
    }

    /// A cgroup v2 file of this process's group, as bytes (nil for "max" or when absent).
    private static func cgroupValue(_ file: String) -> Int? {
        guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
              let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) else { return nil }
        let path = "/sys/fs/cgroup" + line.dropFirst(3) + "/" + file
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `1.5 GB`, `320 MB`, `12 KB`: decimal units (1 GB = 10⁹ bytes), three significant digits;
    /// the one way entk prints a size.
    public static func format(_ bytes: Int) -> String {
        let units: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")]
        for (scale, unit) in units where Double(bytes) >= scale {
            return String(format: "%.3g %@", Double(bytes) / scale, unit)
        }
        return "\(bytes) B"
    }
}

/// A request refused by `AllocationBudget`: what it was for, its size (nil when the size does not
/// even fit a 64-bit count) and the budget it broke.
public struct AllocationRefused: Error, Equatable, CustomStringConvertible, Sendable {
    public var what: String
    public var bytes: Int?
    public var limit: Int

    public init(what: String, bytes: Int?, limit: Int) {
        self.what = what
        self.bytes = bytes
        self.limit = limit
    }

    public var description: String {
        let size = bytes.map { "needs \(AllocationBudget.format($0))" } ?? "needs more bytes than a 64-bit size can count"
        return "\(what) \(size), over the memory budget of \(AllocationBudget.format(limit)) (see .memory)"
    }
}

/// An optional value per thread (pthread-specific storage; nil on a thread that never set it).
final class ThreadLocal<T>: @unchecked Sendable {
    private var key = pthread_key_t()

    init() { pthread_key_create(&key) { pointer in if let pointer { Unmanaged<AnyObject>.fromOpaque(pointer).release() } } }

    private final class Box { var value: T?; init(_ value: T?) { self.value = value } }

    var value: T? {
        get { pthread_getspecific(key).map { (Unmanaged<AnyObject>.fromOpaque($0).takeUnretainedValue() as! Box).value } ?? nil }
        set {
            if let pointer = pthread_getspecific(key) {
                (Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue() as! Box).value = newValue
            } else {
                pthread_setspecific(key, Unmanaged<AnyObject>.passRetained(Box(newValue)).toOpaque())
            }
        }
    }

    /// Runs `body` with `value` set on this thread, then restores what was there.
    func with<R>(_ value: T, _ body: () throws -> R) rethrows -> R {
        let saved = self.value
        self.value = value
        defer { self.value = saved }
        return try body()
    }
}
