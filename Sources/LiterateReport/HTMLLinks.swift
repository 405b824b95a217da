/// Rewrites `href="page.md#anchor"` to `href="page.html#anchor"` for the site's own pages, in
/// one pass over the UTF-8 bytes (Foundation's string search is slow on Linux).
enum HTMLLinks {
    static func rewrite(_ html: String, pages: Set<String>) -> String {
        let bytes = Array(html.utf8)
        let marker = Array("href=\"".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 256)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == marker[0], index + marker.count <= bytes.count,
                  Array(bytes[index..<(index + marker.count)]) == marker else {
                out.append(bytes[index])
                index += 1
                continue
            }
            out += marker
            index += marker.count
            var end = index
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
            let target = String(decoding: bytes[index..<end], as: UTF8.self)
            out += Array(mapped(target, pages: pages).utf8)
            index = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func mapped(_ target: String, pages: Set<String>) -> String {
        let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        guard let file = parts.first, file.hasSuffix(".md") else { return target }
        let stem = String(file.dropLast(3))
        guard pages.contains(stem) else { return target }
        return stem + ".html" + (parts.count > 1 ? "#" + parts[1] : "")
    }
}
