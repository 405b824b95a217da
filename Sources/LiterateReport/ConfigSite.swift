import CommonMark
import DeepSeekOCR
import Foundation
import ModelMeter

/// The knowledge base of a decoder read from a `config.json` (`report --model CONFIG.json
/// --output DIR`): a front page (the configuration, prefill and decode step on the chosen GPU),
/// one layer page per documented class of its `transformers` module tree, the summary, the
/// models side by side and the counting conventions, written with the same safety rules as
/// DeepSeek-OCR's site (`AtomicOutput`).
///
/// A class that computes what a DeepSeek-OCR layer computes (`Qwen2Attention` is
/// `LlamaAttention`) gets its page under its own name with that layer's hint doc; the classes
/// `transformers` adds (latent attention, routers, 3-D experts, `DeepseekV3MoE`) bring theirs
/// from `ConfigDecoder.knowledgeBase`.
extension SiteGenerator {
    /// One layer page of a config site: the class as `transformers` names it and the hint doc
    /// of the layer that computes it.
    struct ConfigLayerPage {
        /// The page's doc: `vendorClass` is the class name, `vendorFile` the family's modeling file.
        let page: LayerDoc
        /// The doc whose prose the page shows (its title is the layer's own class).
        let hint: LayerDoc
    }

    /// The documented classes of `report` in order of first appearance (prefill first), each
    /// with the hint doc of the layer that computes it.
    /// The page order of a config site, by the layer whose notes a page shows: innermost first,
    /// as on DeepSeek-OCR's site (attention, norms and MLPs, the MoE parts, then the containers).
    static let configPageOrder = [
        "DeepseekV2Attention", "LlamaAttention", "LlamaRotaryEmbedding", "DeepseekV2RMSNorm", "DeepseekV2MLP",
        "DeepseekV2TopkRouter", "DeepseekV3TopkRouter", "DeepseekV2Experts", "DeepseekV3MoE",
        "DeepseekV2DecoderLayer", "DeepseekV2Model", "DeepseekV2ForCausalLM",
    ]

