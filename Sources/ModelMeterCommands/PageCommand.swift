import ArgumentParser
import DeepSeekOCR
import Foundation
import ModelMeter

/// `modelmeter page`: what a page costs end to end (vision, prefill, N decode steps) on a GPU.
struct PageCommand: TextCommand {
    static let configuration = CommandConfiguration(
        commandName: "page",
        abstract: "What a page costs end to end: vision, prefill and every decode step, per page and per day.",
        discussion: """
        B = --batch pages run together: the vision stack on every view, the prefill of the prompt \
        (P = image positions + --prompt-tokens), then --output-tokens decode steps against a cache of \
        P, P + 1, … positions, summed in closed form. Times are roofline lower bounds: one roofline per \
        model call, summed over the decode steps. P + N must not exceed 8192 positions, and the job \
        must fit in the GPU's memory. --sweep output-tokens|batch|gpu|page|mode --values a,b,c \
        prints one row per value (csv or json). --serving adds the batch analysis (largest batch \
        that fits, throughput and latency per batch) to json and text.
        """)

    @OptionGroup var options: WorkloadOptions
    @OptionGroup var hardware: HardwareOptions

    @Option(parsing: .unconditional, help: "Output tokens generated per page, N (default 1000: a dense page).")
    var outputTokens: Int = PageWorkload.defaultOutputTokens

    @Option(help: "Prefill lm_head positions: last (serving engines such as vLLM) or all (Hugging Face forward).")
    var prefillLogits: LogitPositions = .last

    @Option(help: "Output format.")
    var format: PageFormat = .text

    @Option(help: "Sweep one dimension (needs --values).")
    var sweep: PageSweepDimension?

    @Option(help: "With --sweep: comma-separated values (numbers, GPU ids, WIDTHxHEIGHT page sizes or modes).")
    var values: String?

    @Flag(help: "Add the serving analysis: the largest batch that fits, throughput and latency per batch.")
    var serving = false

    @Option(help: "Add a forecast beside the bound with a fitted runtime profile (context/measurements/fits/<runtime>.json under --root).")
    var runtime: RuntimeName?

    @Option(help: "Project root holding context/measurements/fits/ (default: the current folder; used with --runtime).")
    var root: String = "."

    @Option(help: ArgumentHelp("Benchmark: evaluate this many page points and print the time taken.", visibility: .hidden))
    var benchmarkPoints: Int?

    /// The largest `--benchmark-points`: the documented 100,000 (2 µs per point in a release build).
    static let maximumBenchmarkPoints = 100_000

    /// The page job these options describe; one-line errors for bad values.
    func pageWorkload() throws -> PageWorkload {
        if options.tokens != nil {
            throw CommandLineError("--tokens does not apply to page: the prompt is the page's image positions + --prompt-tokens")
        }
        if options.context != nil {
            throw CommandLineError("--context does not apply to page: decode runs every step from the prompt to the last output token")
        }
        let (_, precision) = try hardware.checked()
        return try PageWorkload(
            workload: try options.workload(), outputTokens: outputTokens, prefillLogits: prefillLogits, precision: precision)
    }

    func execute() throws -> String {
        if let benchmarkPoints {
            try ModelMeterError.requirePositive(benchmarkPoints, "--benchmark-points", in: "page")
            try ModelMeterError.requireAtMost(
                benchmarkPoints, Self.maximumBenchmarkPoints, "--benchmark-points", in: "page",
                because: "the documented benchmark; about 0.2 s in a release build")
            let run = try PageBenchmark.run(points: benchmarkPoints)
            return String(
                format: "page benchmark: %ld page points (page size x output tokens x batch x GPU) in %.3f s on one core (%.2f us per point; checksum %.6e)\n",
                run.points, run.seconds, run.seconds * 1e6 / Double(run.points), run.checksum)
        }
        if let path = options.configDecoderPath { return try configDecoderPage(path: path) }
        let page = try pageWorkload()
        let gpu = try hardware.selectedGPU()
        if let dimension = sweep {
            if runtime != nil { throw CommandLineError("--runtime does not apply to --sweep: sweeps print bounds only") }
            guard let values else { throw CommandLineError("--sweep \(dimension.rawValue) needs --values (comma-separated)") }
            if dimension == .page, options.page == nil, !page.workload.mode.cropMode {
                throw CommandLineError("--sweep page needs crop mode (gundam); \(page.workload.mode.rawValue) has a single view")
            }
            let result = try PageSweep(
                base: page, gpu: gpu, dimension: dimension, values: try listItems([values], option: "--values"),
                gpuNamed: GPUCatalog.named)
            switch format {
            case .json: return result.json().rendered() + "\n"
            case .csv: return result.csv()
            case .text: return zip(result.labels, result.results).map { "\(dimension.rawValue) = \($0):\n" + PageReport.text($1) }.joined(separator: "\n")
            }
        }
        if values != nil { throw CommandLineError("--values needs --sweep (output-tokens, batch, gpu, page or mode)") }
        let evaluator = PageCostEvaluator(for: page)
        let result = try evaluator.result(page, gpu: gpu)
        if !result.fitsInMemory {
            try PageReport.requireFits(result, largestBatch: try ServingAnalysis.largestBatch(page: page, gpu: gpu, evaluator: evaluator))
        }
        let analysis = serving ? try ServingAnalysis(page: page, gpu: gpu, evaluator: evaluator) : nil
        var forecast: PageForecast?
        var continuous: ContinuousServing?
        if let runtime {
            let path = try ProfileFit.profilePath(root: root, runtime: runtime.description)
            let profile = try RuntimeProfile.load(path)
            forecast = try PageForecast(page: page, gpu: gpu, profile: profile, profileFile: path, evaluator: evaluator)
            if serving, let settings = profile.serving {
                continuous = try ContinuousServing(page: page, gpu: gpu, settings: settings, evaluator: evaluator, profile: profile)
            }
        }
        switch format {
        case .json:
            guard case let .object(fields) = PageReport.json(result) else { return "" }
            var extra: [(String, JSONValue)] = [("timesAre", .string("roofline lower bounds; the forecast object, when present, holds the forecast"))]
            if let forecast { extra.append(("forecast", forecast.json())) }
            if let analysis {
                guard case let .object(servingFields) = servingJSON(analysis) else { return "" }
                extra.append(("serving", .object(servingFields + (continuous.map { [("continuousBatching", $0.json())] } ?? []))))
            }
            return JSONValue.object(fields + extra).rendered() + "\n"
        case .csv:
            if runtime != nil { throw CommandLineError("--runtime adds a forecast to text and json; csv has the bound only") }
            return PageSweep(dimension: .batch, labels: ["\(page.batch)"], results: [result]).csv()
        case .text:
            var text = PageReport.text(result)
            if let forecast { text += forecast.text(bound: result) }
            if let analysis { text += servingText(analysis) }
            if let continuous { text += continuous.text() }
            return text
        }
    }

