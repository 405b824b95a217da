import Foundation
import ModelMeter

/// Weight bytes one call reads from DRAM, split into the routed experts (only the experts the
/// call's tokens touch, `E_t` per MoE layer) and everything else (attention, dense and shared
/// MLPs, gates, norms, embedding rows, lm_head, the vision stack).
public struct WeightReads: Sendable, Hashable {
    public var denseBytes: Int
    public var routedExpertBytes: Int
    public var totalBytes: Int { denseBytes + routedExpertBytes }

    public init(denseBytes: Int = 0, routedExpertBytes: Int = 0) {
        self.denseBytes = denseBytes
        self.routedExpertBytes = routedExpertBytes
    }

    /// The evaluated call's weight reads (`Totals.forwardWeightReads`, the same formulas the byte
    /// counts use), with the part read inside `RoutedExperts` subtrees set apart.
    public static func of(_ evaluation: EvaluatedLayer) throws -> WeightReads {
        let routed = try evaluation.sum(of: \.forwardWeightReads, in: ExactArithmetic()) { $0 is RoutedExperts }
        return WeightReads(denseBytes: evaluation.totals.forwardWeightReads - routed, routedExpertBytes: routed)
    }
}

/// Arithmetic on weight reads, part by part: dense and routed-expert bytes each add, subtract
/// and scale on their own (`(a + b).denseBytes = a.denseBytes + b.denseBytes`); traps on
/// overflow like `Int`'s.
extension WeightReads: AdditiveArithmetic {
    /// No bytes read.
    public static let zero = WeightReads()

    public static func + (a: WeightReads, b: WeightReads) -> WeightReads {
        WeightReads(denseBytes: a.denseBytes + b.denseBytes, routedExpertBytes: a.routedExpertBytes + b.routedExpertBytes)
    }

    public static func - (a: WeightReads, b: WeightReads) -> WeightReads {
        WeightReads(denseBytes: a.denseBytes - b.denseBytes, routedExpertBytes: a.routedExpertBytes - b.routedExpertBytes)
    }

    /// The reads of `count` calls: both parts times `count`.
    public static func * (reads: WeightReads, count: Int) -> WeightReads {
        WeightReads(denseBytes: reads.denseBytes * count, routedExpertBytes: reads.routedExpertBytes * count)
    }

    public static func * (count: Int, reads: WeightReads) -> WeightReads { reads * count }
}
