/// A grid of characters the terminal renderings draw into, then join into lines with trailing
/// spaces removed (so the text is the same whatever the terminal pads with).
struct TextCanvas {
    private(set) var rows: [[Character]]
    let width: Int

    init(width: Int, height: Int) {
        self.width = width
        rows = Array(repeating: Array(repeating: " ", count: width), count: height)
    }

    subscript(row: Int, column: Int) -> Character {
        get { rows[row][column] }
        set { if rows.indices.contains(row), column >= 0, column < width { rows[row][column] = newValue } }
    }

    /// Writes `text` from `column` on `row`, clipped at the edges.
    mutating func put(_ text: String, row: Int, column: Int) {
        for (k, c) in text.enumerated() { self[row, column + k] = c }
    }

    /// True when the cells from `column` for `length` (clipped to the canvas) are all blank.
    func isFree(row: Int, column: Int, length: Int) -> Bool {
        guard rows.indices.contains(row) else { return false }
        let lo = max(column, 0), hi = min(column + length, width)
        return lo >= hi || (lo..<hi).allSatisfy { rows[row][$0] == " " }
    }

    var text: String {
        rows.map { String($0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n")
    }
}

import Foundation

/// Braille dot raster: each character cell holds 2×4 dots (U+2800 + bit pattern).
struct BrailleRaster {
    let columns: Int, rows: Int
    private var bits: [[UInt8]]

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        bits = Array(repeating: Array(repeating: 0, count: columns), count: rows)
    }

    /// Dot coordinates: x in 0..<2·columns left to right, y in 0..<4·rows top to bottom.
    mutating func set(_ x: Int, _ y: Int) {
        guard x >= 0, y >= 0, x < 2 * columns, y < 4 * rows else { return }
        let table: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        bits[y / 4][x / 2] |= table[x % 2][y % 4]
    }

    /// The straight run of dots between two dots (Bresenham).
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) {
        for (x, y) in bresenham(x0, y0, x1, y1) { set(x, y) }
    }

    func character(row: Int, column: Int) -> Character? {
        let b = bits[row][column]
        return b == 0 ? nil : Character(Unicode.Scalar(0x2800 + UInt32(b))!)
    }
}

/// The cells of the straight line from (x0, y0) to (x1, y1), both ends included.
func bresenham(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> [(Int, Int)] {
    var out: [(Int, Int)] = []
    var x = x0, y = y0
    let dx = abs(x1 - x0), dy = -abs(y1 - y0)
    let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
    var err = dx + dy
    while true {
        out.append((x, y))
        if x == x1 && y == y1 { break }
        let e2 = 2 * err
        if e2 >= dy { err += dy; x += sx }
        if e2 <= dx { err += dx; y += sy }
    }
    return out
}
