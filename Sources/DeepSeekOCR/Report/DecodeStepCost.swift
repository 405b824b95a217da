import Foundation
import ModelMeter

/// One decode step of `B` sequences as a function of the cached length `L`, derived from the
/// decoder's own formulas: read off the decode stage's polynomial (the one evaluator in
/// polynomial arithmetic, `L` a variable of degree at most 1 there), or, past the polynomial's
/// exact range, from the step tree evaluated at `L` = 1 and 2 and checked at
/// `L` = max_position_embeddings − 1. A cost that is not affine in `L` is an error, never extrapolated.
public struct DecodeStepCost: Sendable, Hashable {
    public let batch: Int
    /// `c(L) = c(0) + Δ·L` for the whole step (`DeepseekV2ForCausalLM`, `S` = 1).
    public let cost: AffinePassCost
    /// Weight-class reads of the step at `L` = 0 (extrapolated) and their growth per cached
    /// position: 0 except for tables read per key, such as eager attention's causal mask.
    public let weightReadsIntercept: WeightReads
    public let weightReadsSlope: WeightReads
    /// Decoder parameters × bytes per element.
    public let weightBytes: Int

    init(batch: Int, kernel: AttentionKernel, configuration: DeepseekV2Configuration, precision: Precision) throws {
        func step(_ cached: Int) throws -> DeepseekV2ForCausalLM {
            try DeepseekV2ForCausalLM(
                shape: .decode(batch: batch, context: cached), configuration: configuration, kernel: kernel, logits: .last)
        }
        let one = try CallCost(try step(1), precision: precision)
        let two = try CallCost(try step(2), precision: precision)
        let slope = two.forward - one.forward
        cost = AffinePassCost(intercept: one.forward - slope, slope: slope)
        let far = configuration.maxPositions - 1
        let farStep = try CallCost(try step(far), precision: precision)
        let readsSlope = two.weightReads - one.weightReads
        func affine(_ w: WeightReads, _ cached: Int) -> WeightReads { w + readsSlope * cached }
        let readsIntercept = affine(one.weightReads, -1)
        guard try cost.at(far) == farStep.forward, affine(readsIntercept, far) == farStep.weightReads else {
            throw ModelMeterError.invalidShape(
                layer: "page", what: "decode step",
                reason: "its cost is not affine in the cached length L (checked at L = 1, 2, \(far)); the closed-form sum does not apply")
        }
        self.batch = batch
        weightReadsIntercept = readsIntercept
        weightReadsSlope = readsSlope
        weightBytes = one.weightBytes
    }
}

extension DecodeStepCost {
    /// The step from the decode stage's polynomial: `c(0)` and `c(1) − c(0)`; nil where the
    /// polynomial would leave the exact range.
    init?(batch: Int, polynomial: StagePolynomial) {
        guard let empty = polynomial.callCost(batch: batch, positions: 1, cached: 0),
              let one = polynomial.callCost(batch: batch, positions: 1, cached: 1) else { return nil }
        self.batch = batch
        cost = AffinePassCost(intercept: empty.forward, slope: one.forward - empty.forward)
        weightReadsIntercept = empty.weightReads
        weightReadsSlope = one.weightReads - empty.weightReads
        weightBytes = empty.weightBytes
    }
}

extension DecodeStepCost {
    /// Weight-class reads of one step at `L` cached positions: `w(0) + w_Δ·L`.
    public func weightReads(at cached: Int) -> WeightReads {
        weightReadsIntercept + weightReadsSlope * cached
    }
}
