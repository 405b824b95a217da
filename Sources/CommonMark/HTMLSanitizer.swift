/// Keeps only allow-listed HTML in rendered output, so raw HTML let through by
/// ``RenderOptions/unsafe`` can format a page but never run a script, embed another
/// document, load a style sheet or submit a form.
///
/// Runs over cmark's output in one pass over the UTF-8 bytes:
/// - An allow-listed element (``allowedElements``) is written again from its parsed parts,
///   with only allow-listed attributes (``allowedAttributes``); `href`, `src` and `cite` must be
///   relative or use `http`, `https` or `mailto` (`src` also a `data:image/png|gif|jpeg|webp`
///   URL); `style` may only set `text-align`. Every `on…` handler is therefore gone.
/// - ``elementsDroppedWithContent`` (`script`, `style`, `iframe`, `object`, `svg` …) go with
///   everything up to their closing tag; any other element (`base`, `meta`, `link`, `form`,
///   `embed`, `input` …) loses its tags and keeps its text.
/// - Comments are kept only when plain (cmark's `<!-- raw HTML omitted -->`); doctypes,
///   CDATA and processing instructions are dropped.
/// - A `<` that starts none of these is written as `&lt;`; an unterminated tag or comment
///   turns the rest of the input into text. Nothing the browser could read as markup survives
///   unless it was written by this pass, so removals cannot splice a new tag together.
enum HTMLSanitizer {
    static let allowedElements: Set<String> = [
        "a", "abbr", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q",
        "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
    ]
    static let allowedAttributes: Set<String> = [
        "abbr", "align", "alt", "aria-describedby", "aria-hidden", "aria-label", "border", "cite", "class", "colspan",
        "data-sourcepos", "datetime", "dir", "headers", "height", "href", "id", "lang", "name", "open", "reversed",
        "role", "rowspan", "scope", "span", "src", "start", "style", "title", "type", "valign", "width",
    ]
    static let urlAttributes: Set<String> = ["href", "src", "cite"]
    static let elementsDroppedWithContent: Set<String> = [
        "applet", "iframe", "math", "noembed", "noframes", "noscript", "object", "plaintext", "script", "style",
        "svg", "template", "textarea", "title", "xmp",
    ]

    /// `html` with everything outside the allow-list removed.
    static func sanitize(_ html: String) -> String {
        var scanner = Scanner(bytes: Array(html.utf8))
        scanner.run()
        return String(decoding: scanner.output, as: UTF8.self)
    }

    // MARK: - Scanning

    private struct Attribute {
        var name: String
        /// Raw text between the quotes (or of the unquoted value), nil for a bare attribute.
        var value: [UInt8]?
    }

    private struct Tag {
        var name: String
        var attributes: [Attribute]
        var selfClosing: Bool
        var isEnd: Bool
        /// Index just past the closing `>`.
        var end: Int
    }

    private struct Scanner {
        let bytes: [UInt8]
        var output: [UInt8] = []
        var index = 0
        /// Elements whose closing tag is known to be absent after the current position.
        var unclosed: Set<String> = []

        init(bytes: [UInt8]) {
            self.bytes = bytes
            output.reserveCapacity(bytes.count)
        }

        mutating func run() {
            while index < bytes.count {
                let byte = bytes[index]
                guard byte == lessThan else {
                    output.append(byte)
                    index += 1
                    continue
                }
                if starts(with: "<!--", at: index) {
                    comment()
                } else if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "!") || bytes[index + 1] == UInt8(ascii: "?") {
                    // Doctype, CDATA, processing instruction: a bogus comment up to the next `>`.
                    guard let close = bytes[index...].firstIndex(of: greaterThan) else { return escapeRest() }
                    index = close + 1
                } else if let tagStart = tagNameStart(), let tag = parseTag(nameAt: tagStart) {
                    emit(tag)
                } else if tagNameStart() != nil {
                    return escapeRest()
                } else {
                    output += Array("&lt;".utf8)
                    index += 1
                }
            }
        }

        /// Where the tag name starts when `<` or `</` is followed by an ASCII letter.
        private func tagNameStart() -> Int? {
            var start = index + 1
            if start < bytes.count, bytes[start] == UInt8(ascii: "/") { start += 1 }
            guard start < bytes.count, isLetter(bytes[start]) else { return nil }
            return start
        }

        private mutating func comment() {
            guard let end = find(Array("-->".utf8), from: index + 4) else { return escapeRest() }
            let body = bytes[(index + 4)..<end]
            let plain = !body.contains(lessThan) && !body.contains(greaterThan) && !contains(Array("--".utf8), in: body)
                && body.first != UInt8(ascii: "-")
            if plain { output += bytes[index..<(end + 3)] }
            index = end + 3
        }

