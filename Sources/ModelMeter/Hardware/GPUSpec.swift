/// One peak figure with what it assumes.
public struct PeakThroughput: Sendable, Hashable, Codable {
    /// Dense TFLOPS (1e12 FLOP/s); sparse figures are never used for a dense model.
    public let teraFLOPS: Double
    /// Input precision of the figure ("BF16", "FP8", "FP32").
    public let precision: String
    /// Accumulator type ("FP32", "FP16").
    public let accumulate: String
    /// Always "dense" for figures the roofline uses.
    public let sparsity: String

    public init(_ teraFLOPS: Double, precision: String, accumulate: String, sparsity: String = "dense") {
        self.teraFLOPS = teraFLOPS
        self.precision = precision
        self.accumulate = accumulate
        self.sparsity = sparsity
    }
}

/// A GPU as the roofline needs it: compute roofs per precision, CUDA-core FP32 roof, bandwidth.
public struct GPUSpec: Sendable, Hashable, Codable {
    /// Catalog key used on the command line (`rtx5090`).
    public let id: String
    public let name: String
    public let architecture: String
    /// Tensor-core roofs keyed by `Precision.rawValue`; a missing key means unsupported.
    public let tensorCorePeaks: [String: PeakThroughput]
    /// FP32 non-tensor throughput of the CUDA cores.
    public let cudaCorePeak: PeakThroughput
    /// DRAM bandwidth in GB/s (1e9 B/s).
    public let memoryBandwidthGBps: Double
    public let memoryGB: Double
    /// Where the figures come from.
    public let source: String

    public init(
        id: String, name: String, architecture: String, tensorCorePeaks: [String: PeakThroughput],
        cudaCorePeak: PeakThroughput, memoryBandwidthGBps: Double, memoryGB: Double, source: String
    ) {
        self.id = id
        self.name = name
        self.architecture = architecture
        self.tensorCorePeaks = tensorCorePeaks
        self.cudaCorePeak = cudaCorePeak
        self.memoryBandwidthGBps = memoryBandwidthGBps
        self.memoryGB = memoryGB
        self.source = source
    }

    /// The tensor-core roof for `precision`; fp32 matmuls run on CUDA cores (TF32 off, PyTorch's default).
    public func tensorCorePeak(for precision: Precision) throws -> PeakThroughput {
        if precision == .fp32 { return cudaCorePeak }
        guard let peak = tensorCorePeaks[precision.rawValue] else {
            throw ModelMeterError.unknownName(
                kind: "precision for \(name)", name: precision.rawValue,
                accepted: (tensorCorePeaks.keys.sorted() + ["fp32"]))
        }
        return peak
    }

    /// Checks every figure is positive and finite (for user-supplied spec files).
    public func validate() throws {
        func check(_ value: Double, _ what: String) throws {
            guard value.isFinite, value > 0 else {
                throw ModelMeterError.invalidShape(layer: "GPU spec \(id)", what: what, reason: "\(value) is not a positive number")
            }
        }
        guard !id.isEmpty else {
            throw ModelMeterError.invalidShape(layer: "GPU spec", what: "id", reason: "it is empty")
        }
        try check(memoryBandwidthGBps, "memoryBandwidthGBps")
        try check(memoryGB, "memoryGB")
        try check(cudaCorePeak.teraFLOPS, "cudaCorePeak.teraFLOPS")
        guard !tensorCorePeaks.isEmpty else {
            throw ModelMeterError.invalidShape(layer: "GPU spec \(id)", what: "tensorCorePeaks", reason: "no tensor-core figure is given")
        }
        for (key, peak) in tensorCorePeaks.sorted(by: { $0.key < $1.key }) {
            guard Precision(rawValue: key) != nil else {
                throw ModelMeterError.unknownName(kind: "precision in GPU spec \(id)", name: key, accepted: Precision.allCases.map(\.rawValue))
            }
            try check(peak.teraFLOPS, "tensorCorePeaks.\(key).teraFLOPS")
        }
    }
}
