import Foundation
import ModelMeter

/// The sweep's stages together at one point (see `ModelReport.combine`).
public struct SweepRow: Sendable {
    public let label: String
    public let workload: Workload
    public let visionTokensPerPage: Int
    /// Forward pass of the swept stages (all views, all pages; prefill; one decode step).
    public let forward: PassCost
    /// Largest inference activation peak of the stages.
    public let activationBytes: Int
    /// Vision and decoder weights, each once.
    public let weightBytes: Int
    /// KV cache after the last decoder stage (0 for the vision stack alone).
    public let kvCacheBytes: Int
    /// Forward time lower bound per GPU, in `SweepResult.gpus` order: the sum of each stage's
    /// roofline bound; nil when the GPU has no tensor-core roof at the sweep's precision.
    public let timeLowerBoundSeconds: [Double?]
}

extension SweepRow {
    /// `2x3` when local crops run, empty otherwise.
    var cropsText: String { workload.hasLocalView ? (workload.crops?.description ?? "") : "" }
}
