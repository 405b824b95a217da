/// Maps source Markdown files to site pages and rewrites relative links between them, so a
/// link that works in the source tree (`../conventions.md`) works in `output/kb` and
/// `output/html` too.
public struct LinkMap: Sendable {
    /// Source path (relative to the project root) → page name without extension.
    public let pages: [String: String]
    /// Source files that are pages of another site (another model's layers): a link to one is
    /// kept as its text.
    public let unlinked: Set<String>

    public init(pages: [String: String], unlinked: Set<String> = []) {
        self.pages = pages
        self.unlinked = unlinked
    }

    /// Rewrites every relative Markdown link in `text` (a file at `source`) to `<page>.md`;
    /// throws for a link to a file that is not a page of the site. `text` starts at line
    /// `firstLine` of `source`, so errors name the file's line.
    public func rewrite(_ text: String, source: String, firstLine: Int = 1) throws -> String {
        let directory = source.split(separator: "/").dropLast().map(String.init)
        var out: [String] = []
        var inFence = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle() }
            guard !inFence, line.contains("](") else {
                out.append(String(line))
                continue
            }
            out.append(try rewriteLine(String(line), directory: directory, source: source, line: firstLine + index))
        }
        return out.joined(separator: "\n")
    }

    private func rewriteLine(_ line: String, directory: [String], source: String, line number: Int) throws -> String {
        var result = ""
        var rest = Substring(line)
        while let marker = rest.range(of: "](") {
            result += rest[rest.startIndex..<marker.upperBound]
            rest = rest[marker.upperBound...]
            guard let close = rest.firstIndex(of: ")") else { break }
            let target = String(rest[rest.startIndex..<close])
            guard let page = try mapped(target, directory: directory, source: source, line: number) else {
                // `[text](target)` → `text`: drop the `](` just appended and the text's opening bracket.
                result.removeLast(2)
                if let open = result.lastIndex(of: "[") { result.remove(at: open) }
                rest = rest[rest.index(after: close)...]
                continue
            }
            result += page
            rest = rest[close...]
        }
        return result + rest
    }

    /// The rewritten target; nil for a link to an `unlinked` file.
    private func mapped(_ target: String, directory: [String], source: String, line: Int) throws -> String? {
        if target.isEmpty || target.hasPrefix("#") || target.contains("://") || target.hasPrefix("mailto:") || target.contains(" ") {
            return target
        }
        let parts = target.split(separator: "#", maxSplits: 1)
        let file = String(parts[0])
        let anchor = parts.count > 1 ? "#" + parts[1] : ""
        var resolved = directory
        for component in file.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !resolved.isEmpty { resolved.removeLast() }
            default: resolved.append(String(component))
            }
        }
        let path = resolved.joined(separator: "/")
        if unlinked.contains(path) { return nil }
        guard let page = pages[path] else {
            let shown = target.count > 80 ? String(target.prefix(80)) + "…" : target
            throw SiteError(file: source, line: line, "dead relative link '\(shown)' (resolves to \(path.count > 80 ? String(path.prefix(80)) + "…" : path), which is not a page of the knowledge base)")
        }
        return page + ".md" + anchor
    }
}
