import Foundation

/// A hand-written hint doc (`context/hints/dsocr-kb/ops/op-<Layer>.md`) split into the
/// sections templates rely on.
public struct HintDocument: Sendable {
    /// The `##` sections every op doc has, in this order.
    public static let requiredSections = [
        "What it is", "Definition", "Internals", "Cost model", "Memory",
        "Performance on the GPU", "Related modules", "References",
    ]

    /// Path relative to the project root.
    public let path: String
    /// The `# Title`.
    public let title: String
    /// Section bodies keyed by heading (without the heading line).
    public let sections: [String: String]
    /// File line (1-based) of each section body's first line, keyed by heading.
    public let sectionLines: [String: Int]
    /// File line (1-based) of the preamble's first line.
    public let preambleLine: Int
    /// Text before the first `##` heading (after the title).
    public let preamble: String
    /// Everything after the title line, in document order.
    public let body: String
    /// File line (1-based) of the body's first line.
    public let bodyLine: Int

    /// Parses `text`; throws when the title or a required section is missing or out of order.
    public init(path: String, text: String, requireSections: Bool = true) throws {
        self.path = path
        var title: String?
        var sections: [String: String] = [:]
        var order: [String] = []
        var current: String?
        var buffer: [Substring] = []
        var preamble: [Substring] = []
        var inFence = false
        var sectionLines: [String: Int] = [:]
        var bufferLine = 0
        var preambleLine = 0
        var limits = MarkdownLimits(path: path)
        var titleIndex = 0
        func flush() {
            if let current {
                let (text, offset) = HintDocument.trimmed(buffer)
                sections[current] = text
                sectionLines[current] = bufferLine + offset
            }
            buffer = []
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if title == nil {
                // Only blank lines may come before the title, so every later line keeps its place.
                guard line.contains(where: { !$0.isWhitespace }) else { continue }
                let heading = line.hasPrefix("# ") ? String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces) : ""
                guard !heading.isEmpty else { throw SiteError(file: path, line: number, "missing '# Title' heading") }
                title = heading
                titleIndex = index
                continue
            }
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle() }
            try limits.visit(line, number: number)
            if !inFence, line.hasPrefix("## ") {
                flush()
                let heading = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                current = heading
                order.append(heading)
                bufferLine = number + 1
                continue
            }
            if current == nil {
                if preamble.isEmpty { preambleLine = number }
                preamble.append(line)
            } else {
                buffer.append(line)
            }
        }
        flush()
        guard let title else { throw SiteError(file: path, line: 1, "missing '# Title' heading") }
        if requireSections {
            let required = order.filter { HintDocument.requiredSections.contains($0) }
            for section in HintDocument.requiredSections where !order.contains(section) {
                throw SiteError(file: path, "missing required section '## \(section)'")
            }
            guard required == HintDocument.requiredSections else {
                throw SiteError(file: path, "sections out of order: expected \(HintDocument.requiredSections.joined(separator: ", "))")
            }
        }
        self.title = title
        self.sections = sections
        self.sectionLines = sectionLines
        let (preambleText, preambleOffset) = HintDocument.trimmed(preamble)
        self.preamble = preambleText
        self.preambleLine = max(preambleLine, 1) + preambleOffset
        let (bodyText, bodyOffset) = HintDocument.trimmed(Array(lines[(titleIndex + 1)...]))
        body = bodyText
        bodyLine = titleIndex + 2 + bodyOffset
    }

    /// `lines` joined, without leading and trailing whitespace, and how many lines were
    /// dropped from the start (so the text's first line is at the first line + that offset).
    static func trimmed(_ lines: [Substring]) -> (text: String, droppedLines: Int) {
        let visible = { (line: Substring) in line.contains { !$0.isWhitespace } }
        guard let first = lines.firstIndex(where: visible), let last = lines.lastIndex(where: visible) else { return ("", 0) }
        var kept = Array(lines[first...last])
        kept[0] = kept[0].drop { $0.isWhitespace }
        kept[kept.count - 1] = Substring(String(kept[kept.count - 1].reversed().drop { $0.isWhitespace }.reversed()))
        return (kept.joined(separator: "\n"), first - lines.startIndex)
    }

    /// The largest hint doc accepted: about 130 times the largest real one (8 kB).
    public static let maximumBytes = 1_000_000

    /// Loads and parses the doc at `root/path`; a missing, unreadable, oversized or non-UTF-8
    /// file is an error naming it (and the line of the first invalid byte).
    public static func load(root: URL, path: String, requireSections: Bool = true) throws -> HintDocument {
        let url = root.appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw SiteError(file: path, "hint doc is missing")
        }
        guard !isDirectory.boolValue else { throw SiteError(file: path, "hint doc is a folder, not a file") }
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int, size > maximumBytes {
            throw SiteError(file: path, "hint doc is \(size) bytes; the limit is \(maximumBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SiteError(file: path, "hint doc is unreadable (permission denied or an I/O error)")
        }
        guard data.count <= maximumBytes else {
            throw SiteError(file: path, "hint doc is \(data.count) bytes; the limit is \(maximumBytes) bytes")
        }
        let text = try decodeUTF8(data, file: path)
        return try HintDocument(path: path, text: text.replacingOccurrences(of: "\r\n", with: "\n"), requireSections: requireSections)
    }

    /// `data` as UTF-8 text; invalid UTF-8 is an encoding error naming the line and byte offset.
    static func decodeUTF8(_ data: Data, file: String) throws -> String {
        let bytes = [UInt8](data)
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var line = 1
        while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar):
                if scalar == "\n" { line += 1 }
                offset += UTF8.width(scalar)
            case .emptyInput:
                return String(decoding: bytes, as: UTF8.self)
            case .error:
                throw SiteError(file: file, line: line, "is not valid UTF-8 text (invalid byte sequence at byte \(offset)); save it as UTF-8")
            }
        }
    }

    /// A section body, or an empty string.
    public func section(_ name: String) -> String { sections[name] ?? "" }

    /// File line of a section body's first line (1 when the section is missing).
    public func line(ofSection name: String) -> Int { sectionLines[name] ?? 1 }
}

