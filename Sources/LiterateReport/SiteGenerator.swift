import CommonMark
import DeepSeekOCR
import Foundation
import ModelMeter

/// Regenerates the literate knowledge base: Markdown pages in `kb/`, the same pages as
/// self-contained HTML in `html/`, the roofline chart, and `report.json`, swapped into the
/// output folder only when every page rendered.
public struct SiteGenerator: Sendable {
    /// The default model's (DeepSeek-OCR's) documented layer types, in page order: the default site's list.
    public static var layerDocs: [LayerDoc] { OCRModel.deepseekOCR.description.layerDocs }

    public static let knowledgeBase = OCRModel.deepseekOCR.description.knowledgeBase
    public static let readmePath = "\(knowledgeBase)/README.md"
    /// The counting conventions every model's site shares.
    public static let conventionsPath = "\(knowledgeBase)/conventions.md"
    public static let opsFolder = "\(knowledgeBase)/ops"

    /// Project root: where `context/` and `templates/` are.
    public let root: URL
    /// Pass raw HTML from hint docs through to the published pages (only what the sanitizer's allow-list keeps).
    public var allowRawHTML = false

    public init(root: URL, allowRawHTML: Bool = false) {
        self.root = root
        self.allowRawHTML = allowRawHTML
    }

    /// Every file of the site, relative to the output folder, in a stable order.
    public func render(report: ModelReport) throws -> [(path: String, data: Data)] {
        let templates = try TemplateSet(root: root)
        let model = SiteModel(report.workload.model)
        try checkLayerDocCoverage(model)
        let readme = try HintDocument.load(root: root, path: model.readmePath, requireSections: false)
        let conventions = try HintDocument.load(root: root, path: Self.conventionsPath, requireSections: false)
        // Shared docs link to their own folder's README: every front page is this site's index.
        var pageOfSource = [Self.readmePath: "index", Self.conventionsPath: "conventions"]
        pageOfSource[model.readmePath] = "index"
        for doc in model.docs { pageOfSource[doc.hintDoc] = "op-\(doc.vendorClass)" }
        let links = LinkMap(pages: pageOfSource, unlinked: Set(model.otherDocs.map(\.hintDoc)))

        var markdown: [(page: String, title: String, text: String)] = []
        let layerBuilder = LayerPageBuilder(report: report, docs: model.docs)
        let root = self.root
        // The pages are independent: render them on all cores, the heaviest first.
        // DeepSeek-OCR's site has per-GPU page costs and its measurements; DeepSeek-OCR 2's compares the two models.
        // DeepSeek-OCR's also puts its decoder beside the public config.json decoders.
        let modelPages: [PageJob] = report.workload.model == .deepseekOCR2 ? [.comparison] : [.gpuPages, .measured, .models]
        let jobs: [PageJob] = [.summary, .verification, .pageCost] + modelPages + model.docs.map(PageJob.layer)
        let rooflines = RooflineOverview(report: report, directory: layerBuilder.directory)
        let stageCharts = try rooflines.stageCharts()
        let profiles = try MeasuredPageBuilder.loadProfiles(root: root)
        let outputs = try parallelMap(jobs) { job -> PageOutput in
            switch job {
            case let .layer(doc):
                return try Self.layerPage(doc, report: report, builder: layerBuilder, root: root, templates: templates, links: links)
            case .summary:
                let (text, sweepCharts) = try Self.summaryMarkdown(
                    report: report, directory: layerBuilder.directory, stageCharts: stageCharts, templates: templates)
                return .summary(text: text, charts: sweepCharts)
            case .pageCost:
                let (view, charts) = try PageCostPageBuilder(report: report, profiles: profiles).view()
                return .pageCost(text: try templates.render("page-cost.md", view), charts: charts)
            case .gpuPages:
                let (views, charts) = try GPUPagesBuilder(report: report, profiles: profiles).views()
                return .gpuPages(try views.map { ($0.page, $0.title, try templates.render("gpu.md", $0.view)) }, charts: charts)
            case .measured:
                let (view, chart) = MeasuredPageBuilder(profiles: profiles).view()
                return .measured(text: try templates.render("measured.md", view), chart: chart)
            case .comparison:
                return .comparison(text: try templates.render("comparison.md", try ComparisonPageBuilder(report: report).view()))
            case .models:
                let comparison = try Self.modelsComparison(root: root, gpu: report.gpu, precision: report.precision)
                return .models(text: try templates.render("models.md", Self.modelsView(comparison)))
            case .verification:
                let description = report.workload.model.description
                var builder = VerificationPageBuilder(runs: try ReferenceRun.loadAll(root: root, for: description))
                if let source = description.visionTreeReference {
                    let views = try VisionTreeView.load(from: root.appendingPathComponent(source.path))
                    builder.visionTree = (source.path, try views.map { ($0, try source.layer($0)) })
                }
                return .verification(text: try templates.render("verification.md", try builder.view()))
            }
        }
        var layerLinks: [[String: String]] = []
        var sweepCharts: [SweepChart] = []
        var pageCharts: [String: String] = [:]
        for output in outputs {
            switch output {
            case let .layer(doc, text, _, tree, link):
                markdown.append(("op-\(doc.vendorClass)", doc.vendorClass, text))
                layerLinks.append(link)
                pageCharts.merge(tree) { $1 }
            case let .summary(text, charts):
                markdown.append(("summary", "Model summary", text))
                sweepCharts = charts
            case let .verification(text):
                markdown.append(("verification", "Verification", text))
            case let .pageCost(text, charts):
                markdown.append(("page-cost", "What a page costs", text))
                pageCharts.merge(charts) { $1 }
            case let .gpuPages(pages, charts):
                markdown += pages
                pageCharts.merge(charts) { $1 }
            case let .measured(text, chart):
                markdown.append(("measured", "Measured vs predicted", text))
                pageCharts[MeasuredPageBuilder.chartFile] = chart
            case let .comparison(text):
                markdown.append(("comparison", "DeepSeek-OCR vs DeepSeek-OCR 2", text))
            case let .models(text):
                markdown.append(("models", "Models side by side", text))
            }
        }

        markdown.append(("conventions", "Counting conventions", try templates.render("conventions.md", try conventionsView(conventions, links: links, report: report))))
        var (indexView, indexCharts) = try IndexPageBuilder(report: report, profiles: profiles).view(
            title: readme.title, readme: try links.rewrite(readme.body, source: model.readmePath, firstLine: readme.bodyLine), layers: layerLinks)
        // Linked from the front page only: the other pages and the navigation stay as they were.
        indexView["modelsPage"] = report.workload.model == .deepseekOCR
        markdown.append(("index", "ModelMeter knowledge base", try templates.render("index.md", indexView)))
        markdown.append(("glossary", "Glossary", try templates.render("glossary.md", try GlossaryPageBuilder(report: report).view())))

        var charts: [String: String] = [:]
        for chart in stageCharts { charts[chart.file] = chart.svg }
        for doc in model.docs {
            guard let occurrence = layerBuilder.directory.occurrences[doc.vendorClass] else { continue }
            let chart = try rooflines.layerChart(occurrence)
            charts[chart.file] = chart.svg
        }
        for sweep in sweepCharts { charts[sweep.fileName] = sweep.svg() }
        charts.merge(pageCharts) { $1 }
        charts.merge(indexCharts) { $1 }
        var files: [(path: String, data: Data)] = []
        let order = ["index", "page-cost", "measured", "comparison", "summary", "glossary", "verification", "conventions"]
            + model.docs.map { "op-\($0.vendorClass)" }
        let nav = order.compactMap { page in markdown.first { $0.page == page } }
        let pages = markdown.sorted(by: { $0.page < $1.page })
        let sitePages = Set(markdown.map(\.page))
        let generator = self
        let chartFiles = charts
        let modelName = report.workload.model.description.name
        let htmlPages = try parallelMap(pages.map { Page(page: $0.page, title: $0.title, text: $0.text) }) { page in
            try generator.htmlPage(
                (page.page, page.title, page.text), modelName: modelName, nav: nav, pages: sitePages, templates: templates, charts: chartFiles)
        }
        for (page, html) in zip(pages, htmlPages) {
            files.append(("kb/\(page.page).md", Data(page.text.utf8)))
            files.append(("html/\(page.page).html", Data(html.utf8)))
        }
        for (name, svg) in charts.sorted(by: { $0.key < $1.key }) {
            files.append(("kb/\(name)", Data(svg.utf8)))
            files.append(("html/\(name)", Data(svg.utf8)))
        }
        // The downloads sit beside the pages that link to them, and at the top for scripts.
        let json = Data((try report.json().rendered() + "\n").utf8)
        let csv = Data(try report.csv().utf8)
        for folder in ["kb/", "html/", ""] {
            files.append(("\(folder)report.csv", csv))
            files.append(("\(folder)report.json", json))
        }
        return files
    }

