import Foundation
import ModelMeter

/// A page job on one GPU: per-stage time lower bounds and what they imply per page and per day.
///
/// ```
/// time of a call      max(TC FLOPs / TC peak + CUDA FLOPs / CUDA peak, bytes / bandwidth)
/// decode              Σ_{i=0}^{N−1} max(C(P + i), M(P + i)): C and M are affine in the step, so
///                     the steps split at one crossing into a memory-bound and a compute-bound run,
///                     each an arithmetic series
/// T                   vision + prefill + decode       (all B pages)
/// seconds per page    T / B       pages per day  86,400·B / T       output tokens/s  B·N / T
/// ```
public struct PageResult: Sendable {
    public let cost: PageCost
    public let gpu: GPUSpec
    public let stages: [PageStageResult]

    public init(cost: PageCost, gpu: GPUSpec) throws {
        self.cost = cost
        self.gpu = gpu
        let precision = cost.page.precision
        let vision = try RooflinePoint(cost: cost.vision.forward, gpu: gpu, precision: precision)
        let prefill = try RooflinePoint(cost: cost.prefill.forward, gpu: gpu, precision: precision)
        let decode = try DecodeTime(cost: cost, gpu: gpu)
        stages = [
            PageStageResult(
                stage: .vision, calls: 1, cost: cost.vision.forward, weightReads: cost.vision.weightReads, cacheReadBytes: 0,
                seconds: vision.timeLowerBoundSeconds, boundBy: vision.bound, memoryBoundCalls: vision.bound == .memory ? 1 : 0),
            PageStageResult(
                stage: .prefill, calls: 1, cost: cost.prefill.forward, weightReads: cost.prefill.weightReads, cacheReadBytes: 0,
                seconds: prefill.timeLowerBoundSeconds, boundBy: prefill.bound, memoryBoundCalls: prefill.bound == .memory ? 1 : 0),
            PageStageResult(
                stage: .decode, calls: cost.page.outputTokens, cost: cost.decode, weightReads: cost.decodeWeightReads,
                cacheReadBytes: cost.decodeCacheReadBytes, seconds: decode.seconds, boundBy: decode.boundBy,
                memoryBoundCalls: decode.memoryBoundSteps),
        ]
    }

    public var page: PageWorkload { cost.page }
    public func stage(_ stage: ModelStage) -> PageStageResult { stages.first { $0.stage == stage }! }

    /// Time lower bound of the whole batch: the sum of the stages, `T`.
    public var batchSeconds: Double { stages.reduce(0) { $0 + $1.seconds } }
    /// `T / B`: GPU time per page.
    public var secondsPerPage: Double { batchSeconds / Double(page.batch) }
    /// `86,400·B / T`.
    public var pagesPerDay: Double { 86_400 / secondsPerPage }
    /// `B·N / T`: output tokens per second over the whole job.
    public var outputTokensPerSecond: Double { Double(page.batch * page.outputTokens) / batchSeconds }
    /// `B·N / T_decode`: output tokens per second while decoding only.
    public var decodeTokensPerSecond: Double { Double(page.batch * page.outputTokens) / stage(.decode).seconds }
    public var peakMemoryBytes: Int { cost.peakMemoryBytes }
    /// GPU memory in bytes: `memoryGB·10⁹`.
    public var memoryCapacityBytes: Double { gpu.memoryGB * 1e9 }
    public var fitsInMemory: Bool { Double(peakMemoryBytes) <= memoryCapacityBytes }
    /// The sum of the three stages' forward costs.
    public var totalCost: PassCost {
        stages.map(\.cost).sum()
    }
}
