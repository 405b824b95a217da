import ModelMeter

/// Where a workload's time goes: the vision stack over every view, the decoder's prefill of
/// the page's sequence, and one decode step against the cache.
public enum ModelStage: String, CaseIterable, Sendable {
    case vision, prefill, decode

    /// Module paths of decoder stages carry the stage (`prefill/model.layers.1.mlp`); vision
    /// paths keep their view prefix only (`global/sam_model…`).
    public var pathPrefix: String { self == .vision ? "" : rawValue + "/" }

    /// Parses `vision`, `prefill`, `decode` or `all` (every stage).
    public static func parseList(_ text: String) throws -> [ModelStage] {
        if text.lowercased() == "all" { return allCases }
        guard let stage = ModelStage(rawValue: text.lowercased()) else {
            throw ModelMeterError.unknownName(kind: "stage", name: text, accepted: allCases.map(\.rawValue) + ["all"])
        }
        return [stage]
    }
}

/// One stage of a report: its module tree, evaluated once.
public struct StageReport: Sendable {
    public let stage: ModelStage
    public let model: any Layer
    public let evaluated: EvaluatedLayer
    public var totals: LayerMetrics { evaluated.metrics }

    /// The stage's module tree for `workload`: `DeepSeekOCRVision`, or `DeepseekV2ForCausalLM`
    /// shaped as a prefill (`B` pages × `S` positions) or as one decode step against `L` cached positions.
    public static func model(_ stage: ModelStage, workload: Workload) throws -> any Layer {
        let settings = workload.decoder
        switch stage {
        case .vision:
            return try workload.visionModel()
        case .prefill:
            return try DeepseekV2ForCausalLM(
                shape: .prefill(batch: workload.batch, tokens: workload.prefillTokens),
                configuration: settings.configuration, kernel: workload.kernel, logits: settings.logits)
        case .decode:
            return try DeepseekV2ForCausalLM(
                shape: .decode(batch: workload.batch, context: workload.decodeContext),
                configuration: settings.configuration, kernel: workload.kernel, logits: settings.logits)
        }
    }
}

/// Everything one report shows: the workload, the GPU, every module instance of the vendor
/// tree in each requested stage with its numbers and roofline placement, and the totals.
public struct ModelReport: Sendable {
    public let workload: Workload
    public let gpu: GPUSpec
    public let precision: Precision
    public let stages: [StageReport]
    /// Every stage's module instances, paths prefixed by stage.
    public let modules: [ModuleInstance]
    /// The stages together: FLOPs and bytes summed, each model's weights once (prefill and
    /// decode share the decoder), the largest activation peak and KV cache.
    public let totals: LayerMetrics
    /// The first stage evaluated once: every module's numbers, in tree form.
    public var evaluated: EvaluatedLayer { stages[0].evaluated }

    public init(
        workload: Workload, gpu: GPUSpec = GPUCatalog.defaultGPU, precision: Precision = .bf16,
        stages: [ModelStage] = [.vision]
    ) throws {
        guard !stages.isEmpty else {
            throw ModelMeterError.invalidShape(layer: "report", what: "stages", reason: "no stage selected")
        }
        self.workload = workload
        self.gpu = gpu
        self.precision = precision
        _ = try gpu.tensorCorePeak(for: precision)
        self.stages = try stages.map { stage in
            let model = try StageReport.model(stage, workload: workload)
            return StageReport(stage: stage, model: model, evaluated: try model.evaluate(precision: precision))
        }
        modules = self.stages.flatMap { stage in
            stage.evaluated.moduleInstances().map { $0.prefixed(stage.stage.pathPrefix) }
        }
        totals = try Self.combine(self.stages.map { ($0.stage, $0.totals) })
    }

    /// Every module instance including each stage's root (path `prefill/`, `decode/`; the
    /// vision root is `DeepseekOCRModel`, path ``): what layer pages group into configurations.
    public var instancesWithRoots: [ModuleInstance] {
        stages.map { ModuleInstance(path: $0.stage.pathPrefix, layer: $0.model, metrics: $0.totals) } + modules
    }

    /// The report of one stage, when it was evaluated.
    public func stage(_ stage: ModelStage) -> StageReport? { stages.first { $0.stage == stage } }

    /// Sums FLOPs and bytes; counts the vision and decoder weights once each (prefill and
    /// decode share the decoder); keeps the largest activation peak, KV cache and training footprint.
    public static func combine(_ stages: [(stage: ModelStage, metrics: LayerMetrics)]) throws -> LayerMetrics {
        var total = stages[0].metrics
        var weightsCounted: Set<Bool> = [stages[0].stage == .vision]
        func add(_ a: Int, _ b: Int) throws -> Int { try ModelMeterError.checkedSum(a, b, "report totals") }
        for (stage, m) in stages.dropFirst() {
            total.forward = try total.forward.adding(m.forward, "report totals")
            total.backward = try total.backward.adding(m.backward, "report totals")
            if weightsCounted.insert(stage == .vision).inserted {
                total.parameters = try add(total.parameters, m.parameters)
                total.memory.weightBytes = try add(total.memory.weightBytes, m.memory.weightBytes)
                total.memory.gradientBytes = try add(total.memory.gradientBytes, m.memory.gradientBytes)
            }
            total.memory.activationBytes = max(total.memory.activationBytes, m.memory.activationBytes)
            total.memory.kvCacheBytes = max(total.memory.kvCacheBytes, m.memory.kvCacheBytes)
            total.memory.trainingActivationBytes = max(total.memory.trainingActivationBytes, m.memory.trainingActivationBytes)
        }
        return total
    }