    /// The summary page alone, as Markdown and as self-contained HTML (its charts inlined):
    /// what `report --format md|html` prints, for a report of any stages.
    public func summaryPage(report: ModelReport) throws -> (markdown: String, html: String) {
        let templates = try TemplateSet(root: root)
        let rooflines = RooflineOverview(report: report, directory: LayerPageBuilder(report: report, docs: SiteModel(report.workload.model).docs).directory)
        let stageCharts = try rooflines.stageCharts()
        let (text, sweepCharts) = try Self.summaryMarkdown(
            report: report, directory: rooflines.directory, stageCharts: stageCharts, templates: templates)
        var charts: [String: String] = [:]
        for chart in stageCharts { charts[chart.file] = chart.svg }
        for sweep in sweepCharts { charts[sweep.fileName] = sweep.svg() }
        let page = (page: "summary", title: "Model summary", text: text)
        return (text, try htmlPage(
            page, modelName: report.workload.model.description.name, nav: [page], pages: [page.page], templates: templates, charts: charts))
    }

    /// The summary page's Markdown and the sweep charts it shows.
    private static func summaryMarkdown(
        report: ModelReport, directory: ConfigurationDirectory, stageCharts: [RooflineOverview.Chart], templates: TemplateSet
    ) throws -> (String, [SweepChart]) {
        let sweepCharts = try Self.sweepCharts(for: report)
        var view = try SummaryPageBuilder(report: report, directory: directory).view()
        view["stageCharts"] = stageCharts.map { ["title": $0.title, "file": $0.file] }
        view["sweeps"] = sweepCharts.map { ["title": $0.title, "file": $0.fileName] }
        return (try templates.render("summary.md", view), sweepCharts)
    }

