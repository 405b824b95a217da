import Ccmark

/// Markdown-to-HTML rendering built on the cmark C library.
///
/// Adds GitHub-style pipe tables, optional heading ids and an HTML allow-list: no script,
/// event handler or embedded document reaches the output. See ``html(from:options:)``.
public enum CommonMark {
    /// The version of the linked cmark library, e.g. `"0.30.2"`.
    public static var cmarkVersion: String {
        String(cString: cmark_version_string())
    }

    /// Renders CommonMark `markdown` to an HTML fragment.
    ///
    /// - Raw HTML is omitted unless `options` contains ``RenderOptions/unsafe``; in every
    ///   case the result passes ``HTMLSanitizer``'s allow-list (no `<script>`, `<style>`,
    ///   `<iframe>`, `<base>`, `<meta>`, `<form>`, `on…` handlers or `javascript:` URLs).
    /// - GitHub-style pipe tables become `<table>` elements with cells rendered as
    ///   inline Markdown. A table starts at a line of a paragraph that contains an
    ///   unescaped `|` and is directly followed by a delimiter row (`---`, `:--`,
    ///   `--:`, `:-:` cells) with the same number of cells; every further line of that
    ///   paragraph is a row, so the table ends at a blank line or the start of another
    ///   block. Lines before the header stay a paragraph. Tables work inside lists and
    ///   block quotes; text in code blocks or HTML blocks is never touched.
    /// - With ``RenderOptions/headingAnchors`` headings get `id` attributes.
    ///
    /// cmark aborts rather than returning NULL when it runs out of memory, so this
    /// function does not throw; should cmark ever return NULL the result is `""`.
    public static func html(from markdown: String, options: RenderOptions = .default) -> String {
        let flags = options.cmarkFlags
        guard let document = CmarkDocument(utf8: Array(markdown.utf8), flags: flags) else {
            return ""
        }
        TableRewriter.rewrite(document, lines: sourceLines(of: markdown), options: options)
        if options.contains(.headingAnchors) {
            HeadingAnchors.apply(to: document, flags: flags)
        }
        return HTMLSanitizer.sanitize(Cmark.renderHTML(document.root, flags: flags))
    }

    /// The anchor id for a heading text: lower-cased, whitespace as `-`, punctuation dropped.
    ///
    /// Letters, digits and `_` are kept and each run of spaces and dashes becomes one `-`, so
    /// `"Cost model (FLOPs)"` becomes `"cost-model-flops"` and `"local crops · B = 36"` becomes
    /// `"local-crops-b-36"`. Text with nothing left gives `"section"`.
    public static func slug(for text: String) -> String {
        var slug = ""
        for character in text.trimmingWhitespace().lowercased() {
            if character.isLetter || character.isNumber || character == "_" {
                slug.append(character)
            } else if (character.isWhitespace || character == "-"), !slug.isEmpty, slug.last != "-" {
                // Runs of spaces, dashes and dropped punctuation (`a · b = 1`) give one dash.
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "section" : slug
    }

    /// Splits source text into lines the way cmark counts them (`\n`, `\r\n`, `\r`).
    static func sourceLines(of markdown: String) -> [Substring] {
        var lines = markdown.split(
            omittingEmptySubsequences: false,
            whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        let start = firstIndex(where: { !$0.isWhitespace }) ?? endIndex
        let end = lastIndex(where: { !$0.isWhitespace }).map { index(after: $0) } ?? start
        return self[start..<end]
    }
}
