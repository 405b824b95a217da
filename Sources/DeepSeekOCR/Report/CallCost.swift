import Foundation
import ModelMeter

/// One model call evaluated once: its forward cost, weight reads, weights held and activation peak.
public struct CallCost: Sendable, Hashable {
    public let forward: PassCost
    public let weightReads: WeightReads
    /// Parameters × bytes per element (loaded whether used or not).
    public let weightBytes: Int
    /// Inference activation peak of the call.
    public let activationBytes: Int

    init(forward: PassCost, weightReads: WeightReads, weightBytes: Int, activationBytes: Int) {
        self.forward = forward
        self.weightReads = weightReads
        self.weightBytes = weightBytes
        self.activationBytes = activationBytes
    }

    init(_ layer: any Layer, precision: Precision) throws {
        let evaluation = try layer.evaluate(precision: precision)
        let metrics = evaluation.metrics
        forward = metrics.forward
        weightReads = try WeightReads.of(evaluation)
        weightBytes = metrics.memory.weightBytes
        activationBytes = metrics.memory.activationBytes
    }
}

extension StagePolynomial {
    /// The stage's call cost for `batch` sequences (`positions` new, `cached` cached); nil where
    /// the polynomial would leave the exact range.
    func callCost(batch: Int, positions: Int, cached: Int) -> CallCost? {
        guard let variables = variables(batch: batch, positions: positions, cached: cached),
              let metrics = metrics(batch: batch, positions: positions, cached: cached),
              let reads = Self.exact(totals.forwardWeightReads, at: variables),
              let routed = Self.exact(routedWeightReads, at: variables)
        else { return nil }
        return CallCost(
            forward: metrics.forward, weightReads: WeightReads(denseBytes: reads - routed, routedExpertBytes: routed),
            weightBytes: metrics.memory.weightBytes, activationBytes: metrics.memory.activationBytes)
    }
}