    /// Renders the site and swaps it into `output`; on any error `output` is left as it was.
    /// `output` must be new, empty or a site modelmeter wrote (see `AtomicOutput`).
    @discardableResult
    public func generate(report: ModelReport, output: URL) throws -> [String] {
        let target = try AtomicOutput.prepare(output, projectRoot: root, displayName: output.path)
        let files = try render(report: report)
        try AtomicOutput.replace(target, with: files)
        return files.map(\.path)
    }

    // MARK: - Pieces

    /// A page that can be rendered on its own.
    private enum PageJob: Sendable {
        case layer(LayerDoc)
        case summary
        case verification
        case pageCost
        case gpuPages
        case measured
        /// "DeepSeek-OCR vs DeepSeek-OCR 2", on DeepSeek-OCR 2's site.
        case comparison
        /// "Models side by side", on DeepSeek-OCR's site.
        case models
    }

    private enum PageOutput {
        case layer(LayerDoc, text: String, point: RooflinePoint, tree: [String: String], link: [String: String])
        case summary(text: String, charts: [SweepChart])
        case verification(text: String)
        case pageCost(text: String, charts: [String: String])
        case gpuPages([(page: String, title: String, text: String)], charts: [String: String])
        case measured(text: String, chart: String)
        case comparison(text: String)
        case models(text: String)
    }

    /// One layer page, its roofline point for the chart, and its row on the index.
    private static func layerPage(
        _ doc: LayerDoc, report: ModelReport, builder: LayerPageBuilder, root: URL, templates: TemplateSet, links: LinkMap
    ) throws -> PageOutput {
        guard let occurrence = builder.directory.occurrences[doc.vendorClass] else {
            throw SiteError(file: doc.hintDoc, "no \(doc.vendorClass) module in the workload \(report.workload.summary)")
        }
        let hint = try HintDocument.load(root: root, path: doc.hintDoc)
        try HintFigures.check(root: root, path: doc.hintDoc)
        guard hint.title == doc.vendorClass else {
            throw SiteError(file: doc.hintDoc, line: 1, "title '# \(hint.title)' should be '# \(doc.vendorClass)'")
        }
        var view = try builder.view(for: occurrence, hint: hint, links: links)
        view["neighbours"] = Self.neighbours(of: doc, in: SiteModel(report.workload.model).docs)
        if let note = report.workload.model.description.layerNote(for: doc) {
            let preamble = view["preamble"] as? String ?? ""
            view["preamble"] = "> \(note)" + (preamble.isEmpty ? "" : "\n\n" + preamble)
        }
        // The module tree of the most expensive configuration, drawn from the model's own tree.
        let primaryTree = try occurrence.configurations[0].layer.evaluate(precision: report.precision)
        var tree: [String: String] = [:]
        if !primaryTree.children.isEmpty {
            let file = "tree-op-\(doc.vendorClass).svg"
            tree[file] = ModuleTreeDiagram(title: "\(doc.vendorClass) · \(occurrence.configurations[0].name)", root: primaryTree).svg()
            view["moduleTree"] = [["file": file]]
        } else {
            view["moduleTree"] = [[String: String]]()
        }
        let text = try templates.render("layer.md", view)
        let primary = occurrence.configurations[0]
        let point = try report.roofline(primary.metrics.forward)
        return .layer(doc, text: text, point: point, tree: tree, link: [
            "name": doc.vendorClass, "page": "op-\(doc.vendorClass).md",
            "forward": Format.flops(primary.metrics.forward.totalFLOPs),
            "bound": point.bound.rawValue,
            "instances": Format.count(occurrence.configurations.reduce(0) { $0 + $1.paths.count }),
            "configurations": Format.count(occurrence.configurations.count),
        ])
    }

