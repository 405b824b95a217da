import Ccmark

/// Adds `id` attributes to every heading of a parsed document.
enum HeadingAnchors {
    /// Replaces each heading node with its rendered HTML carrying a unique `id`.
    static func apply(to document: CmarkDocument, flags: Int32) {
        var ids = UniqueIDs()
        for heading in Cmark.nodes(of: CMARK_NODE_HEADING, under: document.root) {
            let id = ids.unique(CommonMark.slug(for: Cmark.plainText(of: heading)))
            let html = Cmark.renderHTML(heading, flags: flags)
            // cmark writes `<hN>` or `<hN data-sourcepos="…">`; the tag name is 3 bytes.
            guard html.utf8.count > 3, html.hasPrefix("<h") else { continue }
            let tagEnd = html.utf8.index(html.utf8.startIndex, offsetBy: 3)
            let tagged = String(html[..<tagEnd]) + " id=\"\(id)\"" + String(html[tagEnd...])
            Cmark.replace(heading, withHTML: tagged)
        }
    }
}

/// Ids handed out so far, each once.
struct UniqueIDs {
    private var used = Set<String>()
    /// Per base, the last suffix tried: every smaller one was taken then and still is (ids are
    /// never released), so the next search starts there and `n` equal headings cost O(n).
    private var lastSuffix: [String: Int] = [:]

    /// Returns `base`, or `base-1`, `base-2`, … if already taken, and records it.
    mutating func unique(_ base: String) -> String {
        var candidate = base
        var counter = lastSuffix[base] ?? 0
        if counter > 0 { candidate = "\(base)-\(counter)" }
        while used.contains(candidate) {
            counter += 1
            candidate = "\(base)-\(counter)"
        }
        lastSuffix[base] = counter
        used.insert(candidate)
        return candidate
    }
}
