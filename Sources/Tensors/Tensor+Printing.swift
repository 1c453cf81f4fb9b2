/// numpy-like text for tensors, a port of numpy's `array2string(separator=", ")` layout
/// (numpy 2.x, `_formatArray`): nested brackets, rows separated by newlines (blank lines
/// between blocks of rank ≥ 3), every element right-aligned to the widest printed one, the
/// last axis wrapped at 75 columns, and tensors of more than 1000 elements summarised with
/// `...` keeping 3 edge items per axis. Elements use `NumberFormat.format`.
extension Tensor: CustomStringConvertible {
    /// Total line width before the last axis wraps, numpy's default.
    public static let printLineWidth = 75
    /// Tensors with more elements than this print summarised.
    public static let printThreshold = 1000
    /// Items kept at each end of a summarised axis.
    public static let printEdgeItems = 3

    /// The numpy-like text (`formatted()`).
    public var description: String { formatted() }

    /// The numpy-like text of this tensor (see the type's printing rule).
    public func formatted() -> String {
        if rank == 0 { return NumberFormat.format(storage[0]) }
        if count == 0 { return "[]" }
        let summarise = count > Tensor.printThreshold
        let own = strides
        var width = 0
        visitPrinted(summarise: summarise, strides: own) { width = Swift.max(width, NumberFormat.format(storage[$0]).count) }
        func pad(_ offset: Int) -> String {
            let text = NumberFormat.format(storage[offset])
            return String(repeating: " ", count: width - text.count) + text
        }
        let separator = ", "
        func recurse(axis: Int, offset: Int, hangingIndent: String, currentWidth: Int) -> String {
            let axesLeft = rank - axis
            let nextIndent = hangingIndent + " "
            let nextWidth = currentWidth - 1
            let length = shape[axis]
            let showSummary = summarise && 2 * Tensor.printEdgeItems < length
            let leading = showSummary ? Tensor.printEdgeItems : 0
            let trailing = showSummary ? Tensor.printEdgeItems : length
            var s = ""
            if axesLeft == 1 {
                let elementWidth = currentWidth - 1
                var line = hangingIndent
                func extend(_ word: String) {
                    if line.count + word.count > elementWidth && line.count > hangingIndent.count {
                        s += Tensor.trimmedTrailing(line) + "\n"
                        line = hangingIndent
                    }
                    line += word
                }
                for i in 0..<leading { extend(pad(offset + i * own[axis])); line += separator }
                if showSummary { extend("..."); line += separator }
                for i in stride(from: trailing, to: 1, by: -1) { extend(pad(offset + (length - i) * own[axis])); line += separator }
                extend(pad(offset + (length - 1) * own[axis]))
                s += line
            } else {
                let lineSeparator = "," + String(repeating: "\n", count: axesLeft - 1)
                func nested(_ i: Int) -> String {
                    recurse(axis: axis + 1, offset: offset + i * own[axis], hangingIndent: nextIndent, currentWidth: nextWidth)
                }
                for i in 0..<leading { s += hangingIndent + nested(i) + lineSeparator }
                if showSummary { s += hangingIndent + "..." + lineSeparator }
                for i in stride(from: trailing, to: 1, by: -1) { s += hangingIndent + nested(length - i) + lineSeparator }
                s += hangingIndent + nested(length - 1)
            }
            return "[" + s.dropFirst(hangingIndent.count) + "]"
        }
        return recurse(axis: 0, offset: 0, hangingIndent: " ", currentWidth: Tensor.printLineWidth)
    }

    /// Calls `visit` with the storage offset of every element the printed text shows.
    private func visitPrinted(summarise: Bool, strides own: [Int], _ visit: (Int) -> Void) {
        func recurse(axis: Int, offset: Int) {
            if axis == rank { visit(offset); return }
            let length = shape[axis], edge = Tensor.printEdgeItems
            let positions = summarise && 2 * edge < length ? Array(0..<edge) + Array((length - edge)..<length) : Array(0..<length)
            for i in positions { recurse(axis: axis + 1, offset: offset + i * own[axis]) }
        }
        recurse(axis: 0, offset: 0)
    }

    private static func trimmedTrailing(_ line: String) -> String {
        var l = Substring(line)
        while l.last == " " { l = l.dropLast() }
        return String(l)
    }

    /// A one-line summary for listings: `tensor 500×50`, `tensor 3`, `tensor scalar 2.5`.
    public var summary: String {
        if rank == 0 { return "tensor scalar \(NumberFormat.format(storage[0]))" }
        return "tensor " + shape.map(String.init).joined(separator: "×")
    }
}
