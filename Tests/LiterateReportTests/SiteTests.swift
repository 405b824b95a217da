import Foundation
import Testing
import DeepSeekOCR
import ModelMeter
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
        for stage in ["sam_model", "vision_model", "projector"] {
            #expect(files["kb/roofline-stage-\(stage).svg"] != nil && files["html/roofline-stage-\(stage).svg"] != nil)
        }
        for doc in SiteGenerator.layerDocs { #expect(files["html/roofline-op-\(doc.vendorClass).svg"] != nil) }
        #expect(files["report.json"] != nil)
        #expect(files.count == TestProject.expectedSiteFileCount)
        for folder in ["kb/", "html/", ""] {
            #expect(files["\(folder)report.csv"] != nil && files["\(folder)report.json"] == files["report.json"])
        }
        let csv = try #require(files["html/report.csv"]).split(separator: UInt8(ascii: "\n"))
        // One row per module instance, the total and the header.
        #expect(csv.count == (try TestProject.standardReport()).modules.count + 2)
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

    @Test("configurations have names a reader can tell apart, stable anchors, and child rows link to them")
    func namedConfigurations() throws {
        let files = try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport())
        func text(_ path: String) -> String { files.first { $0.path == path }.map { TestProject.text($0.data) } ?? "" }
        // A 640 crop has a 40×40 token grid, padded to 42 for 14×14 windows: 3·3 = 9 windows per
        // crop, 4 crops → B = 36 windows of S = 14·14 = 196 tokens.
        let attention = text("kb/op-Attention.md")
        #expect(attention.contains("\n### local crops · windowed block · B = 36, S = 196\n"))
        #expect(attention.contains("| [local crops · windowed block · B = 36, S = 196](#local-crops-windowed-block-b-36-s-196) |"))
        // The global view's 1024 image: 64×64 grid → 70 padded → 5·5 = 25 windows.
        #expect(attention.contains("\n### global view · windowed block · B = 25, S = 196\n"))
        #expect(!attention.contains("Configuration 1 of"))
        let html = text("html/op-Attention.html")
        #expect(html.contains("<h3 id=\"local-crops-windowed-block-b-36-s-196\">"))
        // Block's attn row of a windowed crop block links to that Attention section.
        let block = text("kb/op-Block.md")
        #expect(block.contains("[attn](op-Attention.md#local-crops-windowed-block-b-36-s-196) (Attention)"))
    }

    @Test("rooflines: one point per configuration on a layer page, every leaf configuration per stage, each a link")
    func rooflines() throws {
        let report = try TestProject.standardReport()
        let files = try SiteGenerator(root: TestProject.root).render(report: report)
        func text(_ path: String) -> String { files.first { $0.path == path }.map { TestProject.text($0.data) } ?? "" }
        // Attention runs in 4 configurations in Gundam mode (global and windowed blocks, two views);
        // each is named once (beside its point or in the margin list) and linked once from there.
        // Tooltips (`<title>`) repeat the labels; count the visible text only.
        let attention = text("html/roofline-op-Attention.svg").components(separatedBy: "<title>")
            .map { $0.components(separatedBy: "</title>").last ?? "" }.joined()
        for view in ["global", "local"] {
            for kind in ["windowed", "global-attention"] {
                let label = "\(view) · \(kind) · B="
                #expect(attention.components(separatedBy: label).count - 1 == 1, "\(label) is not named exactly once")
            }
        }
        // SAM's leaf layers: Attention 4 + MLPBlock 2 + LayerNorm2d 2 + PatchEmbed 2 configurations,
        // each linked at least once (from its label or its point).
        let sam = text("html/roofline-stage-sam_model.svg")
        let links = Self.targets(in: sam, opener: "<a href=\"", closer: "\"")
        #expect(Set(links).count == 10)
        #expect(Set(links.map { $0.split(separator: "#")[0] }) == ["op-Attention.html", "op-MLPBlock.html", "op-LayerNorm2d.html", "op-PatchEmbed.html"])
        // Coincident configurations are one point: no two circles at the same spot; no leader lines.
        let centres = Self.targets(in: sam, opener: "<circle cx=\"", closer: "\" r=\"4.5\"")
        #expect(Set(centres).count == centres.count && centres.count <= 10 && !centres.isEmpty)
        #expect(!sam.contains("stroke=\"#bcccdc\""))
        for label in Self.targets(in: sam, opener: "<text x=\"", closer: "\"") {
            let x = try #require(Double(label))
            #expect(x >= 0 && x <= 1000)
        }
        // The decode stage: the five configurations at one spot (every decode-step matmul at
        // 1 FLOP/B) are one numbered point, listed with all five in the margin.
        let decode = text("html/roofline-stage-decode.svg")
        let decodeCentres = Self.targets(in: decode, opener: "<circle cx=\"", closer: "\" r=\"4.5\"")
        #expect(Set(decodeCentres).count == decodeCentres.count)
    }

    @Test("the front page leads with a page: time, pages per day and tokens per second (bound), split by stage and by module class")
    func frontPage() throws {
        let report = try TestProject.standardReport()
        let files = try SiteGenerator(root: TestProject.root).render(report: report)
        let page = try #require(files.first { $0.path == "kb/index.md" }.map { TestProject.text($0.data) })
        for link in ["(summary.md)", "(page-cost.md)", "(glossary.md)", "(verification.md)", "(conventions.md)", "(report.json)", "(report.csv)", "(op-Attention.md)"] {
            #expect(page.contains(link), "front page lacks \(link)")
        }
        #expect(!page.contains("Rules for an op doc") && !page.contains("placeholder"))
        // The page's own numbers, labelled as a bound, with the output-token count stated.
        let pageJob = try PageWorkload(workload: report.workload, precision: report.precision)
        let result = try PageCostEvaluator(for: pageJob).result(pageJob, gpu: report.gpu)
        #expect(page.contains("**N = 1,000 output tokens**"))
        #expect(page.contains("| quantity | bound (roofline floor) | forecast, hf-eager | forecast, vllm | formula with values (bound) |"))
        #expect(page.contains("| seconds per page | **\(SIUnits.seconds(result.secondsPerPage))** |"))
        #expect(page.contains("| pages per day | **\(SIUnits.grouped(Int(result.pagesPerDay)))** |"))
        // One row per stage, one per module class; no single-pass totals beside the page's.
        for stage in ["vision", "prefill", "decode"] {
            #expect(page.contains("\n| \(stage) | "), "no \(stage) row")
        }
        for moduleClass in [ModuleClass.vision, .attention, .routedExperts, .sharedExperts, .denseMLP, .lmHead, .norms, .embeddings] {
            #expect(page.contains("\n| \(moduleClass.rawValue) | "), "no \(moduleClass.rawValue) row")
        }
        #expect(!page.contains("all stages as one pass"))
        // The top three of decode, in the order worked out by hand in ModuleClassTests.
        let sentence = try #require(page.split(separator: "\n").first { $0.hasPrefix("Decode takes **") })
        let order = ["**MoE routed experts**", "**lm_head**", "**attention**"].map { sentence.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order[0]! < order[1]! && order[1]! < order[2]!)
        // The logits convention where the two prefills differ.
        #expect(page.contains("runs `lm_head` on every prompt position"))
        #expect(files.contains { $0.path == "html/index-page-classes.svg" })
    }

    @Test("every #fragment of an HTML link names an id on its target page")
    func anchorsResolve() throws {
        let files = try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport())
        var ids: [String: Set<String>] = [:]
        for file in files where file.path.hasSuffix(".html") {
            ids[file.path] = Set(Self.targets(in: TestProject.text(file.data), opener: " id=\"", closer: "\""))
        }
        var checked = 0
        for file in files where file.path.hasSuffix(".html") {
            for target in Self.targets(in: TestProject.text(file.data), opener: "href=\"", closer: "\"") where target.contains("#") {
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let page = parts[0].isEmpty ? file.path : "html/" + parts[0]
                #expect(ids[page]?.contains(parts[1]) == true, "\(file.path) links to \(target): no such id")
                checked += 1
            }
        }
        // Every configuration row, "where it runs" entry and child row links to a section.
        #expect(checked > 200)
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
        // The five stage rooflines (sam_model, vision_model, projector, prefill, decode) and the
        // eight sweep charts are inlined in the summary page, each layer page's own roofline in the layer page.
        #expect(summary.components(separatedBy: "<svg").count - 1 == 13)
        for file in files where file.path.hasPrefix("html/") && file.path.hasSuffix(".html") {
            #expect(!TestProject.text(file.data).contains("<img"), "\(file.path) still has an <img>")
        }
        let attention = files.first { $0.path == "html/op-Attention.html" }.map { TestProject.text($0.data) } ?? ""
        // Its roofline, its Internals flowchart and its module tree.
        #expect(attention.components(separatedBy: "<svg").count - 1 == 3)
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
