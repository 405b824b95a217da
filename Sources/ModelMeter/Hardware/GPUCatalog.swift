/// The GPUs ModelMeter knows, with dense peaks from the vendors' whitepapers and datasheets.
///
/// GeForce parts (RTX 4090, RTX 5090) run FP16/BF16 tensor math with FP32 accumulate at half
/// the FP16-accumulate rate; PyTorch accumulates bf16 matmuls in FP32, so that is the roof used.
public enum GPUCatalog {
    public static let rtx5090 = GPUSpec(
        id: "rtx5090", name: "NVIDIA GeForce RTX 5090", architecture: "Blackwell GB202 (sm_120)",
        tensorCorePeaks: [
            "bf16": PeakThroughput(209.5, precision: "BF16", accumulate: "FP32"),
            "fp16": PeakThroughput(209.5, precision: "FP16", accumulate: "FP32"),
            "fp8": PeakThroughput(419, precision: "FP8", accumulate: "FP32"),
        ],
        cudaCorePeak: PeakThroughput(104.8, precision: "FP32", accumulate: "FP32"),
        memoryBandwidthGBps: 1792, memoryGB: 32,
        source: "NVIDIA RTX Blackwell GPU Architecture whitepaper, Appendix A; GeForce RTX 5090 product page")

    public static let rtx4090 = GPUSpec(
        id: "rtx4090", name: "NVIDIA GeForce RTX 4090", architecture: "Ada AD102",
        tensorCorePeaks: [
            "bf16": PeakThroughput(165.2, precision: "BF16", accumulate: "FP32"),
            "fp16": PeakThroughput(165.2, precision: "FP16", accumulate: "FP32"),
            "fp8": PeakThroughput(330.3, precision: "FP8", accumulate: "FP32"),
        ],
        cudaCorePeak: PeakThroughput(82.6, precision: "FP32", accumulate: "FP32"),
        memoryBandwidthGBps: 1008, memoryGB: 24,
        source: "NVIDIA Ada GPU Architecture whitepaper, Appendix A")

    public static let h100SXM = GPUSpec(
        id: "h100-sxm", name: "NVIDIA H100 SXM5", architecture: "Hopper GH100",
        tensorCorePeaks: [
            "bf16": PeakThroughput(989.4, precision: "BF16", accumulate: "FP32"),
            "fp16": PeakThroughput(989.4, precision: "FP16", accumulate: "FP32"),
            "fp8": PeakThroughput(1979, precision: "FP8", accumulate: "FP32"),
        ],
        cudaCorePeak: PeakThroughput(66.9, precision: "FP32", accumulate: "FP32"),
        memoryBandwidthGBps: 3350, memoryGB: 80,
        source: "NVIDIA H100 Tensor Core GPU datasheet (sparse figures halved to dense)")

    public static let h100PCIe = GPUSpec(
        id: "h100-pcie", name: "NVIDIA H100 PCIe", architecture: "Hopper GH100",
        tensorCorePeaks: [
            "bf16": PeakThroughput(756, precision: "BF16", accumulate: "FP32"),
            "fp16": PeakThroughput(756, precision: "FP16", accumulate: "FP32"),
            "fp8": PeakThroughput(1513, precision: "FP8", accumulate: "FP32"),
        ],
        cudaCorePeak: PeakThroughput(51.2, precision: "FP32", accumulate: "FP32"),
        memoryBandwidthGBps: 2000, memoryGB: 80,
        source: "NVIDIA H100 Tensor Core GPU datasheet (sparse figures halved to dense)")

    public static let a100SXM80GB = GPUSpec(
        id: "a100-sxm-80gb", name: "NVIDIA A100 SXM 80GB", architecture: "Ampere GA100",
        tensorCorePeaks: [
            "bf16": PeakThroughput(312, precision: "BF16", accumulate: "FP32"),
            "fp16": PeakThroughput(312, precision: "FP16", accumulate: "FP32"),
        ],
        cudaCorePeak: PeakThroughput(19.5, precision: "FP32", accumulate: "FP32"),
        memoryBandwidthGBps: 2039, memoryGB: 80,
        source: "NVIDIA A100 Tensor Core GPU datasheet (80 GB SXM)")

    /// The GPU of DeepSeek-OCR's published throughput claims (200k+ pages/day, ~2,500 tokens/s).
    public static let a100SXM40GB = GPUSpec(
        id: "a100-40gb", name: "NVIDIA A100 SXM4 40GB", architecture: "Ampere GA100",
        tensorCorePeaks: [
            "bf16": PeakThroughput(312, precision: "BF16", accumulate: "FP32"),
            "fp16": PeakThroughput(312, precision: "FP16", accumulate: "FP32"),
        ],
        cudaCorePeak: PeakThroughput(19.5, precision: "FP32", accumulate: "FP32"),
        memoryBandwidthGBps: 1555, memoryGB: 40,
        source: "NVIDIA A100 Tensor Core GPU datasheet (40 GB SXM4: 40 GB HBM2, 1,555 GB/s)")

    public static let h200 = GPUSpec(
        id: "h200", name: "NVIDIA H200 SXM", architecture: "Hopper GH100",
        tensorCorePeaks: [
            "bf16": PeakThroughput(989.5, precision: "BF16", accumulate: "FP32"),
            "fp16": PeakThroughput(989.5, precision: "FP16", accumulate: "FP32"),
            "fp8": PeakThroughput(1979, precision: "FP8", accumulate: "FP32"),
        ],
        cudaCorePeak: PeakThroughput(67, precision: "FP32", accumulate: "FP32"),
        memoryBandwidthGBps: 4800, memoryGB: 141,
        source: "NVIDIA H200 Tensor Core GPU product page and datasheet (sparse figures halved to dense)")

    public static let l40s = GPUSpec(
        id: "l40s", name: "NVIDIA L40S", architecture: "Ada AD102",
        tensorCorePeaks: [
            "bf16": PeakThroughput(362, precision: "BF16", accumulate: "FP16 (FP32-accumulate rate not stated)"),
            "fp16": PeakThroughput(362, precision: "FP16", accumulate: "FP16 (FP32-accumulate rate not stated)"),
            "fp8": PeakThroughput(733, precision: "FP8", accumulate: "FP32"),
        ],
        cudaCorePeak: PeakThroughput(91.6, precision: "FP32", accumulate: "FP32"),
        memoryBandwidthGBps: 864, memoryGB: 48,
        source: "NVIDIA L40S datasheet")

    /// Every catalog GPU, default first.
    public static let all: [GPUSpec] = [rtx5090, rtx4090, h100SXM, h100PCIe, a100SXM80GB, l40s, a100SXM40GB, h200]

    /// The default GPU.
    public static let defaultGPU = rtx5090

    /// Looks a GPU up by id, case-insensitively.
    public static func named(_ id: String) throws -> GPUSpec {
        guard let gpu = all.first(where: { $0.id == id.lowercased() }) else {
            throw ModelMeterError.unknownName(kind: "GPU", name: id, accepted: all.map(\.id))
        }
        return gpu
    }
}
