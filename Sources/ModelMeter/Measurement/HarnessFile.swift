import Foundation

/// The measurement harness's JSON (`tools/measure/`, schema `modelmeter.measure/1`): one stage
/// per run, its kernels per iteration, its CUDA-event wall time (median) per forward.
public enum HarnessFile {
    public static let schema = "modelmeter.measure/1"

    public static func stages(_ object: [String: Any], file: String) throws -> (stages: [MeasuredStage], gpu: String?) {
        let provenance = object["provenance"] as? [String: Any]
        guard let runs = object["runs"] as? [[String: Any]] else {
            throw ModelMeterError.malformedValue(what: "harness file \(file)", value: "runs", expected: "an array of runs")
        }
        func number(_ value: Any?) -> Double? {
            (value as? NSNumber)?.doubleValue
        }
        let stages = try runs.map { run -> MeasuredStage in
            guard let name = run["name"] as? String, let stage = run["stage"] as? String else {
                throw ModelMeterError.malformedValue(what: "run in \(file)", value: "\(run["name"] ?? "?")", expected: "name and stage")
            }
            let kernels = try (run["kernels"] as? [[String: Any]] ?? []).map { k -> MeasuredKernel in
                guard let kname = k["name"] as? String, let count = number(k["count"]), let seconds = number(k["seconds"]),
                      count >= 0, seconds >= 0, count == count.rounded() else {
                    throw ModelMeterError.malformedValue(what: "kernel of run \(name) in \(file)", value: "\(k["name"] ?? "?")", expected: "name, count ≥ 0 and seconds ≥ 0")
                }
                return MeasuredKernel(
                    name: kname, instances: try MeasuredProfile.wholeNumber(count, "count of \(kname) in run \(name)", file),
                    nanoseconds: try MeasuredProfile.wholeNumber(seconds, scale: 1e9, "seconds of \(kname) in run \(name)", file))
            }
            let workload = run["workload"] as? [String: Any] ?? [:]
            // A whole number in Int's range (the model checks its limits when it prices the run).
            func whole(_ key: String) throws -> Int? {
                guard let value = workload[key] else { return nil }
                guard let n = number(value).flatMap({ Int(exactly: $0) }) else {
                    throw ModelMeterError.malformedValue(what: "workload \(key) of run \(name) in \(file)", value: "\(value)", expected: "a whole number")
                }
                return n
            }
            let settings = MeasuredSettings(
                mode: workload["mode"] as? String, crops: workload["crops"] as? String, batch: try whole("batch"),
                tokens: try whole("tokens"), context: try whole("context"),
                attention: workload["attention"] as? String, precision: workload["precision"] as? String)
            var settings2 = settings
            settings2.outputTokens = try whole("outputTokens")
            // A whole-page `generate` run gives its decode wall per token and no kernels.
            let generate = stage == "generate"
            let wall = generate
                ? number(run["decodeSecondsPerToken"])
                : (run["stageSeconds"] as? [String: Any]).flatMap { number($0["median"]) }
            if let wall, !(wall.isFinite && wall > 0) {
                throw ModelMeterError.malformedValue(what: "wall time of run \(name) in \(file)", value: "\(wall)", expected: "a finite number of seconds > 0")
            }
            return MeasuredStage(
                name: name, modelStage: generate ? nil : stage, file: file, calls: 1, kernels: kernels, settings: settings2,
                wallSecondsPerCall: wall, wallSource: wall == nil ? nil : file, runtime: run["runtime"] as? String ?? "hf-eager")
        }
        let environment = provenance?["environment"] as? [String: Any]
        return (stages, provenance?["gpu"] as? String ?? environment?["gpu"] as? String)
    }
}