    /// `--model CONFIG.json`: a text-only job on the decoder, a prefill of `--prompt-tokens`
    /// (default 10) positions and `--output-tokens` decode steps, as text or JSON.
    private func configDecoderPage(path: String) throws -> String {
        try options.requireNoVisionOptions(model: path)
        if options.tokens != nil {
            throw CommandLineError("--tokens does not apply to page: the prompt is --prompt-tokens positions")
        }
        if options.context != nil {
            throw CommandLineError("--context does not apply to page: decode runs every step from the prompt to the last output token")
        }
        if let sweep { throw CommandLineError("--sweep \(sweep.rawValue) applies to DeepSeek-OCR pages; sweep a config decoder with modelmeter sweep --model \(path)") }
        if values != nil { throw CommandLineError("--values needs --sweep, which applies to DeepSeek-OCR pages") }
        if serving { throw CommandLineError("--serving applies to DeepSeek-OCR pages, not to --model \(path)") }
        if let runtime { throw CommandLineError("--runtime \(runtime) applies to DeepSeek-OCR pages: its profiles were fitted on DeepSeek-OCR") }
        if format == .csv { throw CommandLineError("--format csv applies to DeepSeek-OCR pages; --model \(path) prints text or json") }
        let decoder = try ConfigDecoder(path: path)
        let (gpu, precision) = try hardware.checked()
        let promptTokens = options.promptTokens ?? DecoderSettings().promptTextTokens
        try WorkloadLimits.checkPositions(
            promptTokens, "--prompt-tokens", allowZero: false, largest: decoder.config.maxPositions, maxPositions: decoder.config.maxPositions)
        try WorkloadLimits.checkBatch(options.batch)
        let job = try DecoderJob(
            decoder: decoder, batch: options.batch, promptTokens: promptTokens, outputTokens: outputTokens,
            kernel: options.attention, prefillLogits: prefillLogits, precision: precision)
        let result = try job.result(gpu: gpu)
        return format == .json ? result.json().rendered() + "\n" : result.text()
    }

    private func servingJSON(_ analysis: ServingAnalysis) -> JSONValue {
        .object([
            ("largestBatch", .int(analysis.largestBatch)),
            ("decodeComputeBoundFromBatch", analysis.decodeComputeBoundBatch.map { .int($0) } ?? .null),
            ("decodeIntensityAtLargestSearchedBatch", .double(analysis.decodeIntensityAtLargestSearched)),
            ("ridgePoint", .double(analysis.ridgePoint)),
            ("curve", .array(analysis.curve.map { r in
                .object([
                    ("batch", .int(r.page.batch)),
                    ("batchSeconds", .double(r.batchSeconds)),
                    ("pagesPerDay", .double(r.pagesPerDay)),
                    ("outputTokensPerSecond", .double(r.outputTokensPerSecond)),
                    ("peakMemoryBytes", .int(r.peakMemoryBytes)),
                ])
            })),
        ])
    }

    private func servingText(_ analysis: ServingAnalysis) -> String {
        var lines = ["serving on \(analysis.gpu.name): at most \(analysis.largestBatch) pages fit in \(Int(analysis.gpu.memoryGB)) GB"]
        for r in analysis.curve {
            lines.append(String(
                format: "  B = %ld: latency %@, %.0f pages/day, %.0f output tokens/s, peak memory %@",
                r.page.batch, SIUnits.seconds(r.batchSeconds), r.pagesPerDay, r.outputTokensPerSecond, SIUnits.bytes(r.peakMemoryBytes)))
        }
        if let b = analysis.decodeComputeBoundBatch {
            lines.append("decode's first step leaves the memory roof at B = \(b)")
        } else {
            lines.append(String(
                format: "decode stays memory-bound at every batch up to %ld: intensity %.1f FLOP/B < ridge %.1f FLOP/B",
                ServingAnalysis.largestBatchSearched, analysis.decodeIntensityAtLargestSearched, analysis.ridgePoint))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
