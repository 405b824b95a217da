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