    /// "← previous: [A](op-A.md) · next: [C](op-C.md) →" in the order of `docs`, the site's layer pages.
    static func neighbours(of doc: LayerDoc, in docs: [LayerDoc]) -> String {
        guard let index = docs.firstIndex(where: { $0.vendorClass == doc.vendorClass }) else { return "" }
        var parts: [String] = []
        if index > 0 { parts.append("← previous: [\(docs[index - 1].vendorClass)](op-\(docs[index - 1].vendorClass).md)") }
        if index + 1 < docs.count { parts.append("next: [\(docs[index + 1].vendorClass)](op-\(docs[index + 1].vendorClass).md) →") }
        return parts.joined(separator: " · ")
    }

    /// A rendered Markdown page.
    private struct Page: Sendable {
        let page: String
        let title: String
        let text: String
    }

    /// Sweeps over the vendor modes and over crop grids for the report's batch, kernel and
    /// precision: the charts the summary page shows.
    static func sweepCharts(for report: ModelReport) throws -> [SweepChart] {
        let base = report.workload
        // One point per shape: evaluating each directly is cheaper than fitting batch-affine forms.
        let resolution = Sweep(
            dimension: .resolution, points: try Sweep.resolutionPoints(base: base), precision: report.precision,
            strategy: .direct)
        let crops = Sweep(
            dimension: .crops, points: try Sweep.cropPoints(try Sweep.defaultGrids(), base: base),
            precision: report.precision, strategy: .direct)
        return try resolution.evaluate().charts() + crops.evaluate().charts()
    }

