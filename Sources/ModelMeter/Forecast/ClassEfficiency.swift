import Foundation

/// The constants of one kernel class under a runtime: the share of the compute roof and of the
/// bandwidth roof its kernels reach, the launches each model kernel becomes and their fixed
/// time, and where they were measured.
public struct ClassEfficiency: Sendable, Hashable, Codable {
    /// `e_c`: achieved / peak FLOP/s of the class's compute-bound kernels.
    public let compute: Double
    /// `e_b`: achieved / peak DRAM bandwidth of the class's memory-bound kernels.
    public let bandwidth: Double
    /// `m`: GPU kernels the runtime launches per model kernel of the class (eager PyTorch splits
    /// an RMSNorm into a cast, a square, a mean, an rsqrt and two products; fused runtimes launch one).
    public let kernelsPerModelKernel: Double
    /// `t_launch`: fixed time of one launched kernel of the class, in seconds.
    public let launchSeconds: Double
    /// How the figures were obtained, in words (the fit's data, or why a figure is not fitted).
    public let source: String

    public init(compute: Double, bandwidth: Double, kernelsPerModelKernel: Double, launchSeconds: Double, source: String) {
        self.compute = compute
        self.bandwidth = bandwidth
        self.kernelsPerModelKernel = kernelsPerModelKernel
        self.launchSeconds = launchSeconds
        self.source = source
    }

    /// `m·t_launch`: the fixed time one model kernel of the class adds.
    public var fixedSeconds: Double { kernelsPerModelKernel * launchSeconds }
}
