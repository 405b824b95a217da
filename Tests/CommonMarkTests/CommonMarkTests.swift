import Testing

@testable import CommonMark

@Suite("Basic rendering")
struct BasicRenderingTests {
    @Test func paragraphWithEmphasis() {
        #expect(
            CommonMark.html(from: "Hello *world* and **bold** text.")
                == "<p>Hello <em>world</em> and <strong>bold</strong> text.</p>\n")
    }

    @Test func emptyInput() {
        #expect(CommonMark.html(from: "") == "")
    }

    @Test func cmarkOptionsArePassedThrough() {
        #expect(
            CommonMark.html(from: "one\ntwo", options: .hardBreaks) == "<p>one<br />\ntwo</p>\n")
        #expect(
            CommonMark.html(from: "\"hi\" -- there", options: .smart)
                == "<p>\u{201C}hi\u{201D} \u{2013} there</p>\n")
        #expect(
            CommonMark.html(from: "# Title", options: .sourcePos)
                == "<h1 data-sourcepos=\"1:1-1:7\">Title</h1>\n")
    }

    @Test func cmarkVersionIsReported() {
        let version = CommonMark.cmarkVersion
        #expect(version.split(separator: ".").count == 3)
        #expect(version.hasPrefix("0."))
    }
}

@Suite("Pipe tables")
struct PipeTableTests {
    @Test func tableWithAlignment() {
        let markdown = """
            | term | unit | formula | note |
            |---|:---:|--:|:--|
            | QKV projection | tensor core | `2·B·S·C·3C` | x |
            """
        let expected = """
            <table>
            <thead>
            <tr>
            <th>term</th>
            <th style="text-align: center">unit</th>
            <th style="text-align: right">formula</th>
            <th style="text-align: left">note</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td>QKV projection</td>
            <td style="text-align: center">tensor core</td>
            <td style="text-align: right"><code>2·B·S·C·3C</code></td>
            <td style="text-align: left">x</td>
            </tr>
            </tbody>
            </table>

            """
        #expect(CommonMark.html(from: markdown) == expected)
    }

    @Test func inlineFormattingInCells() {
        let markdown = """
            a | b | c | d
            --- | --- | --- | ---
            `code` | **bold** | [link](https://example.org/x?a=1&b=2) | *em* and _em_
            """
        let expected = """
            <table>
            <thead>
            <tr>
            <th>a</th>
            <th>b</th>
            <th>c</th>
            <th>d</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td><code>code</code></td>
            <td><strong>bold</strong></td>
            <td><a href="https://example.org/x?a=1&amp;b=2">link</a></td>
            <td><em>em</em> and <em>em</em></td>
            </tr>
            </tbody>
            </table>

            """
        #expect(CommonMark.html(from: markdown) == expected)
    }

    @Test func escapedPipesInCellsAndCodeSpans() {
        let markdown = """
            | expr | code |
            |------|------|
            | a \\| b | `x \\| y` |
            """
        let expected = """
            <table>
            <thead>
            <tr>
            <th>expr</th>
            <th>code</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td>a | b</td>
            <td><code>x | y</code></td>
            </tr>
            </tbody>
            </table>

            """
        #expect(CommonMark.html(from: markdown) == expected)
    }

    @Test func lessThanInCellIsEscaped() {
        let markdown = "| cmp | tag |\n|-----|-----|\n| a < b | x<y |\n"
        let html = CommonMark.html(from: markdown)
        #expect(html.contains("<td>a &lt; b</td>\n<td>x&lt;y</td>\n"))
    }

