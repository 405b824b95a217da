/// The one escaping function for text from data (GPU names and sources from `--gpu-spec`
/// files, chart labels and titles) on its way into HTML, SVG or the site's Markdown.
///
/// Whatever the input, the result is plain text in the target: it cannot open or close a
/// tag, an attribute, a link, emphasis, a code span or a table cell.
public enum Markup {
    /// Where the escaped text goes.
    public enum Target: Sendable {
        /// HTML or SVG text, or a double- or single-quoted attribute value.
        case html
        /// Inline Markdown (a table cell or running text) that cmark later turns into HTML.
        case markdown
    }

    /// `text` escaped for `target`.
    ///
    /// - `.html`: `&`, `<`, `>`, `"` and `'` become character references.
    /// - `.markdown`: line breaks become spaces, and `\`, `` ` ``, `*`, `_`, `[`, `]`, `<`,
    ///   `>`, `&` and `|` get a backslash, so cmark renders every character literally.
    ///
    /// In both, control characters other than tab (invalid in XML, invisible in HTML) become
    /// U+FFFD, and so does a line break in `.html`.
    public static func escape(_ text: String, for target: Target = .html) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch (scalar, target) {
            case ("&", .html): escaped += "&amp;"
            case ("<", .html): escaped += "&lt;"
            case (">", .html): escaped += "&gt;"
            case ("\"", .html): escaped += "&quot;"
            case ("'", .html): escaped += "&#39;"
            case ("\n", .markdown), ("\r", .markdown): escaped += " "
            case ("\\", .markdown), ("`", .markdown), ("*", .markdown), ("_", .markdown), ("[", .markdown),
                 ("]", .markdown), ("<", .markdown), (">", .markdown), ("&", .markdown), ("|", .markdown):
                escaped += "\\"
                escaped.unicodeScalars.append(scalar)
            default:
                if isControl(scalar) {
                    escaped += "\u{FFFD}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }

    /// C0 and C1 controls except tab, plus the non-characters U+FFFE and U+FFFF.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value < 0x20 && value != 0x09) || (0x7F...0x9F).contains(value) || value == 0xFFFE || value == 0xFFFF
    }
}
