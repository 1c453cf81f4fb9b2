import Language

/// An output sink that keeps everything written to it, for replay checking and tests.
public final class TextBuffer: OutputSink {
    public private(set) var text = ""
    public init() {}
    public func write(_ text: String) { self.text += text }
    /// Returns what was written since the last call and clears it.
    public func take() -> String {
        defer { text = "" }
        return text
    }
}
