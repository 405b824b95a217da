import Foundation
import Mustache

/// The Markdown/HTML templates in `templates/`, parsed once, checked before every render.
///
/// Templates are logic-less: views are dictionaries of preformatted strings. Rendering fails
/// (naming file and line) for a syntax error, an unknown template or partial, or a placeholder
/// the view does not provide — never an empty string.
public struct TemplateSet: @unchecked Sendable {
    public let directory: String
    private let library: MustacheLibrary
    private let sources: [String: String]

    /// Loads every `*.mustache` file under `root/directory`; the name is the file name without `.mustache`.
    public init(root: URL, directory: String = "templates") throws {
        self.directory = directory
        let folder = root.appendingPathComponent(directory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw SiteError(file: directory, "template folder is missing or unreadable")
        }
        var library = MustacheLibrary()
        var sources: [String: String] = [:]
        for file in names.sorted() where file.hasSuffix(".mustache") {
            let path = "\(directory)/\(file)"
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(file).path) else {
                throw SiteError(file: path, "template is unreadable")
            }
            guard data.count <= HintDocument.maximumBytes else {
                throw SiteError(file: path, "template is \(data.count) bytes; the limit is \(HintDocument.maximumBytes) bytes")
            }
            let text = try HintDocument.decodeUTF8(data, file: path)
            // Before the parser, which recurses once per nested section.
            try TemplateSet.checkNesting(text, file: path)
            do {
                let template = try MustacheTemplate(string: text)
                let name = String(file.dropLast(".mustache".count))
                library.register(template, named: name)
                sources[name] = text
            } catch let error as MustacheTemplate.ParserError {
                throw SiteError(file: path, line: error.context.lineNumber, "template syntax error (\(error.error)) near '\(error.context.line.trimmingCharacters(in: .whitespaces))'")
            }
        }
        self.library = library
        self.sources = sources
    }

    /// Renders template `name` with `view`; throws for unknown templates and unresolved placeholders.
    public func render(_ name: String, _ view: [String: Any]) throws -> String {
        guard sources[name] != nil else {
            throw SiteError(file: "\(directory)/\(name).mustache", "unknown template '\(name)'")
        }
        var expansions = 0
        try check(name, view: view, expansions: &expansions)
        guard let text = library.render(view, withTemplate: name),
              text.contains(where: { !$0.isWhitespace }) else {
            throw SiteError(file: "\(directory)/\(name).mustache", "template rendered nothing (an empty page)")
        }
        return text
    }

    /// How deep partials may include partials: far beyond the two levels the site uses, and
    /// shallow enough to stop a partial that includes itself with a clear error.
    public static let maximumPartialDepth = 16

    /// How many partials one render may expand in all: 10 wide and 8 deep would be 10⁸, and the
    /// site's largest page expands a few dozen. Depth alone does not bound fan-out.
    public static let maximumExpansions = 10_000

    /// How deep sections, inverted sections, parents and blocks may nest in one template: the
    /// site nests 3; swift-mustache's parser recurses once per level, so thousands overflow the stack.
    public static let maximumSectionDepth = 64

    /// Throws when sections nest deeper than ``maximumSectionDepth``, naming the line.
    static func checkNesting(_ text: String, file: String) throws {
        var depth = 0
        for (tag, line, source) in tags(in: text) {
            switch tag {
            case .open, .inverted, .parent, .block:
                depth += 1
                guard depth <= maximumSectionDepth else {
                    throw SiteError(file: file, line: line, "sections nest more than \(maximumSectionDepth) deep at '\(source)'")
                }
            case .close:
                depth = max(depth - 1, 0)
            default:
                break
            }
        }
    }

    // MARK: - Placeholder check

    private enum Tag {
        case variable(String), open(String), inverted(String), close(String), partial(String)
        /// `{{<parent}}`: includes `parent` and opens a block closed by `{{/parent}}`.
        case parent(String)
        /// `{{$block}}`: opens a block closed by `{{/block}}`.
        case block
        case dynamicPartial(String)
        case other
    }

    /// Walks the template's tags against the view: every variable must resolve in some
    /// enclosing context; sections the renderer skips (empty list, `false`; inverted over a
    /// true value) are skipped; partials are checked in turn, at most
    /// ``maximumPartialDepth`` deep.
    /// `chain` lists the templates that included this one, outermost first.
    private func check(
        _ name: String, view: [String: Any], outer: [[String: Any]?] = [], chain: [String] = [], expansions: inout Int
    ) throws {
        guard let text = sources[name] else {
            throw SiteError(file: "\(directory)/\(name).mustache", "unknown template '\(name)'")
        }
        let file = "\(directory)/\(name).mustache"
        let chain = chain + [name]
        var frames: [[String: Any]?] = outer + [view]
        var opened: [(name: String, pushed: Bool)] = []
        for (tag, line, source) in TemplateSet.tags(in: text) {
            let skipping = frames.contains { $0 == nil }
            switch tag {
            case let .variable(key):
                if !skipping, key != ".", lookup(key, in: frames) == nil {
                    throw SiteError(file: file, line: line, "unresolved placeholder '\(source)'")
                }
            case let .open(key):
                let value = skipping ? nil : lookup(key, in: frames)
                if !skipping && value == nil {
                    throw SiteError(file: file, line: line, "unresolved section '\(source)'")
                }
                if let list = value as? [Any] {
                    frames.append(list.first.map { ($0 as? [String: Any]) ?? [:] })
                    opened.append((key, true))
                } else if let dictionary = value as? [String: Any] {
                    frames.append(dictionary)
                    opened.append((key, true))
                } else if let flag = value as? Bool, !flag {
                    // Not rendered: skip it as the renderer does.
                    frames.append(nil)
                    opened.append((key, true))
                } else {
                    opened.append((key, false))
                }
            case let .inverted(key):
                let value = skipping ? nil : lookup(key, in: frames)
                if !skipping && value == nil {
                    throw SiteError(file: file, line: line, "unresolved section '\(source)'")
                }
                let falsy = (value as? Bool) == false || (value as? [Any])?.isEmpty == true
                if !skipping && !falsy {
                    // Rendered only for a false value or an empty list: skip it as the renderer does.
                    frames.append(nil)
                    opened.append((key, true))
                } else {
                    opened.append((key, false))
                }
            case .close:
                if let last = opened.popLast(), last.pushed { frames.removeLast() }
            case let .partial(partial), let .parent(partial):
                guard sources[partial] != nil else {
                    throw SiteError(file: file, line: line, "unknown template '\(partial)' in partial")
                }
                if case .parent = tag { opened.append((partial, false)) }
                if !skipping, let top = frames.last, let context = top {
                    guard chain.count < TemplateSet.maximumPartialDepth else {
                        let path = (chain + [partial]).joined(separator: " > ")
                        throw SiteError(
                            file: file, line: line,
                            "partials nest more than \(TemplateSet.maximumPartialDepth) deep (\(path)); does '\(partial)' include itself?")
                    }
                    expansions += 1
                    guard expansions <= TemplateSet.maximumExpansions else {
                        throw SiteError(
                            file: file, line: line,
                            "partials expand more than \(TemplateSet.maximumExpansions) times in one page (at '\(partial)', \(chain.joined(separator: " > ")))")
                    }
                    try check(partial, view: context, outer: Array(frames.dropLast()), chain: chain, expansions: &expansions)
                }
            case .block:
                opened.append(("", false))
            case let .dynamicPartial(partial):
                throw SiteError(file: file, line: line, "dynamic partial '\(source)' (\(partial)) is not supported; name the partial")
            case .other:
                break
            }
        }
    }

    private func lookup(_ key: String, in frames: [[String: Any]?]) -> Any? {
        let parts = key.split(separator: ".").map(String.init)
        guard let first = parts.first else { return nil }
        for frame in frames.reversed() {
            guard let frame, var value = frame[first] else { continue }
            for part in parts.dropFirst() {
                guard let next = (value as? [String: Any])?[part] else { return nil }
                value = next
            }
            return value
        }
        return nil
    }

    /// Every tag with its 1-based line number and its text, following `{{=<% %>=}}` delimiter changes as
    /// swift-mustache does, so a placeholder under other delimiters is checked too.
    private static func tags(in text: String) -> [(Tag, Int, String)] {
        var result: [(Tag, Int, String)] = []
        let bytes = Array(text.utf8)
        var open = Array("{{".utf8), close = Array("}}".utf8)
        var line = 1
        var index = 0
        func matches(_ pattern: [UInt8], at position: Int) -> Bool {
            position + pattern.count <= bytes.count && bytes[position..<(position + pattern.count)].elementsEqual(pattern)
        }
        func find(_ pattern: [UInt8], from start: Int) -> Int? {
            var position = start
            while position + pattern.count <= bytes.count {
                if matches(pattern, at: position) { return position }
                position += 1
            }
            return nil
        }
        func string(_ from: Int, _ to: Int) -> String {
            String(decoding: bytes[from..<max(from, to)], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        while index < bytes.count {
            guard matches(open, at: index) else {
                if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                index += 1
                continue
            }
            let start = index + open.count
            let tagLine = line
            let sigil = start < bytes.count ? bytes[start] : 0
            let tag: Tag
            var end: Int
            if sigil == UInt8(ascii: "=") {
                // `{{=<% %>=}}`: the new delimiters, separated by whitespace.
                var closeEquals = Array("=".utf8)
                closeEquals += close
                guard let found = find(closeEquals, from: start + 1) else { break }
                let parts = string(start + 1, found).split(whereSeparator: { $0.isWhitespace })
                if parts.count == 2 {
                    open = Array(parts[0].utf8)
                    close = Array(parts[1].utf8)
                }
                tag = .other
                end = found + closeEquals.count
            } else {
                guard let found = find(close, from: start) else { break }
                end = found + close.count
                let body = string(start, found)
                let name = String(body.dropFirst()).trimmingCharacters(in: .whitespaces)
                switch body.first {
                case "#": tag = .open(name)
                case "^": tag = .inverted(name)
                case "/": tag = .close(name)
                case ">":
                    tag = name.hasPrefix("*")
                        ? .dynamicPartial(String(name.dropFirst()).trimmingCharacters(in: .whitespaces)) : .partial(name)
                case "<": tag = .parent(name)
                case "$": tag = .block
                case "!", "%": tag = .other
                case "&": tag = .variable(name)
                case "{":
                    // `{{{name}}}`: the name ends before the closing delimiter; one `}` follows it.
                    tag = .variable(name.hasSuffix("}") ? String(name.dropLast()).trimmingCharacters(in: .whitespaces) : name)
                    if end < bytes.count, bytes[end] == UInt8(ascii: "}") { end += 1 }
                default: tag = .variable(body)
                }
            }
            let source = String(decoding: bytes[index..<min(end, bytes.count)], as: UTF8.self)
            line += bytes[index..<min(end, bytes.count)].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            index = end
            let oneLine = source.replacingOccurrences(of: "\n", with: "⏎")
            result.append((tag, tagLine, oneLine.count > 80 ? String(oneLine.prefix(80)) + "…" : oneLine))
        }
        return result
    }
}
