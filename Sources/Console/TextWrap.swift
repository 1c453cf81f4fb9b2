import Foundation

/// Prose wrapped at word boundaries to a width, as help and lessons are shown on a terminal.
///
/// A line longer than `width` breaks at its last space that keeps it within `width`; the rest
/// continues on the next line with the line's own indentation (so a help row's continuation
/// lines up under its first word). A single word longer than the width stays whole. Lines
/// inside a ``` fence (code) are never wrapped.
public enum TextWrap {
    public static func wrap(_ text: String, width: Int) -> String {
        guard width >= 20 else { return text }
        var inCode = false
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle() }
            if inCode || line.count <= width { out.append(String(line)); continue }
            let indent = String(line.prefix { $0 == " " })
            var current = ""
            for word in line.dropFirst(indent.count).split(separator: " ", omittingEmptySubsequences: false) {
                let candidate = current.isEmpty ? indent + word : current + " " + word
                if candidate.count > width, !current.isEmpty {
                    out.append(current)
                    current = indent + word
                } else {
                    current = candidate
                }
            }
            out.append(current)
        }
        return out.joined(separator: "\n")
    }

    /// Columns of the terminal on standard output, nil when it is not a terminal.
    public static var terminalWidth: Int? {
        guard FileDescriptorWriter.isTerminal(1) else { return nil }
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