    /// Replaces `<img src="chart.svg" …>` of generated charts with the SVG itself, so the page
    /// stays self-contained. Runs over sanitized HTML only (see the tag-end rule below).
    static func inlineCharts(_ html: String, charts: [String: String]) -> String {
        // Byte search: Foundation's string search is slow on Linux and this runs on every page.
        let bytes = Array(html.utf8)
        let marker = Array("<img src=\"".utf8)
        var out: [UInt8] = []
        var index = 0
        var copied = 0
        while index + marker.count <= bytes.count {
            guard bytes[index] == marker[0], bytes[index..<(index + marker.count)].elementsEqual(marker) else {
                index += 1
                continue
            }
            let sourceStart = index + marker.count
            // The sanitizer wrote every tag and escaped `<` and `>` in attribute values, so the
            // first `>` after the source ends this tag, whatever its title or alt holds.
            guard let quote = bytes[sourceStart...].firstIndex(of: UInt8(ascii: "\"")),
                  let close = bytes[quote...].firstIndex(of: UInt8(ascii: ">")),
                  let svg = charts[String(decoding: bytes[sourceStart..<quote], as: UTF8.self)] else {
                index += 1
                continue
            }
            out += bytes[copied..<index]
            out += Array("<figure class=\"chart\">\(svg)</figure>".utf8)
            index = close + 1
            copied = index
        }
        if copied == 0 { return html }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Adds line-break opportunities (`<wbr>`) to module paths and run names in table cells (code
    /// holding a `.` or `/`): after each `.`, `/` and `_` and between the words of a camel-case
    /// name, so `model.layers.1…11.mlp.shared_experts` wraps between its parts and words and never
    /// inside a word. Names without a `.` or `/` (`FlopCounterMode`) stay whole.
    static func breakablePaths(_ html: String) -> String {
        let bytes = Array(html.utf8)
        let cellOpen = Array("<td".utf8), cellClose = Array("</td>".utf8)
        let codeOpen = Array("<code>".utf8), codeClose = Array("</code>".utf8), wordBreak = Array("<wbr>".utf8)
        let (lt, dot, slash, underscore) = (UInt8(ascii: "<"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "_"))
        func matches(_ pattern: [UInt8], at index: Int) -> Bool {
            index + pattern.count <= bytes.count && bytes[index..<(index + pattern.count)].elementsEqual(pattern)
        }
        func isLower(_ b: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) }
        func isUpper(_ b: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        var inCell = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == lt {
                if matches(cellOpen, at: index) { inCell = true }
                else if matches(cellClose, at: index) { inCell = false }
                else if inCell && matches(codeOpen, at: index) {
                    let start = index + codeOpen.count
                    var end = start
                    while end < bytes.count && !matches(codeClose, at: end) { end += 1 }
                    let content = bytes[start..<end]
                    out += codeOpen
                    let isPath = content.contains(dot) || content.contains(slash)
                    for (offset, b) in content.enumerated() {
                        let position = start + offset
                        if isPath && isUpper(b) && position > start && isLower(bytes[position - 1]) { out += wordBreak }
                        out.append(b)
                        if isPath && (b == dot || b == slash || b == underscore) { out += wordBreak }
                    }
                    index = end
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Every layer type has a hint doc and every op doc in the model's own folder has a layer
    /// type (shared layers' docs live in the folder of the model that introduced them).
    private func checkLayerDocCoverage(_ model: SiteModel) throws {
        let opsFolder = model.opsFolder
        let expected = Set(model.docs.filter { $0.knowledgeBase == model.knowledgeBase }.map {
            URL(fileURLWithPath: $0.hintDoc).lastPathComponent
        })
        let folder = root.appendingPathComponent(opsFolder)
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw SiteError(file: opsFolder, "hint-doc folder is missing or unreadable")
        }
        for file in files.sorted() where file.hasSuffix(".md") && !expected.contains(file) {
            throw SiteError(file: "\(opsFolder)/\(file)", "hint doc has no layer type in the model")
        }
        for name in expected.sorted() where !files.contains(name) {
            throw SiteError(file: "\(opsFolder)/\(name)", "hint doc is missing")
        }
        for doc in model.docs where doc.knowledgeBase != model.knowledgeBase
            && !FileManager.default.fileExists(atPath: root.appendingPathComponent(doc.hintDoc).path) {
            throw SiteError(file: doc.hintDoc, "hint doc is missing")
        }
    }

    func conventionsView(_ doc: HintDocument, links: LinkMap, report: any ModuleReport) throws -> [String: Any] {
        let costs: [[String: Any]] = ElementwiseOp.allCases.map {
            ["op": $0.rawValue, "forward": "\($0.forwardFLOPsPerElement)", "backward": "\($0.backwardFLOPsPerElement)", "summary": $0.summary,
             "saved": $0.savedTensors == 0 ? "nothing" : $0.savedTensorNames]
        }
        let gpus: [[String: Any]] = try GPUCatalog.all.map { gpu in
            let bf16 = try gpu.tensorCorePeak(for: .bf16)
            return [
                "name": Markup.escape(gpu.name, for: .markdown), "id": gpu.id,
                "tensor": "\(bf16.teraFLOPS) (\(bf16.precision), \(bf16.accumulate) acc., \(bf16.sparsity))",
                "cuda": "\(gpu.cudaCorePeak.teraFLOPS)",
                "bandwidth": "\(Int(gpu.memoryBandwidthGBps))",
                "ridge": String(format: "%.1f", bf16.teraFLOPS * 1e12 / (gpu.memoryBandwidthGBps * 1e9)),
                "source": Markup.escape(gpu.source, for: .markdown),
            ]
        }
        let body = try links.rewrite(doc.body, source: Self.conventionsPath, firstLine: doc.bodyLine)
        return [
            "title": doc.title,
            "body": (report as? ModelReport)?.workload.model.description.conventionsNote.map { "> \($0)\n\n" + body } ?? body,
            "costs": costs,
            "gpus": gpus,
        ]
    }

    func htmlPage(
        _ page: (page: String, title: String, text: String), modelName: String, nav: [(page: String, title: String, text: String)],
        pages: Set<String>, templates: TemplateSet, charts: [String: String]
    ) throws -> String {
        var options: RenderOptions = [.headingAnchors]
        if allowRawHTML { options.insert(.unsafe) }
        // The whole page, templates included, before cmark sees it.
        try MarkdownLimits.check(page.text, file: "kb/\(page.page).md")
        var body = HTMLLinks.rewrite(CommonMark.html(from: page.text, options: options), pages: pages)
        body = Self.breakablePaths(FlowchartDiagram.inline(Self.inlineCharts(body, charts: charts)))
        let view: [String: Any] = [
            "title": page.title,
            "modelName": modelName,
            "content": body,
            "nav": nav.map { ["href": "\($0.page).html", "label": $0.title, "current": $0.page == page.page] },
        ]
        return try templates.render("page.html", view)
    }
}
