import Foundation

/// Limits on pipe tables, checked while a hint doc is parsed: a table's cells are padded to its
/// header width, so a wide header over many rows costs width × rows cells.
struct TableCheck {
    /// Far beyond the widest real table (7 columns).
    static let maximumColumns = 64
    /// Far beyond the largest real table (a few hundred cells).
    static let maximumCells = 100_000

    let path: String
    private var previous: Substring?
    private var open: (columns: Int, rows: Int, line: Int)?

    init(path: String) { self.path = path }

    /// Looks at the next line outside code fences.
    mutating func visit(_ line: Substring, number: Int) throws {
        defer { previous = line }
        if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
            end()
            return
        }
        if var table = open {
            table.rows += 1
            open = table
            if table.rows * table.columns > TableCheck.maximumCells {
                throw SiteError(
                    file: path, line: table.line,
                    "table has \(table.columns) columns and more than \(table.rows) rows; the limit is \(TableCheck.maximumCells) cells")
            }
            return
        }
        guard let columns = TableCheck.delimiterColumns(line), previous?.contains("|") == true else { return }
        guard columns <= TableCheck.maximumColumns else {
            throw SiteError(file: path, line: number, "table has \(columns) columns; the limit is \(TableCheck.maximumColumns)")
        }
        open = (columns, 0, number - 1)
    }

    mutating func end() {
        open = nil
        previous = nil
    }

    /// A line without its block-quote markers (`>`) and indentation, as a table inside a
    /// quote or a list item sees it.
    static func content(of line: Substring) -> Substring {
        line.drop { $0 == ">" || $0 == " " || $0 == "\t" }
    }

    /// The cell count of a delimiter row (`|---|:--:|`), or nil for any other line.
    static func delimiterColumns(_ line: Substring) -> Int? {
        var cells = line.trimmingCharacters(in: .whitespaces)[...]
        guard cells.contains("-") else { return nil }
        if cells.hasPrefix("|") { cells = cells.dropFirst() }
        if cells.hasSuffix("|") { cells = cells.dropLast() }
        var count = 0
        for cell in cells.split(separator: "|", omittingEmptySubsequences: false) {
            let trimmed = cell.trimmingCharacters(in: .whitespaces)
            guard trimmed.contains("-"), trimmed.allSatisfy({ $0 == "-" || $0 == ":" }) else { return nil }
            count += 1
        }
        return count
    }
}
