import Ccmark

/// Adds `id` attributes to every heading of a parsed document.
enum HeadingAnchors {
    /// Replaces each heading node with its rendered HTML carrying a unique `id`.
    static func apply(to document: CmarkDocument, flags: Int32) {
        var used = Set<String>()
        for heading in Cmark.nodes(of: CMARK_NODE_HEADING, under: document.root) {
            let id = unique(CommonMark.slug(for: Cmark.plainText(of: heading)), used: &used)
            let html = Cmark.renderHTML(heading, flags: flags)
            // cmark writes `<hN>` or `<hN data-sourcepos="…">`; the tag name is 3 bytes.
            guard html.utf8.count > 3, html.hasPrefix("<h") else { continue }
            let tagEnd = html.utf8.index(html.utf8.startIndex, offsetBy: 3)
            let tagged = String(html[..<tagEnd]) + " id=\"\(id)\"" + String(html[tagEnd...])
            Cmark.replace(heading, withHTML: tagged)
        }
    }

    /// Returns `base`, or `base-1`, `base-2`, … if already taken, and records it.
    static func unique(_ base: String, used: inout Set<String>) -> String {
        var candidate = base
        var counter = 0
        while used.contains(candidate) {
            counter += 1
            candidate = "\(base)-\(counter)"
        }
        used.insert(candidate)
        return candidate
    }
}
