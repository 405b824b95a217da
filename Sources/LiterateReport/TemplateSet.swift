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
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(file).path),
                  let text = String(data: data, encoding: .utf8) else {
                throw SiteError(file: path, "template is unreadable")
            }
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
        try check(name, view: view)
        guard let text = library.render(view, withTemplate: name) else {
            throw SiteError(file: "\(directory)/\(name).mustache", "template rendered nothing")
        }
        return text
    }

    // MARK: - Placeholder check

    private enum Tag {
        case variable(String), open(String), inverted(String), close(String), partial(String), other
    }

    /// Walks the template's tags against the view: every variable must resolve in some
    /// enclosing context; sections over empty lists are skipped; partials are checked in turn.
    private func check(_ name: String, view: [String: Any], outer: [[String: Any]?] = []) throws {
        guard let text = sources[name] else {
            throw SiteError(file: "\(directory)/\(name).mustache", "unknown template '\(name)'")
        }
        let file = "\(directory)/\(name).mustache"
        var frames: [[String: Any]?] = outer + [view]
        var opened: [(name: String, pushed: Bool)] = []
        for (tag, line) in TemplateSet.tags(in: text) {
            let skipping = frames.contains { $0 == nil }
            switch tag {
            case let .variable(key):
                if !skipping, key != ".", lookup(key, in: frames) == nil {
                    throw SiteError(file: file, line: line, "unresolved placeholder '{{\(key)}}'")
                }
            case let .open(key):
                let value = skipping ? nil : lookup(key, in: frames)
                if !skipping && value == nil {
                    throw SiteError(file: file, line: line, "unresolved section '{{#\(key)}}'")
                }
                if let list = value as? [Any] {
                    frames.append(list.first.map { ($0 as? [String: Any]) ?? [:] })
                    opened.append((key, true))
                } else if let dictionary = value as? [String: Any] {
                    frames.append(dictionary)
                    opened.append((key, true))
                } else {
                    opened.append((key, false))
                }
            case let .inverted(key):
                if !skipping, lookup(key, in: frames) == nil {
                    throw SiteError(file: file, line: line, "unresolved section '{{^\(key)}}'")
                }
                opened.append((key, false))
            case .close:
                if let last = opened.popLast(), last.pushed { frames.removeLast() }
            case let .partial(partial):
                guard sources[partial] != nil else {
                    throw SiteError(file: file, line: line, "unknown template '\(partial)' in partial")
                }
                if !skipping, let top = frames.last, let context = top {
                    try check(partial, view: context, outer: Array(frames.dropLast()))
                }
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

    /// Every `{{…}}` tag with its 1-based line number.
    private static func tags(in text: String) -> [(Tag, Int)] {
        var result: [(Tag, Int)] = []
        var line = 1
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\n" { line += 1 }
            guard text[index...].hasPrefix("{{") else {
                index = text.index(after: index)
                continue
            }
            let triple = text[index...].hasPrefix("{{{")
            let start = text.index(index, offsetBy: triple ? 3 : 2)
            guard let end = text[start...].range(of: triple ? "}}}" : "}}") else { break }
            let body = text[start..<end.lowerBound].trimmingCharacters(in: .whitespaces)
            line += text[index..<end.upperBound].filter { $0 == "\n" }.count
            index = end.upperBound
            let sigil = body.first
            let name = String(body.dropFirst()).trimmingCharacters(in: .whitespaces)
            let tag: Tag
            switch sigil {
            case "#": tag = .open(name)
            case "^": tag = .inverted(name)
            case "/": tag = .close(name)
            case ">": tag = .partial(name)
            case "!", "%", "=", "$", "<": tag = .other
            case "&": tag = .variable(name)
            default: tag = .variable(body)
            }
            result.append((tag, line))
        }
        return result
    }
}
