import Foundation
import ModelMeter

/// GPU-independent numbers of a page job (all `B` pages together).
public struct PageCost: Sendable {
    public let page: PageWorkload
    public let vision: CallCost
    public let prefill: CallCost
    public let decodeStep: DecodeStepCost
    /// `Σ_{i=0}^{N−1} c(P + i) = N·c(P) + Δ·N(N−1)/2` over the whole batch.
    public let decode: PassCost
    /// The first decode step's cost `c(P)`.
    public let firstStep: PassCost
    /// Bytes that grow with the cache over all decode steps (the K/V reads, and eager's scores):
    /// `(Δ_bytes − Δ_weight reads)·Σ L`, `Σ L = N·P + N(N−1)/2`.
    public let decodeCacheReadBytes: Int
    /// K/V bytes per cached position of one sequence: `2·layers·kv_heads·head_dim·bytes` (61,440 in bf16).
    public let kvBytesPerToken: Int
    /// K/V cache of the batch at the end: `B·(P + N)·kvBytesPerToken`.
    public let kvCacheBytes: Int
    /// K/V cache of the batch after prefill: `B·P·kvBytesPerToken`.
    public let promptKVCacheBytes: Int
    /// Vision and decoder parameters × bytes per element.
    public let weightBytes: Int
    public let decodeActivationBytes: Int

    init(
        page: PageWorkload, vision: CallCost, prefill: CallCost, decodeStep: DecodeStepCost, decodeActivationBytes: Int,
        kvBytesPerToken: Int
    ) throws {
        self.page = page
        self.vision = vision
        self.prefill = prefill
        self.decodeStep = decodeStep
        self.decodeActivationBytes = decodeActivationBytes
        self.kvBytesPerToken = kvBytesPerToken
        let n = page.outputTokens, start = page.promptTokens
        firstStep = try decodeStep.cost.at(start)
        decode = try decodeStep.cost.sum(from: start, steps: n)
        // Σ L over the steps: N·P + N(N−1)/2.
        let cachedPositions = try ModelMeterError.checkedSum(
            try ModelMeterError.checkedProduct(n, start, "Σ L"), AffinePassCost.triangle(n), "Σ L")
        // Weight-class reads that grow with L (eager's mask) are counted with the weights, not here.
        decodeCacheReadBytes = try ModelMeterError.checkedProduct(
            decodeStep.cost.slope.ioBytes - decodeStep.weightReadsSlope.totalBytes, cachedPositions, "cache reads")
        let batch = page.batch
        kvCacheBytes = try ModelMeterError.checkedProduct(
            try ModelMeterError.checkedProduct(batch, page.finalPositions, "KV cache"), kvBytesPerToken, "KV cache")
        promptKVCacheBytes = try ModelMeterError.checkedProduct(
            try ModelMeterError.checkedProduct(batch, start, "KV cache"), kvBytesPerToken, "KV cache")
        weightBytes = try ModelMeterError.checkedSum(vision.weightBytes, decodeStep.weightBytes, "weights")
    }

    /// Weight reads of the first decode step, `w(P)`.
    public var firstStepWeightReads: WeightReads { decodeStep.weightReads(at: page.promptTokens) }

    /// Weight reads over all decode steps: `N·w(P) + w_Δ·N(N−1)/2` (`w_Δ` = 0 unless a table is read per key).
    public var decodeWeightReads: WeightReads {
        let first = firstStepWeightReads, slope = decodeStep.weightReadsSlope
        let n = page.outputTokens, triangle = AffinePassCost.triangle(n)
        return first * n + slope * triangle
    }

    /// Memory in use during each stage (the stages run one after another):
    /// vision `W + A_vision`, prefill `W + A_prefill + KV(P)`, decode `W + A_step + KV(P + N)`.
    public var stageMemoryBytes: [ModelStage: Int] {
        Self.stageMemory(
            weights: weightBytes, visionActivations: vision.activationBytes, prefillActivations: prefill.activationBytes,
            decodeActivations: decodeActivationBytes, promptCache: promptKVCacheBytes, finalCache: kvCacheBytes)
    }

    /// vision `W + A_vision`, prefill `W + A_prefill + KV(P)`, decode `W + A_step + KV(P + N)`.
    static func stageMemory(
        weights: Int, visionActivations: Int, prefillActivations: Int, decodeActivations: Int, promptCache: Int, finalCache: Int
    ) -> [ModelStage: Int] {
        [
            .vision: weights + visionActivations,
            .prefill: weights + prefillActivations + promptCache,
            .decode: weights + decodeActivations + finalCache,
        ]
    }

    /// Peak memory: the largest of the stages' `weights + activations + KV cache`.
    public var peakMemoryBytes: Int { stageMemoryBytes.values.max() ?? 0 }
}
