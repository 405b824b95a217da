import Foundation
import ModelMeter

extension PageWorkload {
    /// The same page job with `batch` concurrent pages.
    public func withBatch(_ batch: Int) throws -> PageWorkload {
        try PageWorkload(workload: try workload.withBatch(batch), outputTokens: outputTokens, prefillLogits: prefillLogits, precision: precision)
    }

    /// The same page job with `tokens` output tokens per page.
    public func withOutputTokens(_ tokens: Int) throws -> PageWorkload {
        try PageWorkload(workload: workload, outputTokens: tokens, prefillLogits: prefillLogits, precision: precision)
    }

    /// The same job for another page size (gundam: the vendor's crop grid for that size).
    public func withPage(_ size: PageSize) throws -> PageWorkload {
        let w = workload
        let grid = try PageCropping.grid(
            for: size, minimumCrops: CropGrid.defaultMinimumCrops, maximumCrops: CropGrid.defaultMaximumCrops, cropSide: w.imageSize)
        return try PageWorkload(workload: try w.reshaped(mode: w.mode, crops: grid, page: size, batch: w.batch), outputTokens: outputTokens, prefillLogits: prefillLogits, precision: precision)
    }

    /// The same job in another mode (gundam: the default 2×2 grid).
    public func withMode(_ mode: VisionMode) throws -> PageWorkload {
        // Crop mode takes the default 2×2 grid.
        try PageWorkload(workload: try workload.reshaped(mode: mode, crops: nil, batch: workload.batch), outputTokens: outputTokens, prefillLogits: prefillLogits, precision: precision)
    }

    /// `gundam 2x3 (page 1654x2339)`, `base`: what the page is.
    public var label: String {
        var text = (workload.model == .deepseekOCR ? "" : workload.model.rawValue + " ") + workload.mode.rawValue
        if workload.hasLocalView, let crops = workload.crops { text += " \(crops)" }
        if let page = workload.page { text += " (page \(page))" }
        return text
    }
}

/// What serving `B` concurrent pages does: the largest batch that fits, throughput versus
/// latency as the batch grows, and whether decode ever leaves the memory roof.
public struct ServingAnalysis: Sendable {
    /// Batches tried when looking for limits: up to 2¹⁶ pages.
    public static let largestBatchSearched = 1 << 16

    public let gpu: GPUSpec
    /// The largest batch whose peak memory fits the GPU (0: not even one page fits).
    public let largestBatch: Int
    /// B = 1, 2, 4, … and the largest batch: one result each.
    public let curve: [PageResult]
    /// The smallest batch (powers of two up to 2¹⁶, memory ignored) whose first decode step is
    /// compute-bound; nil when decode stays memory-bound at every batch.
    public let decodeComputeBoundBatch: Int?
    /// The first decode step's arithmetic intensity at the largest batch searched, and the ridge point.
    public let decodeIntensityAtLargestSearched: Double
    public let ridgePoint: Double

    public init(page: PageWorkload, gpu: GPUSpec, evaluator: PageCostEvaluator) throws {
        self.gpu = gpu
        largestBatch = try Self.largestBatch(page: page, gpu: gpu, evaluator: evaluator)
        var batches: [Int] = []
        var b = 1
        while b <= largestBatch {
            batches.append(b)
            b *= 2
        }
        if largestBatch > 0, batches.last != largestBatch { batches.append(largestBatch) }
        curve = try batches.map { try evaluator.result(try page.withBatch($0), gpu: gpu) }
        var found: Int?
        var intensity = 0.0
        b = 1
        while b <= Self.largestBatchSearched {
            let step = try evaluator.decodeStep(batch: b)
            let point = try RooflinePoint(cost: try step.cost.at(page.promptTokens), gpu: gpu, precision: page.precision)
            intensity = point.arithmeticIntensity
            if point.bound != .memory {
                found = b
                break
            }
            b *= 2
        }
        decodeComputeBoundBatch = found
        decodeIntensityAtLargestSearched = intensity
        ridgePoint = try gpu.tensorCorePeak(for: page.precision).teraFLOPS * 1e12 / (gpu.memoryBandwidthGBps * 1e9)
    }

    /// Largest `B` with peak memory ≤ capacity: doubling, then bisection (peak memory grows with `B`).
    public static func largestBatch(page: PageWorkload, gpu: GPUSpec, evaluator: PageCostEvaluator) throws -> Int {
        func fits(_ batch: Int) throws -> Bool {
            Double(try evaluator.peakMemoryBytes(try page.withBatch(batch))) <= gpu.memoryGB * 1e9
        }
        guard try fits(1) else { return 0 }
        var low = 1, high = 2
        while high <= largestBatchSearched, try fits(high) {
            low = high
            high *= 2
        }
        if high > largestBatchSearched { return low }
        while high - low > 1 {
            let middle = (low + high) / 2
            if try fits(middle) { low = middle } else { high = middle }
        }
        return low
    }
}

/// What a page sweep varies.
public enum PageSweepDimension: String, CaseIterable, Sendable {
    case outputTokens = "output-tokens", batch, gpu, page, mode

    public static func named(_ text: String) throws -> PageSweepDimension {
        guard let value = PageSweepDimension(rawValue: text.lowercased()) else {
            throw ModelMeterError.unknownName(kind: "page sweep", name: text, accepted: allCases.map(\.rawValue))
        }
        return value
    }
}

