#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Library

/// Draws one updating line on standard error when it is a terminal; silent otherwise, so
/// scripts, pipes and transcripts never see progress.
///
/// Redraws are throttled to one per `minimumInterval` seconds (10 per second by default),
/// except the first, so a tight loop calling `update` costs a clock read per call.
public final class TerminalProgress: ProgressReporter {
    private let isTerminal: Bool
    private let draw: (String) -> Void
    private let now: () -> Double
    private let stopRequested: () -> Bool
    private let minimumInterval: Double
    private let width: Int
    private var label = ""
    private var total: Int?
    private var lastDraw: Double?
    private var active = false

    /// - Parameters:
    ///   - isTerminal: whether to draw at all (default: standard error is a terminal).
    ///   - draw: receives the control sequences and text (default: standard error).
    ///   - now: a monotonic clock in seconds.
    ///   - stopRequested: backs `shouldStop` (default: a pending Ctrl-C).
    public init(isTerminal: Bool = FileDescriptorWriter.isTerminal(2),
                draw: @escaping (String) -> Void = { FileDescriptorWriter.write($0, to: 2) },
                now: @escaping () -> Double = TerminalProgress.monotonicSeconds,
                stopRequested: @escaping () -> Bool = { Interrupts.isPending },
                minimumInterval: Double = 0.1,
                width: Int = 79) {
        self.isTerminal = isTerminal
        self.draw = draw
        self.now = now
        self.stopRequested = stopRequested
        self.minimumInterval = minimumInterval
        self.width = width
    }

    public var shouldStop: Bool { stopRequested() }

    public func begin(total: Int?, label: String) {
        self.label = label
        self.total = total
        lastDraw = nil
        active = true
        update(done: 0, detail: nil)
    }

    public func update(done: Int, detail: String?) {
        guard isTerminal, active else { return }
        let time = now()
        if let last = lastDraw, time - last < minimumInterval, done != total { return }
        lastDraw = time
        draw("\r\u{1B}[K" + Self.line(label: label, done: done, total: total, detail: detail, width: width))
    }

    /// Clears the line before other output reaches the terminal, so a result never lands on the
    /// end of a progress line (the console's standard streams call it before every write); the
    /// next `update` draws the line again below the output.
    public func yieldLine() {
        guard isTerminal, active, lastDraw != nil else { return }
        draw("\r\u{1B}[K")
        lastDraw = nil
    }

    public func end() {
        guard active else { return }
        active = false
        if isTerminal && lastDraw != nil { draw("\r\u{1B}[K") }
    }

    /// The progress line: `label  done/total  pct%  detail` (`label …` before an unknown total
    /// has a count), cut to `width` characters.
    public static func line(label: String, done: Int, total: Int?, detail: String?, width: Int) -> String {
        var parts = [label]
        if let total, total > 0 {
            let percent = min(100, max(0, done * 100 / total))
            parts.append("\(done)/\(total)")
            parts.append("\(percent)%")
        } else if done > 0 {
            parts.append("\(done)")
        } else {
            parts[0] += " …"   // started, nothing counted yet (an eigen solve)
        }
        if let detail, !detail.isEmpty { parts.append(detail) }
        let text = parts.joined(separator: "  ")
        return text.count > width ? String(text.prefix(width)) : text
    }

    /// Seconds from a monotonic clock.
    public static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }
}
