/// Unified diffs between two lists of lines, in the format of `diff -u`.
///
/// The edit script is a longest common subsequence after trimming the common prefix and
/// suffix: O(n·m) time and memory in the differing middle, which for session files (tens to
/// hundreds of lines) is instant. A middle over 16 million cells is shown as replaced whole.
public enum UnifiedDiff {
    enum Edit: Equatable { case same, delete, insert }

    /// The diff of `old` against `new`, or nil when they are equal.
    /// `context` lines of unchanged text surround each change; nearby changes share a hunk.
    public static func make(old: [String], new: [String], oldName: String, newName: String,
                            context: Int = 3) -> String? {
        if old == new { return nil }
        let edits = editScript(old, new)
        var lines = ["--- \(oldName)", "+++ \(newName)"]
        // Positions (old index, new index) before each edit.
        var positions: [(Int, Int)] = []
        var i = 0, j = 0
        for edit in edits {
            positions.append((i, j))
            switch edit {
            case .same: i += 1; j += 1
            case .delete: i += 1
            case .insert: j += 1
            }
        }
        let changed = edits.indices.filter { edits[$0] != .same }
        var hunkStart = 0
        while hunkStart < changed.count {
            var hunkEnd = hunkStart
            while hunkEnd + 1 < changed.count, changed[hunkEnd + 1] - changed[hunkEnd] <= 2 * context + 1 {
                hunkEnd += 1
            }
            let first = max(0, changed[hunkStart] - context)
            let last = min(edits.count - 1, changed[hunkEnd] + context)
            var oldCount = 0, newCount = 0
            var body: [String] = []
            for k in first...last {
                let (oi, ni) = positions[k]
                switch edits[k] {
                case .same: body.append(" " + old[oi]); oldCount += 1; newCount += 1
                case .delete: body.append("-" + old[oi]); oldCount += 1
                case .insert: body.append("+" + new[ni]); newCount += 1
                }
            }
            let (oldFirst, newFirst) = positions[first]
            lines.append("@@ -\(range(oldFirst, oldCount)) +\(range(newFirst, newCount)) @@")
            lines.append(contentsOf: body)
            hunkStart = hunkEnd + 1
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `start,count` as diff writes it: 1-based, `,count` left out when 1, and an empty range
    /// named by the line before it.
    private static func range(_ zeroBasedStart: Int, _ count: Int) -> String {
        switch count {
        case 0: "\(zeroBasedStart),0"
        case 1: "\(zeroBasedStart + 1)"
        default: "\(zeroBasedStart + 1),\(count)"
        }
    }

    static func editScript(_ old: [String], _ new: [String]) -> [Edit] {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
              old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        let a = Array(old[prefix..<(old.count - suffix)])
        let b = Array(new[prefix..<(new.count - suffix)])
        var middle: [Edit] = []
        if a.count * b.count > 16_000_000 {
            middle = Array(repeating: .delete, count: a.count) + Array(repeating: .insert, count: b.count)
        } else {
            // lcs[i][j]: length of the LCS of a[i...] and b[j...], flattened row-major.
            let width = b.count + 1
            var lcs = [Int](repeating: 0, count: (a.count + 1) * width)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) {
                    lcs[i * width + j] = a[i] == b[j]
                        ? lcs[(i + 1) * width + j + 1] + 1
                        : max(lcs[(i + 1) * width + j], lcs[i * width + j + 1])
                }
            }
            var i = 0, j = 0
            while i < a.count || j < b.count {
                if i < a.count, j < b.count, a[i] == b[j] {
                    middle.append(.same); i += 1; j += 1
                } else if j == b.count || (i < a.count && lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
                    middle.append(.delete); i += 1
                } else {
                    middle.append(.insert); j += 1
                }
            }
        }
        return Array(repeating: .same, count: prefix) + middle + Array(repeating: .same, count: suffix)
    }
}
