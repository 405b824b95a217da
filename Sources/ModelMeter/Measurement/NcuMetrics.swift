import Foundation

/// Nsight Compute's long-form metrics (`kernel_id,section,metric_name,value`), one profiled
/// instance per kernel; `Duration` is in microseconds (the seed's per-kernel `ncu.details.csv`
/// give the unit as `us`) and `MemoryWorkloadAnalysis` `Memory Throughput` in GB/s. Kernel
/// names come from `nsys/top-kernels.yaml` (`kernel_000N` is its N-th entry) when present.
public enum NcuMetrics {
    public static func stage(_ file: String) throws -> MeasuredStage {
        let records = try CSV.records(try MeasuredProfile.readText(file), file: file, required: ["kernel_id", "section", "metric_name", "value"])
        var order: [String] = []
        var known: Set<String> = []
        var duration: [String: Int] = [:]
        var throughput: [String: Double] = [:]
        for r in records {
            guard let id = r["kernel_id"] else { continue }
            if known.insert(id).inserted { order.append(id) }
            if r["section"] == "SpeedOfLight" && r["metric_name"] == "Duration" {
                // µs with two decimals: exact nanoseconds after rounding.
                duration[id] = try MeasuredProfile.wholeNumber(try CSV.double(r["value"], "Duration of \(id)", file), scale: 1000, "Duration of \(id)", file)
            } else if r["section"] == "MemoryWorkloadAnalysis" && r["metric_name"] == "Memory Throughput" {
                throughput[id] = try CSV.double(r["value"], "Memory Throughput of \(id)", file) * 1e9
            }
        }
        let analysis = (file as NSString).deletingLastPathComponent
        let reports = ((analysis as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        let names = topKernelNames((reports as NSString).appendingPathComponent("nsys/top-kernels.yaml"))
        let kernels = try order.map { id -> MeasuredKernel in
            guard let ns = duration[id] else {
                throw ModelMeterError.malformedValue(what: "Nsight Compute file \(file)", value: id, expected: "a SpeedOfLight Duration row")
            }
            var name = id
            if let index = Int(id.dropFirst("kernel_".count).prefix(4)), index >= 1, index <= names.count { name = names[index - 1] }
            return MeasuredKernel(name: name, instances: 1, nanoseconds: ns, reportedBytesPerSecond: throughput[id])
        }
        return MeasuredStage(
            name: "ncu", modelStage: nil, file: file, calls: 1, kernels: kernels, settings: MeasuredSettings(), runtime: "hf-eager")
    }

    static func topKernelNames(_ file: String) -> [String] {
        guard let text = try? MeasuredProfile.readText(file) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("-") else { return nil }
            let rest = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("name:") else { return nil }
            return rest.dropFirst("name:".count).trimmingCharacters(in: .whitespaces)
        }
    }
}
