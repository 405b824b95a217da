import ModelMeter

/// What a layer page reads from a report, whichever model produced it: the GPU and precision,
/// every module instance (paths prefixed by stage) and a one-line summary of the workload.
/// `ModelReport` (DeepSeek-OCR, DeepSeek-OCR 2) and `DecoderReport` (a `config.json` decoder) conform.
public protocol ModuleReport: Sendable {
    var gpu: GPUSpec { get }
    var precision: Precision { get }
    /// Every stage's module instances, paths prefixed by stage.
    var modules: [ModuleInstance] { get }
    /// `modules` with each stage's root first (path `prefill/`, `decode/`, or `` for vision).
    var instancesWithRoots: [ModuleInstance] { get }
    /// One line naming the workload (`gundam (base 1024, …), batch 1, attention sdpa`).
    var workloadSummary: String { get }
}

extension ModuleReport {
    /// Roofline placement of a forward pass on this report's GPU.
    public func roofline(_ cost: PassCost) throws -> RooflinePoint {
        try RooflinePoint(cost: cost, gpu: gpu, precision: precision)
    }
}

extension ModelReport: ModuleReport {
    public var workloadSummary: String { workload.summary }
}

extension DecoderReport: ModuleReport {
    public var instancesWithRoots: [ModuleInstance] {
        stages.map { ModuleInstance(path: $0.stage.pathPrefix, layer: $0.model, metrics: $0.totals) } + modules
    }

    /// `llama-3.2-1b.json, batch 1, prefill S = 1024, decode step at L = 1024, attention eager`.
    public var workloadSummary: String {
        var parts = [decoder.config.source, "batch \(workload.batch)"]
        if let tokens = workload.prefillTokens { parts.append("prefill S = \(tokens)") }
        if let context = workload.decodeContext { parts.append("decode step at L = \(context)") }
        parts.append("attention \(workload.kernel.rawValue)")
        if decoder.config.latent != nil { parts.append("MLA \(decoder.latentMode.rawValue)") }
        return parts.joined(separator: ", ")
    }

    /// The report of one stage, when it was evaluated.
    public func stage(_ stage: ModelStage) -> StageReport? { stages.first { $0.stage == stage } }
}
