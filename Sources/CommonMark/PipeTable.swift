/// A GitHub-style pipe table recognised in Markdown source lines.
///
/// Detection rule: a line with at least one unescaped `|` (the header row) directly
/// followed by a delimiter row whose cells are all `-`s with an optional leading
/// and/or trailing `:` and whose cell count equals the header's. Every following
/// line of the same paragraph is a body row (the table ends where cmark ends the
/// paragraph: at a blank line or the start of another block).
struct PipeTable: Equatable {
    /// Column alignment taken from the delimiter row.
    enum Alignment: Equatable {
        case none, left, center, right

        /// The attribute (with a leading space) put on `<th>`/`<td>`, or "".
        var attribute: String {
            switch self {
            case .none: ""
            case .left: #" style="text-align: left""#
            case .center: #" style="text-align: center""#
            case .right: #" style="text-align: right""#
            }
        }
    }

    var alignments: [Alignment]
    /// Header cells as inline Markdown (escaped pipes already turned into `|`).
    var header: [String]
    /// Body rows, each padded or truncated to the column count.
    var rows: [[String]]

    /// All cells in output order: header first, then each body row.
    var allCells: [String] { header + rows.flatMap { $0 } }

    /// Finds the first table in the lines of one paragraph.
    ///
    /// Returns the index of the header row within `lines` and the table, which runs
    /// from the header to the last line.
    static func find(in lines: [Substring]) -> (headerIndex: Int, table: PipeTable)? {
        guard lines.count >= 2 else { return nil }
        for index in 0..<(lines.count - 1) {
            let header = splitRow(lines[index])
            guard header.pipeCount > 0,
                let alignments = delimiterRow(lines[index + 1]),
                alignments.count == header.cells.count
            else { continue }
            let width = alignments.count
            let rows = lines[(index + 2)...].map { line -> [String] in
                var cells = splitRow(line).cells
                if cells.count > width { cells.removeLast(cells.count - width) }
                while cells.count < width { cells.append("") }
                return cells
            }
            return (index, PipeTable(alignments: alignments, header: header.cells, rows: rows))
        }
        return nil
    }

    /// Parses a delimiter row such as `|---|:---:|--:|`, or returns nil.
    static func delimiterRow(_ line: Substring) -> [Alignment]? {
        let row = splitRow(line)
        guard row.pipeCount > 0, !row.cells.isEmpty else { return nil }
        var alignments: [Alignment] = []
        for cell in row.cells {
            var body = Substring(cell)
            let leadingColon = body.first == ":"
            if leadingColon { body = body.dropFirst() }
            let trailingColon = body.last == ":"
            if trailingColon { body = body.dropLast() }
            guard !body.isEmpty, body.allSatisfy({ $0 == "-" }) else { return nil }
            switch (leadingColon, trailingColon) {
            case (true, true): alignments.append(.center)
            case (true, false): alignments.append(.left)
            case (false, true): alignments.append(.right)
            case (false, false): alignments.append(.none)
            }
        }
        return alignments
    }

    /// Splits a row on unescaped `|`, dropping one optional leading and trailing pipe.
    ///
    /// Cells are trimmed; `\|` becomes `|` (also inside code spans, as in GFM); any
    /// other backslash escape is kept for cmark.
    static func splitRow(_ line: Substring) -> (cells: [String], pipeCount: Int) {
        let pipe = UInt8(ascii: "|")
        let backslash = UInt8(ascii: "\\")
        let bytes = Array(line.utf8)
        var start = 0
        var end = bytes.count
        while start < end, isSpaceOrTab(bytes[start]) { start += 1 }
        while end > start, isSpaceOrTab(bytes[end - 1]) { end -= 1 }

        var cells: [String] = []
        var current: [UInt8] = []
        var pipeCount = 0
        var index = start
        if index < end, bytes[index] == pipe {
            pipeCount += 1
            index += 1
        }
        var endsWithPipe = false
        while index < end {
            let byte = bytes[index]
            if byte == backslash, index + 1 < end {
                if bytes[index + 1] != pipe { current.append(byte) }
                current.append(bytes[index + 1])
                index += 2
            } else if byte == pipe {
                pipeCount += 1
                cells.append(trimmedString(current))
                current.removeAll(keepingCapacity: true)
                endsWithPipe = index == end - 1
                index += 1
            } else {
                current.append(byte)
                index += 1
            }
        }
        if !endsWithPipe { cells.append(trimmedString(current)) }
        return (cells, pipeCount)
    }

    /// Builds the `<table>` element; `cellHTML` holds rendered cells in ``allCells`` order.
    func html(cellHTML: [String]) -> String {
        var output = "<table>\n<thead>\n<tr>\n"
        var cellIndex = 0
        for alignment in alignments {
            output += "<th\(alignment.attribute)>\(cellHTML[cellIndex])</th>\n"
            cellIndex += 1
        }
        output += "</tr>\n</thead>\n"
        if !rows.isEmpty {
            output += "<tbody>\n"
            for _ in rows {
                output += "<tr>\n"
                for alignment in alignments {
                    output += "<td\(alignment.attribute)>\(cellHTML[cellIndex])</td>\n"
                    cellIndex += 1
                }
                output += "</tr>\n"
            }
            output += "</tbody>\n"
        }
        output += "</table>\n"
        return output
    }

    private static func isSpaceOrTab(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func trimmedString(_ bytes: [UInt8]) -> String {
        var start = 0
        var end = bytes.count
        while start < end, isSpaceOrTab(bytes[start]) { start += 1 }
        while end > start, isSpaceOrTab(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
