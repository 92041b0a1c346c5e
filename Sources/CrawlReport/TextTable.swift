/// A plain-text table with aligned columns (no colour, no box drawing: safe in pipes and logs).
struct TextTable {
    enum Align { case left, right }

    var headers: [String]
    var aligns: [Align]
    var rows: [[String]] = []

    init(_ columns: [(String, Align)]) {
        headers = columns.map(\.0)
        aligns = columns.map(\.1)
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    /// The table indented by `indent` spaces; the last column is cut so lines fit `width`.
    func render(indent: Int = 2, width: Int = 120) -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        let fixedWidth = indent + widths.dropLast().reduce(0) { $0 + $1 + 2 }
        if let last = widths.indices.last { widths[last] = max(8, min(widths[last], width - fixedWidth)) }
        let pad = String(repeating: " ", count: indent)
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, w) in widths.enumerated() {
                let cell = ReportFormat.truncate(i < cells.count ? cells[i] : "", w)
                let fill = String(repeating: " ", count: max(0, w - cell.count))
                let isLast = i == widths.count - 1
                parts.append(aligns[i] == .right ? fill + cell : (isLast ? cell : cell + fill))
            }
            var text = pad + parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var out = line(headers) + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}
