import ModelMeter

/// The JSON pieces every `report --format json` shares: a module entry, the GPU, the conventions.
public struct ReportJSON: Sendable {
    public let gpu: GPUSpec
    public let precision: Precision

    public init(gpu: GPUSpec, precision: Precision) {
        self.gpu = gpu
        self.precision = precision
    }

    /// The counting conventions every report states.
    public static let conventions = JSONValue.object([
        ("flop", .string("tensor-core FLOPs = 2 x multiply-accumulates, as torch.utils.flop_counter.FlopCounterMode counts them")),
        ("cudaCore", .string("softmax, norms, activations and adds priced per element (see the conventions page)")),
        ("backward", .string("dX and dW GEMMs per matmul/conv; the image needs no gradient; fused SDPA backward 2.5x, eager 2x")),
        ("io", .string("every kernel reads its inputs and weights and writes its outputs once")),
        ("units", .string("FLOP and bytes are exact integers; seconds are lower bounds")),
    ])

    /// The GPU object: roofs at the report's precision and their source.
    public var gpuObject: JSONValue {
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

    func passJSON(_ pass: PassCost) -> JSONValue {
        .object([
            ("tensorCoreFLOPs", .int(pass.tensorCoreFLOPs)),
            ("cudaCoreFLOPs", .int(pass.cudaCoreFLOPs)),
            ("ioBytes", .int(pass.ioBytes)),
            ("arithmeticIntensity", .double(pass.arithmeticIntensity)),
        ])
    }

    /// One module (or totals) entry: type, parameters, forward/backward, memory, roofline.
    public func module(_ type: String, _ metrics: LayerMetrics) throws -> JSONValue {
        let point = try RooflinePoint(cost: metrics.forward, gpu: gpu, precision: precision)
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
