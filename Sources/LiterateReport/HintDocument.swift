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
    /// Text before the first `##` heading (after the title).
    public let preamble: String
    /// Everything after the title line, in document order.
    public let body: String

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
        func flush() {
            if let current { sections[current] = buffer.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines) }
            buffer = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle() }
            if !inFence, title == nil, line.hasPrefix("# ") {
                title = String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)
                continue
            }
            if !inFence, line.hasPrefix("## ") {
                flush()
                let heading = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                current = heading
                order.append(heading)
                continue
            }
            if current == nil { preamble.append(line) } else { buffer.append(line) }
        }
        flush()
        guard let title, !title.isEmpty else { throw SiteError(file: path, line: 1, "missing '# Title' heading") }
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
        self.preamble = preamble.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        body = lines.drop { !$0.hasPrefix("# ") }.dropFirst().joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Loads and parses the doc at `root/path`; a missing or unreadable file is an error naming it.
    public static func load(root: URL, path: String, requireSections: Bool = true) throws -> HintDocument {
        let url = root.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw SiteError(file: path, "hint doc is missing or unreadable")
        }
        return try HintDocument(path: path, text: text, requireSections: requireSections)
    }

    /// A section body, or an empty string.
    public func section(_ name: String) -> String { sections[name] ?? "" }
}

/// Resolves `[[key]]` placeholders in hint-doc prose from a table of formatted values.
///
/// Placeholders inside fenced code blocks and code spans are left alone; an unknown key is an
/// error naming the file and line.
public enum Placeholders {
    public static func resolve(_ text: String, values: [String: String], file: String) throws -> String {
        var out: [String] = []
        var inFence = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle() }
            if inFence || !line.contains("[[") {
                out.append(String(line))
                continue
            }
            out.append(try resolveLine(String(line), values: values, file: file, line: index + 1))
        }
        return out.joined(separator: "\n")
    }

    private static func resolveLine(_ line: String, values: [String: String], file: String, line number: Int) throws -> String {
        var result = ""
        var rest = Substring(line)
        var inCode = false
        while let next = rest.firstIndex(where: { $0 == "`" || $0 == "[" }) {
            result += rest[rest.startIndex..<next]
            if rest[next] == "`" {
                inCode.toggle()
                result.append("`")
                rest = rest[rest.index(after: next)...]
                continue
            }
            let tail = rest[next...]
            if !inCode, tail.hasPrefix("[["), let close = tail.range(of: "]]") {
                let key = String(tail[tail.index(next, offsetBy: 2)..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
                guard let value = values[key] else {
                    throw SiteError(file: file, line: number, "unknown placeholder '[[\(key)]]'; known: \(values.keys.sorted().joined(separator: ", "))")
                }
                result += value
                rest = tail[close.upperBound...]
            } else {
                result.append(rest[next])
                rest = rest[rest.index(after: next)...]
            }
        }
        return result + rest
    }
}
