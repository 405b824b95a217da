import Foundation

/// One kernel name of a measured profile: how often it ran and for how long in total.
public struct MeasuredKernel: Sendable, Hashable {
    public let name: String
    public let kernelClass: KernelClass
    /// Launches in the file (all calls the file covers).
    public let instances: Int
    /// Total GPU time of those launches, in nanoseconds (integers, so sums are exact).
    public let nanoseconds: Int
    /// Achieved DRAM throughput the file reports for the kernel, in B/s (Nsight Compute only).
    public let reportedBytesPerSecond: Double?

    public init(name: String, instances: Int, nanoseconds: Int, reportedBytesPerSecond: Double? = nil) {
        self.name = name
        self.kernelClass = KernelClass.of(kernelName: name)
        self.instances = instances
        self.nanoseconds = nanoseconds
        self.reportedBytesPerSecond = reportedBytesPerSecond
    }

    public var seconds: Double { Double(nanoseconds) * 1e-9 }
}
