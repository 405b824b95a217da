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

extension SweepResult {
    /// The four sweep charts: forward FLOPs (tensor core vs CUDA core), forward I/O bytes,
    /// activation memory, and the forward time lower bound on every GPU.
    /// File names are `sweep-<dimension>-<quantity>.svg`.
    /// - Parameter xTitle: the x-axis title; `dimension.axisTitle` by default.
    public func charts(xTitle: String? = nil) -> [SweepChart] {
        let labels = rows.map(\.label)
        let prefix = "sweep-\(dimension.rawValue)"
        let xTitle = xTitle ?? dimension.axisTitle
        let model = (rows.first?.workload.model ?? .deepseekOCR).displayName
        let what = stages == [.vision] ? "\(model) vision stack" : "\(model) " + stages.map(\.rawValue).joined(separator: " + ")
        let scope = "\(what), \(precision.rawValue), by \(dimension.rawValue)"
        return [
            SweepChart(
                fileName: "\(prefix)-flops.svg", title: "Forward FLOPs: tensor core vs CUDA core (\(scope))",
                xTitle: xTitle, yTitle: "forward FLOP", labels: labels,
                series: [
                    .init(name: "tensor core", values: rows.map { Double($0.forward.tensorCoreFLOPs) }),
                    .init(name: "CUDA core", values: rows.map { Double($0.forward.cudaCoreFLOPs) }),
                ],
                unit: "FLOP"),
            SweepChart(
                fileName: "\(prefix)-io-bytes.svg", title: "Forward I/O bytes (\(scope))",
                xTitle: xTitle, yTitle: "DRAM bytes moved (forward)", labels: labels,
                series: [.init(name: "forward I/O", values: rows.map { Double($0.forward.ioBytes) })],
                unit: "B"),
            SweepChart(
                fileName: "\(prefix)-activation-memory.svg", title: "Peak activation memory (\(scope))",
                xTitle: xTitle, yTitle: "inference activation bytes", labels: labels,
                series: [.init(name: "activations", values: rows.map { Double($0.activationBytes) })],
                unit: "B"),
            SweepChart(
                fileName: "\(prefix)-time-lower-bound.svg", title: "Forward time lower bound per GPU (\(scope))",
                xTitle: xTitle, yTitle: "seconds (roofline lower bound)", labels: labels,
                series: gpus.enumerated().map { index, gpu in
                    let values = rows.map { $0.timeLowerBoundSeconds[index] }
                    let missing = !rows.isEmpty && values.allSatisfy { $0 == nil }
                    return .init(name: missing ? "\(gpu.id) (no \(precision.rawValue) roof)" : gpu.id, values: values)
                },
                unit: "s"),
        ]
    }
}
