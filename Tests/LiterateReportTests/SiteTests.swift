import Foundation
import Testing
import DeepSeekOCR
import LiterateReport

@Suite("Knowledge-base site")
struct SiteTests {
    static let pages = ["index", "summary", "page-cost", "verification", "conventions"] + SiteGenerator.layerDocs.map { "op-\($0.vendorClass)" }

    @Test("every page exists as Markdown and HTML, plus the chart and report.json")
    func pagesExist() throws {
        let files = Dictionary(uniqueKeysWithValues: try SiteGenerator(root: TestProject.root)
            .render(report: try TestProject.standardReport()).map { ($0.path, $0.data) })
        for page in Self.pages {
            #expect(files["kb/\(page).md"] != nil, "kb/\(page).md")
            #expect(files["html/\(page).html"] != nil, "html/\(page).html")
        }
        #expect(files["kb/roofline.svg"] != nil)
        #expect(files["report.json"] != nil)
        // (5 + 13 vision + 9 decoder pages) × 2 formats + (roofline + 2 sweeps × 4 charts + 2 page-cost charts) × 2 formats + report.json
        #expect(files.count == 27 * 2 + 11 * 2 + 1)
        #expect(files["html/page-cost-stages.svg"] != nil)
        #expect(files["kb/page-cost-serving.svg"] != nil)
        for quantity in ["flops", "io-bytes", "activation-memory", "time-lower-bound"] {
            #expect(files["kb/sweep-resolution-\(quantity).svg"] != nil)
            #expect(files["html/sweep-crops-\(quantity).svg"] != nil)
        }
    }

    @Test("two consecutive renders produce identical bytes")
    func deterministic() throws {
        let generator = SiteGenerator(root: TestProject.root)
        let first = try generator.render(report: try TestProject.standardReport())
        let second = try generator.render(report: try TestProject.standardReport())
        #expect(first.map(\.path) == second.map(\.path))
        #expect(first.map(\.data) == second.map(\.data))
    }

    @Test("no placeholder is left unresolved and no <script> reaches the HTML")
    func resolvedAndScriptFree() throws {
        for file in try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport()) {
            let text = TestProject.text(file.data)
            #expect(!text.contains("{{"), "\(file.path) has a mustache tag")
            #expect(!text.contains("[[") || file.path.hasSuffix(".json"), "\(file.path) has an unresolved [[placeholder]]")
            #expect(!text.lowercased().contains("<script"), "\(file.path) contains <script")
        }
    }

    @Test("every internal link resolves, in kb/ and in html/")
    func linksResolve() throws {
        let files = try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport())
        let paths = Set(files.map(\.path))
        var checked = 0
        for file in files where file.path.hasSuffix(".md") || file.path.hasSuffix(".html") {
            let folder = file.path.split(separator: "/").first.map(String.init) ?? ""
            let targets = file.path.hasSuffix(".md")
                ? Self.targets(in: TestProject.text(file.data), opener: "](", closer: ")")
                : Self.targets(in: TestProject.text(file.data), opener: "href=\"", closer: "\"")
                    + Self.targets(in: TestProject.text(file.data), opener: "src=\"", closer: "\"")
            // Markdown: `](` also occurs inside code spans (`f](x(i)`); real link targets have no parentheses.
            for target in targets where !target.contains("://") && !target.hasPrefix("#") && !target.hasPrefix("mailto:")
                && !target.contains("(") && !target.contains(" ") {
                let name = String(target.split(separator: "#", maxSplits: 1)[0])
                #expect(paths.contains("\(folder)/\(name)"), "\(file.path) links to missing \(target)")
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test("HTML pages are self-contained: inline CSS, inline SVG, no external resources")
    func selfContained() throws {
        let files = try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport())
        for file in files where file.path.hasSuffix(".html") {
            let html = TestProject.text(file.data)
            #expect(html.contains("<style>"), "\(file.path) has no inline stylesheet")
            #expect(!html.contains("<link "), "\(file.path) loads a stylesheet")
            #expect(!html.contains("src=\"http"), "\(file.path) loads a remote resource")
        }
        let summary = files.first { $0.path == "html/summary.html" }.map { TestProject.text($0.data) } ?? ""
        // The roofline and the eight sweep charts are inlined in the summary page.
        #expect(summary.components(separatedBy: "<svg").count - 1 == 9)
        #expect(!summary.contains("<img"))
    }

    @Test("the Attention page shows the QKV formula, its substitution and its value together")
    func formulaBesideNumber() throws {
        let files = try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport())
        let page = files.first { $0.path == "kb/op-Attention.md" }.map { TestProject.text($0.data) } ?? ""
        // Global attention at 1024: 2·B·S·C·3C = 2·1·4096·768·2304 = 14,495,514,624 FLOP = 14.50 GFLOP.
        #expect(page.contains("| QKV projection | tensor core | `2·B·S·C·3C` | `2·1·4096·768·2304` | 14.50 GFLOP |"))
    }

    static func targets(in text: String, opener: String, closer: String) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: opener) {
            rest = rest[start.upperBound...]
            guard let end = rest.range(of: closer) else { break }
            result.append(String(rest[rest.startIndex..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return result
    }
}
