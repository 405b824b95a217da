import Foundation
import ModelMeter

/// How one stage's time is bounded.
public struct PageStageResult: Sendable {
    public let stage: ModelStage
    /// Model calls in the stage: 1 for vision and prefill, N decode steps.
    public let calls: Int
    public let cost: PassCost
    public let weightReads: WeightReads
    /// Decode: the bytes that grow with the cache (K/V reads); 0 for vision and prefill.
    public let cacheReadBytes: Int
    /// Roofline lower bound of the stage: one roofline per call, summed over calls.
    public let seconds: Double
    /// The bound of the stage's call; for decode, the bound of the majority of steps.
    public let boundBy: RooflineBound
    /// Decode: steps limited by memory bandwidth (the rest by compute).
    public let memoryBoundCalls: Int

    /// Bytes neither weights nor cache reads: activations read and written.
    public var activationBytes: Int { cost.ioBytes - weightReads.totalBytes - cacheReadBytes }
}
