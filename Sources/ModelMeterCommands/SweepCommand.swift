import ArgumentParser
import DeepSeekOCR
import Foundation
import LiterateReport
import ModelMeter

/// `modelmeter sweep`: the vision stack (or every stage) over a list of workload points, as CSV or JSON,
/// with optional SVG charts.
struct SweepCommand: TextCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Evaluate the vision stack (or the whole model, --stage all) over resolutions, crop grids or batch sizes.",
        discussion: """
        Per point: vision tokens per page, forward tensor-core and CUDA-core FLOPs, forward I/O bytes, \
        peak activation bytes, weight bytes, and the forward time lower bound on every catalog GPU \
        (plus the --gpu-spec GPU; --gpu keeps only that GPU). The swept quantity replaces --mode, \
        --crops/--page or --batch; the other workload options set the remaining ones.
        Defaults: resolution = the five modes; crops = every grid up to 3x3; batch = 1,2,4,8,16.
        --points N (benchmark) evaluates N distinct points over all 54 model shapes and prints the time taken.
        """)

    @Option(help: "What to vary: resolution, crops or batch (batch or tokens with --model CONFIG.json).")
    var over: SweepAxis

    @Option(help: "Comma-separated values: modes (resolution), WxH grids (crops) or batch sizes (batch).")
    var values: [String] = []

    @Option(help: "With --over crops: comma-separated page sizes WIDTHxHEIGHT; each gets the vendor's grid.")
    var pages: [String] = []

    @Option(help: "Stages summed per point; all is the page: vision + prefill + one decode step.")
    var stage: StageChoice = .vision

    @Option(help: "Table format.")
    var format: TableFormat = .csv

    @Option(help: "Write SVG charts (FLOPs, I/O bytes, activation memory, time per GPU) to this folder.")
    var chartDir: String?

    @Option(help: "Write the table to this file instead of stdout.")
    var file: String?

    @Option(help: ArgumentHelp("Benchmark: evaluate this many distinct points and print the time taken.", visibility: .hidden))
    var points: Int?

    @Flag(help: ArgumentHelp("Benchmark: evaluate every point exactly instead of once per shape in polynomial arithmetic.", visibility: .hidden))
    var direct = false

    @OptionGroup var options: WorkloadOptions

    /// `--gpu` keeps only that catalog GPU in the time columns (default: every catalog GPU);
    /// `--gpu-spec` adds its GPU to them.
    @OptionGroup var hardware: HardwareOptions

    /// The largest `--points`: 10 times the documented benchmark, about 1.5 s in a release build
    /// (15 µs per point, polynomial arithmetic) and a few seconds in a debug one.
    static let maximumBenchmarkPoints = 100_000
    /// The largest `--points` with `--direct`, which evaluates every stage of every point exactly
    /// (about 5 ms per whole-model point in a release build, 10–40 ms in a debug one): 200 points,
    /// about 1 s, and under 10 s in a debug build.
    static let maximumDirectBenchmarkPoints = 200

    func execute() throws -> String {
        if let chartDir {
            guard !chartDir.isEmpty else { throw CommandLineError("--chart-dir is empty; name the folder for the charts, e.g. charts") }
            try PathLimits.check(chartDir, option: "--chart-dir")
        }
        if let file { try PathLimits.check(file, option: "--file") }
        if let path = options.configDecoderPath { return try configDecoderSweep(path: path, format: format) }
        guard let dimension = Sweep.Dimension(rawValue: over.rawValue) else {
            throw CommandLineError("--over \(over.rawValue) applies to a config.json decoder (--model CONFIG.json); DeepSeek-OCR sweeps resolution, crops or batch")
        }
        let precision = hardware.precision
        let gpus = try sweptGPUs(precision: precision)
        let base = try options.workload()
        let stages = stage.stages
        if let points { return try benchmark(points: points, base: base, precision: precision, gpus: gpus, stages: stages) }

        let sweep = Sweep(
            dimension: dimension, points: try sweepPoints(dimension, base: base), precision: precision, gpus: gpus,
            strategy: direct ? .direct : .polynomialInBatch, stages: stages)
        let result = try sweep.evaluate()
        if let chartDir {
            let xTitle = pages.isEmpty ? nil : "page size in pixels (crop grid the vendor picks)"
            try OutputFile.writeAll(result.charts(xTitle: xTitle).map { (name: $0.fileName, text: $0.svg()) }, to: chartDir)
        }
        let text = format == .json ? result.json().rendered() + "\n" : result.csv()
        return try OutputFile.write(text, to: file)
    }

    /// The GPUs a sweep prices: the catalog, or only `--gpu` (which must offer `precision`),
    /// plus a `--gpu-spec` file when given.
    private func sweptGPUs(precision: Precision) throws -> [GPUSpec] {
        var gpus = GPUCatalog.all
        if let gpu = hardware.gpu {
            let chosen = try GPUCatalog.named(gpu)
            _ = try chosen.tensorCorePeak(for: precision)
            gpus = [chosen]
        }
        if let gpuSpec = hardware.gpuSpec { gpus.append(try GPUSpecFile.load(path: gpuSpec)) }
        return gpus
    }

    /// `--model CONFIG.json`: the decoder over batch sizes (`--over batch`) or prompt lengths
    /// (`--over tokens`, each with a decode step right after it); `--stage` prefill, decode or
    /// all (vision, the default, means both decoder stages: a config decoder has no vision stack).
    private func configDecoderSweep(path: String, format: TableFormat) throws -> String {
        try options.requireNoVisionOptions(model: path)
        guard let dimension = DecoderSweep.Dimension(rawValue: over.rawValue) else {
            throw CommandLineError("--over \(over.rawValue) needs an image; --model \(path) sweeps over batch or tokens")
        }
        if !pages.isEmpty { throw CommandLineError("--pages needs an image; --model \(path) sweeps over batch or tokens") }
        if let chartDir { throw CommandLineError("--chart-dir \(chartDir) applies to DeepSeek-OCR sweeps; --model \(path) prints the table only") }
        if points != nil || direct { throw CommandLineError("--points and --direct benchmark DeepSeek-OCR sweeps, not --model \(path)") }
        if dimension == .tokens, options.tokens != nil || options.context != nil {
            throw CommandLineError("--over tokens sets S and L = S per point; drop --tokens and --context")
        }
        let precision = hardware.precision
        let gpus = try sweptGPUs(precision: precision)
        let decoder = try ConfigDecoder(path: path)
        let settings = try options.decoderSettings(visionTokensPerPage: 0, positions: decoder.config.maxPositions)
        try WorkloadLimits.checkBatch(options.batch)
        let tokens = settings.prefillTokens ?? min(DecoderSweep.defaultTokens, max(1, decoder.config.maxPositions / 2))
        let base = DecoderWorkload(
            batch: options.batch, prefillTokens: tokens, decodeContext: settings.decodeContext ?? min(tokens, decoder.config.maxPositions - 1),
            kernel: options.attention, logits: settings.logits)
        let stages = stage == .vision ? [ModelStage.prefill, .decode] : stage.stages.filter { $0 != .vision }
        var numbers: [Int] = []
        for text in try listItems(values, option: "--values") {
            guard let number = Int(text) else {
                throw ModelMeterError.malformedValue(what: dimension == .batch ? "batch size" : "prefill length", value: text, expected: "a whole number")
            }
            numbers.append(number)
        }
        if numbers.isEmpty { numbers = dimension == .batch ? Sweep.defaultBatches : DecoderSweep.defaultTokenValues.filter { $0 < decoder.config.maxPositions } }
        let sweep = try DecoderSweep(
            decoder: decoder, dimension: dimension, values: numbers, base: base, stages: stages, precision: precision, gpus: gpus)
        let text = format == .json ? sweep.json().rendered() + "\n" : sweep.csv()
        return try OutputFile.write(text, to: file)
    }

    private func sweepPoints(_ dimension: Sweep.Dimension, base: Workload) throws -> [SweepPoint] {
        let values = try listItems(values, option: "--values")
        let pages = try listItems(pages, option: "--pages")
        if !pages.isEmpty && dimension != .crops {
            throw CommandLineError("--pages applies to --over crops, not --over \(dimension.rawValue)")
        }
        switch dimension {
        case .resolution:
            let modes = try values.isEmpty ? VisionMode.allCases : values.map(VisionMode.named)
            return try Sweep.resolutionPoints(modes, base: base)
        case .crops:
            guard base.mode.cropMode else {
                throw ModelMeterError.invalidShape(
                    layer: "sweep", what: "--mode \(base.mode.rawValue)",
                    reason: "a crop sweep needs crop mode (gundam); \(base.mode.rawValue) has a single view")
            }
            if !pages.isEmpty {
                guard values.isEmpty else { throw CommandLineError("--values and --pages conflict: give grids or pages") }
                return try Sweep.pagePoints(
                    try pages.map(PageSize.init(parsing:)), minimumCrops: options.minCrops, maximumCrops: options.maxCrops,
                    base: base)
            }
            let grids = try values.isEmpty ? Sweep.defaultGrids() : values.map(CropGrid.init(parsing:))
            return try Sweep.cropPoints(grids, base: base)
        case .batch:
            let batches = try values.isEmpty ? Sweep.defaultBatches : values.map { text in
                guard let batch = Int(text) else {
                    throw ModelMeterError.malformedValue(what: "batch size", value: text, expected: "a whole number")
                }
                return batch
            }
            return try Sweep.batchPoints(batches, base: base)
        }
    }

    /// Evaluates `count` distinct points: every shape the model has (tiny, small, base, large,
    /// and Gundam with each of the 23 grids of at most 9 crops, each with sdpa and eager: 54
    /// shapes) in turn, the batch growing by one every 54 points; reports the wall time of
    /// `Sweep.evaluate()`.
    private func benchmark(
        points count: Int, base: Workload, precision: Precision, gpus: [GPUSpec], stages: [ModelStage]
    ) throws -> String {
        guard count >= 1 else {
            throw ModelMeterError.invalidShape(layer: "sweep", what: "--points", reason: "\(count) is not positive")
        }
        try ModelMeterError.requireAtMost(
            count, direct ? Self.maximumDirectBenchmarkPoints : Self.maximumBenchmarkPoints, direct ? "--points with --direct" : "--points",
            in: "sweep", because: "the most one run evaluates in a few seconds")
        var shapes: [(mode: VisionMode, crops: CropGrid?, kernel: AttentionKernel)] = []
        for kernel in AttentionKernel.allCases {
            for mode in VisionMode.allCases where !mode.cropMode { shapes.append((mode, nil, kernel)) }
            for grid in try PageCropping.candidateGrids(minimumCrops: 1, maximumCrops: CropGrid.largestMaximumCrops) {
                shapes.append((.gundam, grid, kernel))
            }
        }
        let points = try (0..<count).map { index in
            let shape = shapes[index % shapes.count]
            var workload = try Workload(mode: shape.mode, crops: shape.crops, batch: index / shapes.count + 1, kernel: shape.kernel)
            workload.decoder = base.decoder
            return SweepPoint(label: "\(index)", workload: workload)
        }
        let clock = ContinuousClock()
        var result: SweepResult?
        let elapsed = try clock.measure {
            result = try Sweep(
                dimension: .crops, points: points, precision: precision, gpus: gpus,
                strategy: direct ? .direct : .polynomialInBatch, stages: stages).evaluate()
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rows = result?.rows.count ?? 0
        return String(format: "evaluated %d points in %.3f s (%.1f µs per point, ", rows, seconds, seconds / Double(max(rows, 1)) * 1e6)
            + (direct ? "every stage evaluated per point" : "one polynomial evaluation per shape and stage")
            + ", stages: \(stages.map(\.rawValue).joined(separator: "+")))\n"
    }
}
