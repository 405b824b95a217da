import Foundation
import Testing

@testable import CommonMark

/// Raw HTML let through by `.unsafe` keeps its formatting but loses everything that can run
/// a script, embed a document, restyle or redirect the page, or submit data.
@Suite("HTML allow-list")
struct SanitizerTests {
    static func unsafe(_ markdown: String) -> String { CommonMark.html(from: markdown, options: .unsafe) }

    @Test("harmless raw HTML is kept byte for byte")
    func harmlessKept() {
        let block = "<div class=\"note\" id=\"n1\">\n<p>Hi <em>there</em> <a href=\"https://example.com/a?b=1&amp;c=2#d\" title=\"t\">link</a></p>\n</div>\n"
        #expect(Self.unsafe(block) == block)
        #expect(Self.unsafe("<details open>\n<summary>More</summary>\n</details>\n") == "<details open>\n<summary>More</summary>\n</details>\n")
        #expect(HTMLSanitizer.sanitize("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\" />") == "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\" />")
        #expect(HTMLSanitizer.sanitize("<a href=\"../conventions.md#bytes\">rel</a>") == "<a href=\"../conventions.md#bytes\">rel</a>")
        #expect(HTMLSanitizer.sanitize("<a href=\"mailto:a@b.c\">m</a>") == "<a href=\"mailto:a@b.c\">m</a>")
    }

    @Test("what cmark itself writes passes unchanged")
    func cmarkOutputUnchanged() {
        let markdown = """
            # Title *x*

            Text with `code <b>`, a [link](https://x.y "title") and ![img](a.png "t").

            | a | b |
            |:--|--:|
            | 1 | 2 |

            1. one
            2. two

            > quote

            ```swift
            let x = "<script>"
            ```

            ---
            Line  
            break
            """
        for options: RenderOptions in [[], [.headingAnchors], [.sourcePos], [.unsafe, .headingAnchors]] {
            let html = CommonMark.html(from: markdown, options: options)
            #expect(HTMLSanitizer.sanitize(html) == html, "options \(options.rawValue)")
            #expect(html.contains("<table") && html.contains("<code class=\"language-swift\">"))
        }
    }

