import Foundation
import ModelMeter

/// A sweep's rows with the GPUs and precision they were priced for.
public struct SweepResult: Sendable {
    public let dimension: Sweep.Dimension
    public let precision: Precision
    public let gpus: [GPUSpec]
    public let stages: [ModelStage]
    public let rows: [SweepRow]

    /// CSV (RFC 4180 quoting), one row per point; empty time cells where a GPU lacks the precision.
    public func csv() -> String {
        var header = [
            "label", "mode", "crops", "batch", "vision_tokens_per_page", "forward_tensor_core_flops",
            "forward_cuda_core_flops", "forward_io_bytes", "activation_bytes", "weight_bytes",
        ]
        header += gpus.map { "time_lower_bound_seconds_\($0.id)" }
        var lines = [header.map(ModelReport.csvField).joined(separator: ",")]
        for row in rows {
            var fields = [
                row.label, row.workload.mode.rawValue, row.cropsText, "\(row.workload.batch)", "\(row.visionTokensPerPage)",
                "\(row.forward.tensorCoreFLOPs)", "\(row.forward.cudaCoreFLOPs)", "\(row.forward.ioBytes)",
                "\(row.activationBytes)", "\(row.weightBytes)",
            ]
            fields += row.timeLowerBoundSeconds.map { $0.map { "\($0)" } ?? "" }
            lines.append(fields.map(ModelReport.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same table as a JSON document.
    public func json() -> JSONValue {
        .object([
            ("tool", .string("modelmeter")),
            ("sweep", .string(dimension.rawValue)),
            ("precision", .string(precision.rawValue)),
            ("gpus", .array(gpus.map { .string($0.id) })),
            ("stages", .array(stages.map { .string($0.rawValue) })),
            ("units", .string("FLOP and bytes are exact integers for the stages together (all views, all pages); seconds are forward lower bounds, summed over stages")),
            ("points", .array(rows.map { row in
                .object([
                    ("label", .string(row.label)),
                    ("mode", .string(row.workload.mode.rawValue)),
                    ("crops", row.cropsText.isEmpty ? .null : .string(row.cropsText)),
                    ("batch", .int(row.workload.batch)),
                    ("visionTokensPerPage", .int(row.visionTokensPerPage)),
                    ("forwardTensorCoreFLOPs", .int(row.forward.tensorCoreFLOPs)),
                    ("forwardCUDACoreFLOPs", .int(row.forward.cudaCoreFLOPs)),
                    ("forwardIOBytes", .int(row.forward.ioBytes)),
                    ("activationBytes", .int(row.activationBytes)),
                    ("weightBytes", .int(row.weightBytes)),
                    ("kvCacheBytes", .int(row.kvCacheBytes)),
                    ("timeLowerBoundSeconds", .object(zip(gpus, row.timeLowerBoundSeconds).map { gpu, time in
                        (gpu.id, time.map(JSONValue.double) ?? .null)
                    })),
                ])
            })),
        ])
    }
}