    /// Module instances whose type is one of the documented vendor layers.
    public var documentedModules: [ModuleInstance] { modules.filter { $0.layer.doc != nil } }

    /// The type named on the totals row: the stage's root class, or `DeepseekOCRForCausalLM`
    /// for several stages.
    private var totalsType: String {
        stages.count == 1 ? stages[0].model.typeName
            : workload.model == .deepseekOCR ? "DeepseekOCRForCausalLM" : "DeepseekOCR2ForCausalLM"
    }

    /// The JSON document of `modelmeter report --format json`.
    public func json() throws -> JSONValue {
        var entries: [(String, JSONValue)] = []
        for instance in modules {
            entries.append((instance.path, try moduleJSON(instance.layer.typeName, instance.metrics)))
        }
        return .object([
            ("tool", .string("modelmeter")),
            ("model", .string(workload.model.displayName + (stages.map(\.stage) == [.vision] ? " vision stack" : ""))),
            ("workload", workloadJSON),
            ("gpu", gpuJSON),
            ("conventions", ReportJSON.conventions),
            ("stages", .object(try stages.map { ($0.stage.rawValue, try moduleJSON($0.model.typeName, $0.totals)) })),
            ("totals", try moduleJSON(totalsType, totals)),
            ("modules", .object(entries)),
        ])
    }

    private var workloadJSON: JSONValue {
        .object([
            ("mode", .string(workload.mode.rawValue)),
            ("baseSize", .int(workload.baseSize)),
            ("imageSize", .int(workload.imageSize)),
            ("cropMode", .bool(workload.mode.cropMode)),
            ("crops", workload.hasLocalView ? .string(workload.crops?.description ?? "") : .null),
            ("page", workload.page.map { .string($0.description) } ?? .null),
            ("batch", .int(workload.batch)),
            ("attention", .string(workload.samKernel == workload.clipKernel ? workload.samKernel.rawValue : "mixed")),
            ("samAttention", .string(workload.samKernel.rawValue)),
            ("clipAttention", .string(workload.clipKernel.rawValue)),
            ("projector", .string(workload.projectorType.vendorName)),
            ("projectorDepth", workload.projectorType.depth.map { .int($0) } ?? .null),
            ("precision", .string(precision.rawValue)),
            ("bytesPerElement", .int(precision.bytesPerElement)),
            ("visionTokensPerPage", .int(workload.visionTokensPerPage)),
            ("decoder", .object([
                ("promptTextTokens", .int(workload.decoder.promptTextTokens)),
                ("prefillTokens", .int(workload.prefillTokens)),
                ("decodeContext", .int(workload.decodeContext)),
                ("logits", .string(workload.decoder.logits.rawValue)),
                ("kvCacheBytesPerToken", .int(workload.decoder.configuration.kvCacheElementsPerToken * precision.bytesPerElement)),
            ])),
            ("views", .array(visionViews.map { view in
                .object([
                    ("name", .string(view.prefix.isEmpty ? "single" : view.prefix)),
                    ("imageSize", .int(view.imageSize)),
                    ("batch", .int(view.batch)),
                ])
            })),
        ])
    }

    /// The vision stage's views: prefix, image side and images, whichever model built them.
    private var visionViews: [(prefix: String, imageSize: Int, batch: Int)] {
        switch stage(.vision)?.model {
        case let vision as DeepSeekOCRVision:
            return vision.views.map { ($0.prefix, $0.view.imageSize.value, $0.view.batch.value) }
        case let vision as DeepSeekOCR2Vision:
            return vision.views.map { ($0.prefix, $0.view.imageSize.value, $0.view.batch.value) }
        default:
            return []
        }
    }

    /// The shared module, GPU and conventions objects of this report's JSON.
    private var shared: ReportJSON { ReportJSON(gpu: gpu, precision: precision) }

    private var gpuJSON: JSONValue { shared.gpuObject }

    private func moduleJSON(_ type: String, _ metrics: LayerMetrics) throws -> JSONValue {
        try shared.module(type, metrics)
    }
}

extension ModelReport {
    /// One CSV row per module instance (plus a `(total)` row), RFC 4180 quoting.
    public func csv() throws -> String {
        var lines = ["path,type,parameters,forward_tensor_core_flops,forward_cuda_core_flops,forward_io_bytes,"
            + "backward_tensor_core_flops,backward_cuda_core_flops,backward_io_bytes,weight_bytes,activation_bytes,"
            + "kv_cache_bytes,bound,time_lower_bound_seconds"]
        let rows = modules.map { ($0.path, $0.layer.typeName, $0.metrics) } + [("(total)", totalsType, totals)]
        for (path, type, m) in rows {
            let point = try roofline(m.forward)
            let fields: [String] = [
                path, type, "\(m.parameters)",
                "\(m.forward.tensorCoreFLOPs)", "\(m.forward.cudaCoreFLOPs)", "\(m.forward.ioBytes)",
                "\(m.backward.tensorCoreFLOPs)", "\(m.backward.cudaCoreFLOPs)", "\(m.backward.ioBytes)",
                "\(m.memory.weightBytes)", "\(m.memory.activationBytes)", "\(m.memory.kvCacheBytes)",
                point.bound.rawValue, "\(point.timeLowerBoundSeconds)",
            ]
            lines.append(fields.map(ModelReport.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
