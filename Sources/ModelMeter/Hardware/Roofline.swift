/// Which roof limits a kernel's time.
public enum RooflineBound: String, Sendable, Codable {
    case tensorCore = "tensor-core compute"
    case cudaCore = "CUDA-core compute"
    case memory = "memory bandwidth"
}

/// A layer placed on a GPU's roofline.
///
/// ```
/// compute time = TC FLOPs / TC peak + CUDA FLOPs / CUDA peak
/// memory time  = bytes / bandwidth
/// lower bound  = max(compute time, memory time)
/// ridge point  = TC peak / bandwidth   (FLOP per byte)
/// ```
public struct RooflinePoint: Sendable, Hashable {
    public let arithmeticIntensity: Double
    /// Tensor-core ridge point in FLOP/byte.
    public let ridgePoint: Double
    /// CUDA-core ridge point in FLOP/byte.
    public let cudaRidgePoint: Double
    public let tensorCoreSeconds: Double
    public let cudaCoreSeconds: Double
    public let memorySeconds: Double
    /// FLOPs / lower-bound time, in FLOP/s.
    public let attainableFLOPS: Double
    public let bound: RooflineBound

    public var computeSeconds: Double { tensorCoreSeconds + cudaCoreSeconds }
    public var timeLowerBoundSeconds: Double { max(computeSeconds, memorySeconds) }

    public init(cost: PassCost, gpu: GPUSpec, precision: Precision) throws {
        let tensorPeak = try gpu.tensorCorePeak(for: precision).teraFLOPS * 1e12
        let cudaPeak = gpu.cudaCorePeak.teraFLOPS * 1e12
        let bandwidth = gpu.memoryBandwidthGBps * 1e9
        arithmeticIntensity = cost.arithmeticIntensity
        ridgePoint = tensorPeak / bandwidth
        cudaRidgePoint = cudaPeak / bandwidth
        tensorCoreSeconds = Double(cost.tensorCoreFLOPs) / tensorPeak
        cudaCoreSeconds = Double(cost.cudaCoreFLOPs) / cudaPeak
        memorySeconds = Double(cost.ioBytes) / bandwidth
        let lowerBound = max(tensorCoreSeconds + cudaCoreSeconds, memorySeconds)
        attainableFLOPS = lowerBound > 0 ? Double(cost.totalFLOPs) / lowerBound : 0
        if memorySeconds >= tensorCoreSeconds + cudaCoreSeconds {
            bound = .memory
        } else {
            bound = tensorCoreSeconds >= cudaCoreSeconds ? .tensorCore : .cudaCore
        }
    }
}
