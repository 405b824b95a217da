/// Removes `<script>` elements from rendered HTML.
///
/// Runs on cmark's output, where text and code are already escaped (`&lt;`), so a
/// literal `<script` can only come from raw HTML. Matching is ASCII case-insensitive.
/// A `<script…` opening is removed together with everything up to and including the
/// next `</script…>`; without a closing tag only the opening tag (up to `>`, or to
/// the end of the input) is removed. Stray `</script…>` tags are removed too. The
/// pass repeats until nothing changes, so removals cannot splice a new tag together.
enum ScriptSanitizer {
    private static let opening = Array("<script".utf8)
    private static let closing = Array("</script".utf8)
    private static let lessThan = UInt8(ascii: "<")
    private static let greaterThan = UInt8(ascii: ">")

    /// Returns `html` without script elements.
    static func removingScripts(from html: String) -> String {
        var bytes = Array(html.utf8)
        guard contains(bytes) else { return html }
        while contains(bytes) {
            bytes = removeOnce(bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func contains(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            if bytes[index] == lessThan,
                matches(opening, in: bytes, at: index) || matches(closing, in: bytes, at: index)
            {
                return true
            }
            index += 1
        }
        return false
    }

    private static func removeOnce(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == lessThan else {
                output.append(bytes[index])
                index += 1
                continue
            }
            if matches(opening, in: bytes, at: index) {
                if let close = find(closing, in: bytes, from: index + opening.count) {
                    index = endOfTag(in: bytes, from: close + closing.count)
                } else {
                    index = endOfTag(in: bytes, from: index + opening.count)
                }
            } else if matches(closing, in: bytes, at: index) {
                index = endOfTag(in: bytes, from: index + closing.count)
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// The index just past the next `>` at or after `start`, or the end of `bytes`.
    private static func endOfTag(in bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            if bytes[index] == greaterThan { return index + 1 }
            index += 1
        }
        return bytes.count
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index] == lessThan, matches(pattern, in: bytes, at: index) { return index }
            index += 1
        }
        return nil
    }

    /// ASCII case-insensitive comparison of `pattern` (lower-case) with `bytes` at `index`.
    private static func matches(_ pattern: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
        guard index + pattern.count <= bytes.count else { return false }
        for offset in 0..<pattern.count {
            var byte = bytes[index + offset]
            if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte += 32 }
            if byte != pattern[offset] { return false }
        }
        return true
    }
}