    static func configLayerPages(_ report: DecoderReport) -> [ConfigLayerPage] {
        var pages: [ConfigLayerPage] = []
        var seen = Set<String>()
        for instance in report.instancesWithRoots {
            guard let hint = instance.layer.doc, seen.insert(instance.layer.typeName).inserted else { continue }
            let page = LayerDoc(
                vendorClass: instance.layer.typeName, vendorFile: report.decoder.vendorFile,
                knowledgeBase: ConfigDecoder.knowledgeBase)
            pages.append(ConfigLayerPage(page: page, hint: hint))
        }
        func rank(_ page: ConfigLayerPage) -> Int { configPageOrder.firstIndex(of: page.hint.vendorClass) ?? configPageOrder.count }
        return pages.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// Renders the config site and swaps it into `output`; on any error `output` is left as it was.
    @discardableResult
    public func generate(decoderReport report: DecoderReport, output: URL) throws -> [String] {
        let target = try AtomicOutput.prepare(output, projectRoot: root, displayName: output.path)
        let files = try render(decoderReport: report)
        try AtomicOutput.replace(target, with: files)
        return files.map(\.path)
    }

    /// Every file of a config decoder's site, relative to the output folder, in a stable order.
    public func render(decoderReport report: DecoderReport) throws -> [(path: String, data: Data)] {
        let templates = try TemplateSet(root: root)
        let layerPages = Self.configLayerPages(report)
        let readmePath = "\(ConfigDecoder.knowledgeBase)/README.md"
        let readme = try HintDocument.load(root: root, path: readmePath, requireSections: false)
        let conventions = try HintDocument.load(root: root, path: Self.conventionsPath, requireSections: false)
        var pageOfSource = [Self.readmePath: "index", Self.conventionsPath: "conventions", readmePath: "index"]
        for model in OCRModel.allCases { pageOfSource["\(model.description.knowledgeBase)/README.md"] = "index" }
        for layer in layerPages where pageOfSource[layer.hint.hintDoc] == nil {
            pageOfSource[layer.hint.hintDoc] = "op-\(layer.page.vendorClass)"
        }
        // Every other layer's doc (another model's, or a class this config does not use) stays as text.
        let shown = Set(layerPages.map(\.hint.hintDoc))
        let everyDoc = OCRModel.allCases.flatMap { $0.description.layerDocs.map(\.hintDoc) } + Self.configHintDocs(root: root)
        let links = LinkMap(pages: pageOfSource, unlinked: Set(everyDoc.filter { !shown.contains($0) }))

        let builder = LayerPageBuilder(report: report, docs: layerPages.map(\.page))
        let rooflines = RooflineOverview(report: report, directory: builder.directory)
        var markdown: [(page: String, title: String, text: String)] = []
        var charts: [String: String] = [:]
        var layerLinks: [[String: String]] = []
        for (index, layer) in layerPages.enumerated() {
            guard let occurrence = builder.directory.occurrences[layer.page.vendorClass] else { continue }
            let hint = try HintDocument.load(root: root, path: layer.hint.hintDoc)
            try HintFigures.check(root: root, path: layer.hint.hintDoc)
            guard hint.title == layer.hint.vendorClass else {
                throw SiteError(file: layer.hint.hintDoc, line: 1, "title '# \(hint.title)' should be '# \(layer.hint.vendorClass)'")
            }
            var view = try builder.view(for: occurrence, hint: hint, links: links)
            view["hintDoc"] = layer.hint.hintDoc
            var neighbours: [String] = []
            if index > 0 {
                let previous = layerPages[index - 1].page.vendorClass
                neighbours.append("← previous: [\(previous)](op-\(previous).md)")
            }
            if index + 1 < layerPages.count {
                let next = layerPages[index + 1].page.vendorClass
                neighbours.append("next: [\(next)](op-\(next).md) →")
            }
            view["neighbours"] = neighbours.joined(separator: " · ")
            let primary = occurrence.configurations[0]
            let tree = try primary.layer.evaluate(precision: report.precision)
            if tree.children.isEmpty {
                view["moduleTree"] = [[String: String]]()
            } else {
                let file = "tree-op-\(layer.page.vendorClass).svg"
                charts[file] = ModuleTreeDiagram(title: "\(layer.page.vendorClass) · \(primary.name)", root: tree).svg()
                view["moduleTree"] = [["file": file]]
            }
            let chart = try rooflines.layerChart(occurrence)
            charts[chart.file] = chart.svg
            markdown.append(("op-\(layer.page.vendorClass)", layer.page.vendorClass, try templates.render("layer.md", view)))
            let point = try report.roofline(primary.metrics.forward)
            layerLinks.append([
                "name": layer.page.vendorClass, "page": "op-\(layer.page.vendorClass).md",
                "hint": layer.hint.vendorClass == layer.page.vendorClass ? "" : " (as \(layer.hint.vendorClass))",
                "forward": Format.flops(primary.metrics.forward.totalFLOPs), "bound": point.bound.rawValue,
                "instances": Format.count(occurrence.configurations.reduce(0) { $0 + $1.paths.count }),
                "configurations": Format.count(occurrence.configurations.count),
            ])
        }
        let stageCharts = try rooflines.stageCharts()
        for chart in stageCharts { charts[chart.file] = chart.svg }

        let comparison = try Self.modelsComparison(root: root, gpu: report.gpu, precision: report.precision, adding: report.decoder)
        markdown.append(("models", "Models side by side", try templates.render("models.md", Self.modelsView(comparison))))
        markdown.append(("summary", "Model summary", try templates.render(
            "config-summary.md", try ConfigSummaryView(report: report, directory: builder.directory).view(stageCharts: stageCharts))))
        markdown.append(("conventions", "Counting conventions", try templates.render(
            "conventions.md", try conventionsView(conventions, links: links, report: report))))
        var index = try ConfigIndexView(report: report).view()
        index["readme"] = try links.rewrite(readme.body, source: readmePath, firstLine: readme.bodyLine)
        index["readmeTitle"] = readme.title
        index["layers"] = layerLinks
        markdown.append(("index", "\(report.decoder.config.source): knowledge base", try templates.render("config-index.md", index)))

        let order = ["index", "summary", "models", "conventions"] + layerPages.map { "op-\($0.page.vendorClass)" }
        let nav = order.compactMap { page in markdown.first { $0.page == page } }
        let pages = markdown.sorted { $0.page < $1.page }
        let sitePages = Set(markdown.map(\.page))
        var files: [(path: String, data: Data)] = []
        for page in pages {
            let html = try htmlPage(page, modelName: report.decoder.config.source, nav: nav, pages: sitePages, templates: templates, charts: charts)
            files.append(("kb/\(page.page).md", Data(page.text.utf8)))
            files.append(("html/\(page.page).html", Data(html.utf8)))
        }
        for (name, svg) in charts.sorted(by: { $0.key < $1.key }) {
            files.append(("kb/\(name)", Data(svg.utf8)))
            files.append(("html/\(name)", Data(svg.utf8)))
        }
        let json = Data((try report.json().rendered() + "\n").utf8)
        for folder in ["kb/", "html/", ""] { files.append(("\(folder)report.json", json)) }
        return files
    }

    /// The op docs of `ConfigDecoder.knowledgeBase`, relative to the project root.
    static func configHintDocs(root: URL) -> [String] {
        let folder = "\(ConfigDecoder.knowledgeBase)/ops"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".md") }.sorted().map { "\(folder)/\($0)" }
    }
}
