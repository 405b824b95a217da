import ArgumentParser
import DeepSeekOCR
import Foundation
import LiterateReport
import ModelMeter

/// `modelmeter report`: regenerate the knowledge base (default), or print one report.
struct ReportCommand: TextCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Regenerate the knowledge base in --output, or print one report with --format.",
        discussion: """
        Without --format, writes output/kb (Markdown), output/html (self-contained HTML), the roofline \
        SVG and report.json; the previous output folder is replaced only when everything rendered.
        """)

    @OptionGroup var options: WorkloadOptions
    @OptionGroup var hardware: HardwareOptions

    @Option(help: "Print a single report instead of the site.")
    var format: ReportFormat?

    @Option(help: """
        With --format: the stages reported (default vision). Decoder modules are keyed \
        prefill/<path> and decode/<path>. The site always shows every stage.
        """)
    var stage: StageChoice?

    @Option(help: "With --format: write the report to this file instead of stdout.")
    var file: String?

    @Option(help: "Folder the knowledge base is written to.")
    var output: String = "output"

    @Option(help: "Project root holding context/ and templates/.")
    var root: String = "."

    @Option(help: "With --model on a deepseek_v2/deepseek_v3 config: naive (transformers' path, default) or absorbed (serving engines).")
    var mla: LatentAttentionMode?

    @Flag(help: "Pass raw HTML from hint docs into the HTML pages (scripts, handlers, embeds and script URLs are always removed).")
    var allowRawHTML = false

    /// The report for these options.
    func report(stages: [ModelStage]) throws -> ModelReport {
        let workload = try options.workload()
        let (gpu, precision) = try hardware.checked()
        return try ModelReport(workload: workload, gpu: gpu, precision: precision, stages: stages)
    }

    func execute() throws -> String {
        if let path = options.configDecoderPath { return try configDecoderReport(path: path) }
        if let mla { throw CommandLineError("--mla \(mla.rawValue) needs --model CONFIG.json (a deepseek_v2 or deepseek_v3 config)") }
        let wanted = format
        if let file, wanted == nil {
            throw CommandLineError("--file \(file) needs --format (json, csv, md or html)")
        }
        if wanted == nil, output.isEmpty { throw CommandLineError("--output is empty; name the folder for the site, e.g. output") }
        if wanted == nil { try PathLimits.check(output, option: "--output") }
        if let file { try PathLimits.check(file, option: "--file") }
        if let stage, wanted == nil {
            throw CommandLineError("--stage \(stage.rawValue) needs --format (json, csv, md or html); the site shows every stage")
        }
        let stages = wanted == nil ? ModelStage.allCases : (stage ?? .vision).stages
        let report = try report(stages: stages)
        let generator = SiteGenerator(root: URL(fileURLWithPath: root), allowRawHTML: allowRawHTML)
        guard let wanted else {
            let written = try generator.generate(report: report, output: URL(fileURLWithPath: output))
            return "modelmeter: wrote \(written.count) files to \(output)/ for \(report.workload.summary) on \(report.gpu.name)\n"
        }
        let text: String
        switch wanted {
        case .json: text = try report.json().rendered() + "\n"
        case .csv: text = try report.csv()
        case .md, .html:
            let page = try generator.summaryPage(report: report)
            text = wanted == .md ? page.markdown : page.html
        }
        return try OutputFile.write(text, to: file)
    }

    /// Prefill positions of a config decoder's site when `--tokens` is not given.
    static let siteTokens = 1024

    /// `--model CONFIG.json`: the decoder's prefill and/or decode step as JSON, or its site.
    private func configDecoderReport(path: String) throws -> String {
        // A config decoder prints JSON only; without --format it writes its knowledge base.
        if let format, format != .json {
            throw ModelMeterError.unknownName(kind: "format", name: format.rawValue, accepted: ["json"])
        }
        let decoder = try ConfigDecoder(path: path, latentMode: mla ?? .naive)
        if let mla, decoder.config.latent == nil {
            throw CommandLineError("--mla \(mla.rawValue) applies to deepseek_v2/deepseek_v3 configs; \(decoder.config.source) is \(decoder.config.family.rawValue)")
        }
        if format == nil { return try configDecoderSite(path: path, decoder: decoder) }
        // A config decoder has no image positions; its own max_position_embeddings bounds S and L.
        let settings = try options.decoderSettings(visionTokensPerPage: 0, positions: decoder.config.maxPositions)
        try WorkloadLimits.checkBatch(options.batch)
        let workload = DecoderWorkload(
            batch: options.batch,
            prefillTokens: settings.prefillTokens, decodeContext: settings.decodeContext, kernel: options.attention,
            logits: settings.logits)
        var stages: [ModelStage] = []
        if let stage {
            stages = stage.stages.filter { stage != .all || $0 != .vision }
        } else {
            if workload.prefillTokens != nil { stages.append(.prefill) }
            if workload.decodeContext != nil { stages.append(.decode) }
        }
        guard !stages.isEmpty else {
            throw CommandLineError("--model \(path) needs --tokens S (a prefill) and/or --context L (a decode step)")
        }
        let (gpu, precision) = try hardware.checked()
        let report = try DecoderReport(decoder: decoder, workload: workload, gpu: gpu, precision: precision, stages: stages)
        return try OutputFile.write(try report.json().rendered() + "\n", to: file)
    }

    /// `--model CONFIG.json` without `--format`: the decoder's knowledge base in `--output`,
    /// pricing a prefill of `--tokens` (default 1024, at most half of max_position_embeddings)
    /// and a decode step against `--context` (default the prefill length).
    private func configDecoderSite(path: String, decoder: ConfigDecoder) throws -> String {
        if let stage { throw CommandLineError("--stage \(stage) needs --format json; the site shows every stage") }
        if let file { throw CommandLineError("--file \(file) needs --format json; the site is written to --output") }
        if output.isEmpty { throw CommandLineError("--output is empty; name the folder for the site, e.g. output-llama") }
        try PathLimits.check(output, option: "--output")
        let settings = try options.decoderSettings(visionTokensPerPage: 0, positions: decoder.config.maxPositions)
        try WorkloadLimits.checkBatch(options.batch)
        let tokens = settings.prefillTokens ?? min(Self.siteTokens, max(1, decoder.config.maxPositions / 2))
        let context = settings.decodeContext ?? min(tokens, decoder.config.maxPositions - 1)
        let workload = DecoderWorkload(
            batch: options.batch, prefillTokens: tokens, decodeContext: context, kernel: options.attention, logits: settings.logits)
        let (gpu, precision) = try hardware.checked()
        let report = try DecoderReport(decoder: decoder, workload: workload, gpu: gpu, precision: precision, stages: [.prefill, .decode])
        let generator = SiteGenerator(root: URL(fileURLWithPath: root), allowRawHTML: allowRawHTML)
        let written = try generator.generate(decoderReport: report, output: URL(fileURLWithPath: output))
        return "modelmeter: wrote \(written.count) files to \(output)/ for \(report.workloadSummary) on \(report.gpu.name)\n"
    }
}