/// One page result per value of one dimension.
public struct PageSweep: Sendable {
    public let dimension: PageSweepDimension
    public let labels: [String]
    public let results: [PageResult]

    public init(dimension: PageSweepDimension, labels: [String], results: [PageResult]) {
        self.dimension = dimension
        self.labels = labels
        self.results = results
    }

    /// Evaluates `base` on `gpu` with each value of `dimension` (numbers, GPU ids, page sizes or modes).
    public init(base: PageWorkload, gpu: GPUSpec, dimension: PageSweepDimension, values: [String], gpuNamed: (String) throws -> GPUSpec) throws {
        guard !values.isEmpty else {
            throw ModelMeterError.invalidShape(layer: "page sweep", what: "--values", reason: "no value given")
        }
        let evaluator = PageCostEvaluator(for: base)
        var labels: [String] = []
        var results: [PageResult] = []
        for value in values {
            let text = value.trimmingCharacters(in: .whitespaces)
            func number() throws -> Int {
                guard let n = Int(text) else {
                    throw ModelMeterError.malformedValue(what: "\(dimension.rawValue) value", value: text, expected: "a whole number")
                }
                return n
            }
            var page = base
            var target = gpu
            switch dimension {
            case .outputTokens: page = try base.withOutputTokens(try number())
            case .batch: page = try base.withBatch(try number())
            case .gpu: target = try gpuNamed(text)
            case .page: page = try base.withPage(try PageSize(parsing: text))
            case .mode: page = try base.withMode(try VisionMode.named(text))
            }
            let result = try evaluator.result(page, gpu: target)
            try PageReport.requireFits(result)
            labels.append(text)
            results.append(result)
        }
        self.dimension = dimension
        self.labels = labels
        self.results = results
    }

    public func csv() -> String {
        var lines = ["value,label,gpu,batch,prompt_tokens,output_tokens,vision_seconds,prefill_seconds,decode_seconds,"
            + "seconds_per_page,pages_per_day,output_tokens_per_second,kv_cache_bytes,peak_memory_bytes,decode_bound"]
        for (value, r) in zip(labels, results) {
            let fields: [String] = [
                value, r.page.label, r.gpu.id, "\(r.page.batch)", "\(r.page.promptTokens)", "\(r.page.outputTokens)",
                "\(r.stage(.vision).seconds)", "\(r.stage(.prefill).seconds)", "\(r.stage(.decode).seconds)",
                "\(r.secondsPerPage)", "\(r.pagesPerDay)", "\(r.outputTokensPerSecond)", "\(r.cost.kvCacheBytes)",
                "\(r.peakMemoryBytes)", r.stage(.decode).boundBy.rawValue,
            ]
            lines.append(fields.map(ModelReport.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() -> JSONValue {
        .object([
            ("sweep", .string(dimension.rawValue)),
            ("points", .array(zip(labels, results).map { value, result in
                PageReport.json(result, extra: [("value", .string(value))])
            })),
        ])
    }
}

/// Times the evaluation of many page points (page size × output tokens × batch × GPU) with
/// one evaluator: the benchmark behind `modelmeter page --benchmark-points`.
public enum PageBenchmark {
    /// Evaluates `count` points cycling through 20 page sizes, 25 output lengths, 50 batches and
    /// every catalog GPU; returns the points evaluated, the seconds taken and a checksum
    /// (the summed pages per day, so the work cannot be skipped).
    public static func run(points count: Int) throws -> (points: Int, seconds: Double, checksum: Double) {
        let widths = [600, 800, 1000, 1240, 1654, 2000, 2480, 3000, 3508, 4000]
        let sizes = try widths.flatMap { w in
            [try PageSize(parsing: "\(w)x\(w * 1414 / 1000)"), try PageSize(parsing: "\(w * 1414 / 1000)x\(w)")]
        }
        let outputs = (1...25).map { $0 * 200 }
        let batches = Array(1...50)
        let gpus = GPUCatalog.all
        let base = try PageWorkload(workload: try Workload(mode: .gundam))
        let evaluator = PageCostEvaluator(for: base)
        // Pages with their crop grids, built once (parsing is not the model).
        let pages = try sizes.map { try base.withPage($0) }
        let start = DispatchTime.now().uptimeNanoseconds
        var checksum = 0.0
        var done = 0
        outer: for page in pages {
            for tokens in outputs {
                for batch in batches {
                    for gpu in gpus {
                        if done == count { break outer }
                        let point = try PageWorkload(
                            workload: try page.workload.withBatchOnly(batch), outputTokens: tokens,
                            prefillLogits: page.prefillLogits, precision: page.precision)
                        checksum += try evaluator.result(point, gpu: gpu).pagesPerDay
                        done += 1
                    }
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (done, seconds, checksum)
    }
}

extension Workload {
    /// The same workload with another batch (crop grid, page, kernel and decoder kept).
    func withBatchOnly(_ batch: Int) throws -> Workload {
        var copy = try Workload(
            mode: mode, crops: mode.cropMode ? crops : nil, batch: batch, kernel: kernel, projectorType: projectorType, page: page)
        copy.decoder = decoder
        return try copy.running(model)
    }
}