    @Test func rawHTMLInCellsFollowsThePolicy() {
        let markdown = "| h |\n|---|\n| <b>hi</b> |\n"
        #expect(
            CommonMark.html(from: markdown).contains(
                "<td><!-- raw HTML omitted -->hi<!-- raw HTML omitted --></td>"))
        #expect(CommonMark.html(from: markdown, options: .unsafe).contains("<td><b>hi</b></td>"))
    }

    @Test func shortRowsArePaddedAndLongRowsTruncated() {
        let markdown = "| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |\n"
        let expected = """
            <table>
            <thead>
            <tr>
            <th>a</th>
            <th>b</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td>1</td>
            <td></td>
            </tr>
            <tr>
            <td>1</td>
            <td>2</td>
            </tr>
            </tbody>
            </table>

            """
        #expect(CommonMark.html(from: markdown) == expected)
    }

    @Test func headerOnlyTableHasNoBody() {
        #expect(
            CommonMark.html(from: "| a |\n| - |\n")
                == "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n</table>\n")
    }

    @Test func mismatchedDelimiterRowIsNotATable() {
        #expect(
            CommonMark.html(from: "| a | b |\n|---|\n| 1 | 2 |\n")
                == "<p>| a | b |\n|---|\n| 1 | 2 |</p>\n")
        #expect(
            CommonMark.html(from: "| a | b |\n| x | y |\n")
                == "<p>| a | b |\n| x | y |</p>\n")
    }

    @Test func fencedCodeBlockWithTableStaysCode() {
        let backticks = "```\n| a | b |\n|---|---|\n| <x> | 1 |\n```\n"
        #expect(
            CommonMark.html(from: backticks)
                == "<pre><code>| a | b |\n|---|---|\n| &lt;x&gt; | 1 |\n</code></pre>\n")
        let tildes = "~~~ text\n| a |\n|---|\n~~~\n"
        #expect(
            CommonMark.html(from: tildes)
                == "<pre><code class=\"language-text\">| a |\n|---|\n</code></pre>\n")
    }

    @Test func indentedCodeBlockWithTableStaysCode() {
        let markdown = "Text.\n\n    | a | b |\n    |---|---|\n"
        #expect(
            CommonMark.html(from: markdown)
                == "<p>Text.</p>\n<pre><code>| a | b |\n|---|---|\n</code></pre>\n")
    }

    @Test func tableAfterParagraph() {
        let table = "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n"
        #expect(
            CommonMark.html(from: "Intro *text*.\n\n| a |\n|---|\n| 1 |\n")
                == "<p>Intro <em>text</em>.</p>\n" + table)
        // Without a blank line the paragraph's lines before the header stay a paragraph.
        #expect(
            CommonMark.html(from: "Intro *text*.\n| a |\n|---|\n| 1 |\n\nAfter.\n")
                == "<p>Intro <em>text</em>.</p>\n" + table + "<p>After.</p>\n")
    }

    @Test func twoTablesInOneDocument() {
        let markdown = """
            # Report

            | x | y |
            |---|--:|
            | 1 | 2 |

            Between.

            | z |
            |:-:|
            | 3 |
            """
        let expected = """
            <h1>Report</h1>
            <table>
            <thead>
            <tr>
            <th>x</th>
            <th style="text-align: right">y</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td>1</td>
            <td style="text-align: right">2</td>
            </tr>
            </tbody>
            </table>
            <p>Between.</p>
            <table>
            <thead>
            <tr>
            <th style="text-align: center">z</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td style="text-align: center">3</td>
            </tr>
            </tbody>
            </table>

            """
        #expect(CommonMark.html(from: markdown) == expected)
    }

    @Test func listBeforeTableKeepsTheList() {
        let markdown = "- one\n- two\n\n| a |\n|---|\n| 1 |\n"
        let html = CommonMark.html(from: markdown)
        #expect(html.hasPrefix("<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<table>\n"))
    }

    @Test func tablesInsideListItemsAndBlockQuotes() {
        let table = "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1 <em>x</em></td>\n</tr>\n</tbody>\n</table>\n"
        #expect(
            CommonMark.html(from: "- item\n\n  | a |\n  |---|\n  | 1 *x* |\n- next\n")
                == "<ul>\n<li>\n<p>item</p>\n" + table + "</li>\n<li>\n<p>next</p>\n</li>\n</ul>\n")
        #expect(
            CommonMark.html(from: "> | a |\n> |---|\n> | 1 *x* |\n")
                == "<blockquote>\n" + table + "</blockquote>\n")
    }

    @Test func tableSwallowedBySetextUnderline() {
        // cmark alone would make all of this an <h2>; with a table open, `---` is a rule.
        #expect(
            CommonMark.html(from: "| a |\n|---|\n---\n")
                == "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n</table>\n<hr />\n")
    }

    @Test func referenceLinksResolveInCells() {
        let markdown = "| site |\n|---|\n| [docs] |\n\n[docs]: https://example.org/docs\n"
        #expect(
            CommonMark.html(from: markdown).contains(
                "<td><a href=\"https://example.org/docs\">docs</a></td>"))
    }

    @Test func blockSyntaxInCellsStaysInline() {
        let markdown = "| a | b | c |\n|---|---|---|\n| # not a heading | - not a list | 1. x |\n"
        #expect(
            CommonMark.html(from: markdown).contains(
                "<td># not a heading</td>\n<td>- not a list</td>\n<td>1. x</td>\n"))
    }
}

