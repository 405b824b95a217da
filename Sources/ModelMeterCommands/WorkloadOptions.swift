import ArgumentParser
import DeepSeekOCR
import ModelMeter

/// Options that pick what runs and where: mode, crops, batch, attention kernel, GPU, precision.
struct WorkloadOptions: ParsableArguments {
    @Option(help: "Vendor mode: tiny, small, base, large or gundam.")
    var mode: String = "gundam"

    @Option(help: "Crop grid WxH for gundam (width tiles x height tiles), e.g. 2x3.")
    var crops: String?

    @Option(help: "Pages processed together.")
    var batch: Int = 1

    @Option(help: "Attention kernel: sdpa (fused, default) or eager (scores materialised).")
    var attention: String = AttentionKernel.sdpa.rawValue

    @Option(help: "Storage precision: bf16, fp16, fp32 or fp8.")
    var precision: String = Precision.bf16.rawValue

    @Option(help: "GPU from the catalog (see `modelmeter list gpus`).")
    var gpu: String = GPUCatalog.defaultGPU.id

    /// The workload these options describe; throws a one-line error for any bad value.
    func workload() throws -> Workload {
        let mode = try VisionMode.named(mode)
        let grid = try crops.map { try CropGrid(parsing: $0) }
        return try Workload(mode: mode, crops: grid, batch: batch, kernel: try kernel())
    }

    func kernel() throws -> AttentionKernel {
        guard let kernel = AttentionKernel(rawValue: attention.lowercased()) else {
            throw ModelMeterError.unknownName(kind: "attention variant", name: attention, accepted: AttentionKernel.allCases.map(\.rawValue))
        }
        return kernel
    }

    func storagePrecision() throws -> Precision {
        guard let value = Precision(rawValue: precision.lowercased()) else {
            throw ModelMeterError.unknownName(kind: "precision", name: precision, accepted: Precision.allCases.map(\.rawValue))
        }
        return value
    }

    func gpuSpec() throws -> GPUSpec { try GPUCatalog.named(gpu) }

    func report() throws -> ModelReport {
        try ModelReport(workload: try workload(), gpu: try gpuSpec(), precision: try storagePrecision())
    }
}
