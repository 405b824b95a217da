import Foundation
import Testing
import CommonMark
import DeepSeekOCR
import LiterateReport
import ModelMeter

/// Hostile GPU specs, templates and hint docs: escaped, refused with one clear line, or
/// handled in linear time; never a crash, a hang or an empty page.
@Suite("Hostile input")
struct HostileInputTests {
    static let hostileNames = [
        "Evil\" onload=\"alert(1)", "<script>alert(1)</script>", "Evil' onmouseover='alert(1)", "a & b <c> \"d\" 'e'",
        "[click](javascript:alert(1))", "*bold* _it_ `code` | pipe \\ back", "<img src=x onerror=alert(1)>", "]]>&lt;",
    ]

    /// The GPU spec of the tests with `name` and `source` replaced.
    static func spec(name: String, source: String) throws -> GPUSpec {
        let json = """
            {"id": "evil", "name": \(jsonString(name)), "architecture": "x",
             "tensorCorePeaks": {"bf16": {"teraFLOPS": 400, "precision": "BF16", "accumulate": "FP32"}},
             "cudaCorePeak": {"teraFLOPS": 100, "precision": "FP32", "accumulate": "FP32"},
             "memoryBandwidthGBps": 1000, "memoryGB": 48, "source": \(jsonString(source))}
            """
        return try GPUSpecFile.decode(Data(json.utf8), file: "evil.json")
    }

