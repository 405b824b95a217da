import ModelMeter

/// `modelmeter sweep --model CONFIG.json`: a `config.json` decoder's prefill and/or decode step
/// over batch sizes or sequence lengths, each point evaluated directly from the module tree.
///
/// ```
/// --over batch     B = each value; S = --tokens, L = --context (defaults 1024 and S)
/// --over tokens    S = each value, L = S (a decode step right after that prompt); B = --batch
/// per point        the stages' forward FLOPs and bytes summed, the largest activation peak,
///                  the weights once, the KV cache of the last stage, and per GPU the sum of
///                  each stage's roofline bound
/// ```
public struct DecoderSweep: Sendable {
    public enum Dimension: String, CaseIterable, Sendable {
        case batch, tokens
    }

    /// `S` (and `L`) of a batch sweep when `--tokens` is not given.
    public static let defaultTokens = 1024
    /// The prompt lengths of a tokens sweep when `--values` is not given.
    public static let defaultTokenValues = [128, 256, 512, 1024, 2048, 4096, 8192]

    /// One point: its shape and the stages together.
    public struct Row: Sendable {
        public let batch: Int
        public let prefillTokens: Int
        public let decodeContext: Int
        public let forward: PassCost
        public let activationBytes: Int
        public let weightBytes: Int
        public let kvCacheBytes: Int
        /// Per GPU of `gpus`; nil where the GPU has no tensor-core roof at the precision.
        public let timeLowerBoundSeconds: [Double?]
    }

    public let decoder: ConfigDecoder
    public let dimension: Dimension
    public let stages: [ModelStage]
    public let precision: Precision
    public let gpus: [GPUSpec]
    public let rows: [Row]

    /// Evaluates `values` of `dimension` around `base` (its batch, prefill length and context).
    public init(
        decoder: ConfigDecoder, dimension: Dimension, values: [Int], base: DecoderWorkload, stages: [ModelStage],
        precision: Precision, gpus: [GPUSpec]
    ) throws {
        guard !values.isEmpty else {
            throw ModelMeterError.invalidShape(layer: "sweep", what: "--values", reason: "no point to evaluate")
        }
        self.decoder = decoder
        self.dimension = dimension
        self.stages = stages
        self.precision = precision
        self.gpus = gpus
        rows = try values.map { value in
            var workload = base
            switch dimension {
            case .batch:
                try WorkloadLimits.checkBatch(value)
                workload.batch = value
            case .tokens:
                try WorkloadLimits.checkPositions(
                    value, "--values", allowZero: false, largest: decoder.config.maxPositions - 1,
                    maxPositions: decoder.config.maxPositions)
                workload.prefillTokens = value
                workload.decodeContext = value
            }
            let report = try DecoderReport(decoder: decoder, workload: workload, gpu: gpus.first ?? GPUCatalog.defaultGPU, precision: precision, stages: stages)
            let times: [Double?] = try gpus.map { gpu in
                guard (try? gpu.tensorCorePeak(for: precision)) != nil else { return nil }
                return try report.stages.reduce(0.0) {
                    $0 + (try RooflinePoint(cost: $1.totals.forward, gpu: gpu, precision: precision)).timeLowerBoundSeconds
                }
            }
            return Row(
                batch: workload.batch, prefillTokens: workload.prefillTokens ?? 0, decodeContext: workload.decodeContext ?? 0,
                forward: report.totals.forward, activationBytes: report.totals.memory.activationBytes,
                weightBytes: report.totals.memory.weightBytes, kvCacheBytes: report.stages.last?.totals.memory.kvCacheBytes ?? 0,
                timeLowerBoundSeconds: times)
        }
    }

    /// One line per point (RFC 4180).
    public func csv() -> String {
        let header = ["model", "batch", "prefill_tokens", "decode_context", "forward_tensor_core_flops", "forward_cuda_core_flops",
                      "forward_io_bytes", "activation_bytes", "weight_bytes", "kv_cache_bytes"]
            + gpus.map { "time_lower_bound_seconds_\($0.id)" }
        var lines = [header.map(ModelReport.csvField).joined(separator: ",")]
        for row in rows {
            let fields = [decoder.config.source, "\(row.batch)", "\(row.prefillTokens)", "\(row.decodeContext)",
                          "\(row.forward.tensorCoreFLOPs)", "\(row.forward.cudaCoreFLOPs)", "\(row.forward.ioBytes)",
                          "\(row.activationBytes)", "\(row.weightBytes)", "\(row.kvCacheBytes)"]
                + row.timeLowerBoundSeconds.map { $0.map { "\($0)" } ?? "" }
            lines.append(fields.map(ModelReport.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same table as JSON.
    public func json() -> JSONValue {
        .object([
            ("tool", .string("modelmeter")),
            ("model", .string(decoder.config.source)),
            ("sweep", .string(dimension.rawValue)),
            ("precision", .string(precision.rawValue)),
            ("gpus", .array(gpus.map { .string($0.id) })),
            ("stages", .array(stages.map { .string($0.rawValue) })),
            ("units", .string("FLOP and bytes are exact integers for the stages together; seconds are forward lower bounds, summed over stages")),
            ("points", .array(rows.map { row in
                .object([
                    ("batch", .int(row.batch)), ("prefillTokens", .int(row.prefillTokens)), ("decodeContext", .int(row.decodeContext)),
                    ("forwardTensorCoreFLOPs", .int(row.forward.tensorCoreFLOPs)), ("forwardCUDACoreFLOPs", .int(row.forward.cudaCoreFLOPs)),
                    ("forwardIOBytes", .int(row.forward.ioBytes)), ("activationBytes", .int(row.activationBytes)),
                    ("weightBytes", .int(row.weightBytes)), ("kvCacheBytes", .int(row.kvCacheBytes)),
                    ("timeLowerBoundSeconds", .array(row.timeLowerBoundSeconds.map { $0.map { .double($0) } ?? .null })),
                ])
            })),
        ])
    }
}