@Suite("Raw HTML policy")
struct RawHTMLTests {
    let block = "<div class=\"note\">\nHi\n</div>\n"

    @Test func rawHTMLBlockDroppedByDefault() {
        #expect(CommonMark.html(from: block) == "<!-- raw HTML omitted -->\n")
        #expect(
            CommonMark.html(from: "a <span>b</span>")
                == "<p>a <!-- raw HTML omitted -->b<!-- raw HTML omitted --></p>\n")
    }

    @Test func rawHTMLBlockKeptWithUnsafe() {
        #expect(CommonMark.html(from: block, options: .unsafe) == block)
    }

    @Test func scriptBlockRemovedEvenWhenUnsafe() {
        let markdown = "Before\n\n<script>alert(1)</script>\n\nAfter\n"
        #expect(
            CommonMark.html(from: markdown, options: .unsafe) == "<p>Before</p>\n\n<p>After</p>\n")
    }

    @Test func inlineUpperCaseScriptRemovedEvenWhenUnsafe() {
        let markdown = "Text <SCRIPT src=\"x.js\"></SCRIPT> and <ScRiPt>evil()</sCrIpT > end"
        #expect(
            CommonMark.html(from: markdown, options: .unsafe) == "<p>Text  and  end</p>\n")
    }

    @Test func scriptInTableCellRemovedEvenWhenUnsafe() {
        let markdown = "| a |\n|---|\n| x<script>bad()</script>y |\n"
        #expect(CommonMark.html(from: markdown, options: .unsafe).contains("<td>xy</td>"))
    }

    @Test func strayAndSplicedScriptTagsRemoved() {
        // Without a closing tag only the opening tag goes.
        #expect(HTMLSanitizer.sanitize("<p>a<script src=x>b</p>") == "<p>ab</p>")
        // Content runs to the first closing tag, as in a browser.
        #expect(HTMLSanitizer.sanitize("a<script>x</p><script>y</script>b</script>c") == "abc")
        // Removing one element must not splice a new one together: `<scr<script>` is one
        // (unknown) tag, dropped; what is left is text.
        #expect(HTMLSanitizer.sanitize("<scr<script></script>ipt>alert(1)</script>d") == "ipt>alert(1)d")
        #expect(!CommonMark.html(from: "<script src=x\n", options: .unsafe).lowercased().contains("<script"))
    }

    @Test func escapedScriptTextIsKept() {
        #expect(
            CommonMark.html(from: "`<script>` is escaped", options: .unsafe)
                == "<p><code>&lt;script&gt;</code> is escaped</p>\n")
    }
}

@Suite("Heading anchors")
struct HeadingAnchorTests {
    @Test func idsWithDuplicates() {
        let markdown = """
            # Cost model

            ## Cost model

            Setext
            ------

            ## Cost model

            ### Q&A: `tensor` cores!
            """
        let expected = """
            <h1 id="cost-model">Cost model</h1>
            <h2 id="cost-model-1">Cost model</h2>
            <h2 id="setext">Setext</h2>
            <h2 id="cost-model-2">Cost model</h2>
            <h3 id="qa-tensor-cores">Q&amp;A: <code>tensor</code> cores!</h3>

            """
        #expect(CommonMark.html(from: markdown, options: .headingAnchors) == expected)
    }