    static func jsonString(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    /// HTML text escaping written out independently of `Markup`.
    static func htmlText(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    @Test("the escaping function makes every hostile name plain text in HTML and in Markdown", arguments: hostileNames)
    func escaping(_ name: String) {
        #expect(Markup.escape(name) == Self.htmlText(name))
        // Through cmark, the Markdown form renders as exactly the text (cmark writes ' as is).
        let rendered = CommonMark.html(from: "x " + Markup.escape(name, for: .markdown), options: .unsafe)
        #expect(rendered == "<p>x " + Self.htmlText(name).replacingOccurrences(of: "&#39;", with: "'") + "</p>\n")
        #expect(Markup.escape("a\u{0}b\u{1B}[31mc\u{7F}") == "a\u{FFFD}b\u{FFFD}[31mc\u{FFFD}")
        #expect(Markup.escape("two\nlines", for: .markdown) == "two lines")
    }

    @Test("a hostile GPU name and source reach the site only as text", arguments: [0, 1, 6])
    func hostileGPUInSite(_ index: Int) throws {
        let name = Self.hostileNames[index]
        let source = Self.hostileNames[(index + 4) % Self.hostileNames.count]
        let report = try ModelReport(
            workload: try Workload.standard(), gpu: try Self.spec(name: name, source: source), precision: .bf16, stages: ModelStage.allCases)
        let files = try SiteGenerator(root: TestProject.root, allowRawHTML: true).render(report: report)
        let text = Dictionary(uniqueKeysWithValues: files.map { ($0.path, TestProject.text($0.data)) })
        for chart in ["html/roofline-stage-sam_model.svg", "html/roofline-stage-decode.svg", "html/roofline-op-Attention.svg"] {
            let svg = try #require(text[chart])
            #expect(svg.contains("aria-label=\"") && svg.contains(" on the \(Self.htmlText(name)), bf16"), "\(chart)")
        }
        let summary = try #require(text["html/summary.html"])
        #expect(summary.contains("<strong>GPU</strong> \(Self.htmlText(name).replacingOccurrences(of: "&#39;", with: "'")) "))
        for (path, page) in text where path.hasSuffix(".html") || path.hasSuffix(".svg") {
            for forbidden in ["<script", "\" onload=", "<img src=x", "href=\"javascript"] {
                #expect(!page.contains(forbidden), "\(path) contains \(forbidden)")
            }
        }
    }

    @Test("raw HTML in a hint doc keeps its formatting but no script, handler, script URL or embedding element")
    func rawHTMLAllowList() throws {
        let project = try TestProject.scratchCopy("allow-list")
        defer { try? FileManager.default.removeItem(at: project) }
        let doc = project.appendingPathComponent("context/hints/dsocr-kb/ops/op-MLPBlock.md")
        let hostile = """

            <div class="keep">kept <a href="https://example.com" onclick="alert(1)">link</a></div>

            <a href="javascript:alert(1)">js</a> <a href="vbscript:x">vb</a> <a href="data:text/html,x">data</a>
            <img src="x.png" onerror="alert(1)"> <iframe src="https://evil.example"></iframe>

            <base href="https://evil.example/">
            <meta http-equiv="refresh" content="0;url=https://evil.example">
            <link rel="stylesheet" href="https://evil.example/x.css">
            <form action="https://evil.example"><input name="p"></form>
            <object data="x"></object><embed src="x"><style>body{display:none}</style>

            """
        let original = try String(contentsOf: doc, encoding: .utf8)
        try original.replacingOccurrences(of: "## Memory\n", with: "## Memory\n" + hostile).write(to: doc, atomically: true, encoding: .utf8)
        let files = try SiteGenerator(root: project, allowRawHTML: true).render(report: try TestProject.standardReport())
        let page = TestProject.text(try #require(files.first { $0.path == "html/op-MLPBlock.html" }).data)
        #expect(page.contains("<div class=\"keep\">kept <a href=\"https://example.com\">link</a></div>"))
        for forbidden in ["onclick", "onerror", "javascript:", "vbscript:", "data:text", "<iframe", "<base", "http-equiv",
                          "<link", "<form", "<input", "<object", "<embed", "display:none", "evil.example"] {
            #expect(!page.contains(forbidden), "op-MLPBlock.html contains \(forbidden)")
        }
    }

    @Test("conventions.md goes through the same sanitizer: references without ';' and chart titles holding '/>' inject nothing")
    func conventionsSanitized() throws {
        let project = try TestProject.scratchCopy("conventions")
        defer { try? FileManager.default.removeItem(at: project) }
        let doc = project.appendingPathComponent("context/hints/dsocr-kb/conventions.md")
        let hostile = """

            <a href="javascript&#58alert(1)">a</a> <a href="&#0000106avascript:alert(1)">b</a>
            <a href="&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)">c</a>
            <script>alert(2)</script><img src=x onerror=alert(3)>

            ![t](roofline-stage-projector.svg "x/><img src=y onerror=alert(4)><iframe srcdoc=z>")

            <img src="roofline-stage-projector.svg" alt="q/><iframe srcdoc='<script>alert(5)</script>'>">

            """
        try (try String(contentsOf: doc, encoding: .utf8) + hostile).write(to: doc, atomically: true, encoding: .utf8)
        let files = try SiteGenerator(root: project, allowRawHTML: true).render(report: try TestProject.standardReport())
        let page = TestProject.text(try #require(files.first { $0.path == "html/conventions.html" }).data)
        for forbidden in ["javascript", "<iframe", "<script>alert", "onerror=alert(3)", "<img src=\"y\"", "<img src=y"] {
            #expect(!page.contains(forbidden), "conventions.html contains \(forbidden)")
        }
        // Both chart images became the inlined chart, their hostile title and alt gone with the tag.
        #expect(page.components(separatedBy: "<figure class=\"chart\"><svg").count - 1 == 2)
        #expect(!page.contains("srcdoc"))
    }

    // MARK: - Templates

    /// A template folder holding `templates`, loaded.
    func templateSet(_ templates: [String: String]) throws -> (TemplateSet, URL) {
        let folder = try TestProject.temporaryFolder("templates")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("templates"), withIntermediateDirectories: true)
        for (name, text) in templates {
            try Data(text.utf8).write(to: folder.appendingPathComponent("templates/\(name).mustache"))
        }
        return (try TemplateSet(root: folder), folder)
    }

    func renderError(_ templates: [String: String], _ view: [String: Any], page: String = "page") throws -> String? {
        let (set, folder) = try templateSet(templates)
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try set.render(page, view)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test("a partial that includes itself is an error naming the chain, not a stack overflow")
    func selfIncludingPartial() throws {
        let message = try renderError(["page": "top {{> loop}}\n", "loop": "x\n{{> loop}}"], ["a": "1"])
        #expect(message?.contains("templates/loop.mustache:2") == true, "\(message ?? "nil")")
        #expect(message?.contains("page > loop > loop") == true)
        #expect(message?.contains("more than \(TemplateSet.maximumPartialDepth) deep") == true)
    }

    @Test("a partial recursing inside a section over data that never ends is an error, not an endless render")
    func recursionInsideSection() throws {
        let message = try renderError(["page": "{{#rows}}{{> page}}{{/rows}}"], ["rows": [["x": "1"]]])
        #expect(message?.contains("partials nest more than") == true, "\(message ?? "nil")")
        // Bounded recursion over finite data still renders.
        let (set, folder) = try templateSet(["page": "{{#child}}({{name}}{{> page}}){{/child}}"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let view: [String: Any] = ["child": ["name": "a", "child": ["name": "b", "child": false] as [String: Any]] as [String: Any]]
        #expect(try set.render("page", view) == "(a(b))")
    }

    @Test("unknown names under changed delimiters are errors")
    func changedDelimiters() throws {
        let message = try renderError(["page": "ok {{a}}\n{{=<% %>=}}\n<%nosuch%>\n"], ["a": "1"])
        #expect(message == "templates/page.mustache:3: unresolved placeholder '<%nosuch%>'")
        let section = try renderError(["page": "{{=[ ]=}}[#gone]x[/gone]"], ["a": "1"])
        #expect(section == "templates/page.mustache:1: unresolved section '[#gone]'")
        let (set, folder) = try templateSet(["page": "{{=<% %>=}}<%a%> <%&b%> <%={{ }}=%>{{a}}"])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try set.render("page", ["a": "1", "b": "<2>"]) == "1 <2> 1")
    }

    @Test("dynamic partials, unknown parents, tags over several lines and non-UTF-8 templates are clear one-line errors")
    func otherTemplateErrors() throws {
        #expect(try renderError(["page": "a {{>*name}}"], ["name": "page"]) == "templates/page.mustache:1: dynamic partial '{{>*name}}' (name) is not supported; name the partial")
        #expect(try renderError(["page": "a {{<nosuch}}{{/nosuch}}"], ["a": "1"]) == "templates/page.mustache:1: unknown template 'nosuch' in partial")
        #expect(try renderError(["page": "a\n{{#gone\n}}x{{/gone}}"], ["a": "1"]) == "templates/page.mustache:2: unresolved section '{{#gone⏎}}'")
        let folder = try TestProject.temporaryFolder("latin1")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try Data("ok\ncaf\u{E9}".utf8).write(to: folder.appendingPathComponent("templates/good.mustache"))
        try Data([0x6F, 0x6B, 0x0A, 0x63, 0x61, 0x66, 0xE9, 0x0A]).write(to: folder.appendingPathComponent("templates/page.mustache"))
        #expect(throws: SiteError(file: "templates/page.mustache", line: 2, "is not valid UTF-8 text (invalid byte sequence at byte 6); save it as UTF-8")) {
            try TemplateSet(root: folder)
        }
    }

    @Test("a template that renders to nothing is an error")
    func emptyRender() throws {
        #expect(try renderError(["page": ""], ["a": "1"]) == "templates/page.mustache: template rendered nothing (an empty page)")
        #expect(try renderError(["page": "{{#list}}x{{/list}}\n  \n"], ["list": [Any]()]) == "templates/page.mustache: template rendered nothing (an empty page)")
    }

    // MARK: - Hint docs

    static let sections = HintDocument.requiredSections.map { "## \($0)\n\ntext of \($0)\n" }.joined(separator: "\n")

    @Test("placeholder and link errors name the line in the file, not in the section")
    func fileLineNumbers() throws {
        let text = "# Doc\n\n" + Self.sections.replacingOccurrences(
            of: "text of Memory\n", with: "text of Memory\n\n\nSee [[nope]] here.\n\nAnd [x](op-Nowhere.md).\n")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let placeholderLine = try #require(lines.firstIndex { $0.contains("[[nope]]") }) + 1
        let linkLine = try #require(lines.firstIndex { $0.contains("op-Nowhere") }) + 1
        let doc = try HintDocument(path: "op-X.md", text: text)
        #expect(throws: SiteError(file: "op-X.md", line: placeholderLine, "unknown placeholder '[[nope]]'; known: a")) {
            try Placeholders.resolve(doc.section("Memory"), values: ["a": "1"], file: doc.path, firstLine: doc.line(ofSection: "Memory"))
        }
        let links = LinkMap(pages: ["op-X.md": "op-X"])
        do {
            _ = try links.rewrite(doc.section("Memory"), source: doc.path, firstLine: doc.line(ofSection: "Memory"))
            Issue.record("dead link accepted")
        } catch let error as SiteError {
            #expect(error.line == linkLine)
        }
        // The same through the whole site: the error names op-Block.md's own line.
        let project = try TestProject.scratchCopy("lines")
        defer { try? FileManager.default.removeItem(at: project) }
        let path = "context/hints/dsocr-kb/ops/op-Block.md"
        let edited = try String(contentsOf: project.appendingPathComponent(path), encoding: .utf8)
            .replacingOccurrences(of: "## Performance on the GPU\n", with: "## Performance on the GPU\n\n\nCosts [[forward.nonsense]].\n")
        try edited.write(to: project.appendingPathComponent(path), atomically: true, encoding: .utf8)
        let expected = try #require(edited.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("nonsense") }) + 1
        do {
            _ = try SiteGenerator(root: project).render(report: try TestProject.standardReport())
            Issue.record("unknown placeholder accepted")
        } catch let error as SiteError {
            #expect(error.file == path && error.line == expected, "\(error)")
        }
    }

    /// A scratch folder with one hint doc of `bytes`, loaded.
    func load(_ bytes: Data) throws -> Result<HintDocument, SiteError> {
        let folder = try TestProject.temporaryFolder("doc")
        defer { try? FileManager.default.removeItem(at: folder) }
        try bytes.write(to: folder.appendingPathComponent("op-X.md"))
        do {
            return .success(try HintDocument.load(root: folder, path: "op-X.md"))
        } catch let error as SiteError {
            return .failure(error)
        }
    }

    @Test("invalid UTF-8 is an encoding error with its line; CRLF files parse")
    func encodings() throws {
        var bytes = Data("# Doc\n\nline two\n".utf8)
        bytes += Data([0x66, 0xFF, 0xFE, 0x0A])
        guard case let .failure(error) = try load(bytes) else { Issue.record("invalid UTF-8 accepted"); return }
        #expect(error.line == 4 && error.problem.contains("not valid UTF-8"), "\(error)")
        let crlf = ("# Doc\n\n" + Self.sections).replacingOccurrences(of: "\n", with: "\r\n")
        guard case let .success(doc) = try load(Data(crlf.utf8)) else { Issue.record("CRLF doc refused"); return }
        #expect(doc.title == "Doc" && doc.section("Memory") == "text of Memory")
    }

    @Test("absurd sizes are refused with their limit: doc size, table width, table cells")
    func sizeLimits() throws {
        let big = Data(("# Doc\n" + String(repeating: "x", count: HintDocument.maximumBytes)).utf8)
        guard case let .failure(size) = try load(big) else { Issue.record("oversized doc accepted"); return }
        #expect(size.problem.contains("the limit is \(HintDocument.maximumBytes) bytes"))

        let wide = 65
        let table = "|" + String(repeating: " a |", count: wide) + "\n|" + String(repeating: "---|", count: wide) + "\n"
        let text = "# Doc\n\n" + Self.sections.replacingOccurrences(of: "text of Memory\n", with: "text of Memory\n\n" + table)
        let tableLine = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("|---") }) + 1
        #expect(throws: SiteError(file: "op-X.md", line: tableLine, "table has \(wide) columns; the limit is 64")) {
            try HintDocument(path: "op-X.md", text: text)
        }
        let long = "|" + String(repeating: " a |", count: 64) + "\n|" + String(repeating: "---|", count: 64) + "\n"
            + String(repeating: "| b |\n", count: 100_000 / 64 + 1)
        do {
            _ = try HintDocument(path: "op-X.md", text: "# Doc\n\n" + long)
            Issue.record("a table of more than 100,000 cells was accepted")
        } catch let error as SiteError {
            #expect(error.line == 3 && error.problem.hasSuffix("the limit is 100000 cells"), "\(error)")
        }
        // The real docs are far inside every limit.
        for doc in SiteGenerator.layerDocs {
            _ = try HintDocument.load(root: TestProject.root, path: doc.hintDoc)
        }
    }

