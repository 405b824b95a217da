import ModelMeter

/// What a `config.json` decoder report runs: the stages with their shapes, the attention kernel,
/// the latent-attention mode and the logits setting.
public struct DecoderWorkload: Sendable {
    public var batch: Int
    /// Prefill positions per sequence (`--tokens`).
    public var prefillTokens: Int?
    /// Decode step: positions already cached (`--context`).
    public var decodeContext: Int?
    public var kernel: AttentionKernel
    public var logits: LogitPositions

    public init(
        batch: Int, prefillTokens: Int?, decodeContext: Int?, kernel: AttentionKernel = .eager,
        logits: LogitPositions = .all
    ) {
        self.batch = batch
        self.prefillTokens = prefillTokens
        self.decodeContext = decodeContext
        self.kernel = kernel
        self.logits = logits
    }

    /// The decoder shape of `stage` (prefill or decode); errors name the missing option.
    public func shape(_ stage: ModelStage) throws -> DecoderShape {
        switch stage {
        case .prefill:
            guard let prefillTokens else {
                throw ModelMeterError.invalidShape(layer: "workload", what: "--tokens", reason: "a prefill needs --tokens S")
            }
            return try .prefill(batch: batch, tokens: prefillTokens)
        case .decode:
            guard let decodeContext else {
                throw ModelMeterError.invalidShape(layer: "workload", what: "--context", reason: "a decode step needs --context L")
            }
            return try .decode(batch: batch, context: decodeContext)
        case .vision:
            throw ModelMeterError.invalidShape(
                layer: "workload", what: "stage vision", reason: "a config.json decoder has prefill and decode stages only")
        }
    }
}

/// `report --model CONFIG.json --format json`: every module of the `transformers` tree in each
/// requested stage, keyed `prefill/<path>` and `decode/<path>`, with the schema of `ModelReport`.
public struct DecoderReport: Sendable {
    public let decoder: ConfigDecoder
    public let workload: DecoderWorkload
    public let gpu: GPUSpec
    public let precision: Precision
    public let stages: [StageReport]
    public let modules: [ModuleInstance]
    public let totals: LayerMetrics

    public init(
        decoder: ConfigDecoder, workload: DecoderWorkload, gpu: GPUSpec, precision: Precision, stages: [ModelStage]
    ) throws {
        guard !stages.isEmpty else {
            throw ModelMeterError.invalidShape(layer: "report", what: "stages", reason: "no stage selected")
        }
        _ = try gpu.tensorCorePeak(for: precision)
        self.decoder = decoder
        self.workload = workload
        self.gpu = gpu
        self.precision = precision
        self.stages = try stages.map { stage in
            let model = try decoder.model(shape: try workload.shape(stage), kernel: workload.kernel, logits: workload.logits)
            return StageReport(stage: stage, model: model, evaluated: try model.evaluate(precision: precision))
        }
        modules = self.stages.flatMap { stage in
            stage.evaluated.moduleInstances().map { $0.prefixed(stage.stage.pathPrefix) }
        }
        totals = try ModelReport.combine(self.stages.map { ($0.stage, $0.totals) })
    }

    /// The JSON document.
    public func json() throws -> JSONValue {
        let shared = ReportJSON(gpu: gpu, precision: precision)
        let config = decoder.config
        let rootType = config.family.classPrefix + "ForCausalLM"
        return .object([
            ("tool", .string("modelmeter")),
            ("model", .string(config.source)),
            ("workload", .object([
                ("modelType", .string(config.family.rawValue)),
                ("batch", .int(workload.batch)),
                ("prefillTokens", workload.prefillTokens.map { .int($0) } ?? .null),
                ("decodeContext", workload.decodeContext.map { .int($0) } ?? .null),
                ("attention", .string(workload.kernel.rawValue)),
                ("mla", config.latent == nil ? .null : .string(decoder.latentMode.rawValue)),
                ("logits", .string(workload.logits.rawValue)),
                ("precision", .string(precision.rawValue)),
                ("bytesPerElement", .int(precision.bytesPerElement)),
                ("kvCacheBytesPerToken", .int(try ModelMeterError.checkedProduct(
                    config.kvCacheElementsPerToken, precision.bytesPerElement, "KV bytes per token"))),
                ("rope", .string(config.ropeVariant)),
            ])),
            ("gpu", shared.gpuObject),
            ("conventions", ReportJSON.conventions),
            ("stages", .object(try stages.map { ($0.stage.rawValue, try shared.module($0.model.typeName, $0.totals)) })),
            ("totals", try shared.module(rootType, totals)),
            ("modules", .object(try modules.map { ($0.path, try shared.module($0.layer.typeName, $0.metrics)) })),
        ])
    }
}