        /// Writes what is left as text: every `<` escaped.
        private mutating func escapeRest() {
            while index < bytes.count {
                if bytes[index] == lessThan { output += Array("&lt;".utf8) } else { output.append(bytes[index]) }
                index += 1
            }
        }

        private mutating func emit(_ tag: Tag) {
            index = tag.end
            if HTMLSanitizer.elementsDroppedWithContent.contains(tag.name) {
                if !tag.isEnd { skipContent(of: tag.name) }
                return
            }
            guard HTMLSanitizer.allowedElements.contains(tag.name) else { return }
            if tag.isEnd {
                output += Array("</\(tag.name)>".utf8)
                return
            }
            output += Array("<\(tag.name)".utf8)
            var seen = Set<String>()
            for attribute in tag.attributes where seen.insert(attribute.name).inserted {
                guard HTMLSanitizer.keeps(attribute.name, attribute.value) else { continue }
                output.append(UInt8(ascii: " "))
                output += Array(attribute.name.utf8)
                guard let value = attribute.value else { continue }
                output += Array("=\"".utf8)
                // `"`, `<` and `>` as references: the value reads the same, and no later byte
                // search over the page can find a tag end or a new tag inside it.
                for byte in value {
                    switch byte {
                    case UInt8(ascii: "\""): output += Array("&quot;".utf8)
                    case lessThan: output += Array("&lt;".utf8)
                    case greaterThan: output += Array("&gt;".utf8)
                    default: output.append(byte)
                    }
                }
                output.append(UInt8(ascii: "\""))
            }
            output += Array((tag.selfClosing ? " />" : ">").utf8)
        }

        /// Skips to just past `</name…>`, as a browser ends raw text; without one, only the
        /// opening tag goes.
        private mutating func skipContent(of name: String) {
            guard !unclosed.contains(name) else { return }
            let pattern = Array("</\(name)".utf8)
            var search = index
            while let found = find(pattern, from: search, caseInsensitive: true) {
                let after = found + pattern.count
                if after >= bytes.count || isSpace(bytes[after]) || bytes[after] == UInt8(ascii: "/") || bytes[after] == greaterThan {
                    index = bytes[after...].firstIndex(of: greaterThan).map { $0 + 1 } ?? bytes.count
                    return
                }
                search = after
            }
            unclosed.insert(name)
        }