    @Test("lines built to be quadratic resolve in linear time", arguments: [
        String(repeating: "[", count: 100_000),
        String(repeating: "[[", count: 50_000),
        String(repeating: "[[a]", count: 25_000),
        String(repeating: "`[[", count: 33_000),
        String(repeating: "](", count: 50_000),
    ])
    func quadraticLines(_ line: String) throws {
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            _ = try Placeholders.resolve(line, values: ["a": "1"], file: "f.md")
            _ = try? LinkMap(pages: [:]).rewrite(line, source: "f.md")
        }
        // A 64k-bracket line took 19 s in a release build before; linear takes milliseconds.
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }

    // MARK: - Bounded rendering

    @Test("3,000 nested sections are refused before the parser recurses; 64 still render")
    func nestedSections() throws {
        let deep = String(repeating: "{{#a}}", count: 3_000) + "x" + String(repeating: "{{/a}}", count: 3_000)
        let folder = try TestProject.temporaryFolder("nested")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try Data(deep.utf8).write(to: folder.appendingPathComponent("templates/page.mustache"))
        #expect(throws: SiteError(file: "templates/page.mustache", line: 1, "sections nest more than 64 deep at '{{#a}}'")) {
            _ = try TemplateSet(root: folder)
        }
        // 64 levels of a true flag render the one x.
        let limit = TemplateSet.maximumSectionDepth
        let (set, scratch) = try templateSet(["page": String(repeating: "{{#a}}", count: limit) + "x" + String(repeating: "{{/a}}", count: limit)])
        defer { try? FileManager.default.removeItem(at: scratch) }
        #expect(try set.render("page", ["a": true]) == "x")
    }

    @Test("partials ten wide and eight deep (10⁸ expansions) stop at the expansion limit at once")
    func partialFanOut() throws {
        var templates = ["page": "{{> p1}}"]
        for level in 1...8 {
            templates["p\(level)"] = level == 8 ? "x" : String(repeating: "{{> p\(level + 1)}}", count: 10)
        }
        let clock = ContinuousClock()
        var message: String?
        let elapsed = try clock.measure { message = try renderError(templates, ["a": "1"]) }
        #expect(message?.contains("partials expand more than \(TemplateSet.maximumExpansions) times") == true, "\(message ?? "nil")")
        #expect(elapsed < .seconds(10), "took \(elapsed)")
        // 10 wide and 4 deep: 1 + 10 + 100 + 1,000 = 1,111 expansions, within the limit.
        var shallow = ["page": "{{> p1}}"]
        for level in 1...4 { shallow["p\(level)"] = level == 4 ? "x" : String(repeating: "{{> p\(level + 1)}}", count: 10) }
        #expect(try renderError(shallow, ["a": "1"]) == nil)
    }

    @Test("100,000 image openers before links are refused before cmark; a few hundred render")
    func imageLinkMatching() throws {
        let hostile = "# Doc\n\n" + String(repeating: "![[]()", count: 100_000) + "\n"
        // Line 3: the paragraph; 100,000 openers × 100,000 closing brackets = 10¹⁰ > 2·10⁷.
        #expect(throws: SiteError(file: "op-X.md", line: 3, "paragraph has 100000 image openers '![' and 100000 closing brackets; cmark's link matching would take more than 20000000 steps (openers × brackets per paragraph, summed over the doc)")) {
            _ = try HintDocument(path: "op-X.md", text: hostile, requireSections: false)
        }
        // 300 per paragraph, in 100 paragraphs: 100 · 300 · 300 = 9·10⁶ steps, accepted.
        let fine = "# Doc\n\n" + Array(repeating: String(repeating: "![[]()", count: 300), count: 100).joined(separator: "\n\n")
        _ = try HintDocument(path: "op-X.md", text: fine, requireSections: false)
    }

    @Test("a template that brings the slow pattern into a page is refused before cmark, naming the page")
    func imageLinkMatchingInTemplates() throws {
        let project = try TestProject.scratchCopy("slow-template")
        defer { try? FileManager.default.removeItem(at: project) }
        let template = project.appendingPathComponent("templates/conventions.md.mustache")
        try (try String(contentsOf: template, encoding: .utf8) + "\n\n" + String(repeating: "![[]()", count: 100_000) + "\n")
            .write(to: template, atomically: true, encoding: .utf8)
        let clock = ContinuousClock()
        var message = ""
        let elapsed = try clock.measure {
            do {
                _ = try SiteGenerator(root: project).render(report: try TestProject.standardReport())
            } catch let error as SiteError {
                message = String(describing: error)
            }
        }
        #expect(message.hasPrefix("kb/conventions.md:") && message.contains("100000 image openers"), "\(message)")
        #expect(elapsed < .seconds(30), "took \(elapsed)")
    }

    @Test("a table is counted inside a block quote and after a line that only looks like a fence")
    func tablesCountedEverywhere() throws {
        let wide = 100
        let quoted = "> |" + String(repeating: " a |", count: wide) + "\n> |" + String(repeating: "---|", count: wide) + "\n"
        #expect(throws: SiteError(file: "op-X.md", line: 4, "table has 100 columns; the limit is 64")) {
            _ = try HintDocument(path: "op-X.md", text: "# Doc\n\n" + quoted, requireSections: false)
        }
        let afterFence = "```\n|" + String(repeating: " a |", count: wide) + "\n|" + String(repeating: "---|", count: wide) + "\n"
        #expect(throws: SiteError(file: "op-X.md", line: 5, "table has 100 columns; the limit is 64")) {
            _ = try HintDocument(path: "op-X.md", text: "# Doc\n\n" + afterFence, requireSections: false)
        }
        // 2,000 × 2,000 in a quote: refused by its width on the delimiter row (line 4).
        let big = "> |" + String(repeating: " a |", count: 2_000) + "\n> |" + String(repeating: "---|", count: 2_000) + "\n"
            + String(repeating: "> | b |\n", count: 2_000)
        #expect(throws: SiteError(file: "op-X.md", line: 4, "table has 2000 columns; the limit is 64")) {
            _ = try HintDocument(path: "op-X.md", text: "# Doc\n\n" + big, requireSections: false)
        }
        // 64 columns in a quote over 1,563 rows: 64 · 1,563 = 100,032 cells > 100,000, refused at the header (line 3).
        let long = "> |" + String(repeating: " a |", count: 64) + "\n> |" + String(repeating: "---|", count: 64) + "\n"
            + String(repeating: "> | b |\n", count: 1_563)
        do {
            _ = try HintDocument(path: "op-X.md", text: "# Doc\n\n" + long, requireSections: false)
            Issue.record("a quoted table of more than 100,000 cells was accepted")
        } catch let error as SiteError {
            #expect(error.line == 3 && error.problem.hasSuffix("the limit is 100000 cells"), "\(error)")
        }
    }
}