/// The limits a Markdown text meets before cmark sees it: tables (``TableCheck``) and image
/// openers (``ImageLinkCheck``). Every line counts, fenced or not, in any container: what cmark
/// makes a table or a paragraph of can differ from what a line scan thinks, never the other
/// way round. Hint docs are checked as they load, whole pages (templates and data included)
/// before they are rendered.
struct MarkdownLimits {
    private var table: TableCheck
    private var images: ImageLinkCheck

    init(path: String) {
        table = TableCheck(path: path)
        images = ImageLinkCheck(path: path)
    }

    mutating func visit(_ line: Substring, number: Int) throws {
        try table.visit(TableCheck.content(of: line), number: number)
        try images.visit(line, number: number)
    }

    /// Checks a whole text; errors name `file` and the line.
    static func check(_ text: String, file: String) throws {
        var limits = MarkdownLimits(path: file)
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            try limits.visit(line, number: index + 1)
        }
    }
}

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

/// Bounds cmark's link matching before cmark sees the text. cmark 0.30 looks back over every
/// image opener `![` of a paragraph for each `]` that closes a link (image openers are never
/// deactivated), so a paragraph of `o` openers and `c` closing brackets costs `o·c` steps:
/// 100,000 × `![[]()` is 10¹⁰, about 40 s. The sum of `o·c` over a doc's paragraphs (text
/// between blank lines, fences included) is held to ``maximumSteps``.
struct ImageLinkCheck {
    /// 2·10⁷ steps, about 0.1 s at the 4.7 ns per step measured; real hint docs need under 100.
    static let maximumSteps = 20_000_000

    let path: String
    private var openers = 0, closers = 0, steps = 0, paragraphLine = 0

    init(path: String) { self.path = path }

    mutating func visit(_ line: Substring, number: Int) throws {
        if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
            openers = 0
            closers = 0
            return
        }
        if openers == 0 && closers == 0 { paragraphLine = number }
        var previous: Character = " "
        var lineOpeners = 0, lineClosers = 0
        for character in line {
            if character == "[" && previous == "!" { lineOpeners += 1 }
            if character == "]" { lineClosers += 1 }
            previous = character
        }
        // The paragraph's product grows by what this line adds: (o + Δo)(c + Δc) − o·c.
        steps += lineOpeners * (closers + lineClosers) + openers * lineClosers
        openers += lineOpeners
        closers += lineClosers
        guard steps <= ImageLinkCheck.maximumSteps else {
            throw SiteError(
                file: path, line: paragraphLine,
                "paragraph has \(openers) image openers '![' and \(closers) closing brackets; cmark's link matching would take "
                    + "more than \(ImageLinkCheck.maximumSteps) steps (openers × brackets per paragraph, summed over the doc)")
        }
    }
}

/// Resolves `[[key]]` placeholders in hint-doc prose from a table of formatted values.
///
/// Placeholders inside fenced code blocks and code spans are left alone; an unknown key is an
/// error naming the file and line.
public enum Placeholders {
    /// Resolves the placeholders of `text`, which starts at line `firstLine` of `file`.
    public static func resolve(_ text: String, values: [String: String], file: String, firstLine: Int = 1) throws -> String {
        var out: [String] = []
        var inFence = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle() }
            if inFence || !line.contains("[[") {
                out.append(String(line))
                continue
            }
            out.append(try resolveLine(line, values: values, file: file, line: firstLine + index))
        }
        return out.joined(separator: "\n")
    }

    /// One pass over the line's bytes: a backtick toggles code, and `[[key]]` outside code is
    /// replaced. The search for `]]` resumes where the last one ended, so the time is linear.
    private static func resolveLine(_ line: Substring, values: [String: String], file: String, line number: Int) throws -> String {
        let bytes = Array(line.utf8)
        let open = UInt8(ascii: "["), close = UInt8(ascii: "]"), backtick = UInt8(ascii: "`")
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var inCode = false
        var index = 0
        /// The first `]]` at or after `searchedFrom`, or nil when there is none (then none later either).
        var nextClose: Int? = nil
        var searchedFrom = -1
        func closing(after start: Int) -> Int? {
            if searchedFrom >= 0, start >= searchedFrom, nextClose == nil || nextClose! >= start { return nextClose }
            var position = start
            while position + 1 < bytes.count, !(bytes[position] == close && bytes[position + 1] == close) { position += 1 }
            searchedFrom = start
            nextClose = position + 1 < bytes.count ? position : nil
            return nextClose
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == backtick { inCode.toggle() }
            if byte == open, !inCode, index + 1 < bytes.count, bytes[index + 1] == open, let end = closing(after: index + 2) {
                let key = String(decoding: bytes[(index + 2)..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                guard let value = values[key] else {
                    let shown = key.count > 60 ? String(key.prefix(60)) + "…" : key
                    throw SiteError(file: file, line: number, "unknown placeholder '[[\(shown)]]'; known: \(values.keys.sorted().joined(separator: ", "))")
                }
                result += Array(value.utf8)
                index = end + 2
                continue
            }
            result.append(byte)
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}