        /// Parses a start or end tag whose name starts at `nameStart`; nil when the input
        /// ends before its `>`.
        private func parseTag(nameAt nameStart: Int) -> Tag? {
            var position = nameStart
            while position < bytes.count, !isSpace(bytes[position]), bytes[position] != UInt8(ascii: "/"), bytes[position] != greaterThan {
                position += 1
            }
            let name = lowercased(bytes[nameStart..<position])
            var attributes: [Attribute] = []
            var selfClosing = false
            while position < bytes.count {
                let byte = bytes[position]
                if isSpace(byte) {
                    position += 1
                } else if byte == greaterThan {
                    return Tag(name: name, attributes: attributes, selfClosing: selfClosing, isEnd: nameStart == index + 2, end: position + 1)
                } else if byte == UInt8(ascii: "/") {
                    position += 1
                    selfClosing = position < bytes.count && bytes[position] == greaterThan
                } else {
                    selfClosing = false
                    let nameStart = position
                    position += 1
                    while position < bytes.count, !isSpace(bytes[position]), bytes[position] != UInt8(ascii: "/"),
                          bytes[position] != greaterThan, bytes[position] != UInt8(ascii: "=") {
                        position += 1
                    }
                    var attribute = Attribute(name: lowercased(bytes[nameStart..<position]), value: nil)
                    var look = position
                    while look < bytes.count, isSpace(bytes[look]) { look += 1 }
                    if look < bytes.count, bytes[look] == UInt8(ascii: "=") {
                        look += 1
                        while look < bytes.count, isSpace(bytes[look]) { look += 1 }
                        guard look < bytes.count else { return nil }
                        let quote = bytes[look]
                        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                            guard let close = bytes[(look + 1)...].firstIndex(of: quote) else { return nil }
                            attribute.value = Array(bytes[(look + 1)..<close])
                            position = close + 1
                        } else {
                            var end = look
                            while end < bytes.count, !isSpace(bytes[end]), bytes[end] != greaterThan { end += 1 }
                            attribute.value = Array(bytes[look..<end])
                            position = end
                        }
                    }
                    attributes.append(attribute)
                }
            }
            return nil
        }

        private func starts(with text: String, at position: Int) -> Bool {
            let pattern = Array(text.utf8)
            return position + pattern.count <= bytes.count && Array(bytes[position..<(position + pattern.count)]) == pattern
        }

        private func find(_ pattern: [UInt8], from start: Int, caseInsensitive: Bool = false) -> Int? {
            guard let first = pattern.first, start < bytes.count else { return nil }
            var position = start
            while position + pattern.count <= bytes.count {
                if bytes[position] == first {
                    var offset = 1
                    while offset < pattern.count,
                          (caseInsensitive ? lowered(bytes[position + offset]) : bytes[position + offset]) == pattern[offset] {
                        offset += 1
                    }
                    if offset == pattern.count { return position }
                }
                position += 1
            }
            return nil
        }

        private func contains(_ pattern: [UInt8], in slice: ArraySlice<UInt8>) -> Bool {
            var position = slice.startIndex
            while position + pattern.count <= slice.endIndex {
                if Array(slice[position..<(position + pattern.count)]) == pattern { return true }
                position += 1
            }
            return false
        }
    }

    // MARK: - Attribute policy

    /// Whether attribute `name` with raw `value` may stay.
    static func keeps(_ name: String, _ value: [UInt8]?) -> Bool {
        guard allowedAttributes.contains(name) else { return false }
        if urlAttributes.contains(name) {
            guard let value else { return true }
            return isSafeURL(value, allowImageData: name == "src")
        }
        if name == "style" {
            return value.map { isTextAlign(String(decoding: $0, as: UTF8.self)) } ?? false
        }
        return true
    }

    /// A relative URL, or one with an `http`, `https` or `mailto` scheme (plus image `data:`
    /// URLs when `allowImageData`), after decoding character references and dropping the
    /// whitespace and control characters browsers ignore.
    static func isSafeURL(_ raw: [UInt8], allowImageData: Bool) -> Bool {
        guard let decoded = decodeReferences(raw) else { return false }
        let compact = decoded.filter { $0 > 0x20 && $0 != 0x7F }.map(lowered)
        let end = compact.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? compact.count
        guard let colon = compact[..<end].firstIndex(of: UInt8(ascii: ":")) else { return true }
        let scheme = String(decoding: compact[..<colon], as: UTF8.self)
        if ["http", "https", "mailto"].contains(scheme) { return true }
        guard allowImageData, scheme == "data" else { return false }
        let rest = String(decoding: compact[(colon + 1)...], as: UTF8.self)
        return ["image/png", "image/gif", "image/jpeg", "image/webp"].contains { rest.hasPrefix($0 + ";") || rest.hasPrefix($0 + ",") }
    }

    /// `text-align: left|right|center`, optionally with a trailing `;`.
    static func isTextAlign(_ style: String) -> Bool {
        let compact = style.lowercased().filter { !$0.isWhitespace }
        let declaration = compact.hasSuffix(";") ? String(compact.dropLast()) : compact
        return ["text-align:left", "text-align:right", "text-align:center"].contains(declaration)
    }

    /// Named character references that decode to ASCII (the HTML standard's table, exact case),
    /// with the legacy names a browser also decodes without the closing `;`. Every other name
    /// decodes to non-ASCII text, which cannot spell a scheme; unknown names before the path
    /// make the URL unsafe rather than guessed.
    static let asciiNamedReferences: [String: String] = [
        "Tab": "\t", "NewLine": "\n", "excl": "!", "quot": "\"", "QUOT": "\"", "num": "#", "dollar": "$",
        "percnt": "%", "amp": "&", "AMP": "&", "apos": "'", "lpar": "(", "rpar": ")", "ast": "*", "midast": "*",
        "plus": "+", "comma": ",", "period": ".", "sol": "/", "colon": ":", "semi": ";", "lt": "<", "LT": "<",
        "equals": "=", "gt": ">", "GT": ">", "quest": "?", "commat": "@", "lsqb": "[", "lbrack": "[", "bsol": "\\",
        "rsqb": "]", "rbrack": "]", "Hat": "^", "lowbar": "_", "UnderBar": "_", "grave": "`", "DiacriticalGrave": "`",
        "lcub": "{", "lbrace": "{", "verbar": "|", "vert": "|", "VerticalLine": "|", "rcub": "}", "rbrace": "}",
        "fjlig": "fj", "nbsp": "\u{A0}", "NonBreakingSpace": "\u{A0}",
    ]
    /// Names a browser decodes even without `;` (the ASCII ones of the standard's legacy list).
    static let legacyNames: Set<String> = ["quot", "QUOT", "amp", "AMP", "lt", "LT", "gt", "GT", "nbsp"]

    /// What a numeric reference to 0x80…0x9F decodes to (the standard's Windows-1252 table);
    /// the five codes it does not list stay as they are.
    static let windows1252: [UInt32: UInt32] = [
        0x80: 0x20AC, 0x82: 0x201A, 0x83: 0x0192, 0x84: 0x201E, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021,
        0x88: 0x02C6, 0x89: 0x2030, 0x8A: 0x0160, 0x8B: 0x2039, 0x8C: 0x0152, 0x8E: 0x017D, 0x91: 0x2018,
        0x92: 0x2019, 0x93: 0x201C, 0x94: 0x201D, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02DC,
        0x99: 0x2122, 0x9A: 0x0161, 0x9B: 0x203A, 0x9C: 0x0153, 0x9E: 0x017E, 0x9F: 0x0178,
    ]

    /// Decodes character references in an attribute value as the HTML standard's tokenizer does:
    /// `&#` + decimal digits or `&#x` + hex digits, any number of them (leading zeros too),
    /// with or without `;` (0, surrogates and values past U+10FFFF become U+FFFD, 0x80…0x9F
    /// map through Windows-1252); named references by exact name, legacy names also without `;`
    /// unless an alphanumeric or `=` follows. A `&` that starts no reference stays. Nil when an
    /// unknown name appears before the path starts (it could hide a scheme's colon).
    static func decodeReferences(_ raw: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var position = 0
        var pathStarted = false
        func isPathStart(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
        }
        while position < raw.count {
            let byte = raw[position]
            guard byte == UInt8(ascii: "&"), position + 1 < raw.count else {
                if isPathStart(byte) { pathStarted = true }
                out.append(byte)
                position += 1
                continue
            }
            if raw[position + 1] == UInt8(ascii: "#") {
                guard let (scalar, length) = numericReference(raw, at: position) else {
                    out.append(byte)
                    position += 1
                    continue
                }
                out += Array(String(scalar).utf8)
                position += length
            } else {
                var end = position + 1
                while end < raw.count, isAlphanumeric(raw[end]) { end += 1 }
                let name = String(decoding: raw[(position + 1)..<end], as: UTF8.self)
                let terminated = end < raw.count && raw[end] == UInt8(ascii: ";")
                let next = end < raw.count ? raw[end] : 0
                if let text = asciiNamedReferences[name],
                   terminated || (legacyNames.contains(name) && !isAlphanumeric(next) && next != UInt8(ascii: "=")) {
                    out += Array(text.utf8)
                    position = terminated ? end + 1 : end
                } else if !name.isEmpty, terminated, !pathStarted {
                    return nil
                } else {
                    out.append(byte)
                    position += 1
                    continue
                }
            }
            if let last = out.last, isPathStart(last) { pathStarted = true }
        }
        return out
    }

    /// The scalar of a numeric reference starting at `raw[start]` (`&#…`) and the bytes it
    /// takes, or nil when no digit follows (then the `&` is literal text).
    static func numericReference(_ raw: [UInt8], at start: Int) -> (Unicode.Scalar, Int)? {
        var position = start + 2
        var radix: UInt32 = 10
        if position < raw.count, raw[position] == UInt8(ascii: "x") || raw[position] == UInt8(ascii: "X") {
            radix = 16
            position += 1
        }
        let digitsStart = position
        var value: UInt32 = 0
        while position < raw.count, let digit = digitValue(raw[position], radix: radix) {
            // Saturates past U+10FFFF: any longer number is out of range all the same.
            value = value > 0x10FFFF ? value : value * radix + digit
            position += 1
        }
        guard position > digitsStart else { return nil }
        if position < raw.count, raw[position] == UInt8(ascii: ";") { position += 1 }
        let mapped = windows1252[value] ?? value
        let scalar = mapped == 0 ? nil : Unicode.Scalar(mapped)
        return (scalar ?? "\u{FFFD}", position - start)
    }

    private static func digitValue(_ byte: UInt8, radix: UInt32) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}

private let lessThan = UInt8(ascii: "<")
private let greaterThan = UInt8(ascii: ">")

private func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
}

private func isLetter(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
}

private func isAlphanumeric(_ byte: UInt8) -> Bool {
    isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
}

private func lowered(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
}

private func lowercased(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.map(lowered), as: UTF8.self)
}
