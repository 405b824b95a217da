import ModelMeter

/// Everything one report shows: the workload, the GPU, every module instance of the vendor
/// tree with its numbers and roofline placement, and the model totals.
public struct ModelReport: Sendable {
    public let workload: Workload
    public let gpu: GPUSpec
    public let precision: Precision
    public let model: DeepSeekOCRVision
    public let modules: [ModuleInstance]
    public let totals: LayerMetrics
    /// The model evaluated once: every module's numbers, in tree form.
    public let evaluated: EvaluatedLayer

    public init(workload: Workload, gpu: GPUSpec = GPUCatalog.defaultGPU, precision: Precision = .bf16) throws {
        self.workload = workload
        self.gpu = gpu
        self.precision = precision
        _ = try gpu.tensorCorePeak(for: precision)
        model = try DeepSeekOCRVision(workload: workload)
        evaluated = try model.evaluate(precision: precision)
        modules = evaluated.moduleInstances()
        totals = evaluated.metrics
    }

    /// Roofline placement of a forward pass on this report's GPU.
    public func roofline(_ cost: PassCost) throws -> RooflinePoint {
        try RooflinePoint(cost: cost, gpu: gpu, precision: precision)
    }

    /// Module instances whose type is one of the thirteen documented vendor layers.
    public var documentedModules: [ModuleInstance] { modules.filter { $0.layer.doc != nil } }

    /// The JSON document of `modelmeter report --format json`.
    public func json() throws -> JSONValue {
        var entries: [(String, JSONValue)] = []
        for instance in modules {
            entries.append((instance.path, try moduleJSON(instance.layer.typeName, instance.metrics)))
        }
        return .object([
            ("tool", .string("modelmeter")),
            ("model", .string("DeepSeek-OCR vision stack")),
            ("workload", workloadJSON),
            ("gpu", gpuJSON),
            ("conventions", .object([
                ("flop", .string("tensor-core FLOPs = 2 x multiply-accumulates, as torch.utils.flop_counter.FlopCounterMode counts them")),
                ("cudaCore", .string("softmax, norms, activations and adds priced per element (see the conventions page)")),
                ("backward", .string("dX and dW GEMMs per matmul/conv; the image needs no gradient; fused SDPA backward 2.5x, eager 2x")),
                ("io", .string("every kernel reads its inputs and weights and writes its outputs once")),
                ("units", .string("FLOP and bytes are exact integers; seconds are lower bounds")),
            ])),
            ("totals", try moduleJSON(model.typeName, totals)),
            ("modules", .object(entries)),
        ])
    }

    private var workloadJSON: JSONValue {
        .object([
            ("mode", .string(workload.mode.rawValue)),
            ("baseSize", .int(workload.mode.baseSize)),
            ("imageSize", .int(workload.mode.imageSize)),
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
            ("views", .array(model.views.map { view in
                .object([
                    ("name", .string(view.prefix.isEmpty ? "single" : view.prefix)),
                    ("imageSize", .int(view.view.imageSize.value)),
                    ("batch", .int(view.view.batch.value)),
                ])
            })),
        ])
    }

    private var gpuJSON: JSONValue {
        let tensor = try? gpu.tensorCorePeak(for: precision)
        return .object([
            ("id", .string(gpu.id)),
            ("name", .string(gpu.name)),
            ("tensorCoreTFLOPS", .double(tensor?.teraFLOPS ?? 0)),
            ("tensorCorePrecision", .string(tensor?.precision ?? "")),
            ("tensorCoreAccumulate", .string(tensor?.accumulate ?? "")),
            ("cudaCoreTFLOPS", .double(gpu.cudaCorePeak.teraFLOPS)),
            ("memoryBandwidthGBps", .double(gpu.memoryBandwidthGBps)),
            ("source", .string(gpu.source)),
        ])
    }

    private func passJSON(_ pass: PassCost) -> JSONValue {
        .object([
            ("tensorCoreFLOPs", .int(pass.tensorCoreFLOPs)),
            ("cudaCoreFLOPs", .int(pass.cudaCoreFLOPs)),
            ("ioBytes", .int(pass.ioBytes)),
            ("arithmeticIntensity", .double(pass.arithmeticIntensity)),
        ])
    }

    private func moduleJSON(_ type: String, _ metrics: LayerMetrics) throws -> JSONValue {
        let point = try roofline(metrics.forward)
        return .object([
            ("type", .string(type)),
            ("parameters", .int(metrics.parameters)),
            ("forward", passJSON(metrics.forward)),
            ("backward", passJSON(metrics.backward)),
            ("memory", .object([
                ("weightBytes", .int(metrics.memory.weightBytes)),
                ("activationBytes", .int(metrics.memory.activationBytes)),
                ("kvCacheBytes", .int(metrics.memory.kvCacheBytes)),
                ("trainingActivationBytes", .int(metrics.memory.trainingActivationBytes)),
                ("gradientBytes", .int(metrics.memory.gradientBytes)),
            ])),
            ("roofline", .object([
                ("bound", .string(point.bound.rawValue)),
                ("timeLowerBoundSeconds", .double(point.timeLowerBoundSeconds)),
            ])),
        ])
    }
}

extension ModelReport {
    /// One CSV row per module instance (plus a `(total)` row), RFC 4180 quoting.
    public func csv() throws -> String {
        var lines = ["path,type,parameters,forward_tensor_core_flops,forward_cuda_core_flops,forward_io_bytes,"
            + "backward_tensor_core_flops,backward_cuda_core_flops,backward_io_bytes,weight_bytes,activation_bytes,"
            + "kv_cache_bytes,bound,time_lower_bound_seconds"]
        let rows = modules.map { ($0.path, $0.layer.typeName, $0.metrics) } + [("(total)", model.typeName, totals)]
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
