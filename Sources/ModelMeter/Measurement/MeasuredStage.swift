import Foundation

/// One stage of a measured profile: the kernels of `calls` model calls (decode: one per step).
public struct MeasuredStage: Sendable {
    /// `sam`, `clip`, `projector`, `prefill`, `decode`, `vision`, or a harness run's name.
    public let name: String
    /// The model stage the measurement covers (`sam`, `clip`, `projector`, `vision`, `prefill`,
    /// `vision+prefill` (the seed's prefill range holds the vision stack too), `decode`), or nil
    /// when none is known.
    public let modelStage: String?
    /// The file every kernel figure comes from.
    public let file: String
    /// Model calls the kernels cover (decode steps; 1 otherwise).
    public let calls: Int
    public let kernels: [MeasuredKernel]
    public let settings: MeasuredSettings
    /// Measured wall time of one call, and the file it comes from, when one is given.
    public let wallSecondsPerCall: Double?
    public let wallSource: String?
    /// The runtime the measurement ran under (`hf-eager`, `vllm`).
    public let runtime: String

    public init(
        name: String, modelStage: String?, file: String, calls: Int, kernels: [MeasuredKernel], settings: MeasuredSettings,
        wallSecondsPerCall: Double? = nil, wallSource: String? = nil, runtime: String = "hf-eager"
    ) {
        self.name = name
        self.modelStage = modelStage
        self.file = file
        self.calls = calls
        self.kernels = kernels
        self.settings = settings
        self.wallSecondsPerCall = wallSecondsPerCall
        self.wallSource = wallSource
        self.runtime = runtime
    }

    /// `Σ` kernel time over the file, in nanoseconds (exact).
    public var kernelNanoseconds: Int { kernels.reduce(0) { $0 + $1.nanoseconds } }
    /// `Σ` kernel time of the file, in seconds.
    public var kernelSeconds: Double { Double(kernelNanoseconds) * 1e-9 }
    /// Kernel time of one call: `Σ / calls`.
    public var kernelSecondsPerCall: Double { kernelSeconds / Double(calls) }
    /// `Σ` launches over the file.
    public var kernelCount: Int { kernels.reduce(0) { $0 + $1.instances } }

    /// Kernel seconds and launches per class over the whole file.
    public func byClass() -> [KernelClass: (instances: Int, nanoseconds: Int)] {
        var result: [KernelClass: (instances: Int, nanoseconds: Int)] = [:]
        for kernel in kernels {
            let old = result[kernel.kernelClass] ?? (0, 0)
            result[kernel.kernelClass] = (old.instances + kernel.instances, old.nanoseconds + kernel.nanoseconds)
        }
        return result
    }
}
