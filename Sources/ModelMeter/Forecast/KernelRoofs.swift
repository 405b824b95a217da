import Foundation

/// A GPU's roofs in FLOP/s and B/s for one precision.
public struct KernelRoofs: Sendable {
    public let tensorCore: Double
    public let cudaCore: Double
    public let bandwidth: Double

    public init(gpu: GPUSpec, precision: Precision) throws {
        tensorCore = try gpu.tensorCorePeak(for: precision).teraFLOPS * 1e12
        cudaCore = gpu.cudaCorePeak.teraFLOPS * 1e12
        bandwidth = gpu.memoryBandwidthGBps * 1e9
    }

    /// `F_tc/P_tc + F_cuda/P_cuda` at the full roof.
    public func computeSeconds(_ cost: PassCost) -> Double {
        Double(cost.tensorCoreFLOPs) / tensorCore + Double(cost.cudaCoreFLOPs) / cudaCore
    }

    /// `B/BW` at the full roof.
    public func memorySeconds(_ cost: PassCost) -> Double { Double(cost.ioBytes) / bandwidth }

    /// `max(compute/e_c, memory/e_b)`.
    public func forecastSeconds(_ cost: PassCost, _ e: ClassEfficiency) -> Double {
        max(computeSeconds(cost) / e.compute, memorySeconds(cost) / e.bandwidth)
    }

}