    /// 50,000 equal headings get `a`, `a-1` … `a-49999` in linear time (the search for a free
    /// suffix resumes where it stopped); a heading whose own slug is `a-2` still pushes the
    /// next `a` past it.
    @Test func manyEqualHeadingsInLinearTime() {
        let count = 50_000
        let markdown = String(repeating: "### a\n", count: count)
        let clock = ContinuousClock()
        var html = ""
        let elapsed = clock.measure { html = CommonMark.html(from: markdown, options: .headingAnchors) }
        #expect(elapsed < .seconds(20), "took \(elapsed)")
        #expect(html.hasPrefix("<h3 id=\"a\">a</h3>\n<h3 id=\"a-1\">a</h3>\n"))
        #expect(html.hasSuffix("<h3 id=\"a-49999\">a</h3>\n"))
        #expect(CommonMark.html(from: "# a\n# a-2\n# a\n# a\n# a\n", options: .headingAnchors)
            == "<h1 id=\"a\">a</h1>\n<h1 id=\"a-2\">a-2</h1>\n<h1 id=\"a-1\">a</h1>\n<h1 id=\"a-3\">a</h1>\n<h1 id=\"a-4\">a</h1>\n")
    }

    @Test func noIdsWithoutTheOption() {
        #expect(CommonMark.html(from: "## Cost model") == "<h2>Cost model</h2>\n")
    }

    @Test func slugs() {
        #expect(CommonMark.slug(for: "Cost model (FLOPs)") == "cost-model-flops")
        #expect(CommonMark.slug(for: "  snake_case and-dash ") == "snake_case-and-dash")
        #expect(CommonMark.slug(for: "!!!") == "section")
        #expect(CommonMark.slug(for: "local crops · windowed block · B = 36, S = 196") == "local-crops-windowed-block-b-36-s-196")
        #expect(CommonMark.slug(for: "— a -- b —") == "a-b")
    }

    @Test func nestedHeadingsAndSourcePos() {
        #expect(
            CommonMark.html(from: "> # Quote", options: [.headingAnchors, .sourcePos])
                == "<blockquote data-sourcepos=\"1:1-1:9\">\n<h1 id=\"quote\" data-sourcepos=\"1:3-1:9\">Quote</h1>\n</blockquote>\n"
        )
    }
}

@Suite("Large documents")
struct LargeDocumentTests {
    @Test func twoThousandLineDocument() {
        var lines: [String] = []
        for section in 0..<200 {
            lines.append("## Section \(section)")
            lines.append("")
            lines.append("Some *text* for section \(section) with `code`.")
            lines.append("")
            lines.append("| name | value |")
            lines.append("|:-----|------:|")
            lines.append("| a\(section) | \(section) |")
            lines.append("| b\(section) | **\(section * 2)** |")
            lines.append("")
            lines.append("```\n| not | a table |\n|---|---|\n```")
        }
        let markdown = lines.joined(separator: "\n")
        #expect(markdown.split(separator: "\n", omittingEmptySubsequences: false).count >= 2_000)
        let html = CommonMark.html(from: markdown, options: .headingAnchors)
        #expect(occurrences(of: "<table>", in: html) == 200)
        #expect(occurrences(of: "<pre><code>", in: html) == 200)
        #expect(html.contains("<h2 id=\"section-199\">Section 199</h2>"))
        #expect(html.contains("<td style=\"text-align: right\"><strong>398</strong></td>"))
    }
}

/// Counts non-overlapping occurrences of `needle` in `haystack` (UTF-8 based).
private func occurrences(of needle: String, in haystack: String) -> Int {
    let text = Array(haystack.utf8)
    let pattern = Array(needle.utf8)
    var count = 0
    var index = 0
    while index + pattern.count <= text.count {
        if text[index..<(index + pattern.count)].elementsEqual(pattern) {
            count += 1
            index += pattern.count
        } else {
            index += 1
        }
    }
    return count
}