    /// Hostile raw HTML and what must be gone from the output.
    static let hostile: [(input: String, forbidden: [String])] = [
        ("<a href=\"javascript:alert(1)\">x</a>", ["javascript"]),
        ("<a href=\"JaVaScRiPt:alert(1)\">x</a>", ["script:"]),
        ("<a href=\" \tjavascript:alert(1)\">x</a>", ["javascript"]),
        ("<a href=\"java\nscript:alert(1)\">x</a>", ["script:"]),
        ("<a href=\"javascript&colon;alert(1)\">x</a>", ["colon", "alert(1)\""]),
        ("<a href=\"&#106;avascript:alert(1)\">x</a>", ["&#106;"]),
        ("<a href=\"&#x6A;avascript:alert(1)\">x</a>", ["&#x6A;"]),
        ("<a href=\"javascript&#0000000000000000000000000000000000000000000000000058;alert(1)\">x</a>", ["alert"]),
        ("<a href=\"vbscript:msgbox(1)\">x</a>", ["vbscript"]),
        ("<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>", ["data:"]),
        ("<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">", ["data:", "onload"]),
        ("<a href=javascript:alert(1)>x</a>", ["javascript"]),
        ("<img src=x onerror=alert(1)>", ["onerror"]),
        ("<img src=x ONERROR=\"alert(1)\">", ["onerror", "ONERROR"]),
        ("<p onclick='alert(1)' class=c>x</p>", ["onclick"]),
        ("<div style=\"background:url(javascript:alert(1))\">x</div>", ["style", "javascript"]),
        ("<iframe src=\"https://evil.example\"></iframe>", ["iframe", "evil"]),
        ("<object data=\"x.swf\">fallback</object>", ["object", "x.swf", "fallback"]),
        ("<embed src=\"x.swf\">", ["embed"]),
        ("<base href=\"https://evil.example/\">", ["base", "evil"]),
        ("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">", ["meta", "refresh"]),
        ("<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">", ["link", "evil"]),
        ("<form action=\"https://evil.example\"><input name=p><button>go</button></form>", ["form", "input", "button", "evil"]),
        ("<style>body{display:none}</style>", ["style", "display"]),
        ("<svg><script>alert(1)</script></svg>", ["svg", "script", "alert"]),
        ("<svg onload=alert(1)>", ["svg", "onload"]),
        ("<math><mtext><script>alert(1)</script></mtext></math>", ["math", "script", "alert"]),
        ("<template><img src=x onerror=alert(1)></template>", ["template", "onerror"]),
        ("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>", ["onerror"]),
        ("<!--[if IE]><script>alert(1)</script><![endif]-->", ["script", "[if"]),
        ("<!-- a --><script>alert(1)</script>", ["script", "alert"]),
        ("<![CDATA[<script>alert(1)</script>]]>", ["script", "CDATA"]),
        ("<?xml-stylesheet href=\"x.xsl\"?>", ["xml-stylesheet"]),
        ("<a href=\"x\" onmouseover=\"alert(1)\" title=\"a > b\">t</a>", ["onmouseover"]),
        ("<scr<script>ipt>alert(1)</script>", ["<script", "<scr"]),
        ("<a href=\"x\"", ["<a "]),
        ("<img src=\"x\" onerror=\"alert(1)", ["<img", "onerror=\""]),
    ]

    @Test("script URLs, handlers and embedding elements are removed", arguments: 0..<hostile.count)
    func hostileRemoved(_ index: Int) {
        let (input, forbidden) = Self.hostile[index]
        let html = Self.unsafe(input + "\n\ntrailing text\n")
        for fragment in forbidden {
            #expect(!html.contains(fragment), "'\(fragment)' survived in \(html)")
        }
        #expect(html.contains("trailing text"))
        // Sanitizing again changes nothing: the output holds no markup the pass did not write.
        #expect(HTMLSanitizer.sanitize(html) == html)
    }

    /// `href` values a browser reads as `javascript:…`, spelled with the character references the
    /// HTML standard decodes in attributes: without `;`, with leading zeros, all-decimal, hex,
    /// named (`&colon;`, `&Tab;`, `&NewLine;`) and a C0 control the URL parser strips. (`&#x3Aa` would be
    /// U+03AA, not a colon: hex digits run on, so the hex case ends with `%61`.)
    static let scriptURLSpellings = [
        "javascript&#58alert(1)", "javascript&#0000058alert(1)", "javascript&#x03A%61lert(1)", "javascript&#X3a;alert(1)",
        "&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)",
        "&#0000106&#0000097vascript:alert(1)", "javascript&colon;alert(1)", "java&Tab;script:alert(1)",
        "java&NewLine;script:alert(1)", "&#x0001;javascript:alert(1)", "JaVaScRiPt:alert(1)",
    ]

    @Test("character references spelling a javascript: URL are decoded before the scheme check", arguments: scriptURLSpellings)
    func referencesDecodedBeforeSchemeCheck(_ href: String) {
        let html = HTMLSanitizer.sanitize("<a href=\"\(href)\">x</a>")
        #expect(html == "<a>x</a>", "\(html)")
    }

    @Test("references decode as the HTML standard says: digits of any length, legacy names, Windows-1252, U+FFFD")
    func referenceDecoding() {
        func decoded(_ text: String) -> String? { HTMLSanitizer.decodeReferences(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) } }
        #expect(decoded("a&#58b") == "a:b")                         // no `;`: the digits end the reference
        #expect(decoded("a&#0000000058;b") == "a:b")                // leading zeros
        #expect(decoded("&#x3a&#X3A;") == "::")
        #expect(decoded("&#0;&#xD800;&#x110000;") == "\u{FFFD}\u{FFFD}\u{FFFD}")
        #expect(decoded("&#128;") == "\u{20AC}")                    // 0x80 is the euro sign in Windows-1252
        #expect(decoded("&#;&#x;&") == "&#;&#x;&")                  // no digit: literal text
        #expect(decoded("&amp&lt;&ampx&amp=") == "&<&ampx&amp=")    // legacy name without `;`, but not before an alphanumeric or `=`
        #expect(decoded("&Colon;x") == nil)                         // `∷`, not `:`, and unknown here: refused before the path
        #expect(decoded("x/&Colon;") == "x/&Colon;")                // after the path starts it cannot form a scheme
        #expect(decoded("&colon&colon;") == "&colon:")              // `colon` needs its `;`
    }

    @Test("a safe URL spelled with references is kept as written")
    func safeReferencesKept() {
        #expect(HTMLSanitizer.sanitize("<a href=\"https&#58//example.com\">x</a>") == "<a href=\"https&#58//example.com\">x</a>")
        #expect(HTMLSanitizer.sanitize("<a href=\"a&amp;b\">x</a>") == "<a href=\"a&amp;b\">x</a>")
    }

    @Test("attribute values are written back with < and > as references, so no later search finds a tag inside them")
    func attributeValuesEscaped() {
        let html = HTMLSanitizer.sanitize("<img src=\"chart.svg\" title=\"a/><iframe srcdoc='<script>alert(1)</script>'>\" alt='b/><img src=x onerror=alert(1)>'>")
        #expect(html == "<img src=\"chart.svg\" title=\"a/&gt;&lt;iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'&gt;\" alt=\"b/&gt;&lt;img src=x onerror=alert(1)&gt;\">")
    }

    @Test("a style attribute may only align text")
    func styleAttribute() {
        #expect(HTMLSanitizer.sanitize("<td style=\"text-align: right\">1</td>") == "<td style=\"text-align: right\">1</td>")
        #expect(HTMLSanitizer.sanitize("<td style=\"text-align: right; color: red\">1</td>") == "<td>1</td>")
    }

    @Test("quadratic-looking inputs stay linear", arguments: [
        String(repeating: "<a ", count: 100_000),
        String(repeating: "<script>", count: 100_000),
        String(repeating: "<!--", count: 100_000),
        String(repeating: "<a href=\"&#", count: 50_000),
        String(repeating: "<p title='", count: 50_000),
        String(repeating: "</x", count: 100_000),
    ])
    func linearTime(_ input: String) {
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = HTMLSanitizer.sanitize(input) }
        // A quadratic pass over these 300-550 kB takes minutes; a linear one well under a second.
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }
}
