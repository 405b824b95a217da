import Foundation

/// PyTorch profiler Chrome traces (`.json` or `.json.gz`): `traceEvents` with `cat` `kernel`
/// events (`dur` in µs); a kernel belongs to the stage whose `record_function` range
/// (`user_annotation` or `gpu_user_annotation`) holds it (by GPU time, or by its launch's
/// correlation id on the CPU side). A range is a stage when named `vision`, `sam`, `clip`,
/// `projector`, `prefill` or `decode`, or `modelmeter/<run>` with a run name that starts with
/// one of them (`modelmeter/decode-L1024-b1`: settings read from the name). Kernels outside
/// every such range form the stage `trace`. A stage's calls are the number of its ranges.
public enum ChromeTrace {
    static let stageNames = ["vision", "sam", "clip", "projector", "prefill", "decode"]

    public static func stages(_ object: [String: Any], file: String) throws -> [MeasuredStage] {
        guard let events = object["traceEvents"] as? [[String: Any]] else {
            throw ModelMeterError.malformedValue(what: "Chrome trace \(file)", value: "traceEvents", expected: "an array of events")
        }
        func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }
        var cpuRanges: [(name: String, start: Double, end: Double)] = []
        var gpuRanges: [(name: String, start: Double, end: Double)] = []
        var launches: [Int: Double] = [:]
        for event in events {
            let cat = (event["cat"] as? String)?.lowercased() ?? ""
            guard let ts = number(event["ts"]) else { continue }
            let dur = number(event["dur"]) ?? 0
            let name = event["name"] as? String ?? ""
            if cat == "user_annotation" || cat == "gpu_user_annotation", modelStage(ofRange: name) != nil {
                if cat == "gpu_user_annotation" { gpuRanges.append((name, ts, ts + dur)) } else { cpuRanges.append((name, ts, ts + dur)) }
            } else if cat == "cuda_runtime" || cat == "cuda_driver", let args = event["args"] as? [String: Any],
                      let correlation = number(args["correlation"]).flatMap({ Int(exactly: $0) }) {
                launches[correlation] = ts
            }
        }
        let gpuIndex = RangeIndex(gpuRanges), cpuIndex = RangeIndex(cpuRanges)
        var steps = 0
        var perStage: [String: [String: (Int, Int)]] = [:]
        for event in events where (event["cat"] as? String)?.lowercased() == "kernel" {
            guard let name = event["name"] as? String, let ts = number(event["ts"]), let dur = number(event["dur"]), dur >= 0 else {
                throw ModelMeterError.malformedValue(what: "kernel event in \(file)", value: "\(event["name"] ?? "?")", expected: "name, ts and dur")
            }
            var stage = try gpuIndex.name(at: ts, steps: &steps, file: file)
            if stage == nil, let args = event["args"] as? [String: Any],
               let correlation = number(args["correlation"]).flatMap({ Int(exactly: $0) }), let launch = launches[correlation] {
                stage = try cpuIndex.name(at: launch, steps: &steps, file: file)
            }
            let key = stage ?? "trace"
            let ns = try MeasuredProfile.wholeNumber(dur, scale: 1000, "dur of kernel event", file)
            let old = perStage[key, default: [:]][name] ?? (0, 0)
            perStage[key, default: [:]][name] = (
                try MeasuredProfile.total(old.0, 1, "launches of \(key)", file),
                try MeasuredProfile.total(old.1, ns, "kernel time (ns) of \(key)", file))
        }
        guard !perStage.isEmpty else {
            throw ModelMeterError.malformedValue(what: "Chrome trace \(file)", value: "no kernel events", expected: "events with cat \"kernel\"")
        }
        return perStage.keys.sorted().map { stage in
            let kernels = perStage[stage]!.map { MeasuredKernel(name: $0.key, instances: $0.value.0, nanoseconds: $0.value.1) }
                .sorted { $0.nanoseconds > $1.nanoseconds }
            let ranges = (gpuRanges.isEmpty ? cpuRanges : gpuRanges).filter { $0.name == stage }.count
            let run = stage.hasPrefix("modelmeter/") ? String(stage.dropFirst("modelmeter/".count)) : stage
            return MeasuredStage(
                name: run, modelStage: modelStage(ofRange: stage), file: file, calls: max(1, ranges), kernels: kernels,
                settings: MeasuredSettings.fromRunName(run))
        }
    }

    /// The most range checks a trace may cost, all kernels together (overlapping ranges cost more).
    static let maximumRangeSteps = 10_000_000

    /// Stage ranges sorted by start: the range holding a time is the latest-starting one that
    /// still reaches it (the last listed among equal starts), found by bisection and a walk back
    /// that stops where no earlier range reaches the time.
    struct RangeIndex {
        let ranges: [(name: String, start: Double, end: Double)]
        /// `reach[i]`: the latest end among `ranges[0...i]`.
        let reach: [Double]

        init(_ unsorted: [(name: String, start: Double, end: Double)]) {
            ranges = unsorted.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
            var latest = -Double.infinity
            reach = ranges.map { latest = max(latest, $0.end); return latest }
        }

        func name(at time: Double, steps: inout Int, file: String) throws -> String? {
            var low = 0, high = ranges.count
            while low < high {
                let middle = (low + high) / 2
                if ranges[middle].start <= time { low = middle + 1 } else { high = middle }
            }
            var i = low - 1
            while i >= 0, reach[i] >= time {
                if ranges[i].end >= time { return ranges[i].name }
                steps += 1
                guard steps <= ChromeTrace.maximumRangeSteps else {
                    throw ModelMeterError.malformedValue(
                        what: "Chrome trace \(file)", value: "overlapping stage ranges",
                        expected: "stage ranges that overlap little (at most \(ChromeTrace.maximumRangeSteps) range checks in all)")
                }
                i -= 1
            }
            return nil
        }
    }

    /// The model stage a range name stands for, or nil when it is no stage.
    static func modelStage(ofRange range: String) -> String? {
        let name = range.lowercased()
        if stageNames.contains(name) { return name }
        guard name.hasPrefix("modelmeter/") else { return nil }
        let run = name.dropFirst("modelmeter/".count)
        return stageNames.first { run == $0 || run.hasPrefix($0 + "-") }
    }
}
