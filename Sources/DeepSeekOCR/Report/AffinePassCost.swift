import Foundation
import ModelMeter

/// A forward cost that grows by a fixed amount per cached position:
/// `c(L) = c(0) + Δ·L` for tensor-core FLOPs, CUDA-core FLOPs and DRAM bytes alike.
public struct AffinePassCost: Sendable, Hashable {
    /// `c(0)`: the step cost extrapolated to an empty cache.
    public let intercept: PassCost
    /// `Δ`: what one more cached position adds to the step.
    public let slope: PassCost

    public init(intercept: PassCost, slope: PassCost) {
        self.intercept = intercept
        self.slope = slope
    }

    /// `c(L) = c(0) + Δ·L`.
    public func at(_ cached: Int) throws -> PassCost {
        try intercept.adding(slope, times: cached)
    }

    /// `Σ_{i=0}^{n−1} c(L₀ + i) = n·c(L₀) + Δ·n(n−1)/2`: the cost of `n` steps starting at `L₀`.
    public func sum(from start: Int, steps: Int) throws -> PassCost {
        let first = try at(start)
        return try PassCost.combination(first, steps, slope, AffinePassCost.triangle(steps), "decode sum")
    }

    /// `n(n−1)/2`: how many cached positions the steps after the first add up, together.
    public static func triangle(_ steps: Int) -> Int { steps * (steps - 1) / 2 }
}
